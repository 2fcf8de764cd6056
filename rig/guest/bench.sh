#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, in the guest: every path on the base policy, then the
# scaling runs. Policies were compiled on the host into /bench/*.bin.
B=/selftests/apparmor/dbus_bench
load() { apparmor_parser -r -B "$1" || echo "BENCH-ERROR cannot load $1"; }
scenario() { echo "SCENARIO $*"; }

load /bench/rules-10.bin
scenario main
$B -n 2000 -r 7 bench_client bench_service

for n in 10 100 1000 2500; do
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
echo "BENCH-DONE"
