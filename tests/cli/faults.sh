#!/bin/sh
# faults.sh - I/O faults injected under the real binary (tests/fault/
# inject.so through LD_PRELOAD): interrupted and short reads change
# nothing, a read error is reported with its file while the other files
# go on, and a full disk loses no alert.
. "$(dirname "$0")/lib.sh"
INJECT="${BUILDDIR:-$(dirname "$FANIN")/..}/tests/fault/inject.so"
[ -f "$INJECT" ] || { echo "SKIP: no $INJECT"; exit 77; }
# The sanitizer build must accept a library loaded before its runtime.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS

sh "$SRCDIR/tests/cli/gen_conns.sh" | to_zeek_tsv > "$TMP/conn.log"
gzip -c "$TMP/conn.log" > "$TMP/conn.log.gz"
sh "$SRCDIR/tests/cli/gen_conns.sh" | to_eve > "$TMP/eve.json"
"$FANIN" --events="$TMP/plain.ev" -o "$TMP/plain.al" "$TMP/conn.log.gz" \
    "$TMP/eve.json" 2>/dev/null

# EINTR on every third read and reads cut to a third: same output.
LD_PRELOAD="$INJECT" FAULT_READ_EINTR_EVERY=3 FAULT_READ_SHORT=1 \
    "$FANIN" --events="$TMP/intr.ev" -o "$TMP/intr.al" "$TMP/conn.log.gz" \
    "$TMP/eve.json" 2>/dev/null
check "EINTR and short reads: exit 0" 0 $?
check "EINTR and short reads: the same events" \
    "$(wc -l < "$TMP/plain.ev" | tr -d ' ')" \
    "$(wc -l < "$TMP/intr.ev" | tr -d ' ')"
check "EINTR and short reads: the same alerts" \
    "$(jq -r .event.id "$TMP/plain.al")" "$(jq -r .event.id "$TMP/intr.al")"

# EIO on every read of one file after its first (the probe of its first
# record): that file is reported by name and the run goes on.
LD_PRELOAD="$INJECT" FAULT_READ_EIO_FILE=conn.log.gz FAULT_READ_EIO_AFTER=1 \
    "$FANIN" --stats -o /dev/null "$TMP/conn.log.gz" "$TMP/eve.json" \
    2> "$TMP/eio.err"
check "EIO: exit 1" 1 $?
check "EIO: the file named" 1 \
    "$(grep -c 'error: .*conn.log.gz' "$TMP/eio.err")"
check "EIO: the other file still read" 1 \
    "$(grep '^file=.*eve.json ' "$TMP/eio.err" | grep -c ' events=357 ')"

# The first three writes to the alert file fail with ENOSPC: the failure
# is reported, the alert is kept and written once writing works.
LD_PRELOAD="$INJECT" FAULT_WRITE_ENOSPC=3 \
    "$FANIN" -o "$TMP/full.al" "$TMP/conn.log.gz" 2> "$TMP/full.err"
check "ENOSPC: exit 0 once every line is written" 0 "$?"
check "ENOSPC: reported, then its end" "1 1" \
    "$(grep -c 'No space left' "$TMP/full.err") $(grep -c \
    'outputs written again; no line lost' "$TMP/full.err")"
check "ENOSPC: the alert written once, whole" \
    "$(jq -r .event.id "$TMP/plain.al")" "$(jq -r .event.id "$TMP/full.al")"

# A disk that fills in the middle of the third alert and stays full: the
# run ends with status 1 and the file ends on a line boundary, the two
# whole alerts kept and the cut one removed, so the next run's alerts
# start on a line of their own.
S="$SRCDIR/samples/generated"
"$FANIN" --threshold=0 --min-sources=3 -o "$TMP/all.al" "$S" 2>/dev/null
limit=$(($(head -n 2 "$TMP/all.al" | wc -c) + 100))
LD_PRELOAD="$INJECT" FAULT_WRITE_FULL_AFTER=$limit "$FANIN" --threshold=0 \
    --min-sources=3 -o "$TMP/stays-full.al" "$S" 2> "$TMP/stays-full.err"
check "disk stays full: exit 1, said" "1 1" "$? $(grep -c \
    'could not be written and are lost' "$TMP/stays-full.err")"
check "disk stays full: the two whole alerts, nothing cut" \
    "$(head -n 2 "$TMP/all.al" | jq -r .event.id)" \
    "$(jq -r .event.id "$TMP/stays-full.al" 2>&1)"
"$FANIN" --threshold=0 --min-sources=3 -o "$TMP/stays-full.al" "$S" \
    2>/dev/null
check "disk stays full: the next run's lines are whole" \
    "$((2 + $(wc -l < "$TMP/all.al")))" \
    "$(jq -c .event.id "$TMP/stays-full.al" 2>/dev/null | wc -l | tr -d ' ')"

# A file left with a cut last line (a crash in mid-write) gets its
# newline before fanin's first line.
printf '{"cut": "in the mid' > "$TMP/cut.al"
"$FANIN" -o "$TMP/cut.al" "$TMP/conn.log.gz" 2>/dev/null
check "cut last line: fanin's alert on a line of its own" \
    "$(jq -r .event.id "$TMP/plain.al")" \
    "$(sed -n 2p "$TMP/cut.al" | jq -r .event.id)"
finish
