#!/bin/sh
# follow.sh - --follow on live files: the rotation, truncation and
# growing-file cases of ../shared/cases played step by step against the
# running binary, plus symlinks, rewrites, new files, a growing zstd
# file, SIGHUP and SIGTERM.  Nothing is timed: each step waits (up to
# 10 s) for the events it must produce, and the exact events are checked
# after fanin has been stopped.
. "$(dirname "$0")/lib.sh"
need_shared
C="$SHARED/cases"

# start NAME ARGS...: run fanin --follow in the background; events in
# $TMP/NAME.ev, alerts in $TMP/NAME.al, messages in $TMP/NAME.err.
start() {
	name=$1
	shift
	: > "$TMP/$name.ev"
	# shellcheck disable=SC2086
	env ${DEBUG_RUN:+FANIN_DEBUG=1} "$FANIN" --follow --count-attempts \
	    --threshold=0 --min-sources=100 -o "$TMP/$name.al" \
	    --events="$TMP/$name.ev" "$@" 2> "$TMP/$name.err" &
	PID=$!
}

# holds PATTERN FILE: true when PATTERN is in FILE (quiet if it is not
# there yet).
holds() {
	grep -q "$1" "$2" 2>/dev/null
}

# wait_grep PATTERN FILE: wait until PATTERN is in FILE (lib.sh WAITS).
wait_grep() {
	wait_until holds "$1" "$2"
}

# stop: SIGTERM, and the exit status in $RC.
stop() {
	kill -TERM "$PID"
	wait "$PID"
	RC=$?
}

# settle: give fanin a moment to read what it should not (a wrong extra
# event would show); the checks never depend on it being long enough.
settle() {
	sleep 0.3
}

# 01: copytruncate.  Watch conn.log only; the copy is not read.
D="$TMP/d01"; mkdir -p "$D"
start c01 "$D/conn.log"
cp "$C/01-copytruncate-reset/phase1-conn.log" "$D/conn.log"
wait_lines "$TMP/c01.ev" 3
cp "$D/conn.log" "$D/conn.log.1"
: > "$D/conn.log"
cat "$C/01-copytruncate-reset/phase2-appended-after-truncate.log" \
    >> "$D/conn.log"
wait_lines "$TMP/c01.ev" 5
settle
stop
check "01 copytruncate: 3 then the 2 new, none again" \
    "198.51.100.10 198.51.100.11 198.51.100.12 198.51.100.20 198.51.100.21" \
    "$(all_sources "$TMP/c01.ev")"
# fanin says so once: as a truncation when it looks between the two
# steps or while the file is shorter than what it read, as a rewrite
# when a slow run (valgrind, a loaded CI) first looks after the append.
check "01 copytruncate: truncation logged once" 1 \
    "$(grep -c 'd01/conn.log \(truncated\|rewritten in place\).*again' \
    "$TMP/c01.err")" || sed 's/^/# c01 stderr: /' "$TMP/c01.err"

# Copytruncate while fanin is behind (stopped here): the copy holds
# records it has not read; it goes on from where the live file was, and
# the live file's new content is read from its start.
D="$TMP/dct"; mkdir -p "$D"
sh "$SRCDIR/tests/cli/gen_conns.sh" | head -n 320 | to_eve > "$TMP/ct.eve"
sed -n '1,50p' "$TMP/ct.eve" > "$D/eve.json"
# Debug messages on: the copy's continuation is routine, not a warning.
DEBUG_RUN=1
start ct "$D"
DEBUG_RUN=
wait_lines "$TMP/ct.ev" 50
kill -STOP "$PID"
sed -n '51,300p' "$TMP/ct.eve" >> "$D/eve.json"
cp "$D/eve.json" "$D/eve.json.1"
: > "$D/eve.json"
sed -n '301,320p' "$TMP/ct.eve" >> "$D/eve.json"
kill -CONT "$PID"
wait_lines "$TMP/ct.ev" 320
settle
stop
check "copytruncate behind: 320 events, each once" "320 0" \
    "$(lines "$TMP/ct.ev") $(jq -r .event.id "$TMP/ct.ev" | sort |
    uniq -d | wc -l | tr -d ' ')"
check "copytruncate behind: the copy went on where the file was" 1 \
    "$(grep -c 'debug: .*eve.json.1 holds the records of .*eve.json' \
    "$TMP/ct.err")"

# A file named before it, or its directory, exists: said once, and
# read when it appears (a service started before the sensor).
D="$TMP/dlate"
start late "$D/sub/eve.json"
wait_grep 'is not there' "$TMP/late.err"
mkdir -p "$D/sub"
sed -n '1,30p' "$TMP/ct.eve" > "$D/sub/eve.json"
wait_lines "$TMP/late.ev" 30
settle
stop
check "file not there yet: said once, then its 30 events" "1 30" \
    "$(grep -c 'is not there' "$TMP/late.err") $(lines "$TMP/late.ev")"

# 05: inode reuse.  A deleted file's successor is read from 0.
D="$TMP/d05"; mkdir -p "$D"
start c05 "$D"
cp "$C/05-inode-reuse/old-conn.log" "$D/conn-a.log"
wait_lines "$TMP/c05.ev" 6
rm "$D/conn-a.log"
cp "$C/05-inode-reuse/new-conn.log" "$D/conn-b.log"
wait_lines "$TMP/c05.ev" 8
settle
stop
check "05 inode reuse: 6 then the new file's 2 from offset 0" \
    "6 198.51.100.18 198.51.100.19" \
    "$(head -6 "$TMP/c05.ev" | wc -l | tr -d ' ') $(tail -n +7 \
    "$TMP/c05.ev" | jq -r .source.ip | tr '\n' ' ' | sed 's/ $//')"

# 07: the live file and its rotated compressed copy, both watched.
D="$TMP/d07"; mkdir -p "$D/live" "$D/archive"
cp "$C/07-rotated-compressed-duplicate/live/conn.log" "$D/live/"
DEBUG_RUN=1
start c07 --min-sources=4 "$D/live" "$D/archive"
DEBUG_RUN=
wait_lines "$TMP/c07.ev" 4
cp "$C"/07-rotated-compressed-duplicate/archive/*/*.gz "$D/archive/"
wait_grep 'same first record' "$TMP/c07.err"
settle
stop
check "07 compressed copy: four events, not eight" 4 "$(lines "$TMP/c07.ev")"
check "07 compressed copy: one alert" 1 "$(lines "$TMP/c07.al")"

# 08: lines appended just before a rename are read from the old file,
# and its gzip is not read again.  A rotation as Zeek makes it is routine:
# no warning (debug messages on, to see the gzip recognised).
D="$TMP/d08"; mkdir -p "$D"
H="$C/08-rotation-drain-old-fd"
DEBUG_RUN=1
start c08 "$D"
DEBUG_RUN=
cp "$H/phase1.log" "$D/conn.log"
wait_lines "$TMP/c08.ev" 2
cat "$H/phase2-appended-just-before-rotate.log" >> "$D/conn.log"
mv "$D/conn.log" "$D/conn.10:00:00-11:00:00.log"
cp "$H/phase3-new-file.log" "$D/conn.log"
wait_lines "$TMP/c08.ev" 5
gzip "$D/conn.10:00:00-11:00:00.log"
wait_grep 'same first record' "$TMP/c08.err"
settle
stop
check "08 rotation: five events exactly once" \
    "198.51.100.10 198.51.100.11 198.51.100.12 198.51.100.13 198.51.100.16" \
    "$(jq -r .source.ip "$TMP/c08.ev" | sort | tr '\n' ' ' | sed 's/ $//')"
check "08 rotation: no warning" 0 "$(grep -c 'warning' "$TMP/c08.err")"

# 11: a partial last line waits for its end.
D="$TMP/d11"; mkdir -p "$D"
H="$C/11-partial-last-line/live"
start c11 "$D/eve.json"
cat "$H/phase1-eve.json" > "$D/eve.json"
wait_lines "$TMP/c11.ev" 1
settle
check "11 partial line: only the complete one" 1 "$(lines "$TMP/c11.ev")"
cat "$H/phase2-rest.json" >> "$D/eve.json"
wait_lines "$TMP/c11.ev" 2
settle
stop
check "11 partial line: completed, nothing twice" \
    "198.51.100.10 198.51.100.11" "$(all_sources "$TMP/c11.ev")"
check "11 partial line: not rejected" 0 "$(grep -c rejected "$TMP/c11.err")"

# 29: a gzip stream still being written.
D="$TMP/d29"; mkdir -p "$D"
H="$C/29-gzip-being-written"
start c29 "$D/conn.log.gz"
cat "$H/phase1.conn.log.gz" > "$D/conn.log.gz"
wait_lines "$TMP/c29.ev" 2
settle
check "29 gzip being written: the two complete records" 2 \
    "$(lines "$TMP/c29.ev")"
cat "$H/phase2.append.bin" >> "$D/conn.log.gz"
wait_lines "$TMP/c29.ev" 5
settle
stop
check "29 gzip being written: then the other three, no error" \
    "198.51.100.10 198.51.100.11 198.51.100.12 198.51.100.13 198.51.100.14 0" \
    "$(all_sources "$TMP/c29.ev") $(grep -c 'error' "$TMP/c29.err")"

# A zstd file fed in chunks as a compressor writes it.
D="$TMP/dzst"; mkdir -p "$D"
Z="$C/28-zstd-truncated-or-growing/complete.conn.log.zst"
start zst "$D/conn.log.zst"
head -c 2000 "$Z" > "$D/conn.log.zst"
wait_grep . "$TMP/zst.ev"
tail -c +2001 "$Z" | head -c 2000 >> "$D/conn.log.zst"
settle
tail -c +4001 "$Z" >> "$D/conn.log.zst"
wait_lines "$TMP/zst.ev" 1500
settle
stop
check "zstd growing: 1500 events, each once" "1500 1500" \
    "$(lines "$TMP/zst.ev") $(jq -r .event.id "$TMP/zst.ev" | sort -u |
    wc -l | tr -d ' ')"
check "zstd growing: no truncation reported" 0 \
    "$(grep -c truncated "$TMP/zst.err")"

# A symlink pointed at another file is followed; the old one is drained.
D="$TMP/dlink"; mkdir -p "$D"
ROW="203.0.113.5	3389	tcp	rdp	1	SF	5	5"
printf '%s\n' "1767607200.0	L1	198.51.100.30	40000	$ROW" |
    to_zeek_tsv | sed '/^#close/d' > "$D/a.log"
printf '%s\n' "1767607300.0	L2	198.51.100.31	40001	$ROW" |
    to_zeek_tsv > "$D/b.log"
ln -s a.log "$D/current.log"
start link "$D/current.log"
wait_lines "$TMP/link.ev" 1
ln -sfn b.log "$D/current.log"
wait_lines "$TMP/link.ev" 2
settle
stop
check "symlink retarget: both files, each once" \
    "198.51.100.30 198.51.100.31" "$(all_sources "$TMP/link.ev")"

# A file rewritten in place with longer content is read again.
D="$TMP/drw"; mkdir -p "$D"
gen() {
	i=0
	while [ $i -lt "$2" ]; do
		printf '%s\t%s%d\t198.51.100.%d\t%d\t203.0.113.7\t3389' \
		    $((1767607200 + i)) "$1" $i $((40 + i)) $((41000 + i))
		printf '\ttcp\trdp\t1\tSF\t5\t5\n'
		i=$((i + 1))
	done | to_zeek_tsv
}
gen A 2 > "$D/conn.log"
start rw "$D/conn.log"
wait_lines "$TMP/rw.ev" 2
gen B 3 > "$D/conn.log.new"
cat "$D/conn.log.new" > "$D/conn.log"
wait_lines "$TMP/rw.ev" 5
settle
stop
check "rewrite in place: the new content read from its start" \
    "A0 A1 B0 B1 B2" "$(jq -r .event.id "$TMP/rw.ev" | tr '\n' ' ' |
    sed 's/ $//')"

# A new file appearing in a watched directory is read; an alert written.
D="$TMP/dnew"; mkdir -p "$D/sub"
start new --min-sources=3 "$D"
gen N 3 > "$D/sub/conn.log"
wait_lines "$TMP/new.al" 1
settle
stop
check "new file in a watched directory: read, one alert" "3 1" \
    "$(lines "$TMP/new.ev") $(lines "$TMP/new.al")"

# SIGHUP after the alert file was renamed: the next alert goes to the
# new file, nothing lost; SIGTERM exits 0 with a checkpoint.
D="$TMP/dhup"; mkdir -p "$D"
start hup --min-sources=2 --bucket-span=15m --state="$TMP/hup.state" "$D"
gen H 2 > "$D/a.log"
wait_lines "$TMP/hup.al" 1
mv "$TMP/hup.al" "$TMP/hup.al.1"
kill -HUP "$PID"
wait_grep SIGHUP "$TMP/hup.err"
gen J 2 | sed 's/1767607/1767617/' > "$D/b.log"
wait_lines "$TMP/hup.al" 1
stop
check "SIGHUP: first alert in the renamed file" 1 \
    "$(lines "$TMP/hup.al.1")"
check "SIGHUP: the next alert in the new file" 1 "$(lines "$TMP/hup.al")"
check "SIGTERM: exit 0" 0 "$RC"
check "SIGTERM: state checkpointed" "fanin-state 1" \
    "$(head -1 "$TMP/hup.state" | cut -d' ' -f1-2)"
check "state: mode 0600" 600 "$(stat -c %a "$TMP/hup.state")"

# A file with only its header (a quiet hour's rdp.log, as it is made) is
# not looked into again until it changes; when its records come, they
# are read.
D="$TMP/dhdr"; mkdir -p "$D"
sh "$SRCDIR/tests/cli/gen_conns.sh" | head -n 5 | to_zeek_tsv > "$TMP/hdr.log"
grep '^#' "$TMP/hdr.log" > "$D/conn.log"
start hdr "$D"
settle
grep -v '^#' "$TMP/hdr.log" >> "$D/conn.log"
wait_lines "$TMP/hdr.ev" 5
stop
check "header-only file, records appended later: the five read" 5 \
    "$(lines "$TMP/hdr.ev")"

# fanin's own outputs rotated beside the logs it follows (logrotate's
# .1, .2.gz, -DATE) are passed over unsaid; a log whose name only starts
# like an output's is read, and so is a log named like a rotated output
# (alerts.json.3 holding eve records).
D="$TMP/drot"; mkdir -p "$D"
sh "$SRCDIR/tests/cli/gen_conns.sh" | head -n 20 | to_eve > "$D/alerts.json.eve"
echo '{"not":"a log"}' > "$D/alerts.json.1"
echo '{"not":"a log"}' | gzip > "$D/alerts.json.2.gz"
echo '{"not":"a log"}' > "$D/events.json-20261204"
sh "$SRCDIR/tests/cli/gen_conns.sh" | sed -n '21,25p' | to_eve \
    > "$D/alerts.json.3"
"$FANIN" --follow --count-attempts -o "$D/alerts.json" \
    --events="$D/events.json" "$D" 2> "$TMP/rot.err" &
PID=$!
wait_lines "$D/events.json" 25
settle
stop
check "rotated outputs beside the logs: passed over unsaid, logs read" \
    "0 25" "$(grep -c . "$TMP/rot.err") $(lines "$D/events.json")"
finish
