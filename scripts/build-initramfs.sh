#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build build/initramfs.cpio.gz: busybox, the selftests from build/tree,
# the stock Debian apparmor_parser, aa-exec, dbus-daemon and dbus-send with
# their shared libraries, and the rig's guest scripts.
source "$(dirname "$0")/lib.sh"

src=${SRC:-$TREE}
obj=${KOBJ:-$OBJ}
root=$BUILD/initramfs
need_pkgs busybox-static apparmor dbus-daemon dbus-bin libdbus-1-dev cpio gcc make

run_logged "$LOGS/headers.log" make -C "$src" O="$obj" ARCH=x86_64 headers_install
sel=$src/tools/testing/selftests/apparmor
rm -rf "$BUILD/selftests"
mkdir -p "$BUILD/selftests"
if [ -f "$sel/Makefile" ]; then
	run_logged "$LOGS/selftests-build.log" make -C "$sel" \
		OUTPUT="$BUILD/selftests" KHDR_INCLUDES="-isystem $obj/usr/include"
fi
# The samples, built as samples/apparmor/Makefile builds them.
rm -rf "$BUILD/samples"
mkdir -p "$BUILD/samples"
for sample in "$src"/samples/apparmor/*.c; do
	[ -f "$sample" ] || continue
	run_logged "$LOGS/samples-build.log" gcc -O2 -Wall -Werror \
		-isystem "$obj/usr/include" -o "$BUILD/samples/$(basename "$sample" .c)" "$sample"
done
for tool in dbus-svc dbus-ping; do
	run_logged "$LOGS/rig-tools-build.log" gcc -O2 -Wall -Werror \
		-o "$BUILD/$tool" "$TOP/rig/guest/$tool.c" $(pkg-config --cflags --libs dbus-1)
done
for tool in audit-tail fuzz-query race-query failslab-query; do
	run_logged "$LOGS/rig-tools-build.log" gcc -O2 -Wall -Werror -pthread \
		-isystem "$obj/usr/include" -I "$src/tools/testing/selftests/apparmor" \
		-o "$BUILD/$tool" "$TOP/rig/guest/$tool.c"
done

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/apparmor.d,proc,sys,dev,tmp,run,rig,selftests/apparmor,samples/apparmor,var/log}
cp /bin/busybox "$root/bin/busybox"
progs="/sbin/apparmor_parser /usr/bin/aa-exec /usr/bin/dbus-daemon /usr/bin/dbus-send"
for p in $progs; do
	mkdir -p "$root$(dirname "$p")"
	cp "$p" "$root$p"
done
cp -r /etc/apparmor.d/abi "$root/etc/apparmor.d/"
cp "$TOP"/rig/guest/* "$root/rig/"
rm -f "$root"/rig/*.c
for tool in dbus-svc dbus-ping audit-tail fuzz-query race-query failslab-query; do
	cp "$BUILD/$tool" "$root/rig/$tool"
done
# The dbus-daemon built with patches/dbus, next to the stock one.
[ -f "$BUILD/dbus-daemon-aa" ] && cp "$BUILD/dbus-daemon-aa" "$root/usr/bin/dbus-daemon-aa"
# Benchmark policies, compiled on the host by scripts/bench.sh.
if ls "$BUILD"/bench/*.bin >/dev/null 2>&1; then
	mkdir -p "$root/bench"
	cp "$BUILD"/bench/*.bin "$root/bench/"
fi
find "$BUILD/selftests" -maxdepth 1 -type f -perm -u+x -exec cp {} "$root/selftests/apparmor/" \;
find "$BUILD/samples" -maxdepth 1 -type f -perm -u+x -exec cp {} "$root/samples/apparmor/" \;

# Shared libraries of every dynamic binary, at their host paths.
for f in "$root"/sbin/* "$root"/usr/bin/* "$root"/rig/* "$root"/selftests/apparmor/* "$root"/samples/apparmor/*; do
	[ -f "$f" ] || continue
	ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
done | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

printf 'root:x:0:0:root:/root:/bin/sh\nmessagebus:x:100:101::/run:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nmessagebus:x:101:\n' >"$root/etc/group"
echo 0123456789abcdef0123456789abcdef >"$root/etc/machine-id"
cp "$root/rig/init" "$root/init"
mkdir -p "$root/etc/apparmor"
cp "$TOP/rig/guest/parser.conf" "$root/etc/apparmor/parser.conf"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$BUILD/initramfs.cpio.gz"
echo "initramfs: $(du -h "$BUILD/initramfs.cpio.gz" | cut -f1), $(ls "$root/selftests/apparmor" | wc -l) selftest programs"
