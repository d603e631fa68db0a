#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark (not a test): the questions a support engineer asks of a big
# snapshot, against `jq -c .` on the same file (issue 14's targets):
#   -j range show, range show (the human table)    wall <= 0.07 x jq's
#   vm show pid P, range show addr WINDOW,
#   explain pid P ADDR                              wall <= 0.035 x jq's
#   diff of two such snapshots                      wall <= 0.2 x jq's
#   every command                                   peak RSS <= 0.1 x jq's
# and checks that the output is what it was: `-j range show` must equal
# `jq -c '{schema_version, ranges}'` of the file, and with BASELINE set to
# another build's xesvmctl (e.g. of the commit before the change) every
# command's output must equal that build's, byte for byte.
#
# Usage: tests/bench/run-range-show.sh [BUILD_DIR [RUNS [RANGES]]]
#   BUILD_DIR  meson build directory (default: build)
#   RUNS       runs per command, the median is reported (default: 3)
#   RANGES     ranges in the generated snapshots (default: 1000000)
# Environment: BENCH_DIR holds the snapshots (default: /tmp/xesvm-bench),
# reused when they exist with the same number of ranges; BASELINE: see above.
set -eu

build=${1:-build}
runs=${2:-3}
ranges=${3:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
dir=${BENCH_DIR:-/tmp/xesvm-bench}
# Named by schema version: a file of an older generator is not reused.
big=$dir/big-v2-$ranges.json
later=$dir/big-v2-later-$ranges.json
xesvmctl=$build/xesvmctl/xesvmctl
baseline=${BASELINE:-}

# The questions: pid 1001 owns VM 2 (gen-big-snapshot.py); the window holds
# a few hundred of its ranges, the address one of them.
pid=1001
window=0x7f0010000000+64M
addr=0x7f0010000000

mkdir -p "$dir"
if [ ! -s "$big" ]; then
	echo "generating $big ($ranges ranges) ..." >&2
	python3 "$here/gen-big-snapshot.py" --ranges "$ranges" "$big.tmp"
	mv "$big.tmp" "$big"
fi
if [ ! -s "$later" ]; then
	# The same process a while later: 1% of its ranges changed, 0.5% gone, 0.5% new.
	echo "generating $later ..." >&2
	python3 "$here/gen-big-snapshot.py" --ranges "$ranges" --later $((ranges / 100)) "$later.tmp"
	mv "$later.tmp" "$later"
fi
command -v jq >/dev/null || { echo "jq not installed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not installed (Debian package: time)" >&2; exit 1; }
[ -x "$xesvmctl" ] || { echo "$xesvmctl not built" >&2; exit 1; }

# measure NAME TARGET CMD...: RUNS runs, output to /dev/null; appends
# "NAME|TARGET|median_s|max_rss_kb" to the results.
measure() {
	name=$1 target=$2
	shift 2
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
	sort -n "$dir/times" | awk -v name="$name" -v target="$target" '
		{ t[NR] = $1; if ($2 > rss) rss = $2 }
		END { printf "%s|%s|%.2f|%d\n", name, target, t[int((NR + 1) / 2)], rss }' >> "$results"
}

# same_output NAME ARGS...: the output of xesvmctl ARGS equals the baseline's.
same_output() {
	name=$1
	shift
	"$xesvmctl" "$@" > "$dir/out.new" 2>&1 || true
	"$baseline" "$@" > "$dir/out.old" 2>&1 || true
	if cmp -s "$dir/out.new" "$dir/out.old"; then
		echo "output of $name: identical to $baseline ($(wc -c < "$dir/out.new") bytes)"
	else
		echo "output of $name: DIFFERS from $baseline"
		checks_failed=1
	fi
}

results=$dir/results
: > "$results"
checks_failed=0

echo "checking outputs ..." >&2
"$xesvmctl" -f "$big" -j range show > "$dir/ranges.xesvmctl"
jq -c '{schema_version, ranges}' "$big" > "$dir/ranges.jq"
if cmp -s "$dir/ranges.xesvmctl" "$dir/ranges.jq"; then
	echo "output of -j range show: identical to jq -c '{schema_version, ranges}'"
else
	echo "output of -j range show: DIFFERS from jq -c '{schema_version, ranges}'"
	checks_failed=1
fi
rm -f "$dir/ranges.xesvmctl" "$dir/ranges.jq"
if [ -n "$baseline" ]; then
	same_output "-j range show" -f "$big" -j range show
	same_output "range show" -f "$big" range show
	same_output "vm show pid $pid" -f "$big" vm show pid "$pid"
	same_output "range show addr $window" -f "$big" range show addr "$window"
	same_output "explain pid $pid $addr" -f "$big" explain pid "$pid" "$addr"
	same_output "diff" diff "$big" "$later"
	rm -f "$dir/out.new" "$dir/out.old"
fi

echo "measuring ..." >&2
measure "jq -c ." - jq -c . "$big"
measure "-j range show" 0.07 "$xesvmctl" -f "$big" -j range show
measure "range show" 0.07 "$xesvmctl" -f "$big" range show
measure "vm show pid $pid" 0.035 "$xesvmctl" -f "$big" vm show pid "$pid"
measure "range show addr $window" 0.035 "$xesvmctl" -f "$big" range show addr "$window"
measure "explain pid $pid $addr" 0.035 "$xesvmctl" -f "$big" explain pid "$pid" "$addr"
measure "diff A B" 0.2 "$xesvmctl" diff "$big" "$later"

echo "file: $big ($(($(stat -c %s "$big") / 1048576)) MiB, $ranges ranges); B: $later; median of $runs runs, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk -F'|' '
	{ name[NR] = $1; target[NR] = $2; wall[NR] = $3; mem[NR] = $4 }
	END {
		printf "%-34s %8s %12s %8s %7s %7s  %s\n", "command", "wall s", "peak RSS MB", "wall/jq", "target", "RSS/jq", "(RSS target 0.1)"
		missed = 0
		for (i = 1; i <= NR; i++) {
			ok = "-"
			if (i > 1) {
				ok = (wall[i] / wall[1] <= target[i] ? "wall ok" : "wall MISSED") ", " \
				     (mem[i] / mem[1] <= 0.1 ? "rss ok" : "rss MISSED")
				if (ok != "wall ok, rss ok")
					missed++
			}
			printf "%-34s %8.2f %12.1f %8.3f %7s %7.3f  %s\n", name[i], wall[i], mem[i] / 1024,
			       wall[i] / wall[1], target[i], mem[i] / mem[1], ok
		}
		printf "%d of %d commands within their targets\n", NR - 1 - missed, NR - 1
	}' "$results"
[ "$checks_failed" -eq 0 ] || { echo "output checks FAILED" >&2; exit 1; }
