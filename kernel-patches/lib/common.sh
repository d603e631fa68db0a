# shellcheck shell=bash
# Shared helpers for xesvm-kernel (sourced, not executed).

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

# base_get KEY: a value from kernel-patches/BASE (KEY=VALUE lines).
base_get() {
	local v
	v=$(sed -n "s/^$1=//p" "$KP_DIR/BASE" | tail -n 1)
	[ -n "$v" ] || die "kernel-patches/BASE has no $1"
	printf '%s\n' "$v"
}

# Arguments every kernel make gets, so that config and build agree on the
# compiler (CONFIG_CC_VERSION_TEXT) and ccache sees identical command lines.
kmake_args() {
	printf '%s\n' "O=$XESVM_BUILD" "CC=ccache gcc" "KBUILD_BUILD_USER=xesvm" \
		"KBUILD_BUILD_HOST=xesvm"
}

# kmake [MAKE ARGS...]: make in the tree, serialized with every other kernel
# build on this machine through flock on $XESVM_BUILD_LOCK.
kmake() {
	local args=()
	mapfile -t args < <(kmake_args)
	mkdir -p "$(dirname "$XESVM_BUILD_LOCK")" "$XESVM_BUILD" "$CCACHE_DIR"
	if ! flock -n "$XESVM_BUILD_LOCK" true 2>/dev/null; then
		log "waiting for the build lock $XESVM_BUILD_LOCK"
	fi
	flock "$XESVM_BUILD_LOCK" make -C "$XESVM_TREE" -j"$JOBS" "${args[@]}" "$@"
}

require_tree() {
	git -C "$XESVM_TREE" rev-parse --verify -q base >/dev/null 2>&1 ||
		die "$XESVM_TREE is not an xesvm kernel tree (no tag 'base'); run '$PROG tree'"
}

# Run git in the tree with the team identity unless the user configured one.
tgit() {
	local id=()
	git -C "$XESVM_TREE" config user.email >/dev/null 2>&1 ||
		id=(-c "user.name=$GIT_ID_NAME" -c "user.email=$GIT_ID_EMAIL")
	git -C "$XESVM_TREE" "${id[@]}" "$@"
}

# The sub-series, in order: the directories of series/ (NN-name), one
# absolute path per line. Each holds cover.txt (the description its cover
# letter is written from) and its patches.
series_dirs() {
	[ -d "$SERIES_DIR" ] || return 0
	find "$SERIES_DIR" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*' | LC_ALL=C sort
}

# series_patches DIR: the patches of one sub-series in order (the cover
# letter, 0000-cover-letter.patch, is not one).
series_patches() {
	find "$1" -maxdepth 1 -name '[0-9]*.patch' ! -name '0000-cover-letter.patch' \
		-type f | LC_ALL=C sort
}

# Every patch of the series in order, one absolute path per line.
series_files() {
	local d
	while IFS= read -r d; do
		series_patches "$d"
	done < <(series_dirs)
}

# now_s: seconds since the epoch (for step timings).
now_s() { date +%s; }
