# shellcheck shell=bash
# source step: find, verify and extract the base kernel source.

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# apt_download DESTDIR: download $DEBIAN_PACKAGE=$DEBIAN_VERSION from Debian
# sid or trixie-backports with a private sources list, apt lists and cache in
# a temporary directory; the system's apt configuration is not touched.
apt_download() {
	local dest=$1 pkg ver tmp
	pkg=$(base_get DEBIAN_PACKAGE)
	ver=$(base_get DEBIAN_VERSION)
	command -v apt-get >/dev/null || die "apt-get not found: cannot download $pkg"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/xesvm-apt.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/parts"
	cat >"$tmp/sources.list" <<EOL
deb http://deb.debian.org/debian sid main
deb http://deb.debian.org/debian trixie-backports main
EOL
	local opts=(-o "Dir::Etc::SourceList=$tmp/sources.list"
		-o "Dir::Etc::SourceParts=$tmp/parts"
		-o "Dir::State::Lists=$tmp/lists"
		-o "Dir::Cache=$tmp/cache"
		-o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
		-o "APT::Sandbox::User=root"
		-o "Acquire::Languages=none"
		-o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false")
	log "source: downloading $pkg=$ver from Debian (sid, trixie-backports)"
	apt-get -q "${opts[@]}" update >&2 || die "apt-get update (private lists) failed"
	(cd "$tmp" && apt-get -q "${opts[@]}" download "$pkg=$ver" >&2) ||
		die "apt-get download $pkg=$ver failed (is $ver still in sid or trixie-backports?)"
	mkdir -p "$dest"
	mv "$tmp/$(base_get DEB_FILE)" "$dest/" ||
		die "apt downloaded no $(base_get DEB_FILE)"
}

# find_deb: print the path of a .deb whose SHA256 matches BASE, downloading
# it when no local copy matches.
find_deb() {
	local want deb cand
	want=$(base_get DEB_SHA256)
	deb=$(base_get DEB_FILE)
	for cand in "$REPO_ROOT/../shared/kernel/$deb" "$XESVM_WORK/deb/$deb"; do
		[ -f "$cand" ] || continue
		if [ "$(sha256_of "$cand")" = "$want" ]; then
			printf '%s\n' "$cand"
			return 0
		fi
		log "source: $cand: SHA256 does not match kernel-patches/BASE; ignored"
	done
	apt_download "$XESVM_WORK/deb"
	cand=$XESVM_WORK/deb/$deb
	local got
	got=$(sha256_of "$cand")
	if [ "$got" != "$want" ]; then
		mv "$cand" "$cand.bad"
		die "downloaded $deb has SHA256 $got, kernel-patches/BASE says $want"
	fi
	printf '%s\n' "$cand"
}

# source_dir: print the directory of the base source, extracting it once.
# Sets nothing global; all diagnostics go to stderr.
source_dir() {
	if [ -n "${KERNEL_SRC:-}" ]; then
		{ [ -f "$KERNEL_SRC/Makefile" ] && [ -d "$KERNEL_SRC/drivers/gpu/drm" ]; } ||
			die "KERNEL_SRC=$KERNEL_SRC does not look like a Linux source tree"
		(cd "$KERNEL_SRC" && pwd)
		return 0
	fi
	local sha dir stamp deb
	sha=$(base_get DEB_SHA256)
	dir=$XESVM_WORK/src/$(base_get TARBALL_TOPDIR)
	stamp=$XESVM_WORK/src/.extracted
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sha" ] && [ -f "$dir/Makefile" ]; then
		printf '%s\n' "$dir"
		return 0
	fi
	deb=$(find_deb)
	log "source: extracting $(base_get TARBALL) from $deb"
	rm -rf "$XESVM_WORK/src"
	mkdir -p "$XESVM_WORK/src"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$(base_get TARBALL)" |
		tar -xJ -C "$XESVM_WORK/src"
	[ -f "$dir/Makefile" ] || die "the tarball did not unpack to $dir"
	printf '%s\n' "$sha" >"$stamp"
	printf '%s\n' "$dir"
}

cmd_source() {
	[ $# -eq 0 ] || die "source takes no arguments"
	local dir
	dir=$(source_dir)
	log "source: base source at $dir"
	printf '%s\n' "$dir"
}
