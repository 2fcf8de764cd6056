#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the minimal test kernel from build/BASE/tree (or $SRC) into
# build/BASE/obj (or $KOBJ) and copy the image to build/BASE/bzImage.
# KTARGETS (default bzImage) builds other kbuild targets instead, e.g. a
# directory: compiled, not linked, and no image copied.
source "$(dirname "$0")/lib.sh"

src=${SRC:-$TREE}
obj=${KOBJ:-$OBJ}
need_pkgs bc bison flex libelf-dev libssl-dev gcc make
[ -e "$src/.git" ] || "$TOP/scripts/tree.sh"

cc="gcc"
command -v ccache >/dev/null && cc="ccache gcc"
mk() { make -C "$src" O="$obj" ARCH=x86_64 CC="$cc" -j"$(nproc)" "$@"; }

mkdir -p "$obj"
frags="$TOP/rig/kernel.config ${EXTRA_CONFIG:-}"
sel=$src/tools/testing/selftests/apparmor/config
[ -f "$sel" ] && frags="$sel $frags"
# Regenerate .config only when a fragment changed.
sum=$(cat $frags | sha256sum | cut -c1-16)
if [ ! -f "$obj/.config" ] || [ "$(cat "$obj/.frag-sum" 2>/dev/null)" != "$sum" ]; then
	run_logged "$LOGS/kconfig-$(basename "$obj").log" mk allnoconfig
	run_logged "$LOGS/kconfig-$(basename "$obj").log" env -C "$obj" \
		"$src/scripts/kconfig/merge_config.sh" -m .config $frags
	run_logged "$LOGS/kconfig-$(basename "$obj").log" mk olddefconfig
	# Every requested option must have survived dependency resolution.
	for f in $frags; do
		grep -E '^CONFIG_[A-Z0-9_]+=' "$f" | grep -v '=n$' | while read -r line; do
			grep -qx "$line" "$obj/.config" ||
				die "config option not set: $line (from $f)"
		done
	done
	echo "$sum" >"$obj/.frag-sum"
fi
run_logged "$LOGS/kernel-build-$(basename "$obj").log" mk ${KTARGETS:-bzImage}
[ -n "${KTARGETS:-}" ] && exit 0
if [ -z "${KOBJ:-}" ]; then
	cp "$obj/arch/x86/boot/bzImage" "$BB/bzImage"
fi
[ -n "${KOUT:-}" ] && cp "$obj/arch/x86/boot/bzImage" "$KOUT"
true
