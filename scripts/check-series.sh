#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check-series.sh DIR: make DIR a fresh checkout of the base with the series
# applied (one commit per patch), then check that
#   - every patch applies,
#   - the top-level copies equal the files the series adds (mainline), or
#     for a backport: the same files, identical outside security/,
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

# Top-level copies against the applied series. The mainline series is
# mirrored there file for file; a backport must add the same files, with
# the uapi, the tests, the samples and the docs identical to mainline's
# (same interface, same tests), and its kernel sources may differ where
# the older base does: those differences are reported, line counts only.
added=$(git -C "$dir" diff --name-only --diff-filter=A base..HEAD -- $MIRROR_DIRS)
top_files=$(for d in $MIRROR_DIRS; do [ -d "$TOP/$d" ] && (cd "$TOP" && find "$d" -type f); done | sort)
only_top=$(comm -13 <(echo "$added" | sort) <(echo "$top_files"))
only_series=$(comm -23 <(echo "$added" | sort) <(echo "$top_files"))
differs=$(for f in $added; do [ -f "$TOP/$f" ] && ! cmp -s "$dir/$f" "$TOP/$f" && echo "$f"; done || true)
for f in $only_top; do echo "# not added by the series: $f"; done
for f in $only_series; do echo "# added by the series, missing at the top level: $f"; done
nfiles=$(echo "$added" | grep -c .)
if [ "$SERIES_MIRROR" = mirror ]; then
	for f in $differs; do echo "# differs from the series: $f"; done
	if [ -z "$only_top$only_series$differs" ]; then
		echo "ok top-level copies match the series ($nfiles files)"
	else
		echo "not ok top-level copies differ from the series (run 'make export')"
		fail=1
	fi
else
	# Where a backport may differ from mainline: the kernel's own sources.
	must_match=$(echo "$differs" | grep -v '^security/' || true)
	for f in $differs; do
		n=$(diff "$TOP/$f" "$dir/$f" | grep -c '^[<>]' || true)
		echo "# $SERIES_DIR differs from mainline in $f: $n lines (diff $f against the top-level copy)"
	done
	if [ -z "$only_top$only_series$must_match" ]; then
		echo "ok backport adds the same $nfiles files as mainline; uapi, tests, samples, docs identical" \
			"($(echo "$differs" | grep -c .) kernel sources differ)"
	else
		echo "not ok backport differs from mainline outside security/ or in its file set"
		fail=1
	fi
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
