#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check-all.sh [BASE...]: scripts/check.sh on each base (default: every
# base in rig/bases/, mainline first), then a summary per base and in total.
# "make check" runs it on every base; "make check BASE=7.3" on one.
bases=${*:-$(ls "$(dirname "$0")/../rig/bases" | sort -rV)}
source "$(dirname "$0")/lib.sh"

t0=$(date +%s)
summary=()
tp=0 tf=0 ts=0
for b in $bases; do
	[ -f "$TOP/rig/bases/$b" ] || die "no base $b in rig/bases/"
	echo "==== base $b"
	log=$BUILD/$b-check.log
	mkdir -p "$BUILD"
	BASE=$b "$TOP/scripts/check.sh" 2>&1 | tee "$log" || true
	last=$(tail -n 1 "$log")
	read -r p _ f _ s _ <<<"$(echo "$last" | tr -d ',')"
	case "$p$f" in *[!0-9]*|'') p=0 f=1 s=0; last="did not finish: $log" ;; esac
	suite=$(sed -n 's/^GUEST_SUITE=//p' "$TOP/rig/bases/$b")
	used=$(sed -n 's/^\(apparmor\|dbus-daemon\|dbus-broker\) /\1 /p' \
		"$BUILD/guest-root-$suite.versions" 2>/dev/null | paste -sd, | sed 's/,/, /g')
	kver=$(sed -n 's/^ok series applies to Debian //p' "$log" | head -n 1)
	summary+=("base $b (${kver:-?}; $suite: ${used:-?}): $last")
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + ${s:-0}))
done
echo "==== summary ($(( $(date +%s) - t0 )) s)"
printf '%s\n' "${summary[@]}"
line="$tp passed, $tf failed"
[ "$ts" != 0 ] && line="$line, $ts skipped"
echo "$line"
[ "$tf" = 0 ]
