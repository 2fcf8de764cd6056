#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build-guest-root.sh SUITE: build/guest-root-SUITE.tar, a Debian root of
# the release SUITE (sid, trixie) with the userspace the guest runs:
# apparmor (parser and aa-exec), apparmor-utils (aa-logprof, python3-apparmor),
# dbus-daemon, dbus-send, dbus-broker and busybox, from Debian's packages
# of that release, not the host's.
# Made once per suite; the package versions land in
# build/guest-root-SUITE.versions, the headers of its libapparmor's log
# parser in build/guest-root-SUITE.include/.
source "$(dirname "$0")/lib.sh"

suite=${1:?usage: build-guest-root.sh SUITE}
out=$BUILD/guest-root-$suite.tar
versions=$BUILD/guest-root-$suite.versions
include=$BUILD/guest-root-$suite.include

# guest_headers: the aalogparse.h of the root's libapparmor, from the
# libapparmor-dev of the same version, for the host-built log checker.
guest_headers() {
	local ver
	ver=$(awk '$1 == "libapparmor1" {print $2}' "$versions")
	apt_private "$suite" "deb http://deb.debian.org/debian $suite main"
	rm -rf "$include" "$include.tmp"
	mkdir -p "$include.tmp"
	(cd "$include.tmp" && run_logged "$LOGS/guest-headers-$suite.log" \
		apt-get "${APT_OPTS[@]}" download "libapparmor-dev=$ver")
	dpkg-deb -x "$include.tmp"/libapparmor-dev_*.deb "$include.tmp/root"
	mv "$include.tmp/root/usr/include/aalogparse" "$include"
	rm -rf "$include.tmp"
}

pkgs=apparmor,apparmor-utils,dbus-daemon,dbus-bin,dbus-broker,busybox,libapparmor1
if [ -s "$out" ] && [ -s "$versions" ] && [ "$(cat "$out.pkgs" 2>/dev/null)" = "$pkgs" ]; then
	[ -f "$include/aalogparse.h" ] || guest_headers
	exit 0
fi

need_pkgs mmdebstrap
step "guest" "building a Debian $suite root with mmdebstrap (~40 s)"
rm -f "$out" "$versions"
# The archive copy reached here serves Release files past Valid-Until.
run_logged "$LOGS/guest-root-$suite.log" mmdebstrap --variant=essential --format=tar \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	--include=$pkgs \
	"$suite" "$out.tmp" http://deb.debian.org/debian
tar -xOf "$out.tmp" ./var/lib/dpkg/status |
	awk '/^Package: /{p=$2} /^Version: /{print p, $2}' |
	grep -E '^(apparmor|apparmor-utils|python3-apparmor|libapparmor1|dbus-daemon|dbus-broker|busybox|libc6) ' >"$versions"
mv "$out.tmp" "$out"
echo "$pkgs" >"$out.pkgs"
guest_headers
sed 's/^/  /' "$versions"
