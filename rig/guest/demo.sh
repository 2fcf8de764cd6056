#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make run: show a person what the series does, in the guest.
. /rig/bus.sh
say() { printf '\n==== %s\n' "$*"; }
run() { # run PROFILE CMD...: show the command and what came of it
	p=$1; shift
	printf '\n$ %s%s\n' "$([ "$p" = unconfined ] || echo "aa-exec -p $p -- ")" "$*"
	if [ "$p" = unconfined ]; then "$@" 2>&1; else aa-exec -p "$p" -- "$@" 2>&1; fi
	if [ $? = 0 ]; then echo "=> ALLOWED"; else echo "=> DENIED"; fi
}
send() { p=$1; shift; run "$p" dbus-send "--bus=$BUS" --print-reply "$@"; }

dmesg -n 1
say "kernel $(uname -r); AppArmor dbus feature: $(cat /sys/kernel/security/apparmor/features/dbus/mask)"
say "policy (/rig/e2e.profile), compiled by apparmor_parser $(apparmor_parser -V | head -1 | sed 's/.*version //')"
grep -v '^#' /rig/e2e.profile | grep .
apparmor_parser -r /rig/e2e.profile && echo "(loaded)"

say "starting the stock dbus-daemon with <apparmor mode=\"required\"/>"
dbus-daemon --version | head -1
bus_start || { cat /tmp/bus.log; exit 1; }
service_start
echo "service under profile e2e_service: $(cat /tmp/svc.log)"

say "a confined client (e2e_client) calls the service"
send e2e_client --dest=org.example.Demo /org/example/Demo org.example.Demo.Allowed
send e2e_client --dest=org.example.Demo /org/example/Demo org.example.Demo.Other
say "the service may receive Allowed but not Forbidden"
send unconfined --dest=org.example.Demo /org/example/Demo org.example.Demo.Forbidden
say "name ownership"
send e2e_client --dest=org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus.RequestName string:org.example.Client.Allowed uint32:4
send e2e_client --dest=org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus.RequestName string:org.example.Client.Denied uint32:4
say "eavesdropping"
send e2e_client --dest=org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus.Monitoring.BecomeMonitor array:string:"type='signal'" uint32:0
say "a profile in complain mode is let through (and logged)"
send e2e_complain --dest=org.example.Demo /org/example/Demo org.example.Demo.Allowed

# kauditd prints at most 10 records per 5 s without an audit daemon.
sleep 5
say "the same questions asked of the kernel directly, both sides in one round trip (.dbus)"
for m in Allowed Forbidden; do
	echo "\$ dbus_query_example --audit e2e_client e2e_service session :1.1 org.example.Demo /org/example/Demo org.example.Demo $m"
	/samples/apparmor/dbus_query_example --audit e2e_client e2e_service session :1.1 \
		org.example.Demo /org/example/Demo org.example.Demo $m
done

bus_stop
sleep 0.2
say "audit records written by dbus-daemon itself (USER_AVC, type=1107)"
dmesg | grep -o 'audit: type=1107.*' | sed 's/^audit: //'
say "audit records written by the kernel for the .dbus queries (type=1400)"
dmesg | grep -o 'audit: type=1400.*operation="dbus_.*' | sed 's/^audit: //'

if [ -x /usr/bin/dbus-daemon-aa ]; then
	say "the same denied calls through dbus-daemon built with patches/dbus: one .dbus query per message, the kernel logs"
	/rig/audit-tail >/tmp/demo-audit.log 2>&1 &
	tail_pid=$!
	bus_start dbus-daemon-aa || { cat /tmp/bus.log; exit 1; }
	service_start
	send e2e_client --dest=org.example.Demo /org/example/Demo org.example.Demo.Other
	send unconfined --dest=org.example.Demo /org/example/Demo org.example.Demo.Forbidden
	bus_stop
	sleep 0.3
	kill $tail_pid
	say "records the kernel wrote for those calls (read from the audit netlink socket)"
	grep '^type=1400 .*operation="dbus_' /tmp/demo-audit.log || true
	echo "USER_AVC records written by the patched daemon itself: $(grep -c '^type=1107' /tmp/demo-audit.log)"
fi
