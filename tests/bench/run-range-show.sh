#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark (not a test): `xesvmctl -f big.json [-j] range show` against
# `jq -c . big.json` on a synthetic snapshot with a million SVM ranges.
# Targets (issue 2): wall time at most jq's, peak RSS at most half of jq's.
#
# Usage: tests/bench/run-range-show.sh [BUILD_DIR [RUNS [RANGES]]]
#   BUILD_DIR  meson build directory (default: build)
#   RUNS       runs per command, the median is reported (default: 3)
#   RANGES     ranges in the generated snapshot (default: 1000000)
# Environment: BENCH_DIR holds big.json (default: /tmp/xesvm-bench), reused
# when it exists with the same number of ranges.
set -eu

build=${1:-build}
runs=${2:-3}
ranges=${3:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
dir=${BENCH_DIR:-/tmp/xesvm-bench}
big=$dir/big-$ranges.json
xesvmctl=$build/xesvmctl/xesvmctl
driver=$build/tests/bench/bench-load-write

mkdir -p "$dir"
if [ ! -s "$big" ]; then
	echo "generating $big ($ranges ranges) ..." >&2
	python3 "$here/gen-big-snapshot.py" --ranges "$ranges" "$big.tmp"
	mv "$big.tmp" "$big"
fi
command -v jq >/dev/null || { echo "jq not installed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not installed (Debian package: time)" >&2; exit 1; }

# measure NAME CMD...: RUNS runs, output to /dev/null; prints "NAME median_s max_rss_kb".
measure() {
	name=$1
	shift
	: > "$dir/times"
	i=0
	while [ "$i" -lt "$runs" ]; do
		if ! /usr/bin/time -f '%e %M' -o "$dir/time1" "$@" > /dev/null 2> "$dir/stderr"; then
			echo "$name failed:" >&2
			cat "$dir/stderr" >&2
			return 1
		fi
		cat "$dir/time1" >> "$dir/times"
		i=$((i + 1))
	done
	sort -n "$dir/times" | awk -v name="$name" '
		{ t[NR] = $1; if ($2 > rss) rss = $2 }
		END { printf "%s %.2f %d\n", name, t[int((NR + 1) / 2)], rss }'
}

results=$dir/results
: > "$results"
measure "jq -c ." jq -c . "$big" >> "$results"
if [ -x "$xesvmctl" ]; then
	measure "xesvmctl -j range show" "$xesvmctl" -f "$big" -j range show >> "$results"
	measure "xesvmctl range show" "$xesvmctl" -f "$big" range show >> "$results"
else
	echo "note: $xesvmctl not built, measuring the library only" >&2
fi
if [ -x "$driver" ]; then
	measure "bench-load-write (lib only)" "$driver" "$big" >> "$results"
fi

echo "file: $big ($(($(stat -c %s "$big") / 1048576)) MiB, $ranges ranges), median of $runs runs, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk -F' ' '
	{ n = NF; rss = $n; t = $(n - 1); $n = ""; $(n - 1) = ""; sub(/ +$/, ""); name[NR] = $0; wall[NR] = t; mem[NR] = rss }
	END {
		printf "%-30s %9s %12s %9s %9s  %s\n", "command", "wall s", "peak RSS MB", "wall/jq", "RSS/jq", "targets (<=1, <=0.5)"
		for (i = 1; i <= NR; i++) {
			ok = (i == 1) ? "-" : ((wall[i] <= wall[1] ? "wall ok" : "wall MISSED") ", " (mem[i] <= mem[1] / 2 ? "rss ok" : "rss MISSED"))
			printf "%-30s %9.2f %12.1f %9.2f %9.2f  %s\n", name[i], wall[i], mem[i] / 1024, wall[i] / wall[1], mem[i] / mem[1], ok
		}
	}' "$results"
