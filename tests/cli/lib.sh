# lib.sh - shared by the scenario tests: where things are, how to skip,
# how to check, and converters that write one list of connections as
# Zeek TSV, Zeek JSON (epoch or ISO ts) and Suricata eve.
#
# A connection list is tab separated, one connection a line:
#   ts uid src sport dst dport proto service duration state opkts rpkts
# (service "-" when none).

: "${FANIN:=$(pwd)/src/fanin}"
: "${SRCDIR:=$(pwd)}"
: "${SHARED:=$SRCDIR/../shared}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/fanin-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
FAILED=0
CHECKS=0

# FANIN_VALGRIND, when set, is a valgrind command line (make
# check-valgrind sets it): every run of $FANIN goes through it, each
# process logging to its own file so the messages the tests read are
# untouched, and finish fails on any log whose error summary is not 0.
if [ -n "${FANIN_VALGRIND:-}" ]; then
	mkdir "$TMP/valgrind"
	printf '#!/bin/sh\nexec %s --log-file="%s/%%p.log" "%s" "$@"\n' \
	    "$FANIN_VALGRIND" "$TMP/valgrind" "$FANIN" > "$TMP/fanin"
	chmod +x "$TMP/fanin"
	FANIN=$TMP/fanin
fi

# WAITS: how many tenths of a second a scenario waits for fanin to do
# something before it gives up and checks: 10 s, 60 s under valgrind.
WAITS=100
[ -z "${FANIN_VALGRIND:-}" ] || WAITS=600

# lines FILE: its line count.
lines() {
	if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi
}

# wait_until CMD...: run CMD every 0.1 s until it succeeds (WAITS).
wait_until() {
	i=0
	while ! "$@" && [ $i -lt "$WAITS" ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# has_lines FILE N: true when FILE has at least N lines.
has_lines() {
	[ "$(lines "$1")" -ge "$2" ]
}

# wait_lines FILE N: wait until FILE has at least N lines (WAITS).
wait_lines() {
	wait_until has_lines "$1" "$2"
}

# ended PID: true when the process is gone.
ended() {
	! kill -0 "$1" 2>/dev/null
}

# sigterm_ends NAME CMD...: start CMD (a fanin that waits on a FIFO) in
# the background, send it SIGTERM, and check that it ends (WAITS) with
# status 0 and no error, as SIGTERM ends any run.
sigterm_ends() {
	name=$1
	shift
	"$@" 2> "$TMP/sigterm.err" &
	pid=$!
	sleep 0.3
	kill -TERM "$pid"
	wait_until ended "$pid"
	check "$name: SIGTERM ends fanin" gone \
	    "$(kill -0 "$pid" 2>/dev/null && echo running || echo gone)"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	check "$name: status 0, no error" "0 0" \
	    "$? $(grep -c 'error' "$TMP/sigterm.err")"
}

# under_valgrind: true when $FANIN runs under valgrind.
under_valgrind() {
	[ -n "${FANIN_VALGRIND:-}" ]
}

# valgrind_errors: the logs of runs that ended with errors or definite
# leaks (a run killed by SIGKILL writes no summary and is not counted).
valgrind_errors() {
	for log in "$TMP"/valgrind/*.log; do
		[ -f "$log" ] || continue
		grep -q 'ERROR SUMMARY: ' "$log" || continue
		grep -q 'ERROR SUMMARY: 0 errors' "$log" || echo "$log"
	done
}

# Skip the whole script (automake's 77) when ../shared is not there.
need_shared() {
	[ -d "$SHARED/cases" ] || { echo "SKIP: no $SHARED"; exit 77; }
}

# check NAME EXPECTED ACTUAL: compare and report; false when they differ.
check() {
	CHECKS=$((CHECKS + 1))
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
	else
		echo "FAIL - $1: expected '$2', got '$3'"
		FAILED=$((FAILED + 1))
		return 1
	fi
}

# finish: exit with the tally.
finish() {
	if under_valgrind && [ -n "$(ls "$TMP/valgrind")" ]; then
		bad=$(valgrind_errors)
		for log in $bad; do
			cat "$log"
		done
		runs=$(ls "$TMP/valgrind" | wc -l | tr -d ' ')
		check "valgrind: $runs runs, none with errors or definite leaks" \
		    0 "$(echo "$bad" | grep -c .)"
	fi
	echo "$((CHECKS - FAILED)) passed, $FAILED failed"
	[ "$FAILED" = 0 ]
}

# stat_total KEY STATSFILE: a key of the "total" line of --stats.
stat_total() {
	sed -n "s/^total.* $1=\([^ ]*\).*/\1/p" "$2"
}

# stat_file PATHPART KEY STATSFILE: a key of a file's line of --stats.
stat_file() {
	grep "^file=[^ ]*$1 " "$3" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"
}

# counted_sources EVENTS: distinct counted source addresses, sorted.
counted_sources() {
	jq -r 'select(.fanin.counted) | .source.ip' "$1" | sort -u |
	    tr '\n' ' ' | sed 's/ $//'
}

# all_sources EVENTS: every event's source address, in order.
all_sources() {
	jq -r '.source.ip' "$1" | tr '\n' ' ' | sed 's/ $//'
}

# The awk function that turns epoch seconds into ISO 8601 UTC.
AWK_ISO='
function iso(t,   s, f, days, z, era, doe, yoe, doy, mp, d, m, y) {
	s = int(t); f = t - s
	days = int(s / 86400); s -= days * 86400
	z = days + 719468; era = int(z / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe/1460) + int(doe/36524) - int(doe/146096)) / 365)
	y = yoe + era * 400; doy = doe - (365*yoe + int(yoe/4) - int(yoe/100))
	mp = int((5*doy + 2)/153); d = doy - int((153*mp+2)/5) + 1
	m = mp < 10 ? mp + 3 : mp - 9; if (m <= 2) y++
	return sprintf("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", y, m, d,
	    int(s/3600), int(s%3600/60), s%60, int(f * 1000000 + 0.5))
}'

# to_zeek_tsv < LIST: a Zeek conn.log.
to_zeek_tsv() {
	printf '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n'
	printf '#unset_field\t-\n#path\tconn\n#open\t2026-01-01-00-00-00\n'
	printf '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p'
	printf '\tproto\tservice\tduration\torig_bytes\tresp_bytes'
	printf '\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory'
	printf '\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes'
	printf '\ttunnel_parents\n'
	printf '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring'
	printf '\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring'
	printf '\tcount\tcount\tcount\tcount\tset[string]\n'
	awk -F'\t' -v OFS='\t' '{
		print $1, $2, $3, $4, $5, $6, $7, $8, $9, $11 * 100,
		    $12 * 100, $10, "T", "T", 0, "ShADadFf", $11, $11 * 140,
		    $12, $12 * 140, "-"
	}'
	printf '#close\t2026-01-01-00-00-00\n'
}

# to_zeek_json iso|epoch < LIST: a Zeek JSON conn.log.
to_zeek_json() {
	awk -F'\t' -v mode="$1" "$AWK_ISO"'
	{
		ts = mode == "iso" ? "\"" iso($1) "\"" : $1
		svc = $8 == "-" ? "" : ",\"service\":\"" $8 "\""
		printf "{\"_path\":\"conn\",\"ts\":%s,\"uid\":\"%s\",", ts, $2
		printf "\"id.orig_h\":\"%s\",\"id.orig_p\":%d,", $3, $4
		printf "\"id.resp_h\":\"%s\",\"id.resp_p\":%d,", $5, $6
		printf "\"proto\":\"%s\"%s,\"duration\":%s,", $7, svc, $9
		printf "\"conn_state\":\"%s\",\"orig_pkts\":%d,", $10, $11
		printf "\"resp_pkts\":%d}\n", $12
	}'
}

# to_eve < LIST: Suricata eve flow events (flow_id from the line number).
to_eve() {
	awk -F'\t' "$AWK_ISO"'
	{
		tc = $10 == "SF" ? "1b" : ($10 == "REJ" ? "14" : "00")
		app = $8 == "-" ? "" : ",\"app_proto\":\"" $8 "\""
		printf "{\"timestamp\":\"%s\",\"flow_id\":%d,", iso($1 + $9), \
		    1000000 + NR
		printf "\"event_type\":\"flow\",\"src_ip\":\"%s\",", $3
		printf "\"src_port\":%d,\"dest_ip\":\"%s\",", $4, $5
		printf "\"dest_port\":%d,\"proto\":\"%s\"%s,", $6, toupper($7), app
		printf "\"flow\":{\"pkts_toserver\":%d,", $11
		printf "\"pkts_toclient\":%d,\"start\":\"%s\",", $12, iso($1)
		printf "\"end\":\"%s\",\"state\":\"closed\"},", iso($1 + $9)
		printf "\"tcp\":{\"tcp_flags\":\"1b\",\"tcp_flags_ts\":\"1b\","
		printf "\"tcp_flags_tc\":\"%s\"}}\n", tc
	}'
}
