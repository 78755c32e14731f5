#!/bin/sh
# run.sh - time fanin against the tools a person would otherwise reach for,
# on the same generated files, in one run.
#
# Usage: contrib/bench/run.sh [WORKDIR]       (default /tmp/fanin-bench)
#
# Settings, from the environment:
#   FANIN=path        the binary to time (default src/fanin of this tree)
#   CONNS=n           connections in the Zeek TSV file (default 1000000)
#   JSON_CONNS=n      connections in the Zeek JSON and eve files (default
#                     250000: jq reads them at about 15-30 MB/s)
#   REPEAT=n          runs of each command; the fastest counts (default 3)
#   PORTS=list        --ports for fanin and the awk and jq scripts (3389)
#
# The generator (gen.c) is compiled with cc and its files are kept in
# WORKDIR, so a second run only times.  Speed is MB/s of decompressed
# input; "x fanin" is how many times fanin's time the command takes, so
# above 1 means fanin is faster.  Peak RSS is GNU time's maximum resident
# set of the command (for a pipeline, its largest process).  The machine
# is shared, so only ratios within one run mean anything.  Needs the
# Debian packages time, gawk, mawk, jq and zstd; they are installed with
# apt-get when missing and the script runs as root.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${1:-/tmp/fanin-bench}
FANIN=${FANIN:-$top/src/fanin}
CONNS=${CONNS:-1000000}
JSON_CONNS=${JSON_CONNS:-250000}
REPEAT=${REPEAT:-3}
PORTS=${PORTS:-3389}

# Install what is missing, by Debian package name.
need=""
for pair in /usr/bin/time:time gawk:gawk mawk:mawk jq:jq zstd:zstd cc:gcc; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || need="$need ${pair#*:}"
done
if [ -n "$need" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "run.sh: missing Debian packages:$need" >&2
		exit 1
	fi
	apt-get update -qq && apt-get install -y -qq $need >/dev/null
fi
if [ ! -x "$FANIN" ]; then
	echo "run.sh: no fanin at $FANIN; build it first (make)" >&2
	exit 1
fi

mkdir -p "$work"
cc -O2 -o "$work/gen" "$here/gen.c"
tsv=$work/conn-$CONNS.log
json=$work/conn-$JSON_CONNS.json
eve=$work/eve-$JSON_CONNS.json
[ -s "$tsv" ] || "$work/gen" tsv "$CONNS" > "$tsv"
[ -s "$tsv.zst" ] || zstd -q -3 -T1 -f "$tsv" -o "$tsv.zst"
[ -s "$json" ] || "$work/gen" json "$JSON_CONNS" > "$json"
[ -s "$eve" ] || "$work/gen" eve "$JSON_CONNS" > "$eve"
jqports="[$PORTS]"

# Time one shell command REPEAT times; print "seconds peak_kb" of the
# fastest run.
measure() {
	best=""
	i=0
	while [ "$i" -lt "$REPEAT" ]; do
		t0=$(date +%s.%N)
		/usr/bin/time -f %M -o "$work/rss" sh -c "$1" > "$work/out" \
		    2> "$work/err" || {
			echo "run.sh: failed: $1" >&2
			cat "$work/err" >&2
			exit 1
		}
		t1=$(date +%s.%N)
		s=$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')
		kb=$(tail -n 1 "$work/rss")
		best=$(echo "$best $s $kb" | awk '{
			if (NF == 2) print $1, $2
			else if ($3 < $1) print $3, $4
			else print $1, $2
		}')
		i=$((i + 1))
	done
	echo "$best"
}

# One table row: input, command's name, command, input bytes.
row() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$(measure "$3")" "$4" \
	    >> "$work/rows"
}

fanin="$FANIN --ports=$PORTS -o $work/alerts"
size() { wc -c < "$1" | tr -d ' '; }
: > "$work/rows"

b=$(size "$tsv")
row tsv fanin "$fanin $tsv" "$b"
row tsv "gawk count" "gawk -v PORTS=$PORTS -f $here/count_tsv.awk $tsv" "$b"
row tsv "mawk count" "mawk -v PORTS=$PORTS -f $here/count_tsv.awk $tsv" "$b"
row tsv "memchr lines (wc -l)" "wc -l $tsv" "$b"
row tsv "cat > /dev/null" "cat $tsv > /dev/null" "$b"
row tsv.zst fanin "$fanin $tsv.zst" "$b"
row tsv.zst "zstd -dc | wc -l" "zstd -dc $tsv.zst | wc -l" "$b"
b=$(size "$json")
row zeek-json fanin "$fanin $json" "$b"
row zeek-json "jq | awk count" "jq -r --argjson ports '$jqports' \
    -f $here/zeek.jq $json | mawk -f $here/count_pairs.awk" "$b"
b=$(size "$eve")
row eve fanin "$fanin $eve" "$b"
row eve "jq | awk count" "jq -r --argjson ports '$jqports' -f $here/eve.jq \
    $eve | mawk -v MODE=eve -f $here/count_pairs.awk" "$b"
row eve "grep -F flow | jq | awk" "grep -F '\"event_type\":\"flow\"' $eve | \
    jq -r --argjson ports '$jqports' -f $here/eve.jq | \
    mawk -v MODE=eve -f $here/count_pairs.awk" "$b"

# The table: fanin's time of each format is the reference of its rows.
echo "fanin $($FANIN --version 2>/dev/null | head -n 1), $(nproc) cores," \
    "best of $REPEAT; TSV $CONNS connections, JSON and eve $JSON_CONNS"
awk -F'\t' '
	$2 == "fanin" { ref[$1] = $3 + 0 }
	{ line[NR] = $0 }
	END {
		printf "| %-9s | %-24s | %7s | %8s | %8s | %8s |\n",
		    "input", "command", "seconds", "MB/s", "x fanin",
		    "peak RSS"
		printf "|-----------|--------------------------|---------|" \
		    "----------|----------|----------|\n"
		for (i = 1; i <= NR; i++) {
			split(line[i], f, "\t")
			split(f[3], m, " ")
			s = m[1] > 0 ? m[1] : 0.001
			r = ref[f[1]] > 0 ? s / ref[f[1]] : 0
			if (f[1] == "tsv.zst" && f[2] != "fanin")
				r = ref["tsv.zst"] / s
			printf "| %-9s | %-24s | %7.3f | %8.0f | %8.2f | " \
			    "%5.1f MB |\n", f[1], f[2], s,
			    f[4] / s / 1e6, r, m[2] / 1024
		}
	}' "$work/rows"
echo "(tsv.zst: the zstd row's 'x fanin' is fanin's time over zstd's;" \
    "the goal is at most 1.5)"
echo "rerun: REPEAT=$REPEAT CONNS=$CONNS JSON_CONNS=$JSON_CONNS" \
    "$0 $work"
