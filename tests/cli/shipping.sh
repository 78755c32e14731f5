#!/bin/sh
# shipping.sh - fanin's alerts shipped by rsyslog, end to end, across two
# logrotate-style rotations, with contrib/shippers/rsyslog-fanin.conf as
# users copy it (only its file path, collector and port changed by sed).
#
# Two rsyslogd run in the foreground with their own configuration, pid
# file and work directory under $TMP, and no system input (no imuxsock,
# no imklog): the "sensor" runs the contrib file (imfile in inotify mode
# on $TMP/alerts.ndjson, omfwd over TCP); the "collector" listens on a
# loopback port the kernel picks and writes each raw message it receives
# to $TMP/shipped.ndjson.  fanin --follow writes alerts of about 12-13 kB
# (100 sources each, beyond rsyslog's default 8k message size) to
# $TMP/alerts.ndjson in six phases:
#   1  4 alerts;
#      rename to alerts.ndjson.1 (fanin still holds the renamed file)
#   2  3 alerts, into the renamed file; then SIGHUP: fanin opens a new one
#   3  4 alerts;
#      the sensor is stopped (SIGSTOP), a shipper lagging behind
#   4  3 alerts; .1 renamed to .2, alerts.ndjson to .1, a new empty
#      alerts.ndjson created (logrotate's "create")
#   5  2 alerts, into the renamed file; then SIGHUP
#   6  4 alerts; the sensor continued (SIGCONT)
# and then every one of the 20 alerts (7 in .2, 9 in .1, 4 in the live
# file) must have reached the collector exactly once, byte for byte.
# Nothing is timed: each step waits (lib.sh WAITS) for what it must
# produce.  Skipped (77) when rsyslogd is not installed.
#
# Not tested, because it fails: a live (not lagging) imfile leaves the
# renamed file as soon as a new file of its name appears, so with
# logrotate's create an alert fanin writes between the create and its
# SIGHUP is never shipped (see the contrib file).
. "$(dirname "$0")/lib.sh"

RSYSLOGD=$(command -v rsyslogd 2>/dev/null) || RSYSLOGD=/usr/sbin/rsyslogd
if [ ! -x "$RSYSLOGD" ]; then
	echo "SKIP: rsyslogd not installed (contrib/install-deps installs it)"
	exit 77
fi
CONF="$SRCDIR/contrib/shippers/rsyslog-fanin.conf"
A="$TMP/alerts.ndjson"
OUT="$TMP/shipped.ndjson"
PIDS=

# cleanup: end the processes this script started, then remove $TMP.
cleanup() {
	for p in $PIDS; do
		kill -CONT "$p" 2>/dev/null
		kill -TERM "$p" 2>/dev/null && wait "$p"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

# holds_count PATTERN FILE N: true when N lines of FILE hold PATTERN.
holds_count() {
	[ "$(grep -c "$1" "$2" 2>/dev/null)" -ge "$3" ]
}

# wait_count PATTERN FILE N: wait until N lines of FILE hold PATTERN
# (lib.sh WAITS).
wait_count() {
	wait_until holds_count "$1" "$2" "$3"
}

# conns PHASE N: a connection list giving N alerts with --min-sources=100,
# one per destination, all in the 15-minute bucket of PHASE; odd
# destinations get IPv4 sources, even ones IPv6.
conns() {
	awk -v p="$1" -v n="$2" 'BEGIN {
		OFS = "\t"; base = 1767607200 + p * 900
		for (k = 1; k <= n; k++) for (i = 1; i <= 100; i++) {
			if (k % 2) {
				src = "10." p "." k "." i
				dst = "203.0.113." (10 * p + k)
			} else {
				src = "2001:db8:" p ":" k "::" i
				dst = "2001:db8:ffff::" (10 * p + k)
			}
			print sprintf("%.2f", base + k * 5 + i / 100),
			    "P" p "K" k "I" i, src, 40000 + i, dst, 3389,
			    "tcp", "rdp", 1, "SF", 5, 5
		}
	}'
}

# feed PHASE N: drop that phase's conn.log into the watched directory.
feed() {
	conns "$1" "$2" | to_zeek_tsv > "$TMP/conn-$1.tmp"
	mv "$TMP/conn-$1.tmp" "$TMP/in/conn-$1.log"
}

# The collector: imtcp on a loopback port of the kernel's choice, each
# message written as received.
mkdir "$TMP/in" "$TMP/collector" "$TMP/sensor"
cat > "$TMP/collector.conf" <<EOF
global(workDirectory="$TMP/collector" maxMessageSize="64k")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="collect") {
	action(type="omfile" file="$OUT" template="raw")
}
input(type="imtcp" address="127.0.0.1" port="0"
      listenPortFileName="$TMP/port" ruleset="collect")
EOF
"$RSYSLOGD" -n -f "$TMP/collector.conf" -i "$TMP/collector.pid" \
    > "$TMP/collector.err" 2>&1 &
COLLECTOR=$!
PIDS="$COLLECTOR"
wait_until test -s "$TMP/port"
PORT=$(cat "$TMP/port" 2>/dev/null)
check "collector listening" yes \
    "$(case $PORT in [1-9]*) echo yes ;; *) echo "no port" ;; esac)"

# The sensor: the contrib file with this test's path, target and port.
{
	echo "global(workDirectory=\"$TMP/sensor\")"
	sed -e "s|\"/var/log/fanin/alerts.json\"|\"$A\"|" \
	    -e 's|Target="collector.example"|Target="127.0.0.1"|' \
	    -e "s|Port=\"514\"|Port=\"$PORT\"|" "$CONF"
} > "$TMP/sensor.conf"
check "contrib config adapted: file, target, port (once each)" "1 1 1" \
    "$(grep -c "File=\"$A\"" "$TMP/sensor.conf") $(grep -c \
    'Target="127.0.0.1"' "$TMP/sensor.conf") $(grep -c \
    "Port=\"$PORT\"" "$TMP/sensor.conf")"
"$RSYSLOGD" -N1 -f "$TMP/sensor.conf" > "$TMP/n1" 2>&1
check "contrib config validates (rsyslogd -N1)" 0 "$?"

"$FANIN" --follow --threshold=0 --min-sources=100 --bucket-span=15m \
    -o "$A" "$TMP/in" 2> "$TMP/fanin.err" &
FANIN_PID=$!
PIDS="$FANIN_PID $PIDS"
wait_until test -f "$A"
"$RSYSLOGD" -n -f "$TMP/sensor.conf" -i "$TMP/sensor.pid" \
    > "$TMP/sensor.err" 2>&1 &
SENSOR=$!
PIDS="$FANIN_PID $SENSOR $COLLECTOR"

# Phase 1, then the first rotation with the shipper keeping up.
feed 1 4
wait_lines "$A" 4
wait_lines "$OUT" 4
check "phase 1: 4 alerts shipped" 4 "$(lines "$OUT")"
mv "$A" "$A.1"
feed 2 3
wait_lines "$A.1" 7
wait_lines "$OUT" 7
check "phase 2: 3 alerts written to the renamed file, shipped" "7 7" \
    "$(lines "$A.1") $(lines "$OUT")"
kill -HUP "$FANIN_PID"
wait_count SIGHUP "$TMP/fanin.err" 1
feed 3 4
wait_lines "$A" 4
wait_lines "$OUT" 11
check "phase 3: 4 alerts in the new file, shipped" "4 11" \
    "$(lines "$A") $(lines "$OUT")"

# The second rotation while the shipper lags: logrotate's create mode.
kill -STOP "$SENSOR"
feed 4 3
wait_lines "$A" 7
mv "$A.1" "$A.2"
mv "$A" "$A.1"
: > "$A"
feed 5 2
wait_lines "$A.1" 9
kill -HUP "$FANIN_PID"
wait_count SIGHUP "$TMP/fanin.err" 2
feed 6 4
wait_lines "$A" 4
check "phases 4-6 written while the shipper was stopped" "4 9 11" \
    "$(lines "$A") $(lines "$A.1") $(lines "$OUT")"
kill -CONT "$SENSOR"
wait_lines "$OUT" 20
# A duplicate would come right behind the last line: give it a moment.
sleep 0.3

kill -TERM "$FANIN_PID"
wait "$FANIN_PID"
check "fanin: SIGTERM, exit 0" 0 "$?"
kill -TERM "$SENSOR"
wait "$SENSOR"
kill -TERM "$COLLECTOR"
wait "$COLLECTOR"
PIDS=

check "alerts per file: .2 .1 live" "7 9 4" \
    "$(lines "$A.2") $(lines "$A.1") $(lines "$A")"
check "shipped: 20 lines" 20 "$(lines "$OUT")"
cat "$A.2" "$A.1" "$A" | sort > "$TMP/written.sorted"
sort "$OUT" > "$TMP/shipped.sorted"
check "shipped = written, each line once, byte for byte" "" \
    "$(cmp "$TMP/written.sorted" "$TMP/shipped.sorted" 2>&1)"
check "every shipped line is a JSON alert" "20 alert" \
    "$(jq -R -r 'try (fromjson | .event.kind) catch "not JSON"' "$OUT" |
    sort | uniq -c | sed 's/^ *//')"
check "20 distinct event.id shipped" 20 \
    "$(jq -R -r 'try (fromjson | .event.id) catch empty' "$OUT" |
    sort -u | wc -l | tr -d ' ')"
LONGEST=$(awk 'length > n { n = length } END { print n + 0 }' "$OUT")
check "alerts over 8 kB shipped whole (longest $LONGEST bytes)" yes \
    "$([ "$LONGEST" -gt 8192 ] && echo yes)"
check "sensor rsyslogd: no message" "" "$(cat "$TMP/sensor.err")"
check "collector rsyslogd: no message" "" "$(cat "$TMP/collector.err")"
finish
