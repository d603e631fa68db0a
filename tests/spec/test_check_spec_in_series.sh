#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tests of scripts/check-spec-in-series on a two-patch series made here:
# the first patch adds the spec and the header, the second changes the
# spec. The checker must pass the files as the whole series leaves them,
# and fail a copy of the spec as only the first patch left it, a header
# that drifted, and a series that never adds the spec.
#
# usage: test_check_spec_in_series.sh CHECKER
set -uo pipefail

checker=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

git_q() { git -C "$tmp/kernel" -c user.name=t -c user.email=t@example.org "$@" >/dev/null; }
mkdir -p "$tmp/kernel/Documentation/netlink/specs" "$tmp/kernel/include/uapi/drm" "$tmp/series/01-a"
git_q init -q
spec=$tmp/kernel/Documentation/netlink/specs/drm_svm.yaml
header=$tmp/kernel/include/uapi/drm/drm_svm.h
printf 'name: drm-svm\nattributes: [a]\n' >"$spec"
printf '#define DRM_SVM_A 1\n' >"$header"
echo other >"$tmp/kernel/README"
git_q add -A && git_q commit -qm "add the family"
cp "$spec" "$tmp/spec-v1.yaml"
printf 'name: drm-svm\nattributes: [a, b]\n' >"$spec"
git_q commit -qam "add attribute b"
git_q format-patch -q --cover-letter -o "$tmp/series/01-a" --root HEAD
cp "$spec" "$tmp/spec-v2.yaml"
cp "$header" "$tmp/header.h"
printf '#define DRM_SVM_A 2\n' >"$tmp/header-drifted.h"

# case NAME WANT_STATUS SERIES SPEC HEADER
case_() {
	local out rc
	out=$("$checker" "$3" "$4" "$5" 2>&1)
	rc=$?
	if [ "$rc" -eq "$2" ]; then
		echo "ok   $1"
	else
		echo "FAIL $1: exit $rc, want $2"
		echo "$out"
		failures=$((failures + 1))
	fi
}

case_ "the files as the series leaves them" 0 "$tmp/series" "$tmp/spec-v2.yaml" "$tmp/header.h"
case_ "a spec without the later patch" 1 "$tmp/series" "$tmp/spec-v1.yaml" "$tmp/header.h"
case_ "a header that drifted" 1 "$tmp/series" "$tmp/spec-v2.yaml" "$tmp/header-drifted.h"
mkdir -p "$tmp/other/01-b"
cp "$tmp/series/01-a/0000-cover-letter.patch" "$tmp/other/01-b/"
case_ "a series without the spec" 1 "$tmp/other" "$tmp/spec-v2.yaml" "$tmp/header.h"
[ "$failures" -eq 0 ]
