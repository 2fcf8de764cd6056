#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build-guest-root.sh SUITE: build/guest-root-SUITE.tar, a Debian root of
# the release SUITE (sid, trixie) with the userspace the guest runs:
# apparmor (parser and aa-exec), dbus-daemon, dbus-send, dbus-broker and
# busybox, from Debian's packages of that release, not the host's.
# Made once per suite; the package versions land in
# build/guest-root-SUITE.versions.
source "$(dirname "$0")/lib.sh"

suite=${1:?usage: build-guest-root.sh SUITE}
out=$BUILD/guest-root-$suite.tar
versions=$BUILD/guest-root-$suite.versions
[ -s "$out" ] && [ -s "$versions" ] && exit 0

need_pkgs mmdebstrap
step "guest" "building a Debian $suite root with mmdebstrap (~40 s)"
rm -f "$out" "$versions"
# The archive copy reached here serves Release files past Valid-Until.
run_logged "$LOGS/guest-root-$suite.log" mmdebstrap --variant=essential --format=tar \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	--include=apparmor,dbus-daemon,dbus-bin,dbus-broker,busybox,libapparmor1 \
	"$suite" "$out.tmp" http://deb.debian.org/debian
tar -xOf "$out.tmp" ./var/lib/dpkg/status |
	awk '/^Package: /{p=$2} /^Version: /{print p, $2}' |
	grep -E '^(apparmor|libapparmor1|dbus-daemon|dbus-broker|busybox|libc6) ' >"$versions"
mv "$out.tmp" "$out"
sed 's/^/  /' "$versions"
