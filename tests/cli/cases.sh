#!/bin/sh
# cases.sh - the parsing and compression fault cases of ../shared/cases,
# each run through the real binary with the right values asserted.  Run
# with --count-attempts as the cases ask: most rows are attempts.
. "$(dirname "$0")/lib.sh"
need_shared
C="$SHARED/cases"

# run_case NAME PATH...: events in $TMP/NAME.ev, stats in $TMP/NAME.st.
run_case() {
	name=$1
	shift
	"$FANIN" --count-attempts --stats --threshold=0 --min-sources=100 \
	    -o "$TMP/$name.al" --events="$TMP/$name.ev" "$@" \
	    2> "$TMP/$name.st"
	echo $? > "$TMP/$name.rc"
	touch "$TMP/$name.ev"
}

run_case nul "$C/03-nul-hole-after-copytruncate/eve.json"
check "03 NUL hole: the three flows" \
    "198.51.100.10 198.51.100.11 198.51.100.12" "$(all_sources "$TMP/nul.ev")"
check "03 NUL hole: NUL bytes counted" 200000 \
    "$(stat_total nul_bytes "$TMP/nul.st")"

run_case long "$C/10-long-line/eve.json"
check "10 long line: four flows" \
    "198.51.100.11 198.51.100.12 198.51.100.13 198.51.100.14" \
    "$(all_sources "$TMP/long.ev")"
check "10 long line: one long line counted" 1 \
    "$(stat_total long_lines "$TMP/long.st")"
check "10 long line: said with its line and offset" 1 \
    "$(grep -c 'line=2 offset=445 longer than --max-line' "$TMP/long.st")"
check "03 NUL hole: said with its line" 1 \
    "$(grep -c 'line=1 NUL bytes skipped' "$TMP/nul.st")"

# A \u0000 in a string an attacker chooses (an RDP cookie) is valid JSON:
# the record counts, in Zeek JSON and in eve.
{
	printf '{"ts":1767607201.0,"uid":"CN1","id.orig_h":"198.51.100.11",'
	printf '"id.orig_p":44002,"id.resp_h":"203.0.113.5","id.resp_p":3389,'
	printf '"cookie":"a\\u0000b","result":"Success"}\n'
	printf '{"timestamp":"2026-01-05T10:00:04.000000+0000","flow_id":9002,'
	printf '"event_type":"rdp","src_ip":"198.51.100.12","src_port":44002,'
	printf '"dest_ip":"203.0.113.5","dest_port":3389,"proto":"TCP","rdp":'
	printf '{"tx_id":0,"event_type":"initial_request","cookie":"x\\u0000"}}\n'
} > "$TMP/nulcookie.json"
run_case nulcookie "$TMP/nulcookie.json"
check "cookie holding \\u0000: both records counted, none rejected" "2 0" \
    "$(stat_total counted "$TMP/nulcookie.st") \
$(stat_total rejected "$TMP/nulcookie.st")"

# The class: every skipped line is said with its number, in the order of
# the lines: a bad record (2), the long line (3), another bad record (4),
# a record holding a NUL byte (5, the NUL dropped, the record kept).
E="$C/10-long-line/eve.json"
{
	sed -n 1p "$E"
	echo '{"event_type":"flow","dest_port":3389,"src_ip":'
	sed -n 2p "$E"
	echo '{"event_type":"flow","dest_port":3389,"src_ip":"x'
	sed -n 3p "$E" | sed 's/"proto"/"pr\x00oto"/'
	sed -n 4p "$E"
} > "$TMP/order.json"
run_case order "$TMP/order.json"
check "skipped lines: each said, in order" "2 3 4 5" \
    "$(grep -o 'line=[0-9]*' "$TMP/order.st" | cut -d= -f2 | tr '\n' ' ' |
    sed 's/ $//')"
check "skipped lines: the record with a NUL kept" 3 "$(lines "$TMP/order.ev")"

run_case closed "$C/11-partial-last-line/closed/eve.json.1"
check "11 finished file: last unterminated line read" \
    "198.51.100.10 198.51.100.11" "$(all_sources "$TMP/closed.ev")"

run_case poison "$C/12-poison-line/eve.json"
check "12 poison line: the good lines after it" \
    "198.51.100.12 198.51.100.13" "$(all_sources "$TMP/poison.ev")"
check "12 poison line: rejected once" 1 \
    "$(stat_total rejected "$TMP/poison.st")"

run_case fields "$C/13-tsv-field-count-mismatch/conn.log"
check "13 field count: four rows kept" \
    "198.51.100.10 198.51.100.11 198.51.100.12 198.51.100.14" \
    "$(all_sources "$TMP/fields.ev")"
check "13 field count: the row without destination rejected" 1 \
    "$(stat_total rejected "$TMP/fields.st")"

run_case sentinels "$C/15-zeek-tsv-sentinels/conn.log"
check "15 sentinels: service per row, as written" \
    '-|ssl,http|(empty)|-|rdp\tx' \
    "$(jq -r '.fanin.service // "-"' "$TMP/sentinels.ev" |
    sed 's/\t/\\t/' | tr '\n' '|' | sed 's/|$//')"
check "15 sentinels: network.protocol, one name" \
    '-|ssl|(empty)|-|rdp\tx' \
    "$(jq -r '.network.protocol // "-"' "$TMP/sentinels.ev" |
    sed 's/\t/\\t/' | tr '\n' '|' | sed 's/|$//')"

run_case iso "$C/17-ts-iso8601/conn.log"
check "17 ISO timestamps: every form parsed" \
    "2026-01-05T10:00:00.000000Z 2026-01-05T10:00:00.500000Z 2026-01-05T10:00:01.000000Z 2026-01-05T10:00:02.250000Z" \
    "$(jq -r '.["@timestamp"]' "$TMP/iso.ev" | tr '\n' ' ' | sed 's/ $//')"

run_case v6 "$C/19-ipv6-forms-zone/eve.json"
check "19 IPv6 forms: four distinct sources, canonical" \
    "192.0.2.33 2001:db8::10 2001:db8::11 fe80::1" \
    "$(counted_sources "$TMP/v6.ev")"
check "19 IPv6 forms: one destination, canonical" "2001:db8::5" \
    "$(jq -r .destination.ip "$TMP/v6.ev" | sort -u)"
run_case v6conn "$C/19-ipv6-forms-zone/conn.log"
check "19 IPv6 conn.log: both rows" "2001:db8::5 ff02::fb" \
    "$(jq -r .destination.ip "$TMP/v6conn.ev" | sort -u | tr '\n' ' ' |
    sed 's/ $//')"

run_case icmp "$C/20-icmp-no-ports/eve.json" "$C/20-icmp-no-ports/conn.log"
check "20 ICMP: no port on ICMP events" 0 \
    "$(jq -r 'select(.network.transport | test("icmp")) |
    (.source.port, .destination.port) // empty' "$TMP/icmp.ev" | wc -l |
    tr -d ' ')"
check "20 ICMP: only tcp/3389 counts" "198.51.100.11" \
    "$(counted_sources "$TMP/icmp.ev")"

run_case ipless "$C/21-non-flow-and-ipless-events/eve.json"
check "21 IP-less: one flow and one rdp event" \
    "suricata.flow 198.51.100.11|suricata.rdp 198.51.100.12" \
    "$(jq -r '"\(.event.dataset) \(.source.ip)"' "$TMP/ipless.ev" |
    tr '\n' '|' | sed 's/|$//')"
check "21 IP-less: the empty src_ip rejected" 1 \
    "$(stat_total rejected "$TMP/ipless.st")"

run_case states "$C/22-conn-state-mapping/conn.log"
check "22 conn states: 13 events" 13 \
    "$(wc -l < "$TMP/states.ev" | tr -d ' ')"
check "22 conn states: 13 distinct with attempts" 13 \
    "$(counted_sources "$TMP/states.ev" | wc -w | tr -d ' ')"
check "22 conn states: raw state kept" \
    "S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH" \
    "$(jq -r .fanin.state "$TMP/states.ev" | tr '\n' ' ' | sed 's/ $//')"
"$FANIN" --events="$TMP/est.ev" -o /dev/null \
    "$C/22-conn-state-mapping/conn.log" 2>/dev/null
check "22 conn states: established ones by default" \
    "198.51.100.11 198.51.100.12 198.51.100.14 198.51.100.15 198.51.100.16 198.51.100.17" \
    "$(counted_sources "$TMP/est.ev")"

run_case unset "$C/23-unset-null-vs-missing/conn.log"
check "23 unset/null/missing: five events" 5 \
    "$(wc -l < "$TMP/unset.ev" | tr -d ' ')"
check "23 unset/null/missing: five distinct" 5 \
    "$(counted_sources "$TMP/unset.ev" | wc -w | tr -d ' ')"
check "23 unset/null/missing: no null or empty text" 0 \
    "$(grep -c -e ':null' -e ':""' "$TMP/unset.ev")"

run_case deep "$C/25-json-deep-nesting/eve.json"
check "25 deep nesting: lines 1 and 3" "198.51.100.11 198.51.100.12" \
    "$(all_sources "$TMP/deep.ev")"
check "25 deep nesting: line 2 rejected" 1 \
    "$(stat_total rejected "$TMP/deep.st")"

run_case members "$C/26-gzip-multi-member/conn.10:00:00-11:00:00.log.gz"
check "26 gzip members: six events" \
    "198.51.100.10 198.51.100.11 198.51.100.12 198.51.100.13 198.51.100.14 198.51.100.15" \
    "$(all_sources "$TMP/members.ev")"

run_case zcomplete "$C/28-zstd-truncated-or-growing/complete.conn.log.zst"
check "28 zstd complete: 1500 events" 1500 \
    "$(wc -l < "$TMP/zcomplete.ev" | tr -d ' ')"
check "28 zstd complete: exit 0" 0 "$(cat "$TMP/zcomplete.rc")"
run_case zcut "$C/28-zstd-truncated-or-growing/truncated.conn.log.zst"
check "28 zstd cut: 1032 events" 1032 \
    "$(wc -l < "$TMP/zcut.ev" | tr -d ' ')"
check "28 zstd cut: exit 1" 1 "$(cat "$TMP/zcut.rc")"
check "28 zstd cut: reported" 1 "$(grep -c 'truncated zstd' "$TMP/zcut.st")"

run_case blocks "$C/31-header-change-mid-file/conn.log"
check "31 header change: four rows, by name" \
    "198.51.100.10 198.51.100.11 198.51.100.15 198.51.100.16" \
    "$(all_sources "$TMP/blocks.ev")"
check "31 header change: no community id as service" 0 \
    "$(grep -c '1:AAAA' "$TMP/blocks.ev")"

# Case 07 replayed: the live file and its rotated gzip copy hold the same
# connections; distinct counting is by set, and one alert at most.
"$FANIN" --count-attempts --threshold=0 --min-sources=4 -o "$TMP/dup.al" \
    "$C/07-rotated-compressed-duplicate" 2>/dev/null
check "07 duplicate copy: one alert" 1 "$(wc -l < "$TMP/dup.al" | tr -d ' ')"
check "07 duplicate copy: four distinct sources, not eight" 4 \
    "$(jq -r .fanin.distinct_sources "$TMP/dup.al")"
"$FANIN" --count-attempts --threshold=0 --min-sources=4 -o "$TMP/dup2.al" \
    --events="$TMP/dup.ev" "$C/07-rotated-compressed-duplicate" \
    2> "$TMP/dup.err"
check "07 duplicate copy: four connections, four events" "4 4" \
    "$(jq -r .fanin.connections "$TMP/dup2.al") $(wc -l < "$TMP/dup.ev" |
    tr -d ' ')"
check "07 duplicate copy: said" 1 "$(grep -c 'nothing read twice' \
    "$TMP/dup.err")"

# The class: a live file and its copies, whatever their compression,
# length or order on the command line; each connection counts once.
# Six connections; "early" is a copy of the live file taken when only
# four were there (no #close yet), conn.3 one taken after two.
mkdir "$TMP/copies"
awk 'BEGIN { OFS = "\t"; for (i = 1; i <= 6; i++)
	print 1767607200 + i, "Cc" i, "198.51.100." i, 50000 + i,
	    "203.0.113.9", 3389, "tcp", "rdp", 2, "SF", 5, 5 }' \
    > "$TMP/copies.list"
to_zeek_tsv < "$TMP/copies.list" > "$TMP/copies/conn.log"
head -n 12 "$TMP/copies/conn.log" > "$TMP/early.log"
gzip -c "$TMP/copies/conn.log" > "$TMP/copies/conn.1.log.gz"
zstd -q -c "$TMP/copies/conn.log" > "$TMP/copies/conn.2.log.zst"
zstd -q -c "$TMP/early.log" > "$TMP/copies/conn.0.log.zst"
head -n 10 "$TMP/early.log" | gzip -c > "$TMP/copies/conn.3.log.gz"
for order in "conn.log conn.1.log.gz conn.2.log.zst conn.0.log.zst \
    conn.3.log.gz" "conn.3.log.gz conn.0.log.zst conn.2.log.zst conn.log \
    conn.1.log.gz"; do
	set --
	for f in $order; do set -- "$@" "$TMP/copies/$f"; done
	"$FANIN" --threshold=0 --min-sources=6 --events="$TMP/copies.ev" \
	    -o "$TMP/copies.al" "$@" 2> "$TMP/copies.err"
	first=${order%% *}
	check "copies from $first: six events, each uid once" "6 6" \
	    "$(wc -l < "$TMP/copies.ev" | tr -d ' ') $(jq -r .event.id \
	    "$TMP/copies.ev" | sort -u | wc -l | tr -d ' ')"
	check "copies from $first: one alert of 6 sources, 6 connections" \
	    "1 6 6" "$(wc -l < "$TMP/copies.al" | tr -d ' ') $(jq -r \
	    '"\(.fanin.distinct_sources) \(.fanin.connections)"' \
	    "$TMP/copies.al")"
	rm -f "$TMP/copies.ev" "$TMP/copies.al"
done

# Files that are not logs are nobody's copy: two JSON arrays of alerts
# that start alike, and two identical licences, are each unrecognised.
mkdir "$TMP/notlogs"
printf '[\n{"a": 1},\n{"a": 2}\n]\n' > "$TMP/notlogs/one.json"
printf '[\n{"a": 1},\n{"b": 3}\n]\n' | gzip -c > "$TMP/notlogs/two.json.gz"
printf 'Copyright\n\nPermission is granted.\n' > "$TMP/notlogs/LICENSE"
cp "$TMP/notlogs/LICENSE" "$TMP/notlogs/COPYING"
"$FANIN" --stats -o /dev/null "$TMP/notlogs" 2> "$TMP/notlogs.err"
check "not logs: four unrecognised, nothing rejected" "4 0" \
    "$(stat_total unrecognised "$TMP/notlogs.err") $(stat_total rejected \
    "$TMP/notlogs.err")"
check "not logs: no copy found" 0 \
    "$(grep -c 'nothing read twice' "$TMP/notlogs.err")"

# Files that share only their first record are not copies: a second
# log whose first row is the same and the rest differ is read whole.
{ head -n 1 "$TMP/copies.list"; awk 'BEGIN { OFS = "\t"
	for (i = 7; i <= 9; i++)
	print 1767607200 + i, "Cc" i, "198.51.100." i, 50000 + i,
	    "203.0.113.9", 3389, "tcp", "rdp", 2, "SF", 5, 5 }'; } |
    to_zeek_tsv > "$TMP/other.log"
"$FANIN" --threshold=0 --min-sources=9 --events="$TMP/other.ev" \
    -o "$TMP/other.al" "$TMP/copies/conn.log" "$TMP/other.log" 2>/dev/null
check "same first record only: 6 + 4 events, 9 sources" "10 9" \
    "$(wc -l < "$TMP/other.ev" | tr -d ' ') $(jq -r \
    .fanin.distinct_sources "$TMP/other.al")"
finish
