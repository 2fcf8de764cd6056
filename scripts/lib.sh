# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the workbench scripts: paths, progress, apt, logs.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
# The kernel base to work on: a file in rig/bases/ says everything about it.
BASE=${BASE:-7.3}
[ -f "$TOP/rig/bases/$BASE" ] || { echo "error: no base $BASE in rig/bases/" >&2; exit 1; }
source "$TOP/rig/bases/$BASE"
# Everything built for this base lives under BB.
BB=$BUILD/$BASE
TREE=$BB/tree
OBJ=$BB/obj
LOGS=$BB/logs
SERIES=$TOP/$SERIES_DIR
GIT_IDENT_NAME="D-Bus Mediation Team"
GIT_IDENT_EMAIL="apparmor-dbus@example.org"
# Stable dates keep exported patches byte-identical across exports.
export GIT_AUTHOR_NAME="$GIT_IDENT_NAME" GIT_AUTHOR_EMAIL="$GIT_IDENT_EMAIL"
export GIT_COMMITTER_NAME="$GIT_IDENT_NAME" GIT_COMMITTER_EMAIL="$GIT_IDENT_EMAIL"
export GIT_COMMITTER_DATE="2026-11-26T12:00:00+00:00"
# Directories whose added files are mirrored at the top level of the repo.
MIRROR_DIRS="security/apparmor include/uapi/linux tools/testing/selftests/apparmor Documentation samples/apparmor"

mkdir -p "$BUILD" "$BB" "$LOGS"

step() { printf '[%s] %s\n' "$1" "$2"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# run_logged LOG CMD...: run CMD with output in LOG; on failure show the tail.
run_logged() {
	local log=$1; shift
	if ! "$@" >"$log" 2>&1; then
		echo "---- last 40 lines of $log ----" >&2
		tail -n 40 "$log" >&2
		echo "---- full log: $log ----" >&2
		return 1
	fi
}

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

# need_pkgs PKG...: install the Debian packages that are missing.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing: ${missing[*]}"
	if [ ! -e "$BUILD/.apt-updated" ]; then
		$SUDO apt-get update -qq >"$LOGS/apt-update.log" 2>&1 || true
		touch "$BUILD/.apt-updated"
	fi
	DEBIAN_FRONTEND=noninteractive run_logged "$LOGS/apt-install.log" \
		$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# apt_private NAME LINE: an apt configuration of its own in build/apt-NAME
# whose only source is LINE, for a suite the host must not install from;
# sets APT_OPTS for apt-get and fetches the package lists.
apt_private() {
	local dir=$BUILD/apt-$1
	APT_OPTS=(-o Dir::Etc::sourcelist="$dir/sources.list" -o Dir::Etc::sourceparts=/nonexistent
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
		-o Acquire::Check-Valid-Until=false)
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	echo "$2" >"$dir/sources.list"
	run_logged "$LOGS/apt-$1.log" apt-get "${APT_OPTS[@]}" update
}

# patched_debian_source PKG SUITE:VERSION PATCHES DIR: DIR/src becomes
# Debian's source of PKG VERSION from SUITE (fetched with apt_private; its
# own patches applied by dpkg-source) with every patch of PATCHES/series
# applied on top. Done again only when the series or its patches change.
patched_debian_source() {
	local pkg=$1 suite=${2%%:*} version=${2#*:} patches=$3 dir=$4 sum p
	sum=$(cd "$patches" && cat series $(grep -v '^#' series) | sha256sum | cut -c1-16)
	[ "$(cat "$dir/patched.sum" 2>/dev/null)" = "$sum" ] && return 0
	apt_private "$suite-src" "deb-src http://deb.debian.org/debian $suite main"
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && run_logged "$LOGS/$pkg-source.log" \
		apt-get "${APT_OPTS[@]}" source --download-only "$pkg=$version")
	run_logged "$LOGS/$pkg-source.log" \
		dpkg-source -x --no-check "$dir/${pkg}_$version.dsc" "$dir/src"
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		run_logged "$LOGS/$pkg-patch.log" patch -d "$dir/src" -p1 -i "$patches/$p"
	done <"$patches/series"
	echo "$sum" >"$dir/patched.sum"
}

# need_uapi_headers OBJ: the uapi headers of the base's tree in OBJ/usr/include,
# installed again each time (a few seconds) so they follow the series.
need_uapi_headers() {
	run_logged "$LOGS/headers.log" make -C "${SRC:-$TREE}" O="$1" ARCH=x86_64 headers_install
}

# The patched libapparmor (scripts/build-libapparmor.sh): where it is
# built, and where the guest has it for the patched daemons only.
AA_LIB=$BUILD/libapparmor-aa
AA_GUEST_LIBDIR=/usr/lib/apparmor-dbus

HOST_PKGS="bc bison flex libelf-dev libssl-dev cpio xz-utils gcc make git perl python3 \
	qemu-system-x86 busybox-static apparmor dbus-daemon dbus-bin libdbus-1-dev \
	libapparmor-dev python3-libapparmor python3-ply python3-git kmod rsync"
