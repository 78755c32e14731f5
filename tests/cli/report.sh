#!/bin/sh
# report.sh - --report on the shipped samples: the page is written
# atomically with mode 0640, matches the alerts file, fetches and runs
# nothing, and renders in headless Chromium with its chart and
# destination; a run without alerts says so.  Skips (77) without the
# Debian package chromium.  With REPORT_SCREENSHOT=PATH set, the
# screenshot is kept there for a person to look at.
. "$(dirname "$0")/lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser)
if [ -z "$CHROMIUM" ]; then
	echo "SKIP: chromium not installed (Debian package chromium)"
	exit 77
fi

# render MODE PAGE [OUT]: --dump-dom to stdout, or --screenshot=OUT.
render() {
	profile=$(mktemp -d "$TMP/profile.XXXXXX")
	if [ "$1" = dom ]; then
		set -- --dump-dom "$2"
	else
		set -- --screenshot="$3" "$2"
	fi
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$profile" --window-size=1200,900 \
	    "$1" "file://$2" 2>/dev/null
}

# count PATTERN FILE: how many times a fixed string occurs.
count() {
	grep -o -F -- "$1" "$2" | wc -l | tr -d ' '
}

page="$TMP/report.html"
"$FANIN" -o "$TMP/alerts.json" --report="$page" "$SRCDIR/samples" \
    2>/dev/null
check "report: exit 0" 0 $?
check "report: written" yes "$([ -s "$page" ] && echo yes)"
check "report: mode 0640" 640 "$(stat -c %a "$page")"
check "report: no temporary file left" "report.html" \
    "$(ls "$TMP" | grep '^report\.html')"
check "report: one chart per alert" \
    "$(wc -l < "$TMP/alerts.json" | tr -d ' ')" "$(count '<svg' "$page")"
check "report: one spike bar per alert" \
    "$(wc -l < "$TMP/alerts.json" | tr -d ' ')" \
    "$(count '<rect class="bar spike"' "$page")"
check "report: the alert's destination" 1 \
    "$(count 'class="ip destination">10.20.0.15<' "$page")"
check "report: the alert's event.id" 1 \
    "$(count "$(jq -r .event.id "$TMP/alerts.json")" "$page")"
check "report: every listed source" "" \
    "$(jq -r '.fanin.sources[].ip' "$TMP/alerts.json" | while read -r ip; do
	grep -q -F ">$ip<" "$page" || echo "$ip"; done)"
check "report: no script, nothing fetched" "0 0 0" \
    "$(count '<script' "$page") $(count 'src=' "$page") \
$(count 'url(' "$page")"

render dom "$page" > "$TMP/dom.html"
check "rendered: exit 0" 0 $?
check "rendered: the chart" yes \
    "$(grep -q '<svg' "$TMP/dom.html" && echo yes)"
check "rendered: the destination" yes \
    "$(grep -q '10\.20\.0\.15' "$TMP/dom.html" && echo yes)"
check "rendered: the bars" "$(count '<rect class="bar' "$page")" \
    "$(count '<rect class="bar' "$TMP/dom.html")"

render shot "$page" "$TMP/report.png"
check "screenshot: a PNG" "89504e47" \
    "$(od -A n -t x1 -N 4 "$TMP/report.png" | tr -d ' \n')"
check "screenshot: not blank" yes \
    "$([ "$(wc -c < "$TMP/report.png")" -gt 20000 ] && echo yes)"
if [ -n "$REPORT_SCREENSHOT" ]; then
	cp "$TMP/report.png" "$REPORT_SCREENSHOT"
fi

# A run with no alert still writes a page, and the page says so.
empty="$TMP/empty.html"
"$FANIN" -o "$TMP/none.json" --report="$empty" \
    "$SRCDIR/samples/real/otrf-apt29" 2>/dev/null
check "no alerts: exit 0" 0 $?
check "no alerts: no alert written" 0 \
    "$(wc -l < "$TMP/none.json" | tr -d ' ')"
render dom "$empty" > "$TMP/empty-dom.html"
check "no alerts: the page says so" 1 \
    "$(count 'id="no-alerts"' "$TMP/empty-dom.html")"
check "no alerts: no chart" 0 "$(count '<svg' "$TMP/empty-dom.html")"

# A page that cannot be written is an error naming it; nothing is left.
"$FANIN" -o "$TMP/again.json" --report="$TMP/missing/report.html" \
    "$SRCDIR/samples/generated" 2> "$TMP/err"
check "unwritable: exit 1" 1 $?
check "unwritable: the path named" 1 \
    "$(grep -c -F "report=$TMP/missing/report.html" "$TMP/err")"
finish
