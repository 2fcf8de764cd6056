#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check-all: make check on every base in rig/bases/, one after the
# other, then a summary per base and in total.
source "$(dirname "$0")/lib.sh"

t0=$(date +%s)
summary=()
tp=0 tf=0 ts=0
for b in $(ls "$TOP/rig/bases" | sort -V); do
	echo "==== base $b"
	log=$BUILD/$b-check.log
	mkdir -p "$BUILD"
	BASE=$b "$TOP/scripts/check.sh" 2>&1 | tee "$log" || true
	last=$(tail -n 1 "$log")
	read -r p _ f _ s _ <<<"$(echo "$last" | tr -d ',')"
	case "$p$f" in *[!0-9]*|'') p=0 f=1 s=0; last="did not finish: $log" ;; esac
	summary+=("base $b: $last")
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + ${s:-0}))
done
echo "==== summary ($(( $(date +%s) - t0 )) s)"
printf '%s\n' "${summary[@]}"
line="$tp passed, $tf failed"
[ "$ts" != 0 ] && line="$line, $ts skipped"
echo "$line"
[ "$tf" = 0 ]
