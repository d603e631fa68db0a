# shellcheck shell=bash
# fixes-test step: the fixes sub-series tested on its own.
#
# The first sub-series (series/01-*) holds fixes meant for stable kernels;
# each must work without the rest of the series. This step checks out the
# tree at the tag of that sub-series, adds the regression suite of
# tests/fixes/ (not a patch of the series: it is copied in for the run),
# builds the guest configuration and runs the suite in QEMU.

# The tag of the first sub-series, series/NAME.
fixes_tag() {
	local first
	first=$(series_dirs | head -n 1)
	[ -n "$first" ] || die "fixes-test: the series has no sub-series"
	printf 'series/%s\n' "${first##*/}"
}

# fixes_test_add: the regression suite and its Kconfig option in the
# checked-out tree.
fixes_test_add() {
	cp "$KP_DIR/tests/fixes/drm_gpusvm_fixes_test.c" "$XESVM_TREE/drivers/gpu/drm/tests/"
	printf '\nobj-$(CONFIG_DRM_GPUSVM_FIXES_KUNIT_TEST) += drm_gpusvm_fixes_test.o\n' \
		>>"$XESVM_TREE/drivers/gpu/drm/tests/Makefile"
	cat >>"$XESVM_TREE/drivers/gpu/drm/Kconfig.debug" <<'EOF'

config DRM_GPUSVM_FIXES_KUNIT_TEST
	tristate "Regression tests of the xesvm fixes (not upstream)"
	depends on DRM && KUNIT && MMU && ZONE_DEVICE && !UML
	select DEVICE_PRIVATE
	select DRM_GPUSVM
	select DRM_KUNIT_TEST_HELPERS
EOF
}

cmd_fixes_test() {
	[ $# -eq 0 ] || die "fixes-test takes no arguments"
	require_tree
	[ -z "$(tree_dirty)" ] || die "fixes-test: $XESVM_TREE has uncommitted changes; commit them first"
	local tag orig frag out rc=0
	tag=$(fixes_tag)
	git -C "$XESVM_TREE" rev-parse -q --verify "$tag" >/dev/null ||
		die "fixes-test: no tag $tag in $XESVM_TREE; run '$PROG tree'"
	orig=$(git -C "$XESVM_TREE" symbolic-ref -q --short HEAD || git -C "$XESVM_TREE" rev-parse HEAD)
	frag=$(mktemp "${TMPDIR:-/tmp}/xesvm-fixes.XXXXXX")
	# shellcheck disable=SC2064
	trap "git -C '$XESVM_TREE' checkout -q -f '$orig' && git -C '$XESVM_TREE' clean -q -f drivers/gpu/drm/tests; rm -f '$frag'" EXIT
	log "fixes-test: $tag ($(git -C "$XESVM_TREE" rev-list --count "base..$tag") patches on the base) with tests/fixes/"
	git -C "$XESVM_TREE" checkout -q --detach "$tag"
	fixes_test_add
	echo "CONFIG_DRM_GPUSVM_FIXES_KUNIT_TEST=y" >"$frag"
	local frags=()
	mapfile -t frags < <(config_fragments)
	merge_fragments "${frags[@]}" "$frag"
	XESVM_BUILD=$XESVM_BUILD verify_config "$frag" ||
		die "fixes-test: the regression suite's option did not stick"
	cmd_build bzImage >/dev/null
	out=$(XESVM_KUNIT_NO_BUILD=1 cmd_kunit drm_gpusvm_fixes 2>&1) || rc=$?
	printf '%s\n' "$out"
	printf '%s\n' "$out" | sed -n 's/^kunit: \(.*\)$/fixes-test: \1/p' | tail -n 1
	return $rc
}
