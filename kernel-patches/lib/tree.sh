# shellcheck shell=bash
# tree and export steps.

# The base .gitignore without Debian's packaging block, which ends with "/*"
# and would make git ignore every file (see DESIGN.md).
fixed_gitignore() {
	awk '
		/^# Debian packaging/ { drop = 1 }
		!drop { lines[n++] = $0 }
		END {
			# the "#" line opening the Debian block, then trailing blanks
			if (drop && n > 0 && lines[n - 1] == "#") n--
			while (n > 0 && lines[n - 1] == "") n--
			for (i = 0; i < n; i++) print lines[i]
		}' "$1"
}

# base_repo: print the path of a bare repository whose tag 'base' is the
# base source, creating it once per source (cached by source identity).
base_repo() {
	local src id bare
	src=$(source_dir)
	if [ -n "${KERNEL_SRC:-}" ] && git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
		local rev
		rev=$(git -C "$src" rev-parse --verify "${XESVM_BASE_REF:-HEAD}^{commit}") ||
			die "KERNEL_SRC: no commit ${XESVM_BASE_REF:-HEAD}"
		bare=$XESVM_WORK/base-git-${rev:0:12}.git
		if ! git -C "$bare" rev-parse -q --verify base >/dev/null 2>&1; then
			log "tree: base = $rev of $src"
			rm -rf "$bare"
			git clone -q --bare --shared --no-tags "$src" "$bare" >&2
			git -C "$bare" tag -f base "$rev" >/dev/null
		fi
		printf '%s\n' "$bare"
		return 0
	fi
	if [ -n "${KERNEL_SRC:-}" ]; then
		id=src-$(printf '%s' "$src" | sha256sum | cut -c1-12)
	else
		id=deb-$(base_get DEB_SHA256 | cut -c1-12)
	fi
	bare=$XESVM_WORK/base-$id.git
	if git -C "$bare" rev-parse -q --verify base >/dev/null 2>&1; then
		printf '%s\n' "$bare"
		return 0
	fi
	log "tree: importing $src into $bare (once)"
	rm -rf "$bare"
	git init -q --bare "$bare"
	local blob tree commit when msg
	# A private index; -f adds every file of the tarball, so the base tree is
	# the tarball's content, whatever .gitignore says.
	(
		export GIT_DIR=$bare GIT_WORK_TREE=$src GIT_INDEX_FILE=$bare/import-index
		cd "$src"
		git add -f -A .
		if [ -f .gitignore ]; then
			blob=$(fixed_gitignore .gitignore | git hash-object -w --stdin)
			git update-index --cacheinfo "100644,$blob,.gitignore"
		fi
		git write-tree
	) >"$bare/import-tree" || die "importing $src failed"
	tree=$(cat "$bare/import-tree")
	rm -f "$bare/import-index" "$bare/import-tree"
	# Reproducible base commit: fixed identity, date of the source Makefile.
	when="@$(stat -c %Y "$src/Makefile") +0000"
	if [ -n "${KERNEL_SRC:-}" ]; then
		msg="Linux base from $src"
	else
		msg="Linux $(base_get LINUX_VERSION) (Debian $(base_get DEBIAN_PACKAGE) $(base_get DEBIAN_VERSION))"
	fi
	commit=$(printf '%s\n' "$msg" | GIT_DIR=$bare \
		GIT_AUTHOR_NAME=$GIT_ID_NAME GIT_AUTHOR_EMAIL=$GIT_ID_EMAIL GIT_AUTHOR_DATE=$when \
		GIT_COMMITTER_NAME=$GIT_ID_NAME GIT_COMMITTER_EMAIL=$GIT_ID_EMAIL \
		GIT_COMMITTER_DATE=$when git commit-tree "$tree")
	git -C "$bare" tag base "$commit"
	git -C "$bare" update-ref refs/heads/master "$commit"
	printf '%s\n' "$bare"
}

# tree_dirty: list uncommitted changes (tracked and untracked, not ignored).
tree_dirty() { git -C "$XESVM_TREE" status --porcelain 2>/dev/null; }

cmd_tree() {
	local force=0
	while [ $# -gt 0 ]; do
		case $1 in
		--force | -f) force=1 ;;
		*) die "tree: unknown argument '$1'" ;;
		esac
		shift
	done
	local bare
	bare=$(base_repo)
	if [ ! -e "$XESVM_TREE/.git" ]; then
		[ ! -e "$XESVM_TREE" ] || [ -z "$(ls -A "$XESVM_TREE")" ] ||
			die "$XESVM_TREE exists and is not a git tree; move it away or set XESVM_TREE"
		log "tree: cloning the base into $XESVM_TREE"
		# --shared: the tree borrows the base objects (no copy of the history).
		git clone -q --shared --no-checkout "$bare" "$XESVM_TREE"
	else
		local gitdir
		gitdir=$(git -C "$XESVM_TREE" rev-parse --absolute-git-dir)
		if [ -d "$gitdir/rebase-apply" ] || [ -d "$gitdir/rebase-merge" ]; then
			[ $force -eq 1 ] || die "tree: a git am/rebase is in progress in $XESVM_TREE (finish it, or use --force to abort it)"
			git -C "$XESVM_TREE" am --abort 2>/dev/null || git -C "$XESVM_TREE" rebase --abort 2>/dev/null || true
		fi
		local dirty
		dirty=$(tree_dirty)
		if [ -n "$dirty" ]; then
			[ $force -eq 1 ] || {
				printf '%s\n' "$dirty" | head -n 20 >&2
				die "tree: $XESVM_TREE has uncommitted changes (above); commit them or use --force to discard them"
			}
			log "tree: --force: discarding uncommitted changes"
		fi
		git -C "$XESVM_TREE" fetch -q --no-tags "$bare" "+refs/tags/base:refs/tags/base"
	fi
	local prev
	prev=$(git -C "$XESVM_TREE" rev-parse -q --verify HEAD || true)
	[ -z "$prev" ] || [ "$prev" = "$(git -C "$XESVM_TREE" rev-parse base)" ] ||
		log "tree: previous HEAD $prev (still in 'git reflog')"
	git -C "$XESVM_TREE" checkout -q -f -B xesvm base
	[ $force -eq 0 ] || git -C "$XESVM_TREE" clean -q -f -d
	local patches=()
	mapfile -t patches < <(series_files)
	if [ ${#patches[@]} -eq 0 ]; then
		log "tree: $XESVM_TREE at base (the series is empty)"
		return 0
	fi
	log "tree: applying ${#patches[@]} patches"
	# Committer date = author date: applying the same series twice gives the
	# same commits.
	if ! tgit am -q --committer-date-is-author-date "${patches[@]}"; then
		die "tree: git am failed; the tree is left mid-am in $XESVM_TREE (git am --show-current-patch)"
	fi
	git -C "$XESVM_TREE" log --oneline base..HEAD >&2
}

cmd_export() {
	[ $# -eq 0 ] || die "export takes no arguments"
	require_tree
	[ -z "$(tree_dirty)" ] || log "export: warning: uncommitted changes in $XESVM_TREE are not exported"
	[ -z "$(git -C "$XESVM_TREE" rev-list --merges base..HEAD)" ] ||
		die "export: base..HEAD contains merge commits; the series must be linear"
	mkdir -p "$PATCH_DIR"
	find "$PATCH_DIR" -maxdepth 1 -name '*.patch' -type f -delete
	local n
	n=$(git -C "$XESVM_TREE" rev-list --count base..HEAD)
	if [ "$n" -eq 0 ]; then
		log "export: base..HEAD is empty; kernel-patches/patches/ emptied"
		return 0
	fi
	# Settings that change the output are pinned, so the same commits always
	# give the same files whatever the user's git configuration.
	git -C "$XESVM_TREE" -c core.abbrev=12 -c diff.algorithm=myers \
		-c diff.noprefix=false -c diff.mnemonicPrefix=false -c diff.relative=false \
		-c format.signOff=false -c format.coverLetter=false -c format.useAutoBase=false \
		format-patch -q --zero-commit --no-signature --numbered --subject-prefix=PATCH \
		--no-base --no-thread -o "$PATCH_DIR" base..HEAD
	log "export: $n patches written to kernel-patches/patches/:"
	(cd "$PATCH_DIR" && ls -1 -- *.patch) >&2
}
