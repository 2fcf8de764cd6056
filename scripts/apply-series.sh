#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# apply-series.sh TREE: git am every patch of the base's series onto TREE's HEAD.
source "$(dirname "$0")/lib.sh"

tree=$1
cd "$tree"
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	if ! git am -q --keep-cr --committer-date-is-author-date "$SERIES/$p" \
		>"$LOGS/git-am.log" 2>&1; then
		git am --abort >/dev/null 2>&1 || true
		cat "$LOGS/git-am.log" >&2
		die "patch does not apply: $p"
	fi
done <"$SERIES/series"
