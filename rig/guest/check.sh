#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every userspace test as one TAP stream, kselftest-runner style: each
# program's own TAP is nested behind "# ", its result is one line here.
# Each entry: a program and its arguments, ':'-separated.
tests="$(ls /selftests/apparmor/*_test 2>/dev/null)"
tests="$tests /rig/e2e-dbus.sh:dbus-daemon"
[ -x /usr/bin/dbus-daemon-aa ] &&
	tests="$tests /rig/e2e-dbus.sh:dbus-daemon-aa /rig/e2e-dbus.sh:dbus-daemon-aa:fallback
		/rig/e2e-dbus.sh:dbus-daemon-aa:nostatus"
[ -x /usr/bin/dbus-broker-launch ] && tests="$tests /rig/e2e-dbus.sh:dbus-broker-launch"
aab=/usr/lib/dbus-broker-aa/dbus-broker-launch
[ -x $aab ] && tests="$tests /rig/e2e-dbus.sh:$aab /rig/e2e-dbus.sh:$aab:fallback
	/rig/e2e-dbus.sh:$aab:nostatus"
# aa-logprof on the kernel's records, those of the runs above included.
tests="$tests /rig/logprof.sh"
tests="$tests ${EXTRA_TESTS:-}"
set -- $tests
echo "TAP version 13"
echo "1..$#"
n=0
for t in "$@"; do
	n=$((n + 1))
	prog=${t%%:*}
	args=$(echo "$t" | sed -n 's/^[^:]*://p' | tr ':' ' ')
	name="${prog##*/}${args:+ $args}"
	echo "# selftests: apparmor: $name"
	( cd /tmp && timeout ${TEST_TIMEOUT:-300} $prog $args 2>&1; echo "exit=$?" >/tmp/rc ) |
		tee -a /tmp/tests.log | sed 's/^/# /'
	rc=$(sed -n 's/exit=//p' /tmp/rc)
	case $rc in
	0) echo "ok $n selftests: apparmor: $name" ;;
	4) echo "ok $n selftests: apparmor: $name # SKIP" ;;
	*) echo "not ok $n selftests: apparmor: $name # exit=$rc" ;;
	esac
done

# The kernel records the tests captured, read back by this release's
# libapparmor; scripts/check-audit-records.py compares the fields.
if [ -x /rig/parse-records ]; then
	echo "# parsed-with: libapparmor1 $(dpkg-query -W -f='${Version}' libapparmor1 2>/dev/null || echo host)"
	/rig/parse-records /tmp/tests.log | sed 's/^/# /'
fi
