#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build Debian's dbus-daemon with patches/dbus applied into
# build/BASE/dbus-daemon-aa, from the dbus source of the base's guest
# (rig/bases: DBUS_SOURCE, fetched with apt-get source), against the uapi
# headers of the base's tree.
source "$(dirname "$0")/lib.sh"

obj=${KOBJ:-$OBJ}

# Built with meson from the source Debian serves (fetched with an apt
# configuration of its own, nothing installed from it).
if [ "$GUEST_SUITE" != host ]; then
	need_pkgs dpkg-dev meson ninja-build libexpat1-dev libaudit-dev libcap-ng-dev \
		libapparmor-dev pkg-config
	suite=${DBUS_SOURCE%%:*} version=${DBUS_SOURCE#*:}
	dir=$BUILD/dbus-$version
	patched_debian_source dbus "$DBUS_SOURCE" "$TOP/patches/dbus" "$dir"
	need_uapi_headers "$obj"
	# Against the patched libapparmor (aa_dbus), found with pkg-config and
	# loaded from $AA_GUEST_LIBDIR in the guest.
	"$TOP/scripts/build-libapparmor.sh" >/dev/null
	export PKG_CONFIG_PATH=$AA_LIB/lib/pkgconfig
	rm -rf "$BB/dbus-build"
	# Optimised as Debian builds it (buildtype plain, -O2), so that the
	# benchmark compares like with like.
	CFLAGS="-O2 -g -isystem $obj/usr/include" run_logged "$LOGS/dbus-configure.log" \
		meson setup "$BB/dbus-build" "$dir/src" --buildtype=plain \
		-Dapparmor=enabled -Dlibaudit=enabled \
		-Dsystemd=disabled -Dx11_autolaunch=disabled -Dselinux=disabled \
		-Ddoxygen_docs=disabled -Dxml_docs=disabled -Dducktype_docs=disabled \
		-Dmodular_tests=disabled -Dtools=false
	run_logged "$LOGS/dbus-build.log" ninja -C "$BB/dbus-build" bus/dbus-daemon
	cp "$BB/dbus-build/bus/dbus-daemon" "$BB/dbus-daemon-aa"
	echo "patched dbus-daemon: ${BB#$TOP/}/dbus-daemon-aa ($version from $suite + patches/dbus)"
	exit 0
fi
die "GUEST_SUITE=host: patches/dbus follows dbus 1.16.2; build it for a Debian-root guest"
