#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check-debug, in the guest: the whole check suite, then the fuzzer,
# the race test and fault injection, then a kmemleak scan.
mount -t debugfs debugfs /sys/kernel/debug
export EXTRA_TESTS="/rig/hardening.sh"
/rig/check.sh
echo "RIG: kmemleak scan"
echo scan >/sys/kernel/debug/kmemleak
sleep 1
echo scan >/sys/kernel/debug/kmemleak
cat /sys/kernel/debug/kmemleak
