#!/bin/bash
# SPDX-License-Identifier: MIT
# The guest's fuzz and stress tests, in one boot (README.md here):
#
#   kernel-patches/xesvm-kernel qemu-run --timeout 1500 -- \
#       bash tests/kfuzz/run.sh BUILD_DIR [SECONDS]
#
# nl-fuzz.py (two rounds of SECONDS, default 60), nl-stress.py (SECONDS),
# nl-unload.py (SECONDS / 2, at least three rounds), then a kmemleak scan: an object leaked since the start fails. Ends with
# "kfuzz: N passed, N failed, N skipped".
set -u
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BUILD_DIR [SECONDS]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$1 seconds=${2:-60}
passed=0 failed=0 skipped=0
leaks=/sys/kernel/debug/kmemleak

# count NAME: add the last "NAME: N passed, N failed, N skipped" line of
# /tmp/kfuzz.out; a run without one is one failure.
count() {
	local line p f s
	line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped\$" /tmp/kfuzz.out | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $1 ended without a result line"
		failed=$((failed + 1))
		return
	fi
	read -r _ p _ f _ s _ <<<"$line"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# Leak suspects from before the tests (boot) are not theirs.
if [ -w "$leaks" ]; then
	echo scan >"$leaks"
	echo clear >"$leaks"
fi

/usr/bin/python3 "$here/nl-fuzz.py" --build "$build" --seconds "$seconds" 2>&1 | tee /tmp/kfuzz.out
count nl-fuzz
/usr/bin/python3 "$here/nl-stress.py" --build "$build" --seconds "$seconds" 2>&1 | tee /tmp/kfuzz.out
count nl-stress
/usr/bin/python3 "$here/nl-unload.py" --build "$build" --seconds $((seconds / 2)) 2>&1 | tee /tmp/kfuzz.out
count nl-unload

if [ -w "$leaks" ]; then
	# Two scans, as kmemleak documents, to drop transient references.
	echo scan >"$leaks"
	sleep 5
	echo scan >"$leaks"
	if [ -s "$leaks" ]; then
		echo "FAIL kmemleak: objects leaked by the fuzz and stress tests"
		head -n 60 "$leaks"
		failed=$((failed + 1))
	else
		echo "PASS kmemleak: nothing leaked by the fuzz and stress tests"
		passed=$((passed + 1))
	fi
else
	echo "FAIL kmemleak: $leaks is missing (the kernel needs CONFIG_DEBUG_KMEMLEAK and debugfs)"
	failed=$((failed + 1))
fi
echo "kfuzz: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
