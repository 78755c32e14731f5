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
finish
