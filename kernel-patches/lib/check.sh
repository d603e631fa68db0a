# shellcheck shell=bash
# check step: checkpatch, kernel-doc, per-patch builds, W=1 comparison.

# Results: one "PASS|FAIL|SKIP name [reason]" line per test in $RESULTS.
result() {
	printf '%s %s\n' "$1" "$2${3:+ ($3)}" >>"$RESULTS"
	printf '%s: %-4s %s%s\n' "$PROG" "$1" "$2" "${3:+ ($3)}" >&2
}

format_series() { # OUTDIR: the series base..HEAD as patch files
	git -C "$XESVM_TREE" -c core.abbrev=12 -c diff.algorithm=myers \
		-c diff.noprefix=false -c diff.mnemonicPrefix=false -c diff.relative=false \
		format-patch -q --zero-commit --no-signature --numbered --no-base \
		--no-thread -o "$1" base..HEAD
}

# check_configs: the configurations every patch is built in: "guest"
# ($XESVM_BUILD), then each matrix configuration.
check_configs() {
	echo guest
	matrix_names
}

# config_dir CONFIG: its build directory.
config_dir() {
	if [ "$1" = guest ]; then
		printf '%s\n' "$XESVM_BUILD"
	else
		matrix_build_dir "$1"
	fi
}

# merge_config_quiet CONFIG: merge the fragments of CONFIG for whatever
# commit is checked out, without verifying: options a later patch
# introduces do not exist yet.
merge_config_quiet() {
	if [ "$1" = guest ]; then
		local frags=()
		mapfile -t frags < <(config_fragments)
		merge_fragments "${frags[@]}"
	else
		config_matrix "$1" --no-verify
	fi
}

# merge_all_quiet: merge_config_quiet for every configuration.
merge_all_quiet() {
	local c
	while IFS= read -r c; do merge_config_quiet "$c"; done < <(check_configs)
}

# buildable_dir DIR/: Kbuild can descend into it (it has a Makefile/Kbuild).
# (The object and directory targets below are computed for $XESVM_BUILD:
# callers set it to the build directory of the configuration at hand.)
buildable_dir() { [ -f "$XESVM_TREE/${1}Makefile" ] || [ -f "$XESVM_TREE/${1}Kbuild" ]; }

# build_targets COMMIT: make targets covering the files COMMIT touches: the
# object of a touched .c file; the directory of a touched Makefile, Kconfig
# or local header (a directory target rebuilds every out-of-date object
# under it, which after a checkout means the touched files and their
# dependents); for a header under include/, the directories of the files
# that include it. Ancestor directories absorb their descendants.
# build_targets COMMIT [narrow]: as above. "narrow" (the matrix
# configurations) builds, for a touched header, only the objects already
# built in this configuration whose .c file includes the header directly,
# instead of whole directories: a header every xe file sees through
# xe_vm_types.h would otherwise rebuild all of xe for each of the many
# patches that touch it, in each configuration. What is left out of date
# is built by the full build of drivers/gpu/drm/ at HEAD (check_matrix_head),
# and the guest configuration builds every patch in full.
# touched_files REV: the files a commit, or a range A..B, adds or changes.
touched_files() {
	case $1 in
	*..*) git -C "$XESVM_TREE" diff --name-only --diff-filter=AMR "$1" ;;
	*) git -C "$XESVM_TREE" diff-tree --no-commit-id --name-only -r --diff-filter=AMR "$1" ;;
	esac
}

# matrix_at COMMIT: whether the matrix configurations are built at COMMIT,
# and from which commit on (printed): every commit with
# XESVM_CHECK_MATRIX=every-patch; by default, the last commit of each
# sub-series (series/* tags) and HEAD, each covering what changed since the
# previous one. The guest configuration builds every commit either way.
matrix_at() {
	local c=$1 prev=$2 head=$3
	if [ "${XESVM_CHECK_MATRIX:-tips}" = every-patch ]; then
		printf '%s
' "$c"
		return 0
	fi
	if [ "$c" = "$head" ] || git -C "$XESVM_TREE" tag --points-at "$c" | grep -q '^series/'; then
		printf '%s
' "$prev..$c"
		return 0
	fi
	return 1
}

build_targets() {
	local c=$1 mode=${2:-full} f d dirs=() objs=()
	# obj_or_dir FILE.c: its object when the configured kernel builds one;
	# otherwise (a new file, or one #included by another) its directory.
	obj_or_dir() {
		d=$(dirname "$1")/
		if [ -f "$XESVM_BUILD/${1%.c}.o" ]; then
			objs+=("${1%.c}.o")
		elif buildable_dir "$d"; then
			dirs+=("$d")
		fi
	}
	# direct_includers PATTERN: the objects built here of the .c files
	# that include PATTERN.
	direct_includers() {
		while IFS= read -r d; do
			[ ! -f "$XESVM_BUILD/${d%.c}.o" ] || objs+=("${d%.c}.o")
		done < <(git -C "$XESVM_TREE" grep -l -F "$1" -- '*.c')
	}
	while IFS= read -r f; do
		case $f in
		*.c) obj_or_dir "$f" ;;
		include/*.h)
			local inc=${f#include/}
			if [ "$mode" = narrow ]; then
				direct_includers "#include <$inc>"
				continue
			fi
			while IFS= read -r d; do dirs+=("$(dirname "$d")/"); done < <(
				git -C "$XESVM_TREE" grep -l -F "#include <$inc>" -- '*.c' '*.h' |
					grep -v '^include/' | head -n 200)
			;;
		*.h)
			if [ "$mode" = narrow ]; then
				direct_includers "#include \"$(basename "$f")\""
				continue
			fi
			dirs+=("$(dirname "$f")/")
			;;
		*/Makefile | */Kconfig* | */Kbuild) dirs+=("$(dirname "$f")/") ;;
		esac
	done < <(touched_files "$c")
	local sorted=() keep=() t k covered
	mapfile -t sorted < <(printf '%s\n' "${dirs[@]}" "${objs[@]}" | grep -v '^$' | LC_ALL=C sort -u)
	for t in "${sorted[@]}"; do
		covered=0
		for k in "${keep[@]}"; do
			case $t in "$k"*) covered=1 ;; esac
		done
		[ $covered -eq 0 ] || continue
		case $t in
		*/) buildable_dir "$t" || continue ;;
		esac
		keep+=("$t")
	done
	# Nothing at all for a patch that touches no kernel object (tools/,
	# Documentation/): an empty array must not print an empty target.
	[ ${#keep[@]} -eq 0 ] || printf '%s\n' "${keep[@]}"
}

# kdoc_warnings ROOT FILE LABEL: kernel-doc -Wall messages about FILE,
# run with the kernel-doc of the tree at ROOT, FILE's path replaced by
# LABEL and line numbers removed ("file:123: warning" and "Warning:
# file:123 text" both occur).
kdoc_warnings() {
	(cd "$1" && { scripts/kernel-doc -none -Wall "$2" 2>&1 || true; }) |
		sed -e "s|$2:[0-9]*|$3|g" -e 's|:[0-9][0-9]*\([: ]\)|\1|g' | LC_ALL=C sort -u
}

# check_kdoc ROOT COMMIT NAME: no kernel-doc warning in touched .c/.h files
# that the parent's version of the file did not already have. Both
# versions come from git objects, not from the checkout, so that this runs
# beside builds that check out other commits; ROOT is a checkout of HEAD
# (its scripts/kernel-doc).
check_kdoc() {
	local root=$1 c=$2 name=$3 f new=0 tmp out
	tmp=$(mktemp -d)
	while IFS= read -r f; do
		case $f in *.c | *.h) ;; *) continue ;; esac
		mkdir -p "$tmp/now/$(dirname "$f")" "$tmp/parent/$(dirname "$f")"
		git -C "$XESVM_TREE" show "$c:$f" >"$tmp/now/$f"
		kdoc_warnings "$root" "$tmp/now/$f" "$f" >"$tmp/now.w"
		: >"$tmp/parent.w"
		if git -C "$XESVM_TREE" cat-file -e "$c^:$f" 2>/dev/null; then
			git -C "$XESVM_TREE" show "$c^:$f" >"$tmp/parent/$f"
			kdoc_warnings "$root" "$tmp/parent/$f" "$f" >"$tmp/parent.w"
		fi
		out=$(LC_ALL=C comm -23 "$tmp/now.w" "$tmp/parent.w")
		if [ -n "$out" ]; then
			printf '%s\n' "$out" >&2
			new=$((new + $(printf '%s\n' "$out" | wc -l)))
		fi
	done < <(touched_files "$c")
	rm -rf "$tmp"
	if [ $new -eq 0 ]; then
		result PASS "kernel-doc $name"
	else
		result FAIL "kernel-doc $name" "$new new warnings"
	fi
}

# check_checkpatch ROOT PATCH: checkpatch.pl --strict of the tree at ROOT.
check_checkpatch() {
	local root=$1 p=$2 name out total
	name=$(basename "$p" .patch)
	# UNKNOWN_COMMIT_ID: the base is imported from Debian's tarball,
	# without upstream history, so checkpatch cannot look up the commits
	# that Fixes: tags name (they are checked by hand). Debian's python3
	# first: checkpatch's SPDX check runs scripts/spdxcheck.py, which needs
	# python3-ply and python3-git.
	out=$(cd "$root" && { PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict \
		--showfile --ignore UNKNOWN_COMMIT_ID "$p" 2>&1 || true; })
	total=$(printf '%s\n' "$out" | grep -E '^total: ' || true)
	if [ "$total" = "${total#total: 0 errors, 0 warnings, 0 checks}" ]; then
		printf '%s\n' "$out" >&2
		result FAIL "checkpatch $name" "${total:-no checkpatch summary}"
	else
		result PASS "checkpatch $name"
	fi
}

# static_checks TMP COMMIT...: checkpatch and kernel-doc of every commit
# (patches in TMP/series, in the same order), in a checkout of HEAD of
# their own (TMP/head): perl and python on one core while the builds,
# mostly serial make runs of a few objects, check out commit after commit
# in the tree.
static_checks() {
	local tmp=$1 i=0 p c
	shift
	local commits=("$@")
	git -C "$XESVM_TREE" worktree add -q --detach "$tmp/head" HEAD
	for p in "$tmp"/series/*.patch; do
		check_checkpatch "$tmp/head" "$p"
		c=${commits[$i]}
		check_kdoc "$tmp/head" "$c" "$(basename "$p" .patch)"
		i=$((i + 1))
	done
}

# w1_warnings OBJ...: compiler warnings of a W=1 build of the objects,
# normalized (no line/column numbers). Objects not in this config skipped.
w1_warnings() {
	local o objs=() log
	for o in "$@"; do
		[ -f "$XESVM_TREE/${o%.o}.c" ] && [ -f "$XESVM_BUILD/$o" ] && objs+=("$o")
	done
	[ ${#objs[@]} -gt 0 ] || return 0
	log=$(mktemp)
	kmake W=1 "${objs[@]}" >"$log" 2>&1 || {
		cat "$log" >&2
		rm -f "$log"
		return 1
	}
	grep -E ': (warning|error):' "$log" |
		sed -E 's|^(.*/)?([^/:]+/[^:]*):[0-9]+:([0-9]+:)?|\2:|' | LC_ALL=C sort -u
	rm -f "$log"
}

# check_build LABEL NAME CONFIG DIR TARGET...: one build result; the log
# of a failed build is kept as $XESVM_WORK/check-build-NAME-CONFIG.log.
check_build() {
	local label=$1 name=$2 cfg=$3 dir=$4 log
	shift 4
	log=$XESVM_WORK/check-build-$name-$cfg.log
	log "check: $label [$cfg]: make $*"
	if XESVM_BUILD=$dir kmake "$@" >"$log.tmp" 2>&1; then
		rm -f "$log.tmp"
		result PASS "build $label [$cfg]"
	else
		grep -E 'error|Error' "$log.tmp" | head -n 40 >&2
		mv "$log.tmp" "$log"
		result FAIL "build $label [$cfg]" "make $* failed; log: $log"
	fi
}

cmd_check() {
	[ $# -eq 0 ] || die "check takes no arguments"
	require_tree
	[ -z "$(tree_dirty)" ] || die "check: $XESVM_TREE has uncommitted changes; commit them first (check checks out every patch)"
	[ -f "$XESVM_BUILD/.config" ] || die "check: no $XESVM_BUILD/.config; run '$PROG config' and '$PROG build' first"
	RESULTS=${RESULTS:-$XESVM_WORK/check.results}
	mkdir -p "$(dirname "$RESULTS")"
	: >"$RESULTS"
	local orig commits=() tmp n i c name p static_pid=""
	orig=$(git -C "$XESVM_TREE" symbolic-ref -q --short HEAD || git -C "$XESVM_TREE" rev-parse HEAD)
	mapfile -t commits < <(git -C "$XESVM_TREE" rev-list --reverse base..HEAD)
	n=${#commits[@]}
	if [ "$n" -eq 0 ]; then
		log "check: the series is empty (base..HEAD); nothing to check"
		return 0
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/xesvm-check.XXXXXX")
	# Whatever happens, put the tree back on its branch and the configs back
	# to what that commit asks for.
	# shellcheck disable=SC2064
	trap "[ -z \"\${static_pid:-}\" ] || kill \$static_pid 2>/dev/null; git -C '$XESVM_TREE' checkout -q '$orig' && merge_all_quiet || log 'check: could not restore $orig'; git -C '$XESVM_TREE' worktree remove --force '$tmp/head' 2>/dev/null; rm -rf '$tmp'; git -C '$XESVM_TREE' worktree prune" EXIT
	local t0
	t0=$(now_s)

	# 1. checkpatch and kernel-doc, in the background (see static_checks).
	format_series "$tmp/series"
	git -C "$XESVM_TREE" worktree prune
	{
		RESULTS=$tmp/static.results static_checks "$tmp" "${commits[@]}"
		echo $? >"$tmp/static.status"
	} 2>"$tmp/static.log" &
	static_pid=$!

	# 2. Each patch on its own: a build of what it touches
	# in the guest configuration, and in the matrix configurations where
	# matrix_at() says (what changed since their previous build). A
	# configuration is merged again when that changes a Kconfig file (new
	# options) or it has not been merged yet; otherwise the build
	# directory follows the checkout by itself.
	local names=() configs=() cfg dir
	mapfile -t names < <(find "$tmp/series" -name '*.patch' -printf '%f\n' | LC_ALL=C sort | sed 's/\.patch$//')
	mapfile -t configs < <(check_configs)
	local alltargets=() targets=() merged=() matrix_prev=base matrix_rev head
	head=$(git -C "$XESVM_TREE" rev-parse HEAD)
	case ${XESVM_CHECK_MATRIX:-tips} in
	tips | every-patch) ;;
	*) die "check: XESVM_CHECK_MATRIX must be 'tips' or 'every-patch'" ;;
	esac
	for i in "${!commits[@]}"; do
		c=${commits[$i]}
		name=${names[$i]}
		matrix_rev=$(matrix_at "$c" "$matrix_prev" "$head") && matrix_prev=$c
		git -C "$XESVM_TREE" checkout -q --detach "$c"
		local kconfig_changed=0
		git -C "$XESVM_TREE" diff-tree --no-commit-id --name-only -r "$c" | grep -q '/Kconfig' &&
			kconfig_changed=1
		for cfg in "${configs[@]}"; do
			local rev=$c label=$name
			if [ "$cfg" != guest ]; then
				# Not built here: see matrix_at().
				[ -n "$matrix_rev" ] || continue
				rev=$matrix_rev
				[ "$rev" = "$c" ] || label="$name (since $(git -C "$XESVM_TREE" describe --tags --exact-match "${rev%%..*}" 2>/dev/null || echo "${rev%%..*}"))"
			fi
			dir=$(config_dir "$cfg")
			local remerge=$kconfig_changed
			[ "$rev" = "$c" ] || ! touched_files "$rev" | grep -q '/Kconfig' || remerge=1
			if [ "$remerge" -eq 1 ] || ! printf '%s\n' "${merged[@]}" | grep -qx "$cfg"; then
				XESVM_BUILD=$dir merge_config_quiet "$cfg"
				merged+=("$cfg")
			fi
			mapfile -t targets < <(XESVM_BUILD=$dir build_targets "$rev" \
				"$([ "$cfg" = guest ] && echo full || echo narrow)")
			if [ ${#targets[@]} -eq 0 ]; then
				result SKIP "build $label [$cfg]" "touches nothing this configuration builds"
				continue
			fi
			check_build "$label" "$name" "$cfg" "$dir" "${targets[@]}"
		done
		while IFS= read -r p; do
			case $p in *.c) alltargets+=("${p%.c}.o") ;; esac
		done < <(touched_files "$c")
	done

	# The matrix configurations at HEAD: everything under drivers/gpu/drm/,
	# which also builds what the narrow per-patch builds left out of date.
	git -C "$XESVM_TREE" checkout -q "$orig"
	for cfg in "${configs[@]}"; do
		[ "$cfg" != guest ] || continue
		dir=$(config_dir "$cfg")
		XESVM_BUILD=$dir merge_config_quiet "$cfg"
		check_build "HEAD drivers/gpu/drm/" HEAD "$cfg" "$dir" drivers/gpu/drm/
	done

	# 3. W=1: warnings of the touched objects at HEAD vs. the same at base,
	# each object in the first configuration that builds it.
	local objs=() o cobjs=()
	mapfile -t objs < <(printf '%s\n' "${alltargets[@]}" | LC_ALL=C sort -u)
	local -A w1_config=()
	for o in "${objs[@]}"; do
		for cfg in "${configs[@]}"; do
			if [ -f "$(config_dir "$cfg")/$o" ]; then
				w1_config[$o]=$cfg
				break
			fi
		done
	done
	for cfg in "${configs[@]}"; do
		cobjs=()
		for o in "${objs[@]}"; do
			[ "${w1_config[$o]:-}" != "$cfg" ] || cobjs+=("$o")
		done
		[ ${#cobjs[@]} -gt 0 ] || continue
		dir=$(config_dir "$cfg")
		git -C "$XESVM_TREE" checkout -q --detach base
		XESVM_BUILD=$dir merge_config_quiet "$cfg"
		if XESVM_BUILD=$dir w1_warnings "${cobjs[@]}" >"$tmp/w1.base"; then
			git -C "$XESVM_TREE" checkout -q "$orig"
			XESVM_BUILD=$dir merge_config_quiet "$cfg"
			if XESVM_BUILD=$dir w1_warnings "${cobjs[@]}" >"$tmp/w1.head"; then
				local new
				new=$(LC_ALL=C comm -13 "$tmp/w1.base" "$tmp/w1.head")
				if [ -z "$new" ]; then
					result PASS "W=1 ${#cobjs[@]} objects [$cfg]" "$(wc -l <"$tmp/w1.head") warnings, none new"
				else
					printf '%s\n' "$new" >&2
					result FAIL "W=1 ${#cobjs[@]} objects [$cfg]" "$(printf '%s\n' "$new" | wc -l) new warnings"
				fi
			else
				result FAIL "W=1 ${#cobjs[@]} objects [$cfg]" "build failed at HEAD"
			fi
		else
			result FAIL "W=1 ${#cobjs[@]} objects [$cfg]" "build failed at base"
		fi
	done
	git -C "$XESVM_TREE" checkout -q "$orig"
	# Join the static checks: their messages, then their results. Not with
	# `wait PID`: in CI it answered 127 (not a child) for the job, which had
	# ended minutes before while thousands of other children (the process
	# substitutions above) came and went. The job writes its status instead.
	local static_rc
	while [ ! -s "$tmp/static.status" ] && kill -0 "$static_pid" 2>/dev/null; do
		sleep 1
	done
	static_rc=$(cat "$tmp/static.status" 2>/dev/null || echo "unknown (it died)")
	static_pid=""
	cat "$tmp/static.log" >&2
	cat "$tmp/static.results" >>"$RESULTS" 2>/dev/null || true
	[ "$static_rc" = 0 ] || result FAIL "checkpatch and kernel-doc" "stopped with status $static_rc"
	local pass fail skip
	pass=$(grep -c '^PASS' "$RESULTS" || true)
	fail=$(grep -c '^FAIL' "$RESULTS" || true)
	skip=$(grep -c '^SKIP' "$RESULTS" || true)
	log "check: $pass passed, $fail failed, $skip skipped in $(($(now_s) - t0)) s"
	[ "$fail" -eq 0 ]
}
