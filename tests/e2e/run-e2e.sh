#!/bin/bash
# SPDX-License-Identifier: MIT
# End-to-end tests of xesvmctl on the vsvm device. Run inside the QEMU guest:
#
#   kernel-patches/xesvm-kernel qemu-run --timeout 900 -- bash tests/e2e/run-e2e.sh BUILD_DIR
#
# BUILD_DIR is a meson build directory of this tree (xesvmctl/xesvmctl and
# tests/e2e/vsvm-workload in it). The tests themselves are e2e.py (Python
# standard library only); see README.md in this directory.
set -u
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
exec /usr/bin/python3 "$(dirname "$0")/e2e.py" "$1"
