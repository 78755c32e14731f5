#!/bin/sh
# damage.sh - damaged copies of the real logs: bit flips, cut gzip and
# zstd streams, spliced lines, truncated headers.  fanin must never crash
# or hang (each run is bounded by a timeout), must end with status 0 or 1,
# and must say what it skipped (--stats prints its totals).
. "$(dirname "$0")/lib.sh"
need_shared
D="$SHARED/data"

# survive NAME FILE...: run fanin on damaged input and check it lived.
survive() {
	name=$1
	shift
	timeout 60 "$FANIN" --stats --count-attempts -o /dev/null "$@" \
	    2> "$TMP/$name.err"
	rc=$?
	check "$name: ended by itself with status 0 or 1" yes \
	    "$([ $rc -le 1 ] && echo yes || echo "status $rc")"
	check "$name: reported its totals" 1 \
	    "$(grep -c '^total ' "$TMP/$name.err")"
}

# flip FILE OUT STEP: copy FILE with one byte in every STEP inverted.
flip() {
	od -An -v -tu1 -w1 "$1" | awk -v step="$3" '
	    { b = $1; if (NR % step == 0) b = 255 - b; printf "%c", b }' \
	    LC_ALL=C > "$2"
}

wrccdc="$D/zeek/wrccdc-2018/rdp.log.gz"
slips="$D/suricata/slips/test6-malicious.suricata.json.gz"
rita="$D/zeek/rita-sensor/2024-04-19/conn.00:00:00-01:00:00.log.gz"

# Bit flips in the compressed stream and in the plain text.
head -c 20000 "$wrccdc" > "$TMP/w.gz"
LC_ALL=C flip "$TMP/w.gz" "$TMP/flip.gz" 997
survive "gzip with bit flips" "$TMP/flip.gz"
gzip -dc "$wrccdc" | head -c 60000 > "$TMP/w.log"
LC_ALL=C flip "$TMP/w.log" "$TMP/flip.log" 211
survive "TSV with bit flips" "$TMP/flip.log"
gzip -dc "$slips" | head -c 80000 > "$TMP/s.json"
LC_ALL=C flip "$TMP/s.json" "$TMP/flip.json" 173
survive "eve with bit flips" "$TMP/flip.json"

# A bit flip early in a gzip stream turns its first lines into garbage,
# so the file does not read as a log; the rest is still decompressed,
# and the damage is what is reported, with status 1 (gzip's checksum is
# only at the end).
b=$(od -An -tu1 -j100 -N1 "$rita" | tr -d ' ')
cp "$rita" "$TMP/early.gz"
# shellcheck disable=SC2059
printf "$(printf '\\%03o' $((255 - b)))" |
    dd of="$TMP/early.gz" bs=1 seek=100 conv=notrunc 2>/dev/null
"$FANIN" -o /dev/null "$TMP/early.gz" 2> "$TMP/early.err"
check "gzip damaged at byte 100: status 1, the damage said" "1 1" \
    "$? $(grep -c 'corrupt gzip data' "$TMP/early.err")"

# A flipped bit in gzip's magic number makes the file plain bytes: named
# .gz, it is said to be damaged, with status 1.
cp "$rita" "$TMP/magic.gz"
printf '\212' | dd of="$TMP/magic.gz" bs=1 seek=1 conv=notrunc 2>/dev/null
"$FANIN" -o /dev/null "$TMP/magic.gz" 2> "$TMP/magic.err"
check "gzip magic number damaged: status 1, said" "1 1" \
    "$? $(grep -c 'neither gzip.s nor zstd.s magic number' "$TMP/magic.err")"

# Streams cut at awkward places: exit 1, the complete lines read.
for n in 10 100 1000 10007; do
	head -c $n "$rita" > "$TMP/cut$n.gz"
	survive "gzip cut at $n bytes" "$TMP/cut$n.gz"
done
gzip -dc "$rita" | zstd -q -c > "$TMP/r.zst"
for n in 5 200 3001; do
	head -c $n "$TMP/r.zst" > "$TMP/cut$n.zst"
	survive "zstd cut at $n bytes" "$TMP/cut$n.zst"
done
head -c 3001 "$TMP/r.zst" > "$TMP/cut.zst"
"$FANIN" -o /dev/null "$TMP/cut.zst" 2>/dev/null
check "cut zstd stream: exit 1" 1 $?

# Spliced lines: halves of records glued together, in every format.
gzip -dc "$rita" | head -n 300 | awk 'NR % 7 == 0 {
	printf "%s", substr($0, 1, length($0) / 2); next } { print }' \
    > "$TMP/splice.log"
survive "TSV with spliced lines" "$TMP/splice.log"
gzip -dc "$slips" | head -n 300 | awk 'NR % 5 == 0 {
	printf "%s", substr($0, 1, length($0) / 3); next } { print }' \
    > "$TMP/splice.json"
survive "eve with spliced lines" "$TMP/splice.json"

# Headers cut or scrambled: a #fields line cut short, a header only.
gzip -dc "$rita" | head -n 40 | sed '7s/\tid.resp_h.*//' > "$TMP/hdr.log"
survive "TSV with a cut #fields line" "$TMP/hdr.log"
gzip -dc "$rita" | head -n 8 > "$TMP/only-header.log"
survive "TSV header only" "$TMP/only-header.log"

# A timestamp flipped into the future would make every later record
# late; it is rejected instead, and the alert of the clean file stays.
sh "$SRCDIR/tests/cli/gen_conns.sh" > "$TMP/list"
to_zeek_tsv < "$TMP/list" > "$TMP/clean.log"
awk -F'\t' -v OFS='\t' 'NR == 40 { $1 = "4102444800.5" } { print }' \
    "$TMP/list" | to_zeek_tsv > "$TMP/future.log"
"$FANIN" -o "$TMP/clean.alerts" "$TMP/clean.log" 2> /dev/null
"$FANIN" --stats -o "$TMP/future.alerts" "$TMP/future.log" 2> "$TMP/f.err"
check "future timestamp: the clean file's alert" \
    "$(jq -r '.event.id' "$TMP/clean.alerts")" \
    "$(jq -r '.event.id' "$TMP/future.alerts")"
check "future timestamp: one alert" 1 "$(wc -l < "$TMP/future.alerts")"
check "future timestamp: rejected with its line" 1 \
    "$(grep -c 'future.log line=48 .*rejected (future-timestamp)' \
    "$TMP/f.err")"
check "future timestamp: nothing late" 0 \
    "$(stat_total late_records "$TMP/f.err")"
"$FANIN" --stats --max-ahead=0 -o "$TMP/unbounded.alerts" \
    "$TMP/future.log" 2> "$TMP/u.err"
late=$(stat_total late_records "$TMP/u.err")
check "--max-ahead=0: no alert" 0 "$(wc -l < "$TMP/unbounded.alerts")"
check "--max-ahead=0: the rest is late" yes \
    "$([ "$late" -gt 100 ] && echo yes || echo "$late")"

# A late record did not reach the model: --events says counted false,
# and --stats counts it as late, not as counted.
"$FANIN" --stats --max-ahead=0 --events="$TMP/late.ev" -o /dev/null \
    "$TMP/future.log" 2> "$TMP/late.err"
check "late records: counted false in --events" "$late" \
    "$(jq -r 'select(.destination.port == 3389 and .fanin.setup ==
    "established" and (.fanin.counted | not)) | .event.id' \
    "$TMP/late.ev" | wc -l | tr -d ' ')"
check "late records: counted + late = established RDP events" \
    "$(jq -r 'select(.destination.port == 3389 and .fanin.setup ==
    "established") | .event.id' "$TMP/late.ev" | wc -l | tr -d ' ')" \
    "$(($(stat_total counted "$TMP/late.err") + late))"

# Random bytes, compressed and not.
head -c 200000 /dev/urandom > "$TMP/random.bin"
survive "random bytes" "$TMP/random.bin"
gzip -c "$TMP/random.bin" > "$TMP/random.gz"
survive "random bytes, gzip" "$TMP/random.gz"
finish
