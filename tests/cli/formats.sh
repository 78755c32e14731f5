#!/bin/sh
# formats.sh - the same connections written as Zeek TSV, Zeek JSON (epoch
# and ISO ts) and Suricata eve, each plain, gzip and zstd, give the same
# counted events and the same alert event.ids.
. "$(dirname "$0")/lib.sh"

sh "$SRCDIR/tests/cli/gen_conns.sh" > "$TMP/list"
to_zeek_tsv < "$TMP/list" > "$TMP/tsv.log"
to_zeek_json epoch < "$TMP/list" > "$TMP/json-epoch.log"
to_zeek_json iso < "$TMP/list" > "$TMP/json-iso.log"
to_eve < "$TMP/list" > "$TMP/eve.json"

expected_counted=$(awk -F'\t' '($6 == 3389) && $10 == "SF"' "$TMP/list" |
    wc -l | tr -d ' ')
for f in tsv.log json-epoch.log json-iso.log eve.json; do
	gzip -9c "$TMP/$f" > "$TMP/$f.gz"
	zstd -q -19 -c "$TMP/$f" > "$TMP/$f.zst"
	for v in "$f" "$f.gz" "$f.zst"; do
		rm -f "$TMP/alerts" "$TMP/events"
		"$FANIN" -o "$TMP/alerts" --events="$TMP/events" \
		    "$TMP/$v" 2>/dev/null
		check "$v exit status" 0 $?
		jq -r 'select(.fanin.counted) |
		    [.["@timestamp"], .source.ip, .destination.ip,
		    .destination.port] | @tsv' "$TMP/events" \
		    > "$TMP/counted.$v"
		check "$v counted events" "$expected_counted" \
		    "$(wc -l < "$TMP/counted.$v" | tr -d ' ')"
		jq -r '[.["event.id"] // .event.id, .destination.ip] | @tsv' \
		    "$TMP/alerts" > "$TMP/ids.$v"
		check "$v one alert for 10.1.0.3" "10.1.0.3" \
		    "$(cut -f2 "$TMP/ids.$v" | tr '\n' ' ' | sed 's/ $//')"
	done
done
# Every variant agrees with the first, event by event and alert by alert.
for v in "$TMP"/counted.*; do
	check "$(basename "$v") same events as TSV" "" \
	    "$(cmp -s "$v" "$TMP/counted.tsv.log" || echo differs)"
done
for v in "$TMP"/ids.*; do
	check "$(basename "$v") same alert ids as TSV" "" \
	    "$(cmp -s "$v" "$TMP/ids.tsv.log" || echo differs)"
done
# One stream that changes format half-way (zcat over archives from before
# and after use_json, one tail -F over conn.log and eve.json) counts the
# same events and gives the same alert as one file, nothing rejected; the
# first run keeps the fast paths (no --events), the second compares every
# counted event.
total=$(wc -l < "$TMP/list" | tr -d ' ')
half=$((total / 2))
head -n "$half" "$TMP/list" > "$TMP/first"
tail -n +"$((half + 1))" "$TMP/list" > "$TMP/second"
write_as() {
	case $1 in
	tsv) to_zeek_tsv ;;
	json) to_zeek_json epoch ;;
	eve) to_eve ;;
	esac
}
for turn in tsv:json json:tsv json:eve eve:json eve:tsv tsv:eve; do
	a=${turn%:*}
	b=${turn#*:}
	{ write_as "$a" < "$TMP/first"; write_as "$b" < "$TMP/second"; } \
	    > "$TMP/turn.$a-$b"
	rm -f "$TMP/alerts" "$TMP/events"
	"$FANIN" --stats -o "$TMP/alerts" - < "$TMP/turn.$a-$b" \
	    2> "$TMP/turn.stats"
	check "$a then $b: exit status" 0 $?
	got=$(for key in events counted rejected; do
		stat_total "$key" "$TMP/turn.stats"
	done; stat_file - format "$TMP/turn.stats")
	check "$a then $b: events, counted, rejected, format" \
	    "$total $expected_counted 0 mixed" "$(echo $got)"
	check "$a then $b: the alert of one file" \
	    "$(cut -f1 "$TMP/ids.tsv.log")" "$(jq -r .event.id "$TMP/alerts")"
	"$FANIN" -o /dev/null --events="$TMP/events" - < "$TMP/turn.$a-$b" \
	    2>/dev/null
	jq -r 'select(.fanin.counted) |
	    [.["@timestamp"], .source.ip, .destination.ip,
	    .destination.port] | @tsv' "$TMP/events" > "$TMP/counted.turn"
	check "$a then $b: same counted events as one file" "" \
	    "$(cmp -s "$TMP/counted.turn" "$TMP/counted.tsv.log" ||
	    echo differs)"
done
# The order of files on the command line does not change the alerts.
split -n l/3 "$TMP/list" "$TMP/part."
for p in "$TMP"/part.*; do to_zeek_tsv < "$p" > "$p.log"; done
"$FANIN" -o "$TMP/alerts-reversed" "$TMP/part.ac.log" "$TMP/part.ab.log" \
    "$TMP/part.aa.log" 2>/dev/null
check "reversed file order gives the same alert" \
    "$(cut -f1 "$TMP/ids.tsv.log")" \
    "$(jq -r .event.id "$TMP/alerts-reversed")"
finish
