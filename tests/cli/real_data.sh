#!/bin/sh
# real_data.sh - the real sensor logs of ../shared/data: every record is
# read or rejected for a reason, checked against an independent count;
# quiet traffic gives no alert; a spike added to a real sensor's days gives
# exactly one.
. "$(dirname "$0")/lib.sh"
need_shared
D="$SHARED/data"

# Independent count: data rows of a (possibly gzipped) Zeek TSV log.
rows() {
	gzip -dcf "$1" | grep -vc '^#'
}

# WRCCDC rdp.log: one host sweeping 21 others; every row an rdp event.
"$FANIN" --stats -o "$TMP/wrccdc.al" "$D/zeek/wrccdc-2018/rdp.log.gz" \
    2> "$TMP/wrccdc.st"
check "wrccdc: every row read" "$(rows "$D/zeek/wrccdc-2018/rdp.log.gz")" \
    "$(stat_total events "$TMP/wrccdc.st")"
check "wrccdc: nothing rejected" 0 "$(stat_total rejected "$TMP/wrccdc.st")"
check "wrccdc: all counted (rdp.log means established)" 4122 \
    "$(stat_total counted "$TMP/wrccdc.st")"
check "wrccdc: no alert" 0 "$(wc -l < "$TMP/wrccdc.al" | tr -d ' ')"

# The RITA sensor days: rows per file match zcat, no alert.
"$FANIN" --stats -o "$TMP/rita.al" "$D/zeek/rita-sensor" 2> "$TMP/rita.st"
check "rita: 48 Zeek TSV files read" 48 \
    "$(grep -c '^file=.* format=zeek-tsv ' "$TMP/rita.st")"
expected=0
for f in "$D"/zeek/rita-sensor/*/*.gz; do
	expected=$((expected + $(rows "$f")))
done
check "rita: every row read (zcat count)" "$expected" \
    "$(stat_total events "$TMP/rita.st")"
check "rita: nothing rejected" 0 "$(stat_total rejected "$TMP/rita.st")"
check "rita: no alert" 0 "$(wc -l < "$TMP/rita.al" | tr -d ' ')"
"$FANIN" --count-attempts -o "$TMP/rita-att.al" "$D/zeek/rita-sensor" \
    2>/dev/null
check "rita with attempts: no alert" 0 \
    "$(wc -l < "$TMP/rita-att.al" | tr -d ' ')"

# The same days with 25 new sources reaching the sensor's address over
# RDP within ten minutes on the second day (added here, said so).
mkdir -p "$TMP/spike"
awk 'BEGIN {
	OFS = "\t"; base = 1713614400
	print "#separator \\x09"
	print "#set_separator\t,"
	print "#empty_field\t(empty)"
	print "#unset_field\t-"
	print "#path\tconn"
	print "#fields\t_node_name\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h" \
	    "\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes" \
	    "\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory" \
	    "\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes" \
	    "\ttunnel_parents"
	for (i = 1; i <= 25; i++)
		printf "worker-eth0-1\t%d.%06d\tCspike%d\t192.0.2.%d\t%d\t" \
		    "64.225.56.201\t3389\ttcp\trdp\t40.5\t4000\t9000\tSF\tF\tT" \
		    "\t0\tShADadFf\t30\t5000\t28\t10000\t-\n", \
		    base + i * 23, 250000, i, i + 10, 50000 + i
}' > "$TMP/spike/conn.12:00:00-13:00:00.log"
"$FANIN" --stats -o "$TMP/spike.al" "$D/zeek/rita-sensor" "$TMP/spike" \
    2> "$TMP/spike.st"
check "rita + spike: exactly one alert" 1 \
    "$(wc -l < "$TMP/spike.al" | tr -d ' ')"
check "rita + spike: for the sensor's address" 64.225.56.201 \
    "$(jq -r .destination.ip "$TMP/spike.al")"
check "rita + spike: in the 12:00-18:00 bucket" \
    "2024-04-20T12:00:00.000000Z 2024-04-20T18:00:00.000000Z" \
    "$(jq -r '"\(.event.start) \(.event.end)"' "$TMP/spike.al")"
check "rita + spike: at the fifth source" "5 2024-04-20T12:01:55.250000Z" \
    "$(jq -r '"\(.fanin.distinct_sources) \(.["@timestamp"])"' "$TMP/spike.al")"

# Suricata eve from slips: 19 flows to 3389, none established.
"$FANIN" --stats -o /dev/null "$D/suricata/slips/test6-malicious.suricata.json.gz" \
    2> "$TMP/slips.st"
check "slips: 19 RDP flows" 19 "$(stat_total rdp_events "$TMP/slips.st")"
check "slips: none established" 0 "$(stat_total counted "$TMP/slips.st")"
check "slips: every flow event read" \
    "$(gzip -dc "$D/suricata/slips/test6-malicious.suricata.json.gz" |
    grep -c '"event_type":"flow"')" "$(stat_total events "$TMP/slips.st")"

# CTU days with labels: two extra columns, every row read.
for f in "$D"/zeek/ctu-normal/0*-zeek-mixed.conn.log.labeled.gz; do
	"$FANIN" --stats -o "$TMP/ctu.al" "$f" 2> "$TMP/ctu.st"
	check "$(basename "$f"): every row read" "$(rows "$f")" \
	    "$(stat_total events "$TMP/ctu.st")"
	check "$(basename "$f"): no alert" 0 \
	    "$(wc -l < "$TMP/ctu.al" | tr -d ' ')"
done

# A pretty-printed array of eve alerts is not a flow log: one message,
# exit 0, no crash.
"$FANIN" --stats -o /dev/null "$D/suricata/alert-samples" 2> "$TMP/arr.st"
check "alert array: exit 0" 0 $?
check "alert array: both files unrecognised" 2 \
    "$(grep '^file=.*alerts-only.* unrecognised=1' "$TMP/arr.st" | wc -l |
    tr -d ' ')"

# Zeek's own test outputs: masked timestamps are rejected records in the
# conn and rdp logs (the ssh logs are not flows and are skipped whole).
"$FANIN" --stats -o /dev/null "$D/zeek/zeek-baselines" 2> "$TMP/zb.st"
check "zeek baselines: exit 0" 0 $?
check "zeek baselines: masked timestamps rejected" \
    "$(grep -h -c 'XXXXXXXXXX' "$D"/zeek/zeek-baselines/*_conn.log \
    "$D"/zeek/zeek-baselines/*_rdp.log |
    awk '{ s += $1 } END { print s }')" \
    "$(grep 'reason=bad-timestamp' "$TMP/zb.st" |
    sed 's/.* count=\([0-9]*\).*/\1/' | awk '{ s += $1 } END { print s+0 }')"

# OTRF APT29: underscore names, one RDP row in state OTH with data both
# ways, which counts as established.
"$FANIN" --stats -o /dev/null "$D/zeek/otrf-apt29" 2> "$TMP/otrf.st"
check "otrf: 64 records" 64 "$(stat_total events "$TMP/otrf.st")"
check "otrf: the OTH RDP row counts" 1 "$(stat_total counted "$TMP/otrf.st")"
finish
