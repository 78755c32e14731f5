#!/bin/sh
# samples.sh - the README's quick start: fanin on samples/ gives the one
# alert the samples were made to show, a valid ECS document.
. "$(dirname "$0")/lib.sh"

"$FANIN" --stats -o "$TMP/alerts.json" "$SRCDIR/samples" 2> "$TMP/stats"
check "samples: exit 0" 0 $?
check "samples: one alert" 1 "$(wc -l < "$TMP/alerts.json" | tr -d ' ')"
check "samples: for the file server" 10.20.0.15 \
    "$(jq -r .destination.ip "$TMP/alerts.json")"
check "samples: alert at the tenth source, nine of them new" "10 9" \
    "$(jq -r '"\(.fanin.distinct_sources) \([.fanin.sources[] |
    select(.seen_before | not)] | length)"' "$TMP/alerts.json")"
check "samples: at the record that made the spike" \
    "2026-01-06T14:05:06.500000Z" \
    "$(jq -r '.["@timestamp"]' "$TMP/alerts.json")"
check "samples: MITRE mapping" "TA0008 T1210" \
    "$(jq -r '"\(.threat.tactic.id[0]) \(.threat.technique.id[0])"' \
    "$TMP/alerts.json")"
check "samples: formats read" "eve zeek-json zeek-tsv" \
    "$(grep '^file=.*generated' "$TMP/stats" |
    sed 's/.* format=\([^ ]*\).*/\1/' | sort | tr '\n' ' ' | sed 's/ $//')"

# The three generated files as one stream, as zcat over the archives of a
# site that turned on use_json would give them, then eve.json after: the
# same alert, the same counted events, nothing rejected.
S=$SRCDIR/samples/generated
"$FANIN" --stats -o "$TMP/apart.json" "$S/zeek-conn.day1.log.gz" \
    "$S/zeek-conn.day2-morning.json.log" "$S/eve.day2-afternoon.json" \
    2> "$TMP/apart.stats"
{ gzip -dc "$S/zeek-conn.day1.log.gz"
  cat "$S/zeek-conn.day2-morning.json.log" "$S/eve.day2-afternoon.json"; } |
    "$FANIN" --stats -o "$TMP/stream.json" - 2> "$TMP/stream.stats"
check "one stream: exit 0" 0 $?
check "one stream: the alert of the three files" \
    "fab1a4ea1ba52f970e5a31b89f055b01 fab1a4ea1ba52f970e5a31b89f055b01" \
    "$(jq -r .event.id "$TMP/apart.json" "$TMP/stream.json" | tr '\n' ' ' |
    sed 's/ $//')"
check "one stream: events counted rejected, as the three files" \
    "606 142 0 606 142 0" \
    "$(for f in apart stream; do for key in events counted rejected; do
    stat_total "$key" "$TMP/$f.stats"; done; done | tr '\n' ' ' |
    sed 's/ $//')"
check "one stream: format mixed" mixed \
    "$(stat_file - format "$TMP/stream.stats")"

# Zeek JSON then eve in one stream (one tail -F over both), attempts
# counted too: two days, still learning, so no alert either way.
"$FANIN" --stats --count-attempts -o "$TMP/apart2.json" \
    "$S/zeek-conn.day2-morning.json.log" "$S/eve.day2-afternoon.json" \
    2> "$TMP/apart2.stats"
cat "$S/zeek-conn.day2-morning.json.log" "$S/eve.day2-afternoon.json" |
    "$FANIN" --stats --count-attempts -o "$TMP/stream2.json" - \
    2> "$TMP/stream2.stats"
check "Zeek JSON then eve: events counted rejected alerts, as the files" \
    "310 118 0 0 310 118 0 0" \
    "$(for f in apart2 stream2; do
    for key in events counted rejected alerts; do
    stat_total "$key" "$TMP/$f.stats"; done; done | tr '\n' ' ' |
    sed 's/ $//')"
finish
