#!/bin/sh
# make-samples.sh - write samples/generated/: two days of an office
# network's RDP as three sensors would log it, with one spike.
#
# Day 1 is Zeek TSV, day 2 Zeek JSON; a Suricata sensor in front of the
# server room logs day 2's afternoon as eve.json, where at 14:00 fourteen
# workstations that never used RDP reach the file server 10.20.0.15
# within eight minutes.  Background: eight servers, each used by two or
# three administrators a 6-hour bucket, web traffic, and Internet
# scanners refused on 3389.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/cli/lib.sh"
out="$top/samples/generated"
mkdir -p "$out"
awk 'BEGIN {
	OFS = "\t"; OFMT = "%.6f"; CONVFMT = "%.6f"
	base = 1767571200; n = 0
	for (d = 0; d < 2; d++) for (h = 0; h < 24; h++) for (s = 11; s <= 18;
	    s++) {
		t = base + d * 86400 + h * 3600 + (s - 10) * 277 + 0.125
		if (h % 2 == 0 && h >= 6 && h <= 20) {
			src = "10.10.1." (1 + (h + s) % 3)
			print t, "CS" (n++), src, 50000 + n % 9000,
			    "10.20.0." s, 3389, "tcp", "rdp", 900.5, "SF",
			    400, 380
		}
		print t + 7, "CW" (n++), "10.10.2." (h + s), 51000 + n % 9000,
		    "10.20.0." s, 443, "tcp", "ssl", 3.25, "SF", 12, 10
		if (h % 5 == 0)
			print t + 11, "CR" (n++), "203.0.113." (h + s + d),
			    40000 + n % 9000, "10.20.0." s, 3389, "tcp", "-",
			    0.0002, "REJ", 1, 1
	}
	for (i = 1; i <= 14; i++)
		print base + 86400 + 14 * 3600 + i * 34 + 0.5, "CX" (n++),
		    "10.10.3." (20 + i), 49000 + i, "10.20.0.15", 3389, "tcp",
		    "rdp", 240, "SF", 200, 190
}' | sort -n -k1,1 > "$TMP/all"
day2=1767657600
eve_from=$((day2 + 12 * 3600))
awk -F'\t' -v e="$day2" '$1 < e' "$TMP/all" | to_zeek_tsv \
    > "$out/zeek-conn.day1.log"
awk -F'\t' -v e="$day2" -v f="$eve_from" '$1 >= e && $1 < f' "$TMP/all" |
    to_zeek_json iso > "$out/zeek-conn.day2-morning.json.log"
awk -F'\t' -v f="$eve_from" '$1 >= f' "$TMP/all" | to_eve |
    sed 's/"event_type":"flow"/"in_iface":"eth1","event_type":"flow"/' \
    > "$out/eve.day2-afternoon.json"
gzip -9nf "$out/zeek-conn.day1.log"
