#!/bin/sh
# flood.sh - spoofed floods stay within the memory caps and do not blind
# the detector.  After a day of ten quiet servers (one administrator
# each, so the learning ends), one of two floods in the hour from 12:00
# of the second day, then ten new sources on the quiet server 10.1.0.2
# at 14:00, a spike that must still alert:
#   sources       600,000 spoofed sources to the server 10.1.0.1; past
#                 2^19 connections pending, the table that pairs a
#                 connection's records is emptied (bounded at 16 MiB)
#   destinations  100,000 destinations, one connection each, with
#                 --max-destinations=1000 (10.1.0.2 is evicted too,
#                 and comes back judged as a newcomer)
# Nothing is timed (contrib/bench/flood.sh measures speed and memory).
. "$(dirname "$0")/lib.sh"

# flood MODE N: the connection list.
flood() {
	awk -v mode="$1" -v n="$2" 'BEGIN {
		OFS = "\t"; t0 = 1767225600
		for (h = 0; h < 24; h++) for (d = 1; d <= 10; d++)
			print t0 + h * 3600 + d, "Cq" h "x" d, "10.9.0." d,
			    50000, "10.1.0." d, 3389, "tcp", "rdp", 1, "SF", 5, 5
		t = t0 + 86400 + 12 * 3600
		for (i = 0; i < n; i++) {
			if (mode == "sources") {
				src = sprintf("%d.%d.%d.%d", 11 + int(i / 65536),
				    int(i / 256) % 256, i % 256, 1 + i % 7)
				dst = "10.1.0.1"
			} else {
				src = "10.9.0.1"
				dst = sprintf("10.%d.%d.%d", 100 + int(i / 65536),
				    int(i / 256) % 256, i % 256)
			}
			print t + i * 3600.0 / n, "Cf" i, src, 1024 + i % 60000,
			    dst, 3389, "tcp", "rdp", 1, "SF", 5, 5
		}
		for (i = 1; i <= 10; i++)
			print t + 7200 + i * 60, "Cs" i, "10.8.0." i, 50000,
			    "10.1.0.2", 3389, "tcp", "rdp", 1, "SF", 5, 5
	}' | to_zeek_tsv
}

flood sources 600000 > "$TMP/sources.log"
"$FANIN" --stats -o "$TMP/sources.al" "$TMP/sources.log" 2> "$TMP/sources.st"
check "sources flood: exit 0" 0 "$?"
check "sources flood: every connection read and counted" "600250 600250" \
    "$(stat_total events "$TMP/sources.st") $(stat_total counted \
    "$TMP/sources.st")"
check "sources flood: ten destinations tracked" 10 \
    "$(stat_total destinations "$TMP/sources.st")"
BYTES=$(stat_total model_bytes "$TMP/sources.st")
check "sources flood: model within 20 MB ($BYTES bytes)" yes \
    "$([ "$BYTES" -lt 20000000 ] && echo yes)"
check "sources flood: the flooded server alerts once, then the spike" \
    "10.1.0.1 6 73
10.1.0.2 6 73" "$(jq -r '"\(.destination.ip) \(.fanin.distinct_sources)" +
    " \(.fanin.score)"' "$TMP/sources.al")"

flood destinations 100000 > "$TMP/dests.log"
"$FANIN" --stats --max-destinations=1000 -o "$TMP/dests.al" \
    "$TMP/dests.log" 2> "$TMP/dests.st"
check "destinations flood: exit 0" 0 "$?"
check "destinations flood: at the cap, the rest evicted" "1000 99011" \
    "$(stat_total destinations "$TMP/dests.st") $(stat_total \
    evicted_destinations "$TMP/dests.st")"
check "destinations flood: the spike after it still alerts" "10.1.0.2" \
    "$(jq -r .destination.ip "$TMP/dests.al")"
finish
