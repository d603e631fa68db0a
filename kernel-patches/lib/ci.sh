# shellcheck shell=bash
# ci: every stage in order, timed, one summary line at the end.

cmd_ci() {
	[ $# -eq 0 ] || die "ci takes no arguments"
	local passed=0 failed=0 skipped=0 t0 tall step rc out
	tall=$(now_s)
	mkdir -p "$XESVM_WORK"
	# ci_step NAME ARGS...: run "xesvm-kernel ARGS..." as a child process (so
	# that set -e holds inside it) and time it.
	ci_step() {
		local name=$1
		shift
		t0=$(now_s)
		log "ci: === $name ==="
		rc=0
		"$KP_DIR/xesvm-kernel" "$@" || rc=$?
		log "ci: $name: $(($(now_s) - t0)) s$([ $rc -eq 0 ] || echo ", FAILED (status $rc)")"
		return $rc
	}
	# add_summary NAME: add the step's last "NAME: N passed, N failed,
	# N skipped" line of $out to the totals; a step without one failed.
	add_summary() {
		local line words=()
		line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped\$" "$out" | tail -n 1 || true)
		if [ -n "$line" ]; then
			read -r -a words <<<"$line"
			passed=$((passed + words[1]))
			failed=$((failed + words[3]))
			skipped=$((skipped + words[5]))
		else
			failed=$((failed + 1))
		fi
	}
	# ci_same_uapi: spec/drm_svm.yaml and include/uapi/drm/drm_svm.h of
	# the repository (libxesvm's tables are generated from the one, the
	# other is the header it is compiled with) must be the series' files;
	# one test each.
	ci_same_uapi() {
		local p=0 f=0 copy in_tree
		for copy in spec/drm_svm.yaml include/uapi/drm/drm_svm.h; do
			case $copy in
			spec/*) in_tree=Documentation/netlink/specs/drm_svm.yaml ;;
			*) in_tree=$copy ;;
			esac
			if diff -u "$XESVM_TREE/$in_tree" "$REPO_ROOT/$copy"; then
				p=$((p + 1))
			else
				log "ci: $copy differs from $in_tree of the tree (above)"
				f=$((f + 1))
			fi
		done
		echo "spec: $p passed, $f failed, 0 skipped"
	}
	local broken=""
	for step in source tree fixes-test config build; do
		case $step in
		source) ci_step source source >/dev/null || broken=source ;;
		tree)
			ci_step tree tree --force || broken=tree
			# The repository's copies of the uAPI are the tree's.
			if [ -z "$broken" ]; then
				out=$XESVM_WORK/ci-spec.out
				ci_same_uapi 2>&1 | tee "$out"
				add_summary spec
			fi
			;;
		# Before the build of the whole series: it builds the same
		# configuration at the fixes' tag, so the full build after it
		# only rebuilds what the rest of the series changes.
		fixes-test)
			out=$XESVM_WORK/ci-fixes-test.out
			ci_step fixes-test fixes-test 2>&1 | tee "$out" || true
			add_summary fixes-test
			;;
		config) ci_step config config || broken=config ;;
		build) ci_step build build bzImage || broken=build ;;
		esac
		[ -z "$broken" ] || break
	done
	if [ -n "$broken" ]; then
		failed=$((failed + 1))
		log "ci: stopped: $broken failed"
	else
		# check: every checkpatch, kernel-doc, per-patch build and the W=1
		# comparison is one test (lines of the results file).
		local results=$XESVM_WORK/ci-check.results
		RESULTS=$results ci_step check check || true
		if [ -s "$results" ]; then
			passed=$((passed + $(grep -c '^PASS' "$results" || true)))
			failed=$((failed + $(grep -c '^FAIL' "$results" || true)))
			skipped=$((skipped + $(grep -c '^SKIP' "$results" || true)))
		elif [ "$(git -C "$XESVM_TREE" rev-list --count base..HEAD)" -gt 0 ]; then
			failed=$((failed + 1)) # check died before recording anything
		fi
		# kunit: each KUnit case and each console log is one test.
		out=$XESVM_WORK/ci-kunit.out
		XESVM_KUNIT_NO_BUILD=1 ci_step kunit kunit 2>&1 | tee "$out" || true
		add_summary kunit
		# kselftest: the vsvm device's kselftest, one result per test case.
		out=$XESVM_WORK/ci-kselftest.out
		ci_step kselftest kselftest 2>&1 | tee "$out" || true
		add_summary kselftest
	fi
	log "ci: total $(($(now_s) - tall)) s"
	echo "kernel: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
