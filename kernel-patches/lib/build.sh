# shellcheck shell=bash
# config and build steps.

# Fragments merged on top of x86_64_defconfig, in order.
config_fragments() {
	printf '%s\n' "$CONFIG_DIR/xesvm.config" "$CONFIG_DIR/kunit.config"
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

# verify_config FRAGMENT...: every CONFIG_X=v or "# CONFIG_X is not set" line
# of the fragments must hold in $XESVM_BUILD/.config. Prints the misses.
verify_config() {
	local cfg=$XESVM_BUILD/.config bad=0 frag line sym want have
	for frag in "$@"; do
		while IFS= read -r line; do
			case $line in
			CONFIG_*=*)
				sym=${line%%=*}
				want=${line#*=}
				;;
			"# CONFIG_"*" is not set")
				sym=${line#\# }
				sym=${sym%% *}
				want=n
				;;
			*) continue ;;
			esac
			have=$(sed -n "s/^$sym=//p" "$cfg")
			[ -n "$have" ] || have=n
			if [ "$have" != "$want" ]; then
				printf '  %s: asked %s, got %s (%s)\n' "$sym" "$want" "$have" \
					"${frag#"$KP_DIR"/}" >&2
				bad=$((bad + 1))
			fi
		done <"$frag"
	done
	return $((bad > 0))
}

cmd_config() {
	[ $# -eq 0 ] || die "config takes no arguments"
	require_tree
	local frags=()
	mapfile -t frags < <(config_fragments)
	mkdir -p "$XESVM_BUILD"
	log "config: x86_64_defconfig + ${frags[*]#"$KP_DIR"/} -> $XESVM_BUILD/.config"
	# merge_config.sh -m only merges the files into .config (it warns about
	# overridden values); olddefconfig then resolves dependencies.
	(cd "$XESVM_TREE" && flock "$XESVM_BUILD_LOCK" \
		scripts/kconfig/merge_config.sh -m -O "$XESVM_BUILD" \
		arch/x86/configs/x86_64_defconfig "${frags[@]}" >"$XESVM_BUILD/merge_config.log" 2>&1) ||
		{
			cat "$XESVM_BUILD/merge_config.log" >&2
			die "merge_config.sh failed"
		}
	kmake olddefconfig >/dev/null
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
	log "build: make -j$JOBS O=$XESVM_BUILD ${targets[*]} (CCACHE_DIR=$CCACHE_DIR)"
	kmake "${targets[@]}"
}
