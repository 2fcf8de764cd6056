# SPDX-License-Identifier: GPL-2.0
# Minimal TAP producer for guest shell tests.
tap_n=0
tap_fail=0
tap_plan() { echo "TAP version 13"; echo "1..$1"; }
tap_ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n $1"; }
tap_not_ok() {
	tap_n=$((tap_n + 1)); tap_fail=$((tap_fail + 1))
	echo "not ok $tap_n $1"
}
# tap_check NAME EXPECTED ACTUAL: pass when ACTUAL contains EXPECTED.
tap_check() {
	case "$3" in
	*"$2"*) tap_ok "$1" ;;
	*) tap_not_ok "$1"; echo "# expected: $2"; echo "# got: $3" ;;
	esac
}
tap_skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n $1 # SKIP"; }
tap_exit() { [ $tap_fail = 0 ]; exit $?; }
