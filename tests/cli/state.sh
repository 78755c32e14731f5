#!/bin/sh
# state.sh - the state file: a 64-bit offset crafted by hand (case 04),
# a replay of archives continued by --follow with nothing read twice, a
# damaged state refused, and kill -9 at random moments while a day of
# real Zeek logs is written and rotated as Zeek's logger does: every
# record reaches the model once and every alert is written once.
. "$(dirname "$0")/lib.sh"
need_shared
C="$SHARED/cases"
RITA="$SHARED/data/zeek/rita-sensor/2024-04-20"

# lines FILE: its line count.
lines() {
	if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi
}

# write_state PATH BODY: a state file with the right checksum.
write_state() {
	sum=$(printf '%s' "$2" | xxh64sum | cut -d' ' -f1)
	printf 'fanin-state 1 xxh64=%s\n%s' "$sum" "$2" > "$1"
}

# append_cdpa4 FILE: one more attempt to 203.0.113.5, from a fifth source.
append_cdpa4() {
	{
		printf '1767607204.000000\tCdpA4\t198.51.100.14\t56004'
		printf '\t203.0.113.5\t3389\ttcp\t-\t-\t-\t-\tS0\t-\t-\t0'
		printf '\tS\t1\t60\t0\t0\t-\n'
	} >> "$1"
}

# 04: offset past 2 GiB, from a state written by hand.  The file is a
# hole of 2200000000 zero bytes and two lines; its fingerprint is that of
# its first 1 KiB (zeros).
if command -v xxh64sum >/dev/null && command -v truncate >/dev/null; then
	D="$TMP/d04"; mkdir -p "$D"
	truncate -s 2200000000 "$D/eve.json"
	cat "$C/04-offset-beyond-2GiB/tail-lines.json" >> "$D/eve.json"
	fp=$(head -c 1024 /dev/zero | xxh64sum | cut -d' ' -f1)
	dev=$(stat -c %d "$D/eve.json")
	ino=$(stat -c %i "$D/eve.json")
	entry="\"dev\":$dev,\"inode\":$ino,\"fingerprint\":\"$fp\""
	entry="$entry,\"offset\":2200000000,\"header\":-1"
	write_state "$TMP/s04" \
	    "{\"version\":1,\"files\":[{$entry,\"path\":\"eve.json\"}]}"
	"$FANIN" --count-attempts --state="$TMP/s04" --events="$TMP/s04.ev" \
	    -o /dev/null "$D/eve.json" 2> "$TMP/s04.err"
	check "04 offset 2200000000: only the two appended lines" \
	    "198.51.100.10 198.51.100.11" "$(all_sources "$TMP/s04.ev")"
	check "04 offset 2200000000: no truncation warning" 0 \
	    "$(grep -c truncated "$TMP/s04.err")"
	check "04 offset: saved as a 64-bit integer" 1 \
	    "$(tail -n +2 "$TMP/s04" | jq '.files[0].offset' |
	    grep -c '^2200000' )"
	"$FANIN" --count-attempts --state="$TMP/s04" --events="$TMP/s04.ev" \
	    -o /dev/null "$D/eve.json" 2>/dev/null
	check "04 again: nothing read a second time" 2 "$(lines "$TMP/s04.ev")"
	rm -f "$D/eve.json"
else
	echo "# 04 skipped: no xxh64sum (Debian package xxhash)"
fi

# An empty state file (made by hand, to be filled) is a first run.
: > "$TMP/empty.state"
"$FANIN" --state="$TMP/empty.state" -o /dev/null \
    "$C/07-rotated-compressed-duplicate/live" 2>/dev/null
check "empty state: a first run, exit 0, state written" "0 fanin-state" \
    "$? $(head -c 11 "$TMP/empty.state")"

# A damaged state is refused with a message, exit 1.
printf 'fanin-state 1 xxh64=0000000000000000\n{"version":1,"files":[]}' \
    > "$TMP/bad.state"
"$FANIN" --state="$TMP/bad.state" -o /dev/null \
    "$C/07-rotated-compressed-duplicate/live" \
    2> "$TMP/bad.err"
check "damaged state: exit 1" 1 $?
check "damaged state: says why" 1 "$(grep -c 'checksum does not match' \
    "$TMP/bad.err")"
ln -s "$TMP/bad.state" "$TMP/link.state"
"$FANIN" --state="$TMP/link.state" -o /dev/null \
    "$C/07-rotated-compressed-duplicate/live" \
    2> "$TMP/link.err"
check "state through a symlink: refused" "1 1" \
    "$? $(grep -c 'symlink' "$TMP/link.err")"

# A replay of the archive and the live directory with a state, then
# --follow on the live directory with the same state: the live file and
# its archived copy are read once, and only what is appended later is
# read by the follower.  The archived copy holds a #close line the live
# file lacks, so the copy's offset is past the live file's end: the live
# file must continue at its own end, not inside the appended line.  The
# line is appended before the follower starts, then after it started.
for when in before after; do
	D="$TMP/d07$when"; mkdir -p "$D"
	grep -v '^#close' "$C/07-rotated-compressed-duplicate/live/conn.log" \
	    > "$D/conn.log"
	"$FANIN" --count-attempts --state="$D.state" --events="$D.ev" \
	    -o /dev/null "$C/07-rotated-compressed-duplicate/archive" "$D" \
	    2>/dev/null
	check "replay with state ($when): the four records once" 4 \
	    "$(lines "$D.ev")"
	check "replay with state ($when): the live file saved at its end" \
	    841 \
	    "$(sed 1d "$D.state" | jq ".files[] | select(.path == \"$D/conn.log\")
	    | .offset")"
	[ "$when" = before ] && append_cdpa4 "$D/conn.log"
	"$FANIN" --follow --count-attempts --state="$D.state" \
	    --events="$D.ev" -o /dev/null "$D" 2> "$D.err" &
	PID=$!
	[ "$when" = after ] && append_cdpa4 "$D/conn.log"
	wait_until has_lines "$D.ev" 5
	kill -TERM $PID
	wait $PID
	check "follow after replay, appended $when it starts: the new record" \
	    "CdpA0 CdpA1 CdpA2 CdpA3 CdpA4" \
	    "$(jq -r .event.id "$D.ev" | tr '\n' ' ' | sed 's/ $//')"
	check "follow after replay, appended $when it starts: no warning" 0 \
	    "$(grep -c 'missing-header' "$D.err")"
done

# A file followed, then truncated and refilled while fanin was stopped
# (copytruncate with no copy watched): said as such, and read from its
# start.  (A file a replay read to its end loses nothing by it, and it
# is not said.)
D="$TMP/dtrunc"; mkdir -p "$D"
E="$C/10-long-line/eve.json"
sed -n '1p;3p' "$E" > "$D/eve.json"
"$FANIN" --follow --count-attempts --state="$D.state" --events="$D.ev1" \
    -o /dev/null "$D" 2>/dev/null &
PID=$!
wait_until has_lines "$D.ev1" 2
kill -TERM $PID
wait $PID
sed -n '4p;5p' "$E" > "$D/new"
: > "$D/eve.json"
cat "$D/new" >> "$D/eve.json"
rm "$D/new"
"$FANIN" --count-attempts --state="$D.state" --events="$D.ev2" \
    -o /dev/null "$D" 2> "$D.err"
check "truncated while stopped: said, its two new records read" "1 2" \
    "$(grep -c 'holds other records than when its offset=.* was saved' \
    "$D.err") $(lines "$D.ev2")"

# A file resumed where a line no format reads comes first (written by
# something else, or a collision of first records) is still a log: the
# line is rejected and the records after it read.
D="$TMP/dres"; mkdir -p "$D"
sed -n 1p "$C/10-long-line/eve.json" > "$D/eve.json"
"$FANIN" --count-attempts --state="$D.state" -o /dev/null "$D" 2>/dev/null
{ echo 'garbage, no record'; sed -n '3p;4p' "$C/10-long-line/eve.json"; } \
    >> "$D/eve.json"
"$FANIN" --count-attempts --stats --state="$D.state" --events="$D.ev" \
    -o /dev/null "$D" 2> "$D.err"
check "resumed at a line no format reads: rejected, the two after read" \
    "2 1" "$(lines "$D.ev") $(grep '^total ' "$D.err" | tr ' ' '\n' |
    sed -n 's/^rejected=//p')"

# A restart in the middle of a copytruncate: the copy (eve.json.1) is
# still being written, shorter than where fanin had read eve.json to.  It
# waits for the copy to reach that point, then reads only what fanin had
# not read (records 7 and 8), nothing twice.
D="$TMP/dcopy"; mkdir -p "$D"
sh "$SRCDIR/tests/cli/gen_conns.sh" | to_eve | head -n 8 > "$D/all"
head -n 6 "$D/all" > "$D/eve.json"
"$FANIN" --count-attempts --state="$D.state" -o /dev/null "$D/eve.json" \
    2>/dev/null
head -n 3 "$D/all" > "$D/eve.json.1"
: > "$D/eve.json"
"$FANIN" --follow --count-attempts --state="$D.state" --events="$D.ev" \
    -o /dev/null "$D" 2> "$D.err" &
PID=$!
sleep 1
tail -n +4 "$D/all" >> "$D/eve.json.1"
wait_until has_lines "$D.ev" 2
sleep 0.5
kill -TERM $PID
wait $PID
check "restart during copytruncate: only the two records not read before" \
    "$(sed -n '7p;8p' "$D/all" | jq -r .flow_id | tr '\n' ' ')" \
    "$(jq -r .event.id "$D.ev" | tr '\n' ' ')"

# SIGHUP after logrotate renamed the alert file, then kill -9 before the
# next checkpoint: the restart finds the alert accounted for (the reopen
# checkpointed) and does not write it again into the new file.
D="$TMP/dhup"; mkdir -p "$D"
sh "$SRCDIR/tests/cli/gen_conns.sh" | to_eve > "$D/eve.json"
"$FANIN" --follow --threshold=0 --min-sources=3 --state="$D.state" \
    -o "$D.al" "$D" 2> "$D.err" &
PID=$!
wait_until has_lines "$D.al" 1
sleep 1
n=$(lines "$D.al")
mv "$D.al" "$D.al.1"
kill -HUP $PID
wait_until grep -q SIGHUP "$D.err"
kill -KILL $PID
wait $PID 2>/dev/null
"$FANIN" --threshold=0 --min-sources=3 --state="$D.state" -o "$D.al" "$D" \
    2> "$D.err2"
check "SIGHUP, then kill -9: no alert written again" "0 0" \
    "$(lines "$D.al") $(grep -c 'lacks the alert' "$D.err2")"
check "SIGHUP, then kill -9: the alerts in the renamed file" yes \
    "$([ "$(lines "$D.al.1")" = "$n" ] && [ "$n" -ge 1 ] && echo yes)"

# kill -9 while a day of real logs is written and rotated.  The hour
# 12:00 carries 25 new RDP sources (added here) to raise an alert.
L="$TMP/live"; mkdir -p "$L"
# With the default lateness: a slow fanin (valgrind) still reading an
# hour when the next hours are rotated, compressed and conn.log made again
# (often on the inode just freed) must list again and read the hours in
# order, so that no record of the older ones is late.
OPTS="--count-attempts --threshold=0 --min-sources=10 --bucket-span=1h"
spike() {
	awk 'BEGIN {
		for (i = 1; i <= 25; i++)
			printf "worker-eth0-1\t%d.250000\tCspike%d\t192.0.2.%d" \
			    "\t%d\t64.225.56.201\t3389\ttcp\trdp\t40.5\t4000" \
			    "\t9000\tSF\tF\tT\t0\tShADadFf\t30\t5000\t28" \
			    "\t10000\t-\n", 1713614400 + i * 23, i, i + 10, \
			    50000 + i
	}'
}
run_live() {
	# shellcheck disable=SC2086
	"$FANIN" --follow $OPTS --state="$TMP/kill.state" \
	    -o "$TMP/kill.al" --events="$TMP/kill.ev" "$L" \
	    2>> "$TMP/kill.err" &
	PID=$!
}
run_live
kills=0
for f in "$RITA"/conn.*.log.gz; do
	hour=$(basename "$f" .log.gz | sed 's/^conn\.//')
	gzip -dc "$f" | grep -v '^#close' > "$TMP/hour"
	[ "$hour" = "12:00:00-13:00:00" ] && spike >> "$TMP/hour"
	n=$(lines "$TMP/hour")
	head -n $((n / 2)) "$TMP/hour" > "$L/conn.log"
	sleep 0.1
	tail -n +$((n / 2 + 1)) "$TMP/hour" >> "$L/conn.log"
	gzip -dc "$f" | grep '^#close' >> "$L/conn.log"
	case $hour in
	05:*|11:*|12:*|17:*)
		# At a moment picked by chance in the next 0.4 s.
		sleep "0.$(od -An -N1 -tu1 /dev/urandom | tr -d ' ' |
		    awk '{ print $1 % 4 }')"
		kill -KILL $PID
		wait $PID 2>/dev/null
		kills=$((kills + 1))
		run_live
		;;
	esac
	sleep 0.2
	mv "$L/conn.log" "$L/conn.$hour.log"
	gzip "$L/conn.$hour.log"
done
"$FANIN" $OPTS -o "$TMP/replay.al" --events="$TMP/replay.ev" "$L" \
    2>/dev/null
counted() {
	jq -r 'select(.fanin.counted) | .event.id' "$1" | sort -u
}
all_read() {
	[ "$(jq -r .event.id "$TMP/kill.ev" | sort -u | wc -l)" = \
	    "$(lines "$TMP/replay.ev")" ]
}
wait_until all_read
kill -TERM $PID
wait $PID
check "kill -9: fanin killed 4 times" 4 "$kills"
check "kill -9: the replay raises alerts" 1 \
    "$(test "$(lines "$TMP/replay.al")" -ge 1 && echo 1)"
check "kill -9: the same alerts as a replay" \
    "$(jq -r .event.id "$TMP/replay.al" | sort | tr '\n' ' ')" \
    "$(jq -r .event.id "$TMP/kill.al" | sort | tr '\n' ' ')"
check "kill -9: every counted record read" "$(counted "$TMP/replay.ev" |
    wc -l | tr -d ' ') $(counted "$TMP/replay.ev" | md5sum)" \
    "$(counted "$TMP/kill.ev" | wc -l | tr -d ' ') $(counted \
    "$TMP/kill.ev" | md5sum)"
check "kill -9: every event read" "$(lines "$TMP/replay.ev")" \
    "$(jq -r .event.id "$TMP/kill.ev" | sort -u | wc -l | tr -d ' ')"

# A state that cannot be kept is refused before anything is read, so a
# service never runs for months without a checkpoint.
"$FANIN" --state="$TMP/no-such-dir/state" -o "$TMP/nostate.al" \
    "$SRCDIR/samples" 2> "$TMP/nostate.err"
check "unwritable state: status 1, said, nothing read" "1 1 0" \
    "$? $(grep -c 'cannot be written there' "$TMP/nostate.err") \
$(lines "$TMP/nostate.al")"
finish
