#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make build/BASE/tree: a git kernel tree whose first commit is the Debian
# base and which carries one commit per patch of the base's series.
#   tree.sh          create the tree if it does not exist
#   tree.sh --force  throw the tree away and create it again
source "$(dirname "$0")/lib.sh"

force=0
[ "${1:-}" = --force ] && force=1

if [ -d "$TREE/.git" ] && [ $force = 0 ]; then
	echo "tree exists: $TREE (use 'make tree-reset' to recreate it)"
	exit 0
fi

need_pkgs xz-utils git

# base_tarball: print the path of the base's kernel source tarball.
# A base from the host's archive is installed as a package; one from
# another suite is downloaded with an apt configuration of its own and
# unpacked under build/, never installed on the host.
base_tarball() {
	if [ "$BASE_SUITE" = host ]; then
		if ! dpkg-query -W -f='${Version}' $BASE_PKG 2>/dev/null | grep -qx "$BASE_VERSION"; then
			$SUDO apt-get install -y -q --no-install-recommends "$BASE_PKG=$BASE_VERSION" \
				>"$LOGS/apt-base.log" 2>&1 ||
			{ $SUDO apt-get update -qq >"$LOGS/apt-update.log" 2>&1 || true
			  $SUDO apt-get install -y -q --no-install-recommends "$BASE_PKG=$BASE_VERSION" \
				>"$LOGS/apt-base.log" 2>&1; } ||
			{ echo "warning: $BASE_VERSION not served; using the archive's $BASE_PKG" >&2
			  need_pkgs $BASE_PKG >&2; }
		fi
		echo "/usr/src/$BASE_PKG.tar.xz"
		return
	fi
	local apt=$BUILD/apt-$BASE_SUITE deb
	if [ ! -s "$apt/$BASE_PKG.tar.xz" ]; then
		apt_private "$BASE_SUITE" "deb http://deb.debian.org/debian $BASE_SUITE main" >&2
		(cd "$apt" && run_logged "$LOGS/apt-base.log" \
			apt-get "${APT_OPTS[@]}" download "$BASE_PKG=$BASE_VERSION") ||
		(cd "$apt" && run_logged "$LOGS/apt-base.log" \
			apt-get "${APT_OPTS[@]}" download "$BASE_PKG") >&2
		deb=$(ls "$apt"/"${BASE_PKG}"_*.deb | tail -n 1)
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$BASE_PKG.tar.xz" >"$apt/$BASE_PKG.tar.xz.tmp"
		mv "$apt/$BASE_PKG.tar.xz.tmp" "$apt/$BASE_PKG.tar.xz"
		basename "$deb" | sed 's/^[^_]*_//; s/_[^_]*$//; s/%3a/:/' >"$apt/$BASE_PKG.version"
	fi
	echo "$apt/$BASE_PKG.tar.xz"
}

# base_version: the version of the base package the tarball came from.
base_version() {
	if [ "$BASE_SUITE" = host ]; then
		dpkg-query -W -f='${Version}' $BASE_PKG
	else
		cat "$BUILD/apt-$BASE_SUITE/$BASE_PKG.version"
	fi
}

step 1/3 "fetching $BASE_PKG ($BASE_SUITE)"
tarball=$(base_tarball)
version=$(base_version)
[ "$version" = "$BASE_VERSION" ] ||
	echo "warning: series made on $BASE_VERSION, the archive serves $version"

step 2/3 "unpacking $BASE_PKG $version (~30 s)"
rm -rf "$TREE" "$TREE.tmp"
mkdir -p "$TREE.tmp"
tar -C "$TREE.tmp" -xf "$tarball"
mv "$TREE.tmp/$BASE_PKG" "$TREE"
rmdir "$TREE.tmp"

cd "$TREE"
git init -q -b main
git config user.name "$GIT_IDENT_NAME"
git config user.email "$GIT_IDENT_EMAIL"
git config core.autocrlf false
git config gc.auto 0
# Debian's top-level .gitignore ignores everything: add by force.
git add -A -f . >/dev/null
GIT_AUTHOR_DATE=$GIT_COMMITTER_DATE git commit -q -m "Debian $BASE_PKG $version"
git tag -f base >/dev/null

step 3/3 "applying $SERIES_DIR/series"
"$TOP/scripts/apply-series.sh" "$TREE"
echo "tree ready: $TREE ($(git rev-list --count base..HEAD) patches on base)"
