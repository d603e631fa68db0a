#!/usr/bin/env bash
# Benchmark (not a test): the cost of the drm_pagemap statistics on the
# migration path (issue 3's overhead target: within 1%).
#
#   tests/bench/pagemap-stats-overhead.sh [--icount] [ROUNDS [SAMPLES]]
#
# --icount boots QEMU with "-icount shift=0": the guest's clock then
# advances one nanosecond per guest instruction, so "ns per page" counts
# instructions, which the host's load cannot disturb (wall time under TCG
# varies by 20% from boot to boot; the counters cost far less than that).
#
# Boots the built kernel (kernel-patches/xesvm-kernel build) once per
# setting and round, alternating the order (off-on, on-off, ...), and runs
# the drm_pagemap_bench KUnit case with bench_flip=0: the statistics are
# switched only by the boot parameter drm_gpusvm_helper.pagemap_stats, so
# no static key is flipped while measuring. Each boot reports the median
# of SAMPLES (default 7) samples of 16 round trips of 512 pages (to device
# memory, CPU fault back); the result is the median of the per-boot
# medians for each setting and their ratio on/off.
set -euo pipefail

if [ "${1:-}" = --icount ]; then
	export XESVM_QEMU_ARGS="${XESVM_QEMU_ARGS:-} -icount shift=0"
	shift
fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
kernel=$repo/kernel-patches/xesvm-kernel
rounds=${1:-3}
samples=${2:-7}
work=${XESVM_WORK:-/var/tmp/xesvm-kernel}
results=$(mktemp /tmp/pagemap-stats.XXXXXX)
trap 'rm -f "$results"' EXIT

# boot SETTING: one KUnit boot; appends "SETTING NS_PER_PAGE" to $results.
boot() {
	local setting=$1 log ns
	log=$(mktemp /tmp/pagemap-stats-boot.XXXXXX)
	XESVM_KUNIT_NO_BUILD=1 XESVM_KUNIT_CMDLINE="drm_gpusvm_helper.pagemap_stats=$setting \
drm_gpusvm_test.bench_flip=0 drm_gpusvm_test.bench_samples=$samples" \
		"$kernel" kunit drm_pagemap_bench >"$log" 2>&1 || {
		tail -n 20 "$log" >&2
		echo "the KUnit boot failed (pagemap_stats=$setting)" >&2
		exit 1
	}
	# The console log of that boot: the newest kunit run directory.
	ns=$(sed -n 's/.*median stats \(on\|off\) \([0-9]*\) ns\/page.*/\1 \2/p' \
		"$(ls -td "$work"/runs/kunit.* | head -n 1)/console.log" | tail -n 1)
	rm -f "$log"
	case "$ns" in
	"on "* | "off "*) ;;
	*) echo "no benchmark result in the console log" >&2; exit 1 ;;
	esac
	[ "${ns%% *}" = "$([ "$setting" = 1 ] && echo on || echo off)" ] ||
		{ echo "booted with pagemap_stats=$setting but the test saw '${ns%% *}'" >&2; exit 1; }
	echo "$ns" | tee -a "$results"
}

for ((r = 0; r < rounds; r++)); do
	if ((r % 2)); then boot 1; boot 0; else boot 0; boot 1; fi
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
on=$(awk '$1 == "on" { print $2 }' "$results" | median)
off=$(awk '$1 == "off" { print $2 }' "$results" | median)
awk -v on="$on" -v off="$off" -v r="$rounds" 'BEGIN {
	printf "pagemap statistics: on %d ns/page, off %d ns/page (medians of %d boots each), on/off %.4f\n",
		on, off, r, on / off
}'
