#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make build/tree: a git kernel tree whose first commit is the Debian base
# and which carries one commit per patch in patches/series.
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

# Fetch the base: the pinned point release if the archive still has it.
if ! dpkg-query -W -f='${Version}' $BASE_PKG 2>/dev/null | grep -qx "$BASE_VERSION"; then
	step 1/3 "installing $BASE_PKG"
	if ! need_pkgs_version=1 $SUDO apt-get install -y -q --no-install-recommends \
		"$BASE_PKG=$BASE_VERSION" >"$LOGS/apt-base.log" 2>&1; then
		$SUDO apt-get update -qq >"$LOGS/apt-update.log" 2>&1 || true
		$SUDO apt-get install -y -q --no-install-recommends "$BASE_PKG=$BASE_VERSION" \
			>"$LOGS/apt-base.log" 2>&1 ||
			{ echo "warning: $BASE_VERSION not served; using the archive's $BASE_PKG"
			  need_pkgs $BASE_PKG; }
	fi
fi
version=$(dpkg-query -W -f='${Version}' $BASE_PKG)

step 2/3 "unpacking $BASE_PKG $version (~30 s)"
rm -rf "$TREE" "$TREE.tmp"
mkdir -p "$TREE.tmp"
tar -C "$TREE.tmp" -xf /usr/src/$BASE_PKG.tar.xz
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

step 3/3 "applying patches/series"
"$TOP/scripts/apply-series.sh" "$TREE"
echo "tree ready: $TREE ($(git rev-list --count base..HEAD) patches on base)"
