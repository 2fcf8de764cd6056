#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh: on one base, boot the patched kernel with -icount (guest time
# counts guest instructions) and compare the ways to ask about a D-Bus
# message. "make bench" runs it on every base.
source "$(dirname "$0")/lib.sh"

need_pkgs $HOST_PKGS python3-matplotlib
step 1/5 "kernel tree and kernel (first build ~7 min)"
"$TOP/scripts/tree.sh"
"$TOP/scripts/build-kernel.sh"

step 2/5 "compiling the benchmark policies with $GUEST_SUITE's apparmor_parser (~1 min)"
# The guest release's parser, run in a chroot of its root on the host:
# compiling 20,000 rules in the guest under TCG would take many minutes.
"$TOP/scripts/build-guest-root.sh" "$GUEST_SUITE"
rm -rf "$BB/bench"
root=$BB/bench/root
mkdir -p "$root"
tar -C "$root" -xf "$BUILD/guest-root-$GUEST_SUITE.tar"
abi=$(ls "$root/etc/apparmor.d/abi" | grep -E '^[0-9]+\.[0-9]+$' | sort -V | tail -n 1)
python3 "$TOP/scripts/gen-bench-policy.py" "$root/tmp/src" "$abi" "$BENCH_MAX_RULES"
for f in "$root"/tmp/src/*.sd; do
	chroot "$root" apparmor_parser -S -q --policy-features "/etc/apparmor.d/abi/$abi" \
		--kernel-features "/etc/apparmor.d/abi/$abi" "/tmp/src/$(basename "$f")" \
		>"$BB/bench/$(basename "${f%.sd}").bin" 2>>"$LOGS/bench-policy.log" ||
		{ tail -n 20 "$LOGS/bench-policy.log"; die "cannot compile $f"; }
done
parser=$(chroot "$root" apparmor_parser --version | head -n 1)
rm -rf "$root"
echo "compiled $(ls "$BB"/bench/*.bin | wc -l) policies for abi/$abi ($parser)"

step 3/5 "building the initramfs"
"$TOP/scripts/build-dbus.sh"
"$TOP/scripts/build-dbus-broker.sh"
"$TOP/scripts/build-initramfs.sh"

step 4/5 "running the benchmark under QEMU -icount (~8 min)"
QEMU_ICOUNT=1 TIMEOUT=2400 "$TOP/scripts/boot.sh" bench "$LOGS/console-bench.log"
grep -q '^BENCH-DONE' "$LOGS/console-bench.log" ||
	{ tail -n 30 "$LOGS/console-bench.log"; die "benchmark did not finish: $LOGS/console-bench.log"; }
# A run that could not start its bus or service leaves a hole in the
# tables: no report from a partial benchmark.
if grep -A3 '^BENCH-ERROR' "$LOGS/console-bench.log"; then
	die "the benchmark could not run every case: $LOGS/console-bench.log"
fi
if python3 "$TOP/scripts/tap-summary.py" "$LOGS/console-bench.log" | grep '^kernel: '; then
	die "the kernel reported a problem: $LOGS/console-bench.log"
fi

step 5/5 "report: docs/benchmark-$BASE.md, docs/benchmark-$BASE.png"
/usr/bin/python3 "$TOP/scripts/bench-report.py" "$LOGS/console-bench.log" "$TOP/docs" \
	"$BASE" "$(git -C "$TREE" log -1 --format=%s base)" "$BUILD/guest-root-$GUEST_SUITE.versions"
