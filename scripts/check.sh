#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: series checks, a kernel build after every patch, then the
# guest run (KUnit, kselftests, end-to-end dbus-daemon) under QEMU.
source "$(dirname "$0")/lib.sh"

export SRC=$BB/check/tree KOBJ=$BB/check/obj
results=$LOGS/check-host.tap
: >"$results"
t0=$(date +%s)
mkdir -p "$BB/check"
need_pkgs $HOST_PKGS

step 1/5 "series: apply, top-level copies, checkpatch"
"$TOP/scripts/check-series.sh" "$SRC" | tee -a "$results" || true
grep -q '^ok series applies' "$results" || { echo "0 passed, 1 failed"; exit 1; }

step 2/5 "building the kernel after each patch (two full builds ~9 min, the others ~30 s each)"
# The first patch, the last and any patch that changes kernel code outside
# security/apparmor/ get a full build and link. The others touch only
# AppArmor (its sources, its uapi header, documentation, tests, samples):
# every AppArmor object is compiled with the same configuration and
# warnings, and each symbol AppArmor then uses from the rest of the kernel
# must be one that the last fully built kernel defines outside AppArmor,
# which is what the link would have checked. That spares a vmlinux link
# (~20 s) per patch.
commits=$(git -C "$SRC" rev-list --reverse base..HEAD)
tip=$(git -C "$SRC" rev-parse HEAD)
first=${commits%%$'\n'*}
kernel_syms=$BB/check/kernel-symbols
rm -f "$kernel_syms"
aa_built_in=$KOBJ/security/apparmor/built-in.a
# apparmor_symbols TYPE: AppArmor's global symbols, defined or undefined,
# after linking its objects together.
apparmor_symbols() {
	ld -r -o "$BB/check/apparmor.o" --whole-archive "$aa_built_in" &&
		nm "$1" -g "$BB/check/apparmor.o" | awk '{ print $NF }' | sort -u
}
for c in $commits; do
	git -C "$SRC" checkout -q "$c"
	subj=$(git -C "$SRC" log -1 --format=%s "$c")
	others=$(git -C "$SRC" diff --name-only "$c^" "$c" | grep -vE \
		'^(security/apparmor/|include/uapi/linux/apparmor\.h$|Documentation/|tools/|samples/)' || true)
	ok=1
	# A full build also when there is no linked kernel to check against.
	if [ "$c" = "$first" ] || [ "$c" = "$tip" ] || [ -n "$others" ] ||
	   [ ! -s "$kernel_syms" ]; then
		"$TOP/scripts/build-kernel.sh" >/dev/null 2>"$LOGS/bisect-err.log" || ok=
		if [ -n "$ok" ]; then
			awk '$2 ~ /^[A-Z]$/ { print $3 }' "$KOBJ/System.map" | sort -u |
				comm -23 - <(apparmor_symbols --defined-only) >"$kernel_syms"
		fi
	else
		KTARGETS=security/apparmor/ "$TOP/scripts/build-kernel.sh" \
			>/dev/null 2>"$LOGS/bisect-err.log" || ok=
		if [ -n "$ok" ]; then
			missing=$(apparmor_symbols --undefined-only | comm -23 - "$kernel_syms")
			if [ -n "$missing" ]; then
				echo "undefined in the link: $missing" >"$LOGS/bisect-err.log"
				ok=
			fi
		fi
	fi
	if [ -n "$ok" ]; then
		echo "ok builds: $subj" | tee -a "$results"
	else
		cat "$LOGS/bisect-err.log"
		echo "not ok builds: $subj" | tee -a "$results"
	fi
done
git -C "$SRC" checkout -q "$tip"
cp "$KOBJ/arch/x86/boot/bzImage" "$BB/bzImage"

step 3/5 "building the patched libapparmor (and its tests), dbus-daemon and dbus-broker, and the initramfs"
"$TOP/scripts/build-libapparmor.sh" | tee -a "$results"
"$TOP/scripts/build-dbus.sh"
"$TOP/scripts/build-dbus-broker.sh"
"$TOP/scripts/build-initramfs.sh"

step 4/5 "booting the guest: KUnit, kselftests, dbus-daemon end to end (~2 min)"
# A guest that does not finish is counted by tap-summary.py (no "RIG: done").
"$TOP/scripts/boot.sh" check "$LOGS/console-check.log" ||
	tail -n 30 "$LOGS/console-check.log"

step 5/5 "results"
# The kernel's dbus audit records, through AppArmor's own log parser.
/usr/bin/python3 "$TOP/scripts/check-audit-records.py" "$LOGS/console-check.log" \
	>"$LOGS/audit-records.tap" 2>&1 || true
sed 's/^/audit-records: /' "$LOGS/audit-records.tap" | grep -v '^audit-records: ok' || true
sed -n 's/^\(not ok\|ok\) [0-9]* \(.*\)/\1 audit record: \2/p' "$LOGS/audit-records.tap" >>"$results"
grep -q '^not ok no audit records' "$LOGS/audit-records.tap" && echo "not ok audit records captured" >>"$results"
host_skip=$(grep -c '^ok .*# SKIP' "$results" || true)
host_pass=$(( $(grep -c '^ok ' "$results" || true) - host_skip ))
host_fail=$(grep -c '^not ok ' "$results" || true)
grep '^not ok ' "$results" || true
set +e
guest=$(python3 "$TOP/scripts/tap-summary.py" "$LOGS/console-check.log")
set -e
echo "$guest" | sed '$d'
read -r gp _ gf _ gs _ <<<"$(echo "$guest" | tail -1 | tr -d ',')"
passed=$((host_pass + gp))
failed=$((host_fail + gf))
echo "console: $LOGS/console-check.log; base $BASE ($BASE_PKG, $GUEST_SUITE userspace); took $(( $(date +%s) - t0 )) s"
skipped=$(( ${gs:-0} + host_skip ))
line="$passed passed, $failed failed"
[ "$skipped" != 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" = 0 ]
