#!/bin/sh
# The demo (`make demo`, which builds first): generate a synthetic iOS
# backup with planted Pegasus traces and look-alikes, check it against a
# small hand-written indicator set, and show where the results are.
# Usage: demo/run-demo.sh BUILD_DIR
# Exit status: 0 when tracehound ran (it exits 1 when it finds alerts,
# which is what the demo shows), 2 on any error.
set -u

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
case $build in
/*) ;;
*) build=$(pwd)/$build ;;
esac
gen=$build/th-gen
tool=$build/tracehound
iocs=$root/demo/demo-iocs.stix2
work=$build/demo

for f in "$gen" "$tool"; do
	if [ ! -x "$f" ]; then
		echo "run-demo: cannot find '$f' (run 'make demo', which builds first)" >&2
		exit 2
	fi
done

echo "tracehound demo: a synthetic iOS backup with planted Pegasus traces"
echo "(and look-alikes that must not alert), checked against demo/demo-iocs.stix2"
echo

rm -rf "$work/backup" "$work/results" || exit 2
mkdir -p "$work" || exit 2
"$gen" backup "$work/backup" --infected || exit 2
echo

echo "\$ tracehound check -i demo/demo-iocs.stix2 -o $work/results $work/backup"
"$tool" check -i "$iocs" -o "$work/results" "$work/backup"
rc=$?
echo

if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
	echo "run-demo: tracehound failed with exit status $rc" >&2
	exit 2
fi

echo "result files:"
ls -l "$work/results"
echo
if [ "$rc" -eq 1 ]; then
	echo "tracehound exited 1: it found high or critical alerts, as planted."
else
	echo "tracehound exited 0: no high or critical alert (the planted traces were missed)."
fi
echo "the results are in $work/results (alerts.json lists every alert;"
echo "timeline.csv puts them in order); the evidence is in $work/backup"
exit 0
