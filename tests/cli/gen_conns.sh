#!/bin/sh
# gen_conns.sh - a deterministic connection list (see lib.sh) of three
# days: six servers that each see two regular RDP users per 6-hour bucket,
# an IPv6 server, web traffic that is not RDP, refused RDP attempts from
# the Internet, and on the third day, at 10:00, fifteen new sources that
# reach 10.1.0.3 within ten minutes.
awk 'BEGIN {
	OFS = "\t"; OFMT = "%.6f"; CONVFMT = "%.6f"
	base = 1767225600; n = 0
	for (d = 0; d < 3; d++) for (b = 0; b < 4; b++) for (s = 1; s <= 6; s++)
	for (k = 0; k < 2; k++) {
		t = base + d * 86400 + b * 21600 + s * 600 + k * 1800 + 0.25
		src = "10.2.0." (1 + (d + b + k + s) % 3 + k * 3)
		print t, "C" (n++), src, 50000 + n % 9000, "10.1.0." s, 3389,
		    "tcp", "rdp", 120.5, "SF", 40, 38
		print t + 1, "C" (n++), src, 51000 + n % 9000, "10.1.0." s, 443,
		    "tcp", "ssl", 2.5, "SF", 12, 10
	}
	for (d = 0; d < 3; d++) for (b = 0; b < 4; b++) for (k = 0; k < 2; k++) {
		t = base + d * 86400 + b * 21600 + 7200 + k * 60 + 0.5
		print t, "C" (n++), "2001:db8::" (10 + k), 52000 + n % 9000,
		    "2001:db8::5", 3389, "tcp", "-", 300, "SF", 90, 88
	}
	for (i = 0; i < 30; i++) {
		t = base + i * 7000 + 3.75
		print t, "C" (n++), "198.51.100." (10 + i), 40000 + i,
		    "10.1.0.9", 3389, "tcp", "-", 0.001, "REJ", 1, 1
	}
	for (i = 1; i <= 15; i++) {
		t = base + 2 * 86400 + 10 * 3600 + i * 37 + 0.125
		print t, "C" (n++), "10.3.0." i, 49000 + i, "10.1.0.3", 3389,
		    "tcp", "rdp", 30, "SF", 25, 24
	}
}' | sort -n -k1,1
