#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Export build/BASE/tree (base..HEAD) back to the base's series directory
# and, for the mirrored series, refresh the top-level copies of every file
# the series adds.
source "$(dirname "$0")/lib.sh"

cd "$TREE"
[ -n "$(git status --porcelain --untracked-files=no)" ] &&
	die "uncommitted changes in $TREE; commit them first"

cover=$SERIES/0000-cover-letter.patch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

git format-patch -q --zero-commit --no-signature --cover-letter \
	--subject-prefix="$SUBJECT_PREFIX" --base=base -o "$tmp" base..HEAD

# Keep the hand-written subject and blurb of the cover letter.
if [ -f "$cover" ]; then
	python3 - "$cover" "$tmp/0000-cover-letter.patch" "$GIT_IDENT_NAME" <<'PY'
import re, sys
old = open(sys.argv[1]).read()
new = open(sys.argv[2]).read()
subj = re.search(r'^Subject: \[[^]]*\] (.*(?:\n .*)*)', old, re.M).group(1)
subj = ' '.join(subj.split())
body = old.split('\n\n', 1)[1]
# The blurb ends where format-patch's shortlog starts: "Author (N):".
blurb = re.split(r'\n\n' + re.escape(sys.argv[3]) + r' \(\d+\):\n', body, 1)[0]
new = new.replace('*** SUBJECT HERE ***', subj, 1)
new = new.replace('*** BLURB HERE ***', blurb.strip('\n'), 1)
open(sys.argv[2], 'w').write(new)
PY
fi

rm -f "$SERIES"/*.patch
cp "$tmp"/*.patch "$SERIES/"
(cd "$SERIES" && ls [0-9]*.patch | grep -v '^0000-' >series)
if [ "$SERIES_MIRROR" != mirror ]; then
	echo "exported $(wc -l <"$SERIES/series") patches to $SERIES_DIR/"
	exit 0
fi

# Top-level copies: files the series adds under the mirrored directories.
for d in $MIRROR_DIRS; do
	[ -d "$TOP/$d" ] && find "$TOP/$d" -type f -delete
done
git diff --name-only --diff-filter=A base..HEAD -- $MIRROR_DIRS | while read -r f; do
	mkdir -p "$TOP/$(dirname "$f")"
	cp "$f" "$TOP/$f"
done
find "$TOP/security" "$TOP/include" "$TOP/tools" "$TOP/Documentation" "$TOP/samples" \
	-depth -type d -empty -delete 2>/dev/null || true
echo "exported $(wc -l <"$SERIES/series") patches to $SERIES_DIR/"
