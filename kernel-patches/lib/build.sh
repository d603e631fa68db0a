# shellcheck shell=bash
# config and build steps.
#
# A configuration is a list of fragments merged on allnoconfig. The guest
# configuration (config/guest.config, xesvm.config, kunit.config and
# $XESVM_CONFIG_EXTRA) is built in $XESVM_BUILD and booted by every QEMU
# step. Each config/matrix/NAME.config is merged on top of it into a
# configuration of its own, built in $XESVM_WORK/build-NAME by the check
# step only: the variants a patch must not break (modules, no ZONE_DEVICE,
# no family, with xe).

# The guest, the series' options and KUnit: what every configuration has.
base_fragments() {
	printf '%s\n' "$CONFIG_DIR/guest.config" "$CONFIG_DIR/xesvm.config" "$CONFIG_DIR/kunit.config"
}

# Fragments merged on allnoconfig for the guest configuration, in order:
# base_fragments, then $XESVM_CONFIG_EXTRA.
config_fragments() {
	base_fragments
	local f
	for f in ${XESVM_CONFIG_EXTRA:-}; do
		case $f in
		/*) ;;
		*) [ -e "$f" ] || f=$KP_DIR/$f ;;
		esac
		[ -r "$f" ] || die "XESVM_CONFIG_EXTRA: cannot read $f"
		printf '%s\n' "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
	done
}

# The matrix configurations, by name, in order.
matrix_names() {
	local f
	for f in "$CONFIG_DIR"/matrix/*.config; do
		[ -f "$f" ] || continue
		f=${f##*/}
		printf '%s\n' "${f%.config}"
	done
}

# matrix_build_dir NAME: where matrix configuration NAME is built.
matrix_build_dir() { printf '%s\n' "$XESVM_WORK/build-$1"; }

# verify_config FRAGMENT...: every CONFIG_X=v or "# CONFIG_X is not set" line
# of the fragments must hold in $XESVM_BUILD/.config (the last fragment to
# name X wins). A line "# expect: CONFIG_X=v" checks v for X instead,
# whether a fragment asks for X or not: an option Kconfig must turn into
# something else, such as a driver asked built in whose dependency is a
# module, or one a dependency turns off. Prints the misses.
verify_config() {
	local cfg=$XESVM_BUILD/.config bad=0 frag line sym want have kind
	local -A want_of=() from=() expected=()
	local order=()
	for frag in "$@"; do
		while IFS= read -r line; do
			case $line in
			"# expect: CONFIG_"*=*)
				kind=expect
				line=${line#"# expect: "}
				sym=${line%%=*}
				want=${line#*=}
				;;
			CONFIG_*=*)
				kind=ask
				sym=${line%%=*}
				want=${line#*=}
				;;
			"# CONFIG_"*" is not set")
				kind=ask
				sym=${line#\# }
				sym=${sym%% *}
				want=n
				;;
			*) continue ;;
			esac
			[ -n "${want_of[$sym]:-}" ] || order+=("$sym")
			# An expectation is never overridden by a plain request.
			[ "$kind" = expect ] || [ -z "${expected[$sym]:-}" ] || continue
			[ "$kind" != expect ] || expected[$sym]=1
			want_of[$sym]=$want
			from[$sym]=${frag#"$KP_DIR"/}
		done <"$frag"
	done
	for sym in "${order[@]}"; do
		want=${want_of[$sym]}
		have=$(sed -n "s/^$sym=//p" "$cfg")
		[ -n "$have" ] || have=n
		if [ "$have" != "$want" ]; then
			printf '  %s: asked %s, got %s (%s)\n' "$sym" "$want" "$have" \
				"${from[$sym]}" >&2
			bad=$((bad + 1))
		fi
	done
	return $((bad > 0))
}

# merge_fragments FRAGMENT...: $XESVM_BUILD/.config from allnoconfig and
# the fragments. merge_config.sh -m only merges the fragments into one file
# (later fragments win; it warns about overridden values); allnoconfig with
# that file as KCONFIG_ALLCONFIG then sets what they ask and every other
# option that has a prompt to n, resolving dependencies.
merge_fragments() {
	mkdir -p "$XESVM_BUILD"
	(cd "$XESVM_TREE" && flock "$XESVM_BUILD_LOCK" \
		scripts/kconfig/merge_config.sh -m -O "$XESVM_BUILD" "$@" \
		>"$XESVM_BUILD/merge_config.log" 2>&1) ||
		{
			cat "$XESVM_BUILD/merge_config.log" >&2
			die "merge_config.sh failed"
		}
	mv "$XESVM_BUILD/.config" "$XESVM_BUILD/fragments.config"
	kmake KCONFIG_ALLCONFIG="$XESVM_BUILD/fragments.config" allnoconfig >/dev/null
}

# config_matrix NAME [--no-verify]: the matrix configuration NAME in its
# build directory; its own fragment is verified (the base fragments are
# overridden by it on purpose), unless --no-verify (earlier commits of the
# series, whose options may not exist yet). $XESVM_CONFIG_EXTRA is left
# out: the matrix is about what the series' own options allow, and a
# KASAN build of each variant would cost CI its time for nothing it checks.
config_matrix() {
	local name=$1 frags=()
	mapfile -t frags < <(base_fragments)
	frags+=("$CONFIG_DIR/matrix/$name.config")
	XESVM_BUILD=$(matrix_build_dir "$name") merge_fragments "${frags[@]}"
	[ "${2:-}" != --no-verify ] || return 0
	XESVM_BUILD=$(matrix_build_dir "$name") verify_config "$CONFIG_DIR/matrix/$name.config" ||
		die "config: matrix configuration $name: the options above did not stick"
}

cmd_config() {
	local matrix=""
	case ${1:-} in
	"") ;;
	--matrix) matrix=${2:?config --matrix NAME} ;;
	*) die "config: unknown argument '$1' (config [--matrix NAME])" ;;
	esac
	require_tree
	if [ -n "$matrix" ]; then
		[ -f "$CONFIG_DIR/matrix/$matrix.config" ] ||
			die "config: no matrix configuration $matrix (have: $(matrix_names | tr '\n' ' '))"
		log "config: matrix $matrix -> $(matrix_build_dir "$matrix")/.config"
		config_matrix "$matrix"
		log "config: every option of matrix/$matrix.config is as asked"
		return 0
	fi
	local frags=()
	mapfile -t frags < <(config_fragments)
	log "config: allnoconfig + ${frags[*]#"$KP_DIR"/} -> $XESVM_BUILD/.config"
	merge_fragments "${frags[@]}"
	if ! verify_config "${frags[@]}"; then
		die "config: the options above did not stick (unmet dependencies?)"
	fi
	log "config: every requested option is set"
}

cmd_build() {
	require_tree
	[ -f "$XESVM_BUILD/.config" ] || die "no $XESVM_BUILD/.config; run '$PROG config'"
	local targets=("$@")
	[ ${#targets[@]} -gt 0 ] || targets=(bzImage)
	# The guest loads the modules of a configuration that has them (the
	# CI kernel's vsvm): a bzImage without them would boot with stale ones.
	if [[ " ${targets[*]} " == *" bzImage "* ]] &&
		grep -q '^CONFIG_MODULES=y' "$XESVM_BUILD/.config"; then
		targets+=(modules)
	fi
	log "build: make -j$JOBS O=$XESVM_BUILD ${targets[*]} (CCACHE_DIR=$CCACHE_DIR)"
	kmake "${targets[@]}"
}
