#!/usr/bin/env bash
# Benchmark (not a test): `xesvmctl -j range show` of a live VM with N SVM
# ranges on vsvm, against reading the same ranges as text from debugfs with
# cat (the floor for text) and dumping them with the kernel's YNL cli.py.
# Runs inside the QEMU guest, as root:
#
#   kernel-patches/xesvm-kernel qemu-run --mem 2G --timeout 3000 -- \
#       bash tests/bench/live-range-show.sh BUILD_DIR [RUNS [N...]]
#
# BUILD_DIR is a meson build of this tree with -Dtests=true (it has
# tests/bench/vsvm-ranges). RUNS (default 3) runs per command, N (default
# 10000 100000) the range counts. Prints one line per command and N:
# median wall seconds, peak RSS in KiB, and the ratio to cat.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -x "$1/tests/bench/vsvm-ranges" ]; then
	echo "usage: $0 BUILD_DIR [RUNS [N...]]" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
runs=${2:-3}
shift $(($# >= 2 ? 2 : 1))
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10000 100000)
x=$build/xesvmctl/xesvmctl
tree=${XESVM_TREE:-/var/tmp/xesvm-kernel/tree}
cli=$tree/tools/net/ynl/pyynl/cli.py
spec=$tree/Documentation/netlink/specs/drm_svm.yaml
tmp=$(mktemp -d /tmp/xesvm-bench.XXXXXX)
holder=

cleanup() {
	[ -z "$holder" ] || { kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null || true; }
	rm -rf "$tmp"
}
trap cleanup EXIT

# measure NAME CMD...: RUNS runs with output to /dev/null; prints the
# median wall time and its peak RSS.
measure() {
	local name=$1 i
	shift
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" ||
			{ echo "$name failed: $(tail -c 300 "$tmp/err")" >&2; return 1; }
		cat "$tmp/time"
	done | sort -n | sed -n "$(((runs + 1) / 2))p"
}

# The guest's devtmpfs has no /dev/fd, which process substitution needs.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

# Every writable page of vsvm-ranges' buffer is a VMA of its own.
sysctl -q -w vm.max_map_count=$((4 * ${counts[-1]} + 65536))

printf '%-8s %-44s %9s %10s %8s\n' RANGES COMMAND WALL_S RSS_KIB VS_CAT
for n in "${counts[@]}"; do
	rm -f "$tmp/ready"
	"$build/tests/bench/vsvm-ranges" "$n" "$tmp/ready" 2>"$tmp/holder.err" &
	holder=$!
	while [ ! -s "$tmp/ready" ]; do
		kill -0 "$holder" 2>/dev/null ||
			{ echo "vsvm-ranges $n failed: $(cat "$tmp/holder.err")" >&2; exit 1; }
		sleep 1
	done
	# The client (for the debugfs file) and the family's dev-id/vm-id (for
	# cli.py), from the VM lists of xesvmctl and of cli.py.
	client=$("$x" -j vm show pid "$holder" | /usr/bin/python3 -c '
import json, sys
print(json.load(sys.stdin)["vms"][0]["client_id"])')
	target=$(/usr/bin/python3 "$cli" --spec "$spec" --no-schema --output-json --dump vm-get |
		/usr/bin/python3 -c '
import json, sys
v = next(v for v in json.load(sys.stdin) if v["pid"] == int(sys.argv[1]))
print(json.dumps({"dev-id": v["dev-id"], "vm-id": v["vm-id"]}))' "$holder")
	file=/sys/kernel/debug/dri/client-$client/svm_ranges
	got=$("$x" -j range show pid "$holder" | /usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)["ranges"]))')
	lines=$(grep -c '^[0-9a-f]*-' "$file")
	[ "$got" -ge "$n" ] && [ "$lines" -eq "$got" ] ||
		{ echo "expected $n ranges: xesvmctl shows $got, $file has $lines" >&2; exit 1; }

	read -r cat_s cat_kib < <(measure cat cat "$file")
	report() {
		printf '%-8s %-44s %9s %10s %8s\n' "$n" "$1" "$2" "$3" \
			"$(awk -v a="$2" -v b="$cat_s" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }')"
	}
	report "cat $(basename "$file")" "$cat_s" "$cat_kib"
	read -r s kib < <(measure xesvmctl "$x" -j range show pid "$holder")
	report "xesvmctl -j range show pid P" "$s" "$kib"
	read -r s kib < <(XESVM_SOURCE=debugfs measure xesvmctl-debugfs "$x" -j range show pid "$holder")
	report "xesvmctl -j range show (XESVM_SOURCE=debugfs)" "$s" "$kib"
	read -r s kib < <(measure cli.py /usr/bin/python3 "$cli" --spec "$spec" --no-schema \
		--output-json --dump range-get --json "$target")
	report "cli.py --output-json --dump range-get" "$s" "$kib"
	kill "$holder"
	wait "$holder" || true
	holder=
done
