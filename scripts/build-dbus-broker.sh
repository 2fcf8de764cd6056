#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build dbus-broker and its launcher with patches/dbus-broker applied into
# build/BASE/dbus-broker-aa/, from Debian's dbus-broker source (trixie,
# apt-get source, Debian's own patches applied first) against the uapi
# headers of the base's tree. The launcher is built for
# /usr/lib/dbus-broker-aa, so that it starts the patched broker next to
# it and the stock pair in /usr/bin stays as Debian ships it.
source "$(dirname "$0")/lib.sh"

obj=${KOBJ:-$OBJ}
suite=${BROKER_SOURCE%%:*} version=${BROKER_SOURCE#*:}
dir=$BUILD/dbus-broker-$version
out=$BB/dbus-broker-aa
need_pkgs dpkg-dev meson ninja-build pkg-config libexpat1-dev libaudit-dev libcap-ng-dev \
	libapparmor-dev libsystemd-dev systemd

# Debian's own patches first (dpkg-source), then patches/dbus-broker.
patched_debian_source dbus-broker "$BROKER_SOURCE" "$TOP/patches/dbus-broker" "$dir"
need_uapi_headers "$obj"
# Against the patched libapparmor (aa_dbus), found with pkg-config and
# loaded from $AA_GUEST_LIBDIR in the guest.
"$TOP/scripts/build-libapparmor.sh" >/dev/null
export PKG_CONFIG_PATH=$AA_LIB/lib/pkgconfig
rm -rf "$BB/dbus-broker-build" "$out"
# Optimised as Debian builds it (buildtype plain, -O2).
CFLAGS="-O2 -g -isystem $obj/usr/include" run_logged "$LOGS/dbus-broker-configure.log" \
	meson setup "$BB/dbus-broker-build" "$dir/src" --buildtype=plain \
	--prefix=/usr --bindir=lib/dbus-broker-aa \
	-Dapparmor=true -Daudit=true -Dlauncher=true -Ddocs=false -Dselinux=false
run_logged "$LOGS/dbus-broker-build.log" ninja -C "$BB/dbus-broker-build" \
	src/dbus-broker src/dbus-broker-launch
mkdir -p "$out"
cp "$BB/dbus-broker-build/src/dbus-broker" "$BB/dbus-broker-build/src/dbus-broker-launch" "$out/"
echo "patched dbus-broker: ${BB#$TOP/}/dbus-broker-aa/ ($version from $suite + patches/dbus-broker)"
