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

# import_in_place: a new $XESVM_TREE holding the Debian tarball, made a git
# repository in place (tag 'base'), without an unpacked copy beside it or
# a repository to clone from: the default path, and the fast one for a
# first run (one unpack, one hashing of the files).
import_in_place() {
	local deb when commit tree
	deb=$(find_deb)
	log "tree: unpacking $(base_get TARBALL) into $XESVM_TREE"
	mkdir -p "$XESVM_TREE"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$(base_get TARBALL)" |
		tar -xJ -C "$XESVM_TREE" --strip-components=1
	[ -f "$XESVM_TREE/Makefile" ] || die "the tarball did not unpack to a kernel tree"
	if [ -f "$XESVM_TREE/.gitignore" ]; then
		fixed_gitignore "$XESVM_TREE/.gitignore" >"$XESVM_TREE/.gitignore.xesvm"
		mv "$XESVM_TREE/.gitignore.xesvm" "$XESVM_TREE/.gitignore"
	fi
	log "tree: importing it as the base commit"
	git -C "$XESVM_TREE" init -q -b xesvm
	# Every file of the tarball, whatever .gitignore says; light compression
	# (loose objects of a tree that is never pushed).
	git -C "$XESVM_TREE" -c core.looseCompression=1 add -f -A .
	tree=$(git -C "$XESVM_TREE" write-tree)
	# Reproducible base commit: fixed identity, date of the source Makefile.
	when="@$(stat -c %Y "$XESVM_TREE/Makefile") +0000"
	commit=$(printf 'Linux %s (Debian %s %s)\n' "$(base_get LINUX_VERSION)" \
		"$(base_get DEBIAN_PACKAGE)" "$(base_get DEBIAN_VERSION)" |
		GIT_AUTHOR_NAME=$GIT_ID_NAME GIT_AUTHOR_EMAIL=$GIT_ID_EMAIL GIT_AUTHOR_DATE=$when \
		GIT_COMMITTER_NAME=$GIT_ID_NAME GIT_COMMITTER_EMAIL=$GIT_ID_EMAIL \
		GIT_COMMITTER_DATE=$when git -C "$XESVM_TREE" commit-tree "$tree")
	git -C "$XESVM_TREE" tag base "$commit"
	git -C "$XESVM_TREE" update-ref refs/heads/xesvm "$commit"
	# The base of this tree is identified by the .deb it came from.
	git -C "$XESVM_TREE" config xesvm.base "$(base_get DEB_SHA256)"
}

# tree_dirty: list uncommitted changes (tracked and untracked, not ignored).
tree_dirty() { git -C "$XESVM_TREE" status --porcelain 2>/dev/null; }

# tree_reuse_ok FORCE: an existing tree may be reset to the base: no git am
# or rebase in progress and no uncommitted change, unless FORCE is 1 (then
# they are discarded).
tree_reuse_ok() {
	local force=$1 gitdir dirty
	gitdir=$(git -C "$XESVM_TREE" rev-parse --absolute-git-dir)
	if [ -d "$gitdir/rebase-apply" ] || [ -d "$gitdir/rebase-merge" ]; then
		[ "$force" -eq 1 ] || die "tree: a git am/rebase is in progress in $XESVM_TREE (finish it, or use --force to abort it)"
		git -C "$XESVM_TREE" am --abort 2>/dev/null || git -C "$XESVM_TREE" rebase --abort 2>/dev/null || true
	fi
	dirty=$(tree_dirty)
	if [ -n "$dirty" ]; then
		[ "$force" -eq 1 ] || {
			printf '%s\n' "$dirty" | head -n 20 >&2
			die "tree: $XESVM_TREE has uncommitted changes (above); commit them or use --force to discard them"
		}
		log "tree: --force: discarding uncommitted changes"
	fi
}

cmd_tree() {
	local force=0
	while [ $# -gt 0 ]; do
		case $1 in
		--force | -f) force=1 ;;
		*) die "tree: unknown argument '$1'" ;;
		esac
		shift
	done
	local bare=""
	if [ ! -e "$XESVM_TREE/.git" ] && [ -z "${KERNEL_SRC:-}" ] &&
		{ [ ! -e "$XESVM_TREE" ] || [ -z "$(ls -A "$XESVM_TREE")" ]; }; then
		import_in_place
	elif [ -z "${KERNEL_SRC:-}" ] &&
		[ "$(git -C "$XESVM_TREE" config xesvm.base 2>/dev/null)" = "$(base_get DEB_SHA256)" ]; then
		# Imported in place from this base: nothing to fetch.
		:
	else
		bare=$(base_repo)
	fi
	if [ -z "$bare" ]; then
		tree_reuse_ok "$force"
	elif [ ! -e "$XESVM_TREE/.git" ]; then
		[ ! -e "$XESVM_TREE" ] || [ -z "$(ls -A "$XESVM_TREE")" ] ||
			die "$XESVM_TREE exists and is not a git tree; move it away or set XESVM_TREE"
		log "tree: cloning the base into $XESVM_TREE"
		# --shared: the tree borrows the base objects (no copy of the history).
		git clone -q --shared --no-checkout "$bare" "$XESVM_TREE"
	else
		tree_reuse_ok "$force"
		git -C "$XESVM_TREE" fetch -q --no-tags "$bare" "+refs/tags/base:refs/tags/base"
	fi
	local prev
	prev=$(git -C "$XESVM_TREE" rev-parse -q --verify HEAD || true)
	[ -z "$prev" ] || [ "$prev" = "$(git -C "$XESVM_TREE" rev-parse base)" ] ||
		log "tree: previous HEAD $prev (still in 'git reflog')"
	git -C "$XESVM_TREE" checkout -q -f -B xesvm base
	[ $force -eq 0 ] || git -C "$XESVM_TREE" clean -q -f -d
	# Each sub-series is applied whole and tagged series/NAME at its last
	# patch: export splits the commits again at these tags.
	git -C "$XESVM_TREE" tag -l 'series/*' | xargs -r git -C "$XESVM_TREE" tag -d >/dev/null
	local dir name patches=() total=0
	while IFS= read -r dir; do
		name=${dir##*/}
		mapfile -t patches < <(series_patches "$dir")
		[ ${#patches[@]} -gt 0 ] || die "tree: sub-series $name has no patches"
		log "tree: applying $name (${#patches[@]} patches)"
		# Committer date = author date: applying the same series twice
		# gives the same commits.
		if ! tgit am -q --committer-date-is-author-date "${patches[@]}"; then
			die "tree: git am failed in $name; the tree is left mid-am in $XESVM_TREE (git am --show-current-patch)"
		fi
		git -C "$XESVM_TREE" tag "series/$name" HEAD
		total=$((total + ${#patches[@]}))
	done < <(series_dirs)
	if [ $total -eq 0 ]; then
		log "tree: $XESVM_TREE at base (the series is empty)"
		return 0
	fi
	git -C "$XESVM_TREE" log --oneline base..HEAD >&2
}

# series_tags: the series/NAME tags of the tree in commit order, checked:
# each on the first-parent line base..HEAD, the last one at HEAD.
series_tags() {
	local t c line=() tags=() ordered=()
	mapfile -t line < <(git -C "$XESVM_TREE" rev-list --first-parent --reverse base..HEAD)
	mapfile -t tags < <(git -C "$XESVM_TREE" tag -l 'series/*')
	[ ${#tags[@]} -gt 0 ] || die "export: the tree has no series/NAME tags (one at the last commit of each sub-series; 'tree' makes them)"
	for c in "${line[@]}"; do
		for t in "${tags[@]}"; do
			[ "$(git -C "$XESVM_TREE" rev-parse "$t^{commit}")" = "$c" ] && ordered+=("$t")
		done
	done
	[ ${#ordered[@]} -eq ${#tags[@]} ] ||
		die "export: a series/ tag is not on base..HEAD: ${tags[*]}"
	[ "$(git -C "$XESVM_TREE" rev-parse "${ordered[-1]}^{commit}")" = "$(git -C "$XESVM_TREE" rev-parse HEAD)" ] ||
		die "export: commits after ${ordered[-1]}: tag the last commit of the last sub-series (git tag -f series/NAME)"
	printf '%s\n' "${ordered[@]}"
}

cmd_export() {
	[ $# -eq 0 ] || die "export takes no arguments"
	require_tree
	[ -z "$(tree_dirty)" ] || log "export: warning: uncommitted changes in $XESVM_TREE are not exported"
	[ -z "$(git -C "$XESVM_TREE" rev-list --merges base..HEAD)" ] ||
		die "export: base..HEAD contains merge commits; the series must be linear"
	local tags=() t name dir prev=base n total=0 tip_date
	mapfile -t tags < <(series_tags)
	for t in "${tags[@]}"; do
		name=${t#series/}
		[ -f "$SERIES_DIR/$name/cover.txt" ] ||
			die "export: $SERIES_DIR/$name/cover.txt is missing (the description of the sub-series $name)"
	done
	# Directories of sub-series that no longer exist in the tree go.
	while IFS= read -r dir; do
		printf '%s\n' "${tags[@]}" | grep -qx "series/${dir##*/}" || {
			log "export: removing ${dir#"$KP_DIR"/} (no series/${dir##*/} tag)"
			find "$dir" -maxdepth 1 -name '*.patch' -type f -delete
		}
	done < <(series_dirs)
	for t in "${tags[@]}"; do
		name=${t#series/}
		dir=$SERIES_DIR/$name
		find "$dir" -maxdepth 1 -name '*.patch' -type f -delete
		n=$(git -C "$XESVM_TREE" rev-list --count "$prev..$t")
		# The cover letter carries the author date of the sub-series' last
		# commit, so that the same commits always give the same files.
		tip_date=$(git -C "$XESVM_TREE" log -1 --format=%aD "$t")
		git -C "$XESVM_TREE" branch -f "xesvm-export/$name" "$t" >/dev/null
		git -C "$XESVM_TREE" config "branch.xesvm-export/$name.description" "$(cat "$dir/cover.txt")"
		# Settings that change the output are pinned, so the same commits
		# always give the same files whatever the user's git configuration.
		GIT_COMMITTER_DATE=$tip_date GIT_AUTHOR_DATE=$tip_date \
			GIT_COMMITTER_NAME=$GIT_ID_NAME GIT_COMMITTER_EMAIL=$GIT_ID_EMAIL \
			git -C "$XESVM_TREE" -c core.abbrev=12 -c diff.algorithm=myers \
			-c diff.noprefix=false -c diff.mnemonicPrefix=false -c diff.relative=false \
			-c format.signOff=false -c format.useAutoBase=false \
			format-patch -q --zero-commit --no-signature --numbered --subject-prefix=PATCH \
			--no-base --no-thread --cover-letter --cover-from-description=subject \
			-o "$dir" "$prev..xesvm-export/$name"
		git -C "$XESVM_TREE" branch -D "xesvm-export/$name" >/dev/null
		git -C "$XESVM_TREE" config --remove-section "branch.xesvm-export/$name" 2>/dev/null || true
		log "export: $name: $n patches and a cover letter"
		total=$((total + n))
		prev=$t
	done
	log "export: $total patches in ${#tags[@]} sub-series written to kernel-patches/series/"
}
