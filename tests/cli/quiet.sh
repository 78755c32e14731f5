#!/bin/sh
# quiet.sh - traffic that must raise no alert at the default settings:
# the real WRCCDC, CTU and RITA days (with --count-attempts too; the CTU
# days also as one directory, a capture timed from 1970 first), one
# source fanning out to 40 hosts, three sources making 60 connections
# each, and a jump host the same colleagues use every morning, from its
# third morning on.
. "$(dirname "$0")/lib.sh"

# alerts NAME OPTION... PATH...: how many alerts fanin raises.
alerts() {
	name=$1
	shift
	"$FANIN" -o "$TMP/$name.al" "$@" 2> /dev/null
	wc -l < "$TMP/$name.al" | tr -d ' '
}

# A day of two admins on each of six servers, then on the second day
# one source sweeping 40 hosts and three sources hammering one.
awk 'BEGIN {
	OFS = "\t"; OFMT = "%.6f"; CONVFMT = "%.6f"; base = 1767225600
	for (h = 0; h < 48; h++) for (s = 1; s <= 6; s++)
		print base + h * 3600 + s * 60, "Q" n++, "10.2.0." (h % 2 + 1),
		    50000 + n % 9000, "10.1.0." s, 3389, "tcp", "rdp", 60,
		    "SF", 30, 30
	for (i = 1; i <= 40; i++)
		print base + 86400 + 36000 + i * 20, "F" n++, "10.3.0.9",
		    50000 + i, "10.1.1." i, 3389, "tcp", "rdp", 30, "SF", 20, 20
	for (k = 1; k <= 3; k++) for (i = 0; i < 60; i++)
		print base + 86400 + 43200 + k * 7 + i * 50, "H" n++,
		    "10.3.1." k, 40000 + i, "10.1.0.2", 3389, "tcp", "rdp",
		    5, "SF", 10, 10
}' | sort -n -k1,1 | to_zeek_tsv > "$TMP/sweep.log"
check "one source to 40 hosts, three making 60 each: no alert" 0 \
    "$(alerts sweep "$TMP/sweep.log")"

# A jump host the same 20 colleagues use 08:00-10:00 every morning for
# five days, with learning cut to an hour: quiet from the third morning.
awk 'BEGIN {
	OFS = "\t"; OFMT = "%.6f"; CONVFMT = "%.6f"; base = 1767225600
	srand(7)
	for (d = 0; d < 5; d++) for (k = 1; k <= 20; k++)
		print base + d * 86400 + 28800 + int(rand() * 7200), "J" n++,
		    "10.4.0." k, 50000 + n % 9000, "10.1.2.1", 3389, "tcp",
		    "rdp", 900, "SF", 300, 300
	for (h = 0; h < 120; h++)
		print base + h * 3600, "D" n++, "10.4.0.99", 53000, "10.0.0.53",
		    53, "udp", "dns", 0.1, "SF", 1, 1
}' | sort -n -k1,1 | to_zeek_tsv > "$TMP/jump.log"
"$FANIN" --learning=1h -o "$TMP/jump.al" "$TMP/jump.log" 2> /dev/null
check "jump host: no alert from the third morning on" "" \
    "$(jq -r 'select(.["@timestamp"] >= "2026-01-03") | .["@timestamp"]' \
    "$TMP/jump.al")"

[ -d "$SHARED/data/zeek" ] || { finish; exit $?; }
Z=$SHARED/data/zeek
check "wrccdc rdp.log: no alert" 0 \
    "$(alerts wrccdc "$Z/wrccdc-2018/rdp.log.gz")"
check "CTU port-scan day: no alert" 0 \
    "$(alerts scan "$Z"/ctu-normal/002-*.json.log.gz)"
check "CTU port-scan day, attempts: no alert" 0 \
    "$(alerts scana --count-attempts "$Z"/ctu-normal/002-*.json.log.gz)"
for days in "008 010" "011 010" "001"; do
	set --
	for d in $days; do
		set -- "$@" "$Z"/ctu-normal/$d-*.log*
	done
	check "CTU $days: no alert" 0 "$(alerts ctu "$@")"
	check "CTU $days, attempts: no alert" 0 \
	    "$(alerts ctua --count-attempts "$@")"
done
# The whole directory: 001's times count from 1970, and it is read first;
# the learning starts again at the 2022 days after a jump that long.
check "CTU directory, 1970 capture first: no alert" 0 \
    "$(alerts ctud "$Z/ctu-normal")"
check "CTU directory, 1970 capture first, attempts: no alert" 0 \
    "$(alerts ctuda --count-attempts "$Z/ctu-normal")"
check "RITA days: no alert" 0 "$(alerts rita "$Z/rita-sensor")"
check "RITA days, attempts: no alert" 0 \
    "$(alerts ritaa --count-attempts "$Z/rita-sensor")"
finish
