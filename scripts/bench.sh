#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot the patched kernel with -icount (guest time counts
# guest instructions) and compare the ways to ask about a D-Bus message.
source "$(dirname "$0")/lib.sh"

need_pkgs $HOST_PKGS python3-matplotlib
step 1/5 "kernel tree and kernel (first build ~7 min)"
"$TOP/scripts/tree.sh"
"$TOP/scripts/build-kernel.sh"

step 2/5 "compiling the benchmark policies on the host"
rm -rf "$BB/bench"
mkdir -p "$BB/bench"
python3 "$TOP/scripts/gen-bench-policy.py" "$BB/bench/src"
for f in "$BB"/bench/src/*.sd; do
	apparmor_parser -S -q --policy-features /etc/apparmor.d/abi/3.0 \
		--kernel-features /etc/apparmor.d/abi/3.0 "$f" \
		>"$BB/bench/$(basename "${f%.sd}").bin" 2>>"$LOGS/bench-policy.log" ||
		{ tail -n 20 "$LOGS/bench-policy.log"; die "cannot compile $f"; }
done

step 3/5 "building the initramfs"
"$TOP/scripts/build-dbus.sh"
"$TOP/scripts/build-initramfs.sh"

step 4/5 "running the benchmark under QEMU -icount (~5 min)"
QEMU_ICOUNT=1 TIMEOUT=2400 "$TOP/scripts/boot.sh" bench "$LOGS/console-bench.log"
grep -q '^BENCH-DONE' "$LOGS/console-bench.log" ||
	{ tail -n 30 "$LOGS/console-bench.log"; die "benchmark did not finish: $LOGS/console-bench.log"; }
if python3 "$TOP/scripts/tap-summary.py" "$LOGS/console-bench.log" | grep '^kernel: '; then
	die "the kernel reported a problem: $LOGS/console-bench.log"
fi

step 5/5 "report: docs/benchmark.md, docs/benchmark.png"
/usr/bin/python3 "$TOP/scripts/bench-report.py" "$LOGS/console-bench.log" "$TOP/docs"
