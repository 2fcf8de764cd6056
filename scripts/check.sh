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

step 2/5 "building the kernel after each patch (first build ~7 min, then seconds each)"
commits=$(git -C "$SRC" rev-list --reverse base..HEAD)
tip=$(git -C "$SRC" rev-parse HEAD)
for c in $commits; do
	git -C "$SRC" checkout -q "$c"
	subj=$(git -C "$SRC" log -1 --format=%s "$c")
	if "$TOP/scripts/build-kernel.sh" >/dev/null 2>"$LOGS/bisect-err.log"; then
		echo "ok builds: $subj" | tee -a "$results"
	else
		cat "$LOGS/bisect-err.log"
		echo "not ok builds: $subj" | tee -a "$results"
	fi
done
git -C "$SRC" checkout -q "$tip"
cp "$KOBJ/arch/x86/boot/bzImage" "$BB/bzImage"

step 3/5 "building the patched dbus-daemon and dbus-broker, and the initramfs"
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
