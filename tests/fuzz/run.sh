#!/bin/sh
# run.sh - build the fuzzers (make fuzz), seed their corpora from
# ../shared (cases and real data), and run each for SECONDS (default 60).
# A crash leaves crash-* in tests/fuzz/ and stops with status 1.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHARED:-$top/../shared}
seconds=${SECONDS_EACH:-60}
cd "$top"
make -s fuzz
c=tests/fuzz/corpus
mkdir -p $c/record $c/zeek_tsv $c/json $c/stream $c/model_state
for f in $(find "$shared/cases" "$shared/data" -type f -size -200k); do
	n=$(echo "$f" | cksum | cut -d' ' -f1)
	cp "$f" $c/stream/$n
	gzip -dcf "$f" 2>/dev/null | head -c 65536 > $c/record/$n || true
	gzip -dcf "$f" 2>/dev/null | grep -av '^#' | head -c 4096 \
	    > $c/zeek_tsv/$n || true
	gzip -dcf "$f" 2>/dev/null | grep -a "^{" | head -n 1 > $c/json/$n || true
done
for f in $FUZZ_ONLY record zeek_tsv json stream model_state; do
	[ -z "$FUZZ_ONLY" ] || [ "$f" = "$FUZZ_ONLY" ] || continue
	echo "fuzz_$f: $seconds s"
	(cd tests/fuzz && ./fuzz_$f -max_total_time="$seconds" \
	    -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 corpus/$f 2>&1 |
	    grep -E 'stat::number_of_executed_units|cov:.*DONE|ERROR|crash-' |
	    tail -3)
	[ -z "$(ls tests/fuzz/crash-* 2>/dev/null)" ] || exit 1
	[ -z "$FUZZ_ONLY" ] || break
done
