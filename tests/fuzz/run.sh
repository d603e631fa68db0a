#!/usr/bin/env bash
# usage: tests/fuzz/run.sh TARGET SECONDS
#   TARGET: a built fuzz target (BUILD/tests/fuzz/fuzz-NAME) or its name.
# Runs it for SECONDS from its committed seed corpus (tests/fuzz/corpus/NAME,
# never modified: new inputs go to a scratch copy) and fails on a crash,
# leak, timeout or out-of-memory. The reproducer is kept in
# $XESVM_FUZZ_ARTIFACTS (default /var/tmp/xesvm-fuzz) and named on failure:
# turn it into a regression test in tests/unit/parsers.
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 TARGET SECONDS" >&2
	exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
target=$1 seconds=$2
if [ ! -x "$target" ]; then
	for b in "${XESVM_FUZZ_BUILD:-/var/tmp/xesvm-test/fuzz}" "$here/../../build"; do
		[ -x "$b/tests/fuzz/$target" ] && target=$b/tests/fuzz/$target && break
	done
fi
[ -x "$target" ] || { echo "run.sh: no fuzz target $1" >&2; exit 1; }
name=$(basename "$target")
seeds=$here/corpus/${name#fuzz-}
[ -d "$seeds" ] || { echo "run.sh: no seed corpus $seeds" >&2; exit 1; }

artifacts=${XESVM_FUZZ_ARTIFACTS:-/var/tmp/xesvm-fuzz}/$name
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$artifacts"
cp -r "$seeds/." "$scratch/"

log=$artifacts/last-run.log
rc=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
	"$scratch" >"$log" 2>&1 || rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
if [ "$rc" -ne 0 ]; then
	echo "$name: FAILED after ${execs:-?} runs (exit $rc); log $log" >&2
	grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" >&2 || tail -n 30 "$log" >&2
	exit 1
fi
echo "$name: ok, ${execs:-?} runs in ${seconds}s, corpus $(ls "$scratch" | wc -l) inputs"
