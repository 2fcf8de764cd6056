#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check-series.sh DIR: make DIR a fresh checkout of the base with the series
# applied (one commit per patch), then check that
#   - every patch applies,
#   - the top-level copies equal the files the series adds,
#   - checkpatch.pl --strict is clean on every patch.
# Prints one "ok"/"not ok" line per check; exits non-zero on any failure.
source "$(dirname "$0")/lib.sh"

dir=${1:-$BB/check/tree}
fail=0
[ -d "$TREE/.git" ] || "$TOP/scripts/tree.sh"

git -C "$TREE" worktree remove --force "$dir" >/dev/null 2>&1 || rm -rf "$dir"
git -C "$TREE" worktree prune
git -C "$TREE" worktree add -q --detach "$dir" base
if "$TOP/scripts/apply-series.sh" "$dir"; then
	echo "ok series applies to $(git -C "$dir" log -1 --format=%s base)"
else
	echo "not ok series does not apply"
	exit 1
fi

# Top-level copies against the applied series (the mirrored series only).
added=$(git -C "$dir" diff --name-only --diff-filter=A base..HEAD -- $MIRROR_DIRS)
bad=0
if [ "$SERIES_MIRRORED" = 1 ]; then
	for f in $added; do
		if ! cmp -s "$dir/$f" "$TOP/$f"; then
			echo "# differs from the series: $f"
			bad=1
		fi
	done
	for d in $MIRROR_DIRS; do
		[ -d "$TOP/$d" ] || continue
		(cd "$TOP" && find "$d" -type f) | while read -r f; do
			echo "$added" | grep -qx "$f" || echo "# not added by the series: $f"
		done
	done | grep . && bad=1
fi
if [ "$SERIES_MIRRORED" != 1 ]; then
	echo "ok top-level copies: $SERIES_DIR is not mirrored # SKIP"
elif [ $bad = 0 ]; then
	echo "ok top-level copies match the series ($(echo "$added" | grep -c .) files)"
else
	echo "not ok top-level copies differ from the series (run 'make export')"
	fail=1
fi

# kernel-doc on every C file and header the series adds to the kernel.
kdoc_bad=0
for f in $(echo "$added" | grep -E '^(security|include)/.*\.[ch]$'); do
	out=$(cd "$dir" && scripts/kernel-doc -Wall -none "$f" 2>&1)
	if [ -n "$out" ]; then
		echo "$out" | sed 's/^/# /'
		kdoc_bad=1
	fi
done
if [ $kdoc_bad = 0 ]; then
	echo "ok kernel-doc -Wall is clean on the added kernel sources"
else
	echo "not ok kernel-doc -Wall on the added kernel sources"
	fail=1
fi

# checkpatch --strict on every patch, 0 errors/warnings/checks.
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	# Debian's python3 has the ply and git modules spdxcheck.py needs.
	out=$(cd "$dir" && PATH=/usr/bin:/bin:$PATH ./scripts/checkpatch.pl --strict --no-summary --terse \
		"$SERIES/$p" 2>&1) || true
	if [ -z "$out" ]; then
		echo "ok checkpatch --strict: $p"
	else
		echo "not ok checkpatch --strict: $p"
		echo "$out" | sed 's/^/# /'
		fail=1
	fi
done <"$SERIES/series"
exit $fail
