#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build libapparmor with patches/apparmor applied into build/libapparmor-aa/
# (one build for every base: it is userspace), from Debian's apparmor source
# (rig: APPARMOR_SOURCE, apt-get source, Debian's own patches applied
# first), and run libapparmor's own test suite on it (log in
# build/libapparmor-aa/check.log). Prints one TAP line for make check.
#
#   build/libapparmor-aa/lib/libapparmor.so.1*   the library
#   build/libapparmor-aa/include/sys/apparmor.h   its header
#   build/libapparmor-aa/lib/pkgconfig/libapparmor.pc   for the daemons' builds
#
# The patched daemons are linked against it with the run path
# $AA_GUEST_LIBDIR, where scripts/build-initramfs.sh installs it in the
# guest: only they load it; everything else in the guest keeps the guest
# release's own libapparmor.
source "$(dirname "$0")/lib.sh"

suite=${APPARMOR_SOURCE%%:*} version=${APPARMOR_SOURCE#*:}
dir=$BUILD/apparmor-$version
out=$AA_LIB
need_pkgs dpkg-dev autoconf autoconf-archive automake libtool bison flex dejagnu pkg-config

patched_debian_source apparmor "$APPARMOR_SOURCE" "$TOP/patches/apparmor" "$dir"
sum=$(cat "$dir/patched.sum")
if [ "$(cat "$out/built.sum" 2>/dev/null)" != "$sum" ]; then
	rm -rf "$out"
	# In the source tree: its makefiles include ../../common/Make.rules.
	b=$dir/src/libraries/libapparmor
	(cd "$b" && run_logged "$LOGS/libapparmor-configure.log" sh -c \
		'sh ./autogen.sh && ./configure --prefix=/usr --without-python \
		 --without-perl --without-ruby --disable-man-pages')
	run_logged "$LOGS/libapparmor-build.log" make -C "$b" -j"$(nproc)"
	mkdir -p "$out/lib" "$out/include/sys"
	cp -P "$b/src/.libs"/libapparmor.so* "$out/lib/"
	cp "$b/include/sys/apparmor.h" "$out/include/sys/"
	# libapparmor's own tests: the C unit programs and the log parser's
	# DejaGnu suite (test_multi).
	if make -C "$b" check >"$out/check.log" 2>&1; then
		echo pass >"$out/check.result"
	else
		echo fail >"$out/check.result"
	fi
	echo "$sum" >"$out/built.sum"
fi
# What the daemons' builds find with pkg-config.
mkdir -p "$out/lib/pkgconfig"
cat >"$out/lib/pkgconfig/libapparmor.pc" <<-EOF
prefix=$out
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libapparmor
Description: AppArmor library with patches/apparmor
Version: ${version%%-*}
Cflags: -I\${includedir}
Libs: -L\${libdir} -lapparmor -Wl,-rpath,$AA_GUEST_LIBDIR
EOF
units=$(sed -n 's/^# PASS: *//p' "$out/check.log" | head -n 1)
dejagnu=$(sed -n 's/^# of expected passes[[:space:]]*//p' "$out/check.log" | head -n 1)
if [ "$(cat "$out/check.result")" = pass ]; then
	echo "ok libapparmor $version + patches/apparmor: make check (${units:-?} unit programs, ${dejagnu:-?} log parser cases)"
else
	tail -n 30 "$out/check.log"
	echo "not ok libapparmor $version + patches/apparmor: make check (log: ${out#$TOP/}/check.log)"
fi
