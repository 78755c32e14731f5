#!/bin/sh
# run.sh - measure fanin's model against fixed thresholds.
#
#   contrib/eval/run.sh [FANIN] [SHARED]
#
# Builds contrib/eval/gen.c, makes the backgrounds (a generated enterprise
# of five weeks, and the real RITA and CTU days of ../shared/data with
# spikes of 5, 10, 20 and 50 new sources within an hour injected), runs
# fanin at its defaults and as fixed thresholds of 5, 10 and 25 sources
# per 6-hour bucket, and prints one Markdown table: recall by spike size,
# false alerts, destination-days, false alerts per 1000 destination-days,
# F1, and the median delay in minutes of event time from the spike's first
# record and from its last record to the alert's @timestamp; then, per
# detector, the same over every background and mode pooled.  The same
# seed gives the same table.  A few minutes on one core.
set -e
here=$(cd "$(dirname "$0")" && pwd)
FANIN=${1:-$here/../../src/fanin}
SHARED=${2:-$here/../../../shared}
SEED=${SEED:-1}
DAYS=${DAYS:-35}
ROUNDS=${ROUNDS:-10}
if [ -n "$KEEP" ]; then
	W=$KEEP
	mkdir -p "$W"
else
	W=$(mktemp -d "${TMPDIR:-/tmp}/fanin-eval.XXXXXX")
	trap 'rm -rf "$W"' EXIT
fi
. "$here/../../tests/cli/lib.sh"
trap - EXIT
[ -n "$KEEP" ] || trap 'rm -rf "$W" "$TMP"' EXIT

cc -O2 -o "$W/gen" "$here/gen.c"

# to_list FILE...: Zeek TSV conn logs (gzip or plain) as a connection list.
to_list() {
	gzip -dcf "$@" | awk -F'\t' -v OFS='\t' '
	/^#fields/ {
		for (i = 2; i <= NF; i++)
			col[$i] = i - 1
		next
	}
	/^#/ { next }
	{
		d = $col["duration"]; if (d == "-") d = 0
		op = $col["orig_pkts"]; if (op == "-") op = 0
		rp = $col["resp_pkts"]; if (rp == "-") rp = 0
		print $col["ts"], $col["uid"], $col["id.orig_h"],
		    $col["id.orig_p"], $col["id.resp_h"], $col["id.resp_p"],
		    $col["proto"], $col["service"], d, $col["conn_state"],
		    op, rp
	}'
}

# by_written < LIST: in the order Zeek writes conn.log, by start plus
# duration (the time the connection ended).
by_written() {
	awk -F'\t' '{ printf "%.6f\t%s\n", $1 + $9, $0 }' | sort -s -g -k1,1 |
	    cut -f2-
}

# alerts TAG OPTIONS... LOG: fanin's alerts as "TAG/destination time".
alerts() {
	tag=$1
	shift
	"$FANIN" "$@" 2> /dev/null |
	    jq -r --arg t "$tag" '[$t + .destination.ip, .["@timestamp"]]
	    | @tsv'
}

# row LABEL NAME OPTIONS...: every round of NAME, scored as one row.
row() {
	label=$1 name=$2
	shift 2
	attempts=0
	case " $* " in *" --count-attempts "*) attempts=1 ;; esac
	days=0
	: > "$W/alerts"
	: > "$W/truth"
	for r in $(cat "$W/$name.rounds"); do
		tag=${r#"$name"}
		tag=${tag#.}
		alerts "${tag:+$tag/}" "$@" "$W/$r.log" >> "$W/alerts"
		cat "$W/$r.truth" >> "$W/truth"
		days=$((days + $("$W/gen" days "$W/$r.list" "$attempts")))
	done
	"$W/gen" score "$label" "$W/truth" "$days" < "$W/alerts"
	# The same alerts and truth, named apart, into the detector's pool.
	pool="$W/pool.$(echo "${label#*: }" | tr ' ' _)"
	sed "s|^|$name$attempts:|" "$W/alerts" >> "$pool.alerts"
	sed "s|^|$name$attempts:|" "$W/truth" >> "$pool.truth"
	echo "$days" >> "$pool.days"
}

# pooled DETECTOR: one row over every background and mode at once.
pooled() {
	pool="$W/pool.$(echo "$1" | tr ' ' _)"
	"$W/gen" score "all: $1" "$pool.truth" \
	    "$(awk '{ n += $1 } END { print n }' "$pool.days")" \
	    < "$pool.alerts"
}

# rows LABEL NAME [OPTION]: fanin's defaults and the fixed thresholds.
rows() {
	row "$1: fanin" "$2" $3
	for n in 5 10 25; do
		row "$1: fixed $n" "$2" --threshold=0 --min-sources=$n $3
	done
}

# rounds NAME LIST: ROUNDS copies of a real background, each with one
# spike of each size.
rounds() {
	: > "$W/$1.rounds"
	i=1
	while [ "$i" -le "$ROUNDS" ]; do
		"$W/gen" inject $((SEED * 1000 + i)) "r$i" "$W/$1.r$i.truth" \
		    < "$2" | by_written > "$W/$1.r$i.list"
		to_zeek_tsv < "$W/$1.r$i.list" > "$W/$1.r$i.log"
		echo "$1.r$i" >> "$W/$1.rounds"
		i=$((i + 1))
	done
}

"$W/gen" enterprise "$SEED" "$DAYS" "$W/ent.truth" | by_written \
    > "$W/ent.list"
to_zeek_tsv < "$W/ent.list" > "$W/ent.log"
echo ent > "$W/ent.rounds"

R=$SHARED/data/zeek
to_list "$R"/rita-sensor/*/conn.*.gz > "$W/rita.bg"
rounds rita "$W/rita.bg"
to_list "$R"/ctu-normal/008-*.gz "$R"/ctu-normal/010-*.gz > "$W/ctu.bg"
rounds ctu "$W/ctu.bg"

echo "| background: detector | r5 | r10 | r20 | r50 | false |" \
    "dest-days | false/1000 dd | F1 | delay first (min) |" \
    "delay last (min) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
rows enterprise ent
rows "enterprise, attempts" ent --count-attempts
rows RITA rita
rows "RITA, attempts" rita --count-attempts
rows CTU ctu
rows "CTU, attempts" ctu --count-attempts
for detector in fanin "fixed 5" "fixed 10" "fixed 25"; do
	pooled "$detector"
done
