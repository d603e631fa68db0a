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

# Merge the config fragments for whatever commit is checked out, without
# verifying: options a later patch introduces do not exist yet.
merge_config_quiet() {
	local frags=()
	mapfile -t frags < <(config_fragments)
	(cd "$XESVM_TREE" && flock "$XESVM_BUILD_LOCK" scripts/kconfig/merge_config.sh -m \
		-O "$XESVM_BUILD" arch/x86/configs/x86_64_defconfig "${frags[@]}" \
		>"$XESVM_BUILD/merge_config.log" 2>&1) || die "merge_config.sh failed"
	kmake olddefconfig >/dev/null
}

# buildable_dir DIR/: Kbuild can descend into it (it has a Makefile/Kbuild).
buildable_dir() { [ -f "$XESVM_TREE/${1}Makefile" ] || [ -f "$XESVM_TREE/${1}Kbuild" ]; }

# build_targets COMMIT: make targets covering the files COMMIT touches: the
# object of a touched .c file; the directory of a touched Makefile, Kconfig
# or local header (a directory target rebuilds every out-of-date object
# under it, which after a checkout means the touched files and their
# dependents); for a header under include/, the directories of the files
# that include it. Ancestor directories absorb their descendants.
build_targets() {
	local c=$1 f d dirs=() objs=()
	while IFS= read -r f; do
		case $f in
		*.c)
			# Its object when the configured kernel builds one; otherwise
			# (a new file, or one #included by another) its directory.
			d=$(dirname "$f")/
			if [ -f "$XESVM_BUILD/${f%.c}.o" ]; then
				objs+=("${f%.c}.o")
			elif buildable_dir "$d"; then
				dirs+=("$d")
			fi
			;;
		include/*.h)
			local inc=${f#include/}
			while IFS= read -r d; do dirs+=("$(dirname "$d")/"); done < <(
				git -C "$XESVM_TREE" grep -l -F "#include <$inc>" -- '*.c' '*.h' |
					grep -v '^include/' | head -n 200)
			;;
		*/Makefile | */Kconfig* | *.h | */Kbuild) dirs+=("$(dirname "$f")/") ;;
		esac
	done < <(git -C "$XESVM_TREE" diff-tree --no-commit-id --name-only -r --diff-filter=AMR "$c")
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

# kdoc_warnings FILE LABEL: kernel-doc -Wall messages, line numbers removed
# ("file:123: warning" and "Warning: file:123 text" both occur).
kdoc_warnings() {
	(cd "$XESVM_TREE" && { scripts/kernel-doc -none -Wall "$1" 2>&1 || true; }) |
		sed -e "s|$1:[0-9]*|$2|g" -e 's|:[0-9][0-9]*\([: ]\)|\1|g' | LC_ALL=C sort -u
}

# check_kdoc COMMIT NAME: no kernel-doc warning in touched .c/.h files that
# the parent's version of the file did not already have.
check_kdoc() {
	local c=$1 name=$2 f new=0 tmp out
	tmp=$(mktemp -d)
	while IFS= read -r f; do
		case $f in *.c | *.h) ;; *) continue ;; esac
		kdoc_warnings "$f" "$f" >"$tmp/now"
		: >"$tmp/before"
		if git -C "$XESVM_TREE" cat-file -e "$c^:$f" 2>/dev/null; then
			mkdir -p "$tmp/parent/$(dirname "$f")"
			git -C "$XESVM_TREE" show "$c^:$f" >"$tmp/parent/$f"
			(cd "$XESVM_TREE" && { scripts/kernel-doc -none -Wall "$tmp/parent/$f" 2>&1 || true; }) |
				sed -e "s|$tmp/parent/$f:[0-9]*|$f|g" -e 's|:[0-9][0-9]*\([: ]\)|\1|g' |
				LC_ALL=C sort -u >"$tmp/before"
		fi
		out=$(LC_ALL=C comm -23 "$tmp/now" "$tmp/before")
		if [ -n "$out" ]; then
			printf '%s\n' "$out" >&2
			new=$((new + $(printf '%s\n' "$out" | wc -l)))
		fi
	done < <(git -C "$XESVM_TREE" diff-tree --no-commit-id --name-only -r --diff-filter=AMR "$c")
	rm -rf "$tmp"
	if [ $new -eq 0 ]; then
		result PASS "kernel-doc $name"
	else
		result FAIL "kernel-doc $name" "$new new warnings"
	fi
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

cmd_check() {
	[ $# -eq 0 ] || die "check takes no arguments"
	require_tree
	[ -z "$(tree_dirty)" ] || die "check: $XESVM_TREE has uncommitted changes; commit them first (check checks out every patch)"
	[ -f "$XESVM_BUILD/.config" ] || die "check: no $XESVM_BUILD/.config; run '$PROG config' and '$PROG build' first"
	RESULTS=${RESULTS:-$XESVM_WORK/check.results}
	mkdir -p "$(dirname "$RESULTS")"
	: >"$RESULTS"
	local orig commits=() tmp n i c name p
	orig=$(git -C "$XESVM_TREE" symbolic-ref -q --short HEAD || git -C "$XESVM_TREE" rev-parse HEAD)
	mapfile -t commits < <(git -C "$XESVM_TREE" rev-list --reverse base..HEAD)
	n=${#commits[@]}
	if [ "$n" -eq 0 ]; then
		log "check: the series is empty (base..HEAD); nothing to check"
		return 0
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/xesvm-check.XXXXXX")
	# Whatever happens, put the tree back on its branch and the config back
	# to what that commit asks for.
	# shellcheck disable=SC2064
	trap "git -C '$XESVM_TREE' checkout -q '$orig' && merge_config_quiet || log 'check: could not restore $orig'; rm -rf '$tmp'" EXIT
	local t0
	t0=$(now_s)

	# 1. checkpatch --strict on every patch, with HEAD's checkpatch.
	format_series "$tmp/series"
	i=0
	for p in "$tmp"/series/*.patch; do
		i=$((i + 1))
		name=$(basename "$p" .patch)
		local out total
		out=$(cd "$XESVM_TREE" && { scripts/checkpatch.pl --strict --showfile "$p" 2>&1 || true; })
		total=$(printf '%s\n' "$out" | grep -E '^total: ' || true)
		if [ "$total" = "${total#total: 0 errors, 0 warnings, 0 checks}" ]; then
			printf '%s\n' "$out" >&2
			result FAIL "checkpatch $name" "${total:-no checkpatch summary}"
		else
			result PASS "checkpatch $name"
		fi
	done

	# 2. Each patch on its own: kernel-doc and a build of what it touches.
	local names=()
	mapfile -t names < <(find "$tmp/series" -name '*.patch' -printf '%f\n' | LC_ALL=C sort | sed 's/\.patch$//')
	local alltargets=() targets=()
	for i in "${!commits[@]}"; do
		c=${commits[$i]}
		name=${names[$i]}
		git -C "$XESVM_TREE" checkout -q --detach "$c"
		check_kdoc "$c" "$name"
		mapfile -t targets < <(build_targets "$c")
		if [ ${#targets[@]} -eq 0 ]; then
			result SKIP "build $name" "touches no buildable file"
			continue
		fi
		log "check: $name: make ${targets[*]}"
		merge_config_quiet
		if kmake "${targets[@]}" >"$tmp/build.log" 2>&1; then
			result PASS "build $name"
		else
			grep -E 'error|Error' "$tmp/build.log" | head -n 40 >&2
			result FAIL "build $name" "make ${targets[*]} failed; log: $XESVM_WORK/check-build-$name.log"
			cp "$tmp/build.log" "$XESVM_WORK/check-build-$name.log"
		fi
		while IFS= read -r p; do
			case $p in *.c) alltargets+=("${p%.c}.o") ;; esac
		done < <(git -C "$XESVM_TREE" diff-tree --no-commit-id --name-only -r --diff-filter=AMR "$c")
	done

	# 3. W=1: warnings of the touched objects at HEAD vs. the same at base.
	local objs=()
	mapfile -t objs < <(printf '%s\n' "${alltargets[@]}" | LC_ALL=C sort -u)
	git -C "$XESVM_TREE" checkout -q --detach base
	merge_config_quiet
	if w1_warnings "${objs[@]}" >"$tmp/w1.base"; then
		git -C "$XESVM_TREE" checkout -q "$orig"
		merge_config_quiet
		if w1_warnings "${objs[@]}" >"$tmp/w1.head"; then
			local new
			new=$(LC_ALL=C comm -13 "$tmp/w1.base" "$tmp/w1.head")
			if [ -z "$new" ]; then
				result PASS "W=1 ${#objs[@]} objects" "$(wc -l <"$tmp/w1.head") warnings, none new"
			else
				printf '%s\n' "$new" >&2
				result FAIL "W=1 ${#objs[@]} objects" "$(printf '%s\n' "$new" | wc -l) new warnings"
			fi
		else
			result FAIL "W=1 ${#objs[@]} objects" "build failed at HEAD"
		fi
	else
		result FAIL "W=1 ${#objs[@]} objects" "build failed at base"
	fi
	local pass fail skip
	pass=$(grep -c '^PASS' "$RESULTS" || true)
	fail=$(grep -c '^FAIL' "$RESULTS" || true)
	skip=$(grep -c '^SKIP' "$RESULTS" || true)
	log "check: $pass passed, $fail failed, $skip skipped in $(($(now_s) - t0)) s"
	[ "$fail" -eq 0 ]
}
