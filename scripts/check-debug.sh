#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check-debug: the check suite plus fuzzing, races with policy changes
# and slab fault injection, on a kernel with KASAN, UBSAN, lockdep,
# kmemleak and failslab; any report fails the run.
source "$(dirname "$0")/lib.sh"

export KOBJ=$BB/debug-obj
t0=$(date +%s)
need_pkgs $HOST_PKGS
step 1/4 "debug kernel: KASAN, UBSAN, lockdep, kmemleak, failslab (first build ~15 min)"
"$TOP/scripts/tree.sh"
EXTRA_CONFIG=$TOP/rig/debug.config KOUT=$BB/bzImage-debug "$TOP/scripts/build-kernel.sh"
step 2/4 "patched dbus-daemon and dbus-broker, and the initramfs"
"$TOP/scripts/build-dbus.sh"
"$TOP/scripts/build-dbus-broker.sh"
"$TOP/scripts/build-initramfs.sh"
step 3/4 "booting the debug kernel: check suite, fuzzing, races, fault injection (~15 min)"
# A guest that does not finish is counted by tap-summary.py (no "RIG: done").
KERNEL=$BB/bzImage-debug MEM=2048 SMP=2 TIMEOUT=3000 APPEND="kmemleak=on" \
	"$TOP/scripts/boot.sh" debug "$LOGS/console-debug.log" ||
	tail -n 30 "$LOGS/console-debug.log"
step 4/4 "results"
set +e
summary=$(python3 "$TOP/scripts/tap-summary.py" "$LOGS/console-debug.log")
set -e
grep '^# fuzz\|^# race\|^# failslab\|^# # fuzz\|^# # race\|^# # failslab' "$LOGS/console-debug.log" || true
echo "$summary" | sed '$d'
echo "console: $LOGS/console-debug.log; took $(( $(date +%s) - t0 )) s"
line=$(echo "$summary" | tail -1)
echo "$line"
echo "$line" | grep -q ' 0 failed'
