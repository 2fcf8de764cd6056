#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, in the guest: every path on the base policy, then the
# scaling runs. Policies were compiled on the host into /bench/*.bin.
B=/samples/apparmor/dbus_bench
load() { apparmor_parser -r -B "$1" || echo "BENCH-ERROR cannot load $1"; }
scenario() { echo "SCENARIO $*"; }

load /bench/rules-10.bin
scenario main
$B -n 2000 -r 7 bench_client bench_service
# The same message through libapparmor's aa_dbus handle, same boot.
/rig/aa-dbus-bench -n 2000 -r 7 bench_client bench_service

# The rules axis ends where the base's parser and kernel allow.
for n in $(ls /bench | sed -n 's/^rules-\([0-9]*\)\.bin$/\1/p' | sort -n); do
	load /bench/rules-$n.bin
	scenario rules $n
	$B -n 1000 -r 5 -p dbus,kept bench_client bench_service
done
load /bench/rules-10.bin

scenario profiles 1
$B -n 1000 -r 5 -p dbus,kept bench_client bench_service
# Each filler set contains the smaller ones: loading adds profiles.
for k in 10 100 1000; do
	load /bench/fillers-$k.bin
	scenario profiles $k
	$B -n 1000 -r 5 -p dbus,kept bench_client bench_service
done

load /bench/wide.bin
for l in 32 256 2048; do
	scenario length $l
	$B -n 1000 -r 5 -l $l -p dbus,kept bench_wide_client bench_wide_service
done
# End to end: a confined client calls a confined service that owns 1, 4
# or 16 names, through each daemon: stock, patched (one .dbus write per
# message), and each with mediation off (the ceilings).
apparmor_parser -r /rig/e2e.profile
. /rig/bus.sh
aab=/usr/lib/dbus-broker-aa/dbus-broker-launch
e2e() { # e2e FAMILY VARIANT CONFIG DAEMON
	[ -x "$(command -v "$4")" ] || return 0
	for names in 1 4 16; do
		BUS_CONFIG=$3 bus_start "$4" && service_start $names ||
			{ echo "BENCH-ERROR $4 ($2, $names names) did not start"; cat /tmp/svc.log; }
		for run in 1 2 3; do
			echo "E2E family=$1 variant=$2 names=$names" \
				"$(aa-exec -p e2e_client -- /rig/dbus-ping "$BUS" 300)"
		done
		bus_stop
	done
}
e2e dbus-daemon off /rig/bus-unmediated.conf dbus-daemon
e2e dbus-daemon stock /rig/bus.conf dbus-daemon
e2e dbus-daemon patched /rig/bus.conf dbus-daemon-aa
# The patched builds with mediation off: their own ceiling, so that their
# cost is mediation alone, not how Debian and the rig build a daemon.
e2e dbus-daemon patched-off /rig/bus-unmediated.conf dbus-daemon-aa
e2e dbus-broker off /rig/bus-unmediated.conf dbus-broker-launch
e2e dbus-broker stock /rig/bus.conf dbus-broker-launch
e2e dbus-broker patched /rig/bus.conf $aab
e2e dbus-broker patched-off /rig/bus-unmediated.conf $aab
echo "BENCH-DONE"
