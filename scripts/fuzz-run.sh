#!/bin/sh
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each, from its
# seed corpus in fuzz/corpus/<name>/, with fuzz/dict/<name>.dict when the
# format has keywords (read only: new inputs go to a temp
# folder). A crash stops the run and leaves its input in build-fuzz/.
# FUZZ_SEED=N fixes libFuzzer's seed (CI: the same inputs every run, so
# a failure is a finding and not luck); unset or 0: a new seed each run.
# Usage: scripts/fuzz-run.sh BUILD SECONDS
set -eu
seed=${FUZZ_SEED:-0}
build=$(cd "$1" && pwd)
seconds=$2
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

failed=0
for target in "$build"/fuzz/fuzz_*; do
	[ -x "$target" ] || continue
	name=$(basename "$target")
	seeds="$top/fuzz/corpus/${name#fuzz_}"
	mkdir -p "$work/$name"
	[ -d "$seeds" ] || seeds=""
	dict="$top/fuzz/dict/${name#fuzz_}.dict"
	if [ -f "$dict" ]; then dict="-dict=$dict"; else dict=""; fi
	printf 'fuzz: %-24s %ss ... ' "$name" "$seconds"
	if (cd "$build" && "$target" -max_total_time="$seconds" \
		-seed="$seed" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		$dict "$work/$name" $seeds >"$work/$name.log" 2>&1); then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
			"$work/$name.log")
		echo "ok (${runs:-?} runs)"
	else
		echo "FAILED"
		tail -n 30 "$work/$name.log"
		failed=1
	fi
done
exit $failed
