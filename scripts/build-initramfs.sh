#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build build/BASE/initramfs.cpio.gz: the guest userspace of the base
# (rig/bases/BASE: GUEST_SUITE), the selftests and samples of the kernel
# tree, and the rig's guest scripts and tools.
#   GUEST_SUITE=host    busybox plus the host's apparmor_parser, aa-exec,
#                       dbus-daemon and dbus-send with their libraries
#   GUEST_SUITE=SUITE   a Debian root of that release built with mmdebstrap
#                       (scripts/build-guest-root.sh), busybox applets
#                       filling in what it lacks
source "$(dirname "$0")/lib.sh"

src=${SRC:-$TREE}
obj=${KOBJ:-$OBJ}
root=$BB/initramfs
tools=$BB/tools
need_pkgs busybox-static apparmor dbus-daemon dbus-bin libdbus-1-dev cpio gcc make rsync

run_logged "$LOGS/headers.log" make -C "$src" O="$obj" ARCH=x86_64 headers_install
sel=$src/tools/testing/selftests/apparmor
rm -rf "$BB/selftests" "$tools"
mkdir -p "$BB/selftests" "$tools/samples"
if [ -f "$sel/Makefile" ]; then
	run_logged "$LOGS/selftests-build.log" make -C "$sel" \
		OUTPUT="$BB/selftests" KHDR_INCLUDES="-isystem $obj/usr/include"
fi
# The samples, built as samples/apparmor/Makefile builds them.
for sample in "$src"/samples/apparmor/*.c; do
	[ -f "$sample" ] || continue
	run_logged "$LOGS/samples-build.log" gcc -O2 -Wall -Werror \
		-isystem "$obj/usr/include" -o "$tools/samples/$(basename "$sample" .c)" "$sample"
done
for tool in dbus-svc dbus-ping systemd-stub; do
	run_logged "$LOGS/rig-tools-build.log" gcc -O2 -Wall -Werror \
		-o "$tools/$tool" "$TOP/rig/guest/$tool.c" $(pkg-config --cflags --libs dbus-1)
done
# The audit record checker reads records with the guest release's own
# libapparmor, so it is built against that release's aalogparse.h.
if [ "$GUEST_SUITE" = host ]; then
	aainc=/usr/include/aalogparse
else
	"$TOP/scripts/build-guest-root.sh" "$GUEST_SUITE"
	aainc=$BUILD/guest-root-$GUEST_SUITE.include
fi
run_logged "$LOGS/rig-tools-build.log" gcc -O2 -Wall -Werror -I "$aainc" \
	-o "$tools/parse-records" "$TOP/rig/guest/parse-records.c" -ldl
# The aa_dbus(3) command-line client and benchmark, on the patched libapparmor.
for tool in aa-dbus-query aa-dbus-bench; do
	run_logged "$LOGS/rig-tools-build.log" gcc -O2 -Wall -Werror -I "$AA_LIB/include" \
		-isystem "$obj/usr/include" -o "$tools/$tool" "$TOP/rig/guest/$tool.c" \
		-L "$AA_LIB/lib" -lapparmor -Wl,-rpath,$AA_GUEST_LIBDIR
done
for tool in audit-tail fuzz-query race-query failslab-query broker-launch; do
	run_logged "$LOGS/rig-tools-build.log" gcc -O2 -Wall -Werror -pthread \
		-isystem "$obj/usr/include" -I "$sel" \
		-o "$tools/$tool" "$TOP/rig/guest/$tool.c"
done

rm -rf "$root"
mkdir -p "$root"
if [ "$GUEST_SUITE" = host ]; then
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/apparmor.d,etc/apparmor,var/log}
	cp /bin/busybox "$root/bin/busybox"
	for p in /sbin/apparmor_parser /usr/bin/aa-exec /usr/bin/dbus-daemon /usr/bin/dbus-send; do
		mkdir -p "$root$(dirname "$p")"
		cp "$p" "$root$p"
	done
	cp -r /etc/apparmor.d/abi "$root/etc/apparmor.d/"
	printf 'root:x:0:0:root:/root:/bin/sh\nmessagebus:x:100:101::/run:/bin/false\n' >"$root/etc/passwd"
	printf 'root:x:0:\nmessagebus:x:101:\n' >"$root/etc/group"
else
	"$TOP/scripts/build-guest-root.sh" "$GUEST_SUITE"
	tar -C "$root" -xf "$BUILD/guest-root-$GUEST_SUITE.tar"
fi
# Empty on purpose: the guest compiles against the running kernel's features.
cp "$TOP/rig/guest/parser.conf" "$root/etc/apparmor/parser.conf"
mkdir -p "$root"/{proc,sys,dev,tmp,run,rig,selftests/apparmor,samples/apparmor}
# The dbus-daemon built with patches/dbus, next to the stock one.
[ -f "$BB/dbus-daemon-aa" ] && cp "$BB/dbus-daemon-aa" "$root/usr/bin/dbus-daemon-aa"
# The patched libapparmor, for the patched daemons only (their run path).
if [ -d "$AA_LIB/lib" ]; then
	mkdir -p "$root$AA_GUEST_LIBDIR"
	cp -P "$AA_LIB"/lib/libapparmor.so.1* "$root$AA_GUEST_LIBDIR/"
fi
# AppArmor's utils of the same source with patches/apparmor (pure Python:
# aa-logprof, its package and the series' utils tests), for
# rig/guest/logprof.sh; the guest's own Python binding of libapparmor loads
# the patched library from the same directory.
utils=$BUILD/apparmor-${APPARMOR_SOURCE#*:}/src/utils
if [ -d "$utils/apparmor" ]; then
	mkdir -p "$root$AA_GUEST_LIBDIR/python" "$root$AA_GUEST_LIBDIR/test"
	cp -r "$utils/apparmor" "$root$AA_GUEST_LIBDIR/python/"
	cp "$utils/aa-logprof" "$root$AA_GUEST_LIBDIR/"
	cp "$utils"/test/common_test.py "$utils"/test/test-dbus.py "$utils"/test/test-aare.py \
		"$root$AA_GUEST_LIBDIR/test/"
fi
# dbus-broker built with patches/dbus-broker: its launcher starts the
# broker next to it, so the stock pair in /usr/bin stays as shipped.
if [ -d "$BB/dbus-broker-aa" ]; then
	mkdir -p "$root/usr/lib/dbus-broker-aa"
	cp "$BB"/dbus-broker-aa/* "$root/usr/lib/dbus-broker-aa/"
fi
cp "$TOP"/rig/guest/* "$root/rig/"
rm -f "$root"/rig/*.c
cp "$tools"/dbus-svc "$tools"/dbus-ping "$tools"/systemd-stub "$tools"/aa-dbus-query "$tools"/aa-dbus-bench "$tools"/audit-tail "$tools"/fuzz-query \
	"$tools"/race-query "$tools"/failslab-query "$tools"/parse-records "$tools"/broker-launch \
	"$root/rig/"
# The rig's profiles are written for abi/3.0; compile them for the newest
# abi the guest's parser ships, as the selftests do with theirs.
abi=$(ls "$root/etc/apparmor.d/abi" | grep -E '^[0-9]+\.[0-9]+$' | sort -V | tail -n 1)
sed -i "s|^abi <abi/3.0>,|abi <abi/$abi>,|" "$root"/rig/*.profile
# Benchmark policies, compiled on the host by scripts/bench.sh.
if ls "$BB"/bench/*.bin >/dev/null 2>&1; then
	mkdir -p "$root/bench"
	cp "$BB"/bench/*.bin "$root/bench/"
fi
find "$BB/selftests" -maxdepth 1 -type f -perm -u+x -exec cp {} "$root/selftests/apparmor/" \;
cp "$tools"/samples/* "$root/samples/apparmor/" 2>/dev/null || true

if [ "$GUEST_SUITE" = host ]; then
	# Shared libraries of every dynamic binary, at their host paths, and
	# libapparmor, which parse-records opens at run time.
	for f in "$root"/sbin/* "$root"/usr/bin/* "$root"/rig/* "$root"/selftests/apparmor/* \
		 "$root"/samples/apparmor/*; do
		[ -f "$f" ] || continue
		ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
	done | { cat; ls /lib/x86_64-linux-gnu/libapparmor.so.1*; } | sort -u | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
fi

echo 0123456789abcdef0123456789abcdef >"$root/etc/machine-id"
cp "$root/rig/init" "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$BB/initramfs.cpio.gz"
echo "initramfs ($GUEST_SUITE userspace, abi/$abi): $(du -h "$BB/initramfs.cpio.gz" | cut -f1), $(ls "$root/selftests/apparmor" | wc -l) selftest programs"
