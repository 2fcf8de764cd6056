#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make run: build what is missing, boot the patched kernel and show
# dbus-daemon asking the kernel about each call.
source "$(dirname "$0")/lib.sh"

need_pkgs $HOST_PKGS
step 1/4 "kernel tree: $BASE_PKG $BASE_VERSION + $SERIES_DIR/series; guest: Debian $GUEST_SUITE"
"$TOP/scripts/tree.sh"
step 2/4 "building the kernel (first build ~7 min, then seconds)"
"$TOP/scripts/build-kernel.sh"
step 3/4 "building the initramfs"
"$TOP/scripts/build-dbus.sh"
"$TOP/scripts/build-initramfs.sh"
step 4/4 "booting under QEMU (TCG)"
SHOW=1 TIMEOUT=300 "$TOP/scripts/boot.sh" run
if python3 "$TOP/scripts/tap-summary.py" "$LOGS/console-run.log" | grep '^kernel: '; then
	die "the kernel reported a problem; console: $LOGS/console-run.log"
fi
echo "console: $LOGS/console-run.log"
