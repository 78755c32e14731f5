#!/bin/sh
# usage.sh - the command-line contract: exit statuses, stdin, the config
# file, options that cannot go together, unreadable inputs.
. "$(dirname "$0")/lib.sh"

sh "$SRCDIR/tests/cli/gen_conns.sh" | to_zeek_tsv > "$TMP/conn.log"

"$FANIN" --help > "$TMP/help"
check "--help exits 0" 0 $?
for o in output follow state config bucket-span threshold min-sources \
    exclude-source exclude-destination ports count-attempts events report \
    stats; do
	check "--help lists --$o" 1 \
	    "$(grep -cE -- "^ +(-[a-z], )?--$o([= ]|\$)" "$TMP/help")"
done
"$FANIN" --version | grep -q '^fanin [0-9]'
check "--version" 0 $?

"$FANIN" 2>/dev/null
check "no input is a usage error" 2 $?
"$FANIN" --threshold=101 "$TMP/conn.log" 2>/dev/null
check "threshold above 100 is a usage error" 2 $?
"$FANIN" --bucket-span=6x "$TMP/conn.log" 2>/dev/null
check "bad duration is a usage error" 2 $?
"$FANIN" --exclude-source=10.0.0.0/33 "$TMP/conn.log" 2>/dev/null
check "bad CIDR is a usage error" 2 $?
"$FANIN" --no-such-option "$TMP/conn.log" 2>/dev/null
check "unknown option is a usage error" 2 $?
"$FANIN" -o "$TMP/same" --events="$TMP/same" "$TMP/conn.log" 2>/dev/null
check "-o and --events on one file is a usage error" 2 $?

# Reading stdin gives what reading the file gives.
"$FANIN" -o "$TMP/file.al" "$TMP/conn.log" 2>/dev/null
"$FANIN" - < "$TMP/conn.log" > "$TMP/stdin.al" 2>/dev/null
check "stdin: exit 0" 0 $?
check "stdin: same alert as the file" \
    "$(jq -r .event.id "$TMP/file.al")" "$(jq -r .event.id "$TMP/stdin.al")"
gzip -c "$TMP/conn.log" | "$FANIN" - > "$TMP/stdin-gz.al" 2>/dev/null
check "gzip on stdin: same alert" \
    "$(jq -r .event.id "$TMP/file.al")" \
    "$(jq -r .event.id "$TMP/stdin-gz.al")"

# A named pipe is read once, unprobed, whole: opened and closed first,
# its writer could be gone and the second open wait for ever.  Five
# tries, each bounded (a regression fails, never hangs the suite).
mkfifo "$TMP/pipe"
gzip -c "$TMP/conn.log" > "$TMP/conn.log.gz"
ok=0
for try in 1 2 3 4 5; do
	cat "$TMP/conn.log.gz" > "$TMP/pipe" &
	rm -f "$TMP/fifo.al"
	timeout 20 "$FANIN" -o "$TMP/fifo.al" "$TMP/pipe" 2>/dev/null
	[ "$(jq -r .event.id "$TMP/fifo.al" 2>/dev/null)" = \
	    "$(jq -r .event.id "$TMP/file.al")" ] && ok=$((ok + 1))
	kill "$!" 2>/dev/null
	wait
done
check "named pipe: same alert as the file, five times" 5 "$ok"

# SIGTERM while a named pipe has no writer ends the wait.  (valgrind
# restarts the interrupted open, so this runs natively only.)
under_valgrind || sigterm_ends "named pipe without a writer" \
    "$FANIN" -o /dev/null "$TMP/pipe"

# A config file has no sections; a comment after a value takes ";".
printf 'threshold = 0 ; fixed mode\n[extra]\nmin-sources = 3\n' \
    > "$TMP/section.conf"
check "config: a key under [section] is a usage error" 2 \
    "$("$FANIN" -c "$TMP/section.conf" "$TMP/conn.log" >/dev/null 2>&1
    echo $?)"
printf 'threshold = 0 ; fixed mode\n' > "$TMP/inline.conf"
check "config: a ';' comment after a value" 0 \
    "$("$FANIN" -c "$TMP/inline.conf" -o /dev/null "$TMP/conn.log" \
    2>/dev/null; echo $?)"

# Flags in a config file take any case; an empty path is a usage error.
printf 'stats = YES\nthreshold = 0\n' > "$TMP/case.conf"
"$FANIN" -c "$TMP/case.conf" -o /dev/null "$TMP/conn.log" \
    2> "$TMP/case.err"
check "config: stats = YES" "0 1" "$? $(grep -c '^total ' "$TMP/case.err")"
printf 'events =\n' > "$TMP/empty.conf"
check "config: events = (empty) is a usage error" 2 \
    "$("$FANIN" -c "$TMP/empty.conf" "$TMP/conn.log" >/dev/null 2>&1
    echo $?)"

# -o and --events spelled two ways for a file not there yet.
(cd "$TMP" && "$FANIN" -o twice.json --events=./twice.json conn.log \
    2>/dev/null)
check "-o x and --events=./x, x not there yet: usage error" "2 no" \
    "$? $([ -e "$TMP/twice.json" ] && echo yes || echo no)"

# An output FIFO waits for its reader; SIGTERM ends the wait.
mkfifo "$TMP/out.fifo"
under_valgrind || sigterm_ends "output FIFO without a reader" \
    "$FANIN" -o "$TMP/out.fifo" "$TMP/conn.log"

# stdin cannot be followed: a usage error, not a file named "-".
: > "$TMP/-"
(cd "$TMP" && echo | "$FANIN" --follow - 2> "$TMP/follow-stdin.err")
check "--follow -: usage error" 2 "$?"
check "--follow -: says why" 1 \
    "$(grep -c "stdin) cannot be followed" "$TMP/follow-stdin.err")"
check "--stats=1: takes no value" 2 \
    "$("$FANIN" --stats=1 "$TMP/conn.log" 2>/dev/null; echo $?)"

# A symlink back up a directory tree is not followed: no loop.
mkdir -p "$TMP/tree/sub"
cp "$TMP/conn.log" "$TMP/tree/sub/"
ln -s .. "$TMP/tree/sub/up"
"$FANIN" --stats -o /dev/null "$TMP/tree" 2> "$TMP/tree.err"
check "symlink loop: exit 0" 0 $?
check "symlink loop: the one file read once" 1 \
    "$(grep -c '^file=' "$TMP/tree.err")"
check "symlink loop: nothing said about it" 0 \
    "$(grep -c 'warning' "$TMP/tree.err")"

# zeekctl's layout: logs/current is a link to spool/logger.  Following
# or replaying logs/ reads the live files through it, once, even with a
# second link to the same directory.
mkdir -p "$TMP/zeek/logs/2026-01-05" "$TMP/zeek/spool/logger"
ln -s ../spool/logger "$TMP/zeek/logs/current"
ln -s ../spool/logger "$TMP/zeek/logs/again"
cp "$TMP/conn.log" "$TMP/zeek/spool/logger/conn.log"
"$FANIN" --stats -o "$TMP/zeek.al" "$TMP/zeek/logs" 2> "$TMP/zeek.err"
check "zeekctl layout: the live conn.log read once, its alert" \
    "1 $(jq -r .event.id "$TMP/file.al")" \
    "$(grep -c '^file=' "$TMP/zeek.err") $(jq -r .event.id "$TMP/zeek.al")"

# A number too big for a double or a 64-bit integer, in a field fanin
# does not use, costs nothing: the record still counts.
printf '%s\n' '{"ts":1767607200.5,"uid":"Cbig","id.orig_h":"192.0.2.1","id.orig_p":1,"id.resp_h":"192.0.2.9","id.resp_p":3389,"proto":"tcp","conn_state":"SF","orig_bytes":99999999999999999999999999,"missed_bytes":1e400}' \
    > "$TMP/big.json"
"$FANIN" --events="$TMP/big.ev" -o /dev/null "$TMP/big.json" 2>/dev/null
check "huge numbers: the record counts" true \
    "$(jq -r .fanin.counted "$TMP/big.ev")"

# Off a terminal (here stderr is a file) a replay draws no progress line.
"$FANIN" -o /dev/null "$TMP/conn.log" 2> "$TMP/progress.err"
check "no progress line off a terminal" 0 \
    "$(grep -c 'read (' "$TMP/progress.err")"

# A missing file is reported by name, exit 1, and the others still count.
"$FANIN" -o "$TMP/missing.al" "$TMP/nope.log" "$TMP/conn.log" \
    2> "$TMP/missing.err"
check "missing file: exit 1" 1 $?
check "missing file: named" 1 "$(grep -c 'nope.log' "$TMP/missing.err")"
check "missing file: the other file's alert" 1 \
    "$(wc -l < "$TMP/missing.al" | tr -d ' ')"

# -o appends.
"$FANIN" -o "$TMP/file.al" "$TMP/conn.log" 2>/dev/null
check "-o appends" 2 "$(wc -l < "$TMP/file.al" | tr -d ' ')"

# The config file: long option names as keys, the command line wins.
cat > "$TMP/fanin.conf" <<CONF
# fixed threshold for the test
threshold = 0
min-sources = 3
exclude-source = 10.3.0.0/24
count-attempts = yes
CONF
"$FANIN" -c "$TMP/fanin.conf" -o "$TMP/conf.al" "$TMP/conn.log" 2>/dev/null
check "config: fixed mode alerts on busy buckets, spike excluded" \
    "fixed" "$(jq -r .fanin.mode "$TMP/conf.al" | sort -u)"
check "config: excluded spike sources never listed" 0 \
    "$(grep -c '10\.3\.0\.' "$TMP/conf.al")"
printf 'threshold = 0\nmin-sources = 3\n' > "$TMP/fixed.conf"
"$FANIN" -c "$TMP/fixed.conf" --threshold=70 --min-sources=5 \
    -o "$TMP/conf2.al" "$TMP/conn.log" 2>/dev/null
check "config: the command line wins" "10.1.0.3 baseline" \
    "$(jq -r '"\(.destination.ip) \(.fanin.mode)"' "$TMP/conf2.al")"
printf 'exclude-source = 10.3.0.0/29\n' > "$TMP/half.conf"
"$FANIN" -c "$TMP/half.conf" -o "$TMP/half.al" "$TMP/conn.log" 2>/dev/null
check "config: half the spike excluded still alerts" 1 \
    "$(wc -l < "$TMP/half.al" | tr -d ' ')"
"$FANIN" -c "$TMP/half.conf" --exclude-source=10.3.0.8/29 \
    -o "$TMP/both.al" "$TMP/conn.log" 2>/dev/null
check "config: command-line exclusions add to the file's" 0 \
    "$(wc -l < "$TMP/both.al" | tr -d ' ')"
echo "bogus-key = 1" > "$TMP/bad.conf"
"$FANIN" -c "$TMP/bad.conf" "$TMP/conn.log" 2> "$TMP/bad.err"
check "config: unknown key is a usage error" 2 $?
check "config: message names the file" 1 "$(grep -c 'bad.conf' "$TMP/bad.err")"
"$FANIN" -c "$TMP" "$TMP/conn.log" 2>/dev/null
check "config: a directory is a usage error" 2 $?
ln "$TMP/file.al" "$TMP/link.al"
"$FANIN" -o "$TMP/file.al" --events="$TMP/link.al" "$TMP/conn.log" \
    2>/dev/null
check "-o and --events on one file by two names is a usage error" 2 $?

# The four files fanin writes are four files, and none is an input: each
# clash is a usage error that leaves the file as it was.
cp "$TMP/conn.log" "$TMP/clash.log"
sum=$(cksum < "$TMP/clash.log")
for pair in "--output --state" "--output --report" "--events --state" \
    "--events --report" "--state --report"; do
	set -- $pair
	rm -f "$TMP/clash.out"
	"$FANIN" "$1=$TMP/clash.out" "$2=$TMP/clash.out" "$TMP/conn.log" \
	    2> "$TMP/clash.err"
	check "$1 and $2 on one file: usage error, said, nothing written" \
	    "2 1 no" "$? $(grep -c 'name the same file' "$TMP/clash.err") \
$([ -e "$TMP/clash.out" ] && echo yes || echo no)"
done
set --
for opt in --output --events --state --report; do
	"$FANIN" "$opt=$TMP/clash.log" "$TMP/clash.log" 2> "$TMP/clash.err"
	check "$opt naming the input: usage error, said, input intact" \
	    "2 1 $sum" "$? $(grep -c 'names the input' "$TMP/clash.err") \
$(cksum < "$TMP/clash.log")"
done

# The report is renamed into place at the end: a symlink there (as
# /dev/stdout is) or a directory that takes no file is refused before
# anything is read, and the link is left as it was.
echo 'a page' > "$TMP/page.html"
ln -s "$TMP/page.html" "$TMP/report.link"
"$FANIN" --report="$TMP/report.link" -o "$TMP/rl.al" "$TMP/conn.log" \
    2> "$TMP/rl.err"
check "--report at a symlink: status 1, said, link kept, nothing read" \
    "1 1 link 0" "$? $(grep -c 'not a regular file' "$TMP/rl.err") \
$([ -L "$TMP/report.link" ] && echo link) $(lines "$TMP/rl.al")"
"$FANIN" --report="$TMP/no-such-dir/r.html" -o "$TMP/rd.al" \
    "$TMP/conn.log" 2> "$TMP/rd.err"
check "--report where no file can be made: status 1, said, nothing read" \
    "1 1 0" "$? $(grep -c 'cannot be written there' "$TMP/rd.err") \
$(lines "$TMP/rd.al")"

# stdin is a stream: a first line that is no record (tail -F's banner
# over several files, or any other) does not end it, and with --state it
# is read whole and its baselines kept.
{ printf '==> conn.log <==\n'; cat "$TMP/conn.log"; printf '\n==> x <==\n'; } |
    "$FANIN" --stats -o "$TMP/banner.al" - 2> "$TMP/banner.err"
check "stdin after tail's banners: the alert, banners skipped unsaid" \
    "1 0" "$(lines "$TMP/banner.al") $(grep -c warning "$TMP/banner.err")"
{ echo 'hello, not a log'; cat "$TMP/conn.log"; } |
    "$FANIN" --stats -o "$TMP/hello.al" - 2> "$TMP/hello.err"
check "stdin whose first line is no record: read on, the line rejected" \
    "1 1" "$(lines "$TMP/hello.al") $(grep '^total ' "$TMP/hello.err" |
    tr ' ' '\n' | sed -n 's/^rejected=//p')"
"$FANIN" --state="$TMP/stdin.state" -o "$TMP/stdin-state.al" - \
    < "$TMP/conn.log" 2>/dev/null
check "stdin with --state: read, the alert, the model kept" "0 1 yes" \
    "$? $(lines "$TMP/stdin-state.al") $(sed 1d "$TMP/stdin.state" |
    jq -r 'if (.model.destinations | length) > 0 then "yes" else "no" end')"

# An output that is an existing log (one in the directory read, say) is a
# usage error: writing alerts into it, or a report over it, destroys it.
mkdir "$TMP/haslog"
cp "$TMP/conn.log" "$TMP/haslog/conn.log"
sum=$(cksum < "$TMP/haslog/conn.log")
for opt in --output --events --state --report; do
	"$FANIN" "$opt=$TMP/haslog/conn.log" "$TMP/haslog" 2> "$TMP/haslog.err"
	check "$opt naming a log in the directory read: usage error, intact" \
	    "2 1 $sum" "$? $(grep -c 'which is a Zeek or Suricata log' \
	    "$TMP/haslog.err") $(cksum < "$TMP/haslog/conn.log")"
done
"$FANIN" --state=- "$TMP/conn.log" 2>/dev/null
check "--state=-: usage error" 2 $?
"$FANIN" - - < "$TMP/conn.log" 2>/dev/null
check "stdin named twice: usage error" 2 $?

# stdin is read first: a file whose records are all older than it is
# late, and said so.
head -n 100 "$TMP/conn.log" > "$TMP/early.log"
{ grep '^#' "$TMP/conn.log"; tail -n +101 "$TMP/conn.log" | grep -v '^#'; } \
    > "$TMP/late.log"
"$FANIN" -o /dev/null "$TMP/early.log" - < "$TMP/late.log" \
    2> "$TMP/early.err"
check "a file all older than stdin read before it: said" 1 \
    "$(grep -c 'early.log all [0-9]* of its RDP records are older' \
    "$TMP/early.err")"

# An exclusion with host bits set is said, with what it stands for.
"$FANIN" --exclude-source=10.20.0.15/0 --exclude-source=10.0.0.0/8 \
    -o /dev/null "$TMP/conn.log" 2> "$TMP/hostbits.err"
check "exclusion with host bits: said once, as every address" 1 \
    "$(grep -c '10.20.0.15/0 has host bits set; it stands for 0.0.0.0/0, every address' \
    "$TMP/hostbits.err")"

# Outputs of an earlier run inside the directory replayed are not read.
mkdir "$TMP/rerun"
cp "$TMP/conn.log" "$TMP/rerun/"
for i in 1 2; do
	"$FANIN" -o "$TMP/rerun/alerts.json" --events="$TMP/rerun/ev.json" \
	    --report="$TMP/rerun/report.html" "$TMP/rerun" 2> "$TMP/rerun.err"
done
check "outputs in the replayed directory: not read, no warning" "2 0" \
    "$(lines "$TMP/rerun/alerts.json") $(grep -c . "$TMP/rerun.err")"
"$FANIN" -o /dev/stdout "$TMP/conn.log" 2>/dev/null > "$TMP/devout.al"
check "-o /dev/stdout works" 1 "$(wc -l < "$TMP/devout.al" | tr -d ' ')"

# A directory that cannot be listed (here nested past 32 levels, as root
# can list any other) is said once, counted unreadable, and the run ends
# with status 1 after reading the rest.
deep="$TMP/deep"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 \
    25 26 27 28 29 30 31 32 33 34; do
	deep="$deep/d"
done
mkdir -p "$deep"
cp "$TMP/conn.log" "$TMP/deep/"
"$FANIN" --stats -o "$TMP/deep.al" "$TMP/deep" 2> "$TMP/deep.err"
check "unlistable directory: status 1, said once, unreadable=1, rest read" \
    "1 1 1 1" "$? $(grep -c 'cannot list directory' "$TMP/deep.err") \
$(grep '^total ' "$TMP/deep.err" | tr ' ' '\n' | sed -n 's/^unreadable=//p') \
$(lines "$TMP/deep.al")"
finish
