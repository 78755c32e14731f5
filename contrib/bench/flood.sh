#!/bin/sh
# flood.sh - speed and peak memory of fanin under spoofed floods.
#
# Usage: contrib/bench/flood.sh [WORKDIR]     (default /tmp/fanin-flood)
#
# Generates two Zeek TSV conn.logs of RDP connections spread over three
# days (kept in WORKDIR, so a second run only times):
#   sources.log  SOURCES (default 10,000,000) distinct sources to one
#                destination
#   dests.log    DESTS (default 1,000,000) destinations, three sources
#                each, against the default --max-destinations (500,000)
# and prints, for each, fanin's seconds, MB/s, peak RSS (GNU time) and
# the --stats figures that show the caps at work.  Needs gawk or mawk and
# the Debian package time.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${1:-/tmp/fanin-flood}
FANIN=${FANIN:-$top/src/fanin}
SOURCES=${SOURCES:-10000000}
DESTS=${DESTS:-1000000}
mkdir -p "$work"

# gen MODE N: the log, written by awk.
gen() {
	printf '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n'
	printf '#unset_field\t-\n#path\tconn\n#open\t2026-01-01-00-00-00\n'
	printf '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p'
	printf '\tproto\tservice\tduration\tconn_state\torig_pkts\tresp_pkts\n'
	printf '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring'
	printf '\tinterval\tstring\tcount\tcount\n'
	awk -v mode="$1" -v n="$2" 'BEGIN {
		OFS = "\t"; t0 = 1767225600
		for (i = 0; i < n; i++) {
			if (mode == "sources") {
				s = i; d = 1
			} else {
				s = i % 3; d = int(i / 3)
			}
			printf "%.6f\tC%d\t%d.%d.%d.%d\t%d\t10.%d.%d.%d\t3389" \
			    "\ttcp\trdp\t1.0\tSF\t5\t5\n", t0 + i * 259200.0 / n,
			    i, 1 + int(s / 16777216) % 200, int(s / 65536) % 256,
			    int(s / 256) % 256, s % 256, 1024 + i % 60000,
			    int(d / 65536) % 256, int(d / 256) % 256, d % 256
		}
	}'
}

[ -s "$work/sources.log" ] || gen sources "$SOURCES" > "$work/sources.log"
[ -s "$work/dests.log" ] || gen dests "$((DESTS * 3))" > "$work/dests.log"

printf '| flood | MB | seconds | MB/s | peak RSS | from --stats |\n'
printf '|---|---|---|---|---|---|\n'
for f in sources dests; do
	/usr/bin/time -f '%e %M' -o "$work/$f.time" "$FANIN" --stats \
	    -o /dev/null "$work/$f.log" 2> "$work/$f.stats"
	mb=$(($(wc -c < "$work/$f.log") / 1000000))
	set -- $(cat "$work/$f.time")
	figures=$(grep '^total' "$work/$f.stats" | tr ' ' '\n' |
	    grep -E '^(destinations|model_bytes|evicted_destinations)=' |
	    tr '\n' ' ')
	awk -v f="$f" -v mb="$mb" -v s="$1" -v kb="$2" -v fig="$figures" \
	    'BEGIN { printf "| %s | %d | %.1f | %.0f | %.0f MB | %s|\n", f,
	    mb, s, mb / s, kb / 1024, fig }'
done
