#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# boot.sh JOB [CONSOLE_LOG]: boot build/BASE/bzImage with its initramfs
# under QEMU (TCG) and run JOB (check, run or bench) in the guest. The
# console goes to CONSOLE_LOG (default build/BASE/logs/console-JOB.log); with
# SHOW=1 it is also shown as it comes.
source "$(dirname "$0")/lib.sh"

job=$1
log=${2:-$LOGS/console-$job.log}
timeout=${TIMEOUT:-900}
need_pkgs qemu-system-x86
accel="-accel tcg"
[ -n "${QEMU_ICOUNT:-}" ] && accel="$accel -icount shift=0,sleep=off"

cmd=(qemu-system-x86_64 $accel -m ${MEM:-$GUEST_MEM} -smp ${SMP:-1} -nographic -no-reboot
	-kernel "${KERNEL:-$BB/bzImage}" -initrd "$BB/initramfs.cpio.gz"
	-append "console=ttyS0 panic=-1 oops=panic rig=$job ${APPEND:-}")
: >"$log"
if [ "${SHOW:-0}" = 1 ]; then
	# Show the guest job's own output; the full console stays in $log.
	timeout --foreground "$timeout" "${cmd[@]}" </dev/null 2>&1 | tee "$log" |
		tr -d '\r' | sed -un '/^RIG: start/,${/^dmesg: /d;p}' || true
else
	timeout --foreground "$timeout" "${cmd[@]}" </dev/null >"$log" 2>&1 || true
fi
sed -i 's/\r$//' "$log"
grep -q '^RIG: done' "$log" || { echo "guest did not finish within ${timeout}s: $log" >&2; exit 1; }
