# SPDX-License-Identifier: GPL-2.0
# AppArmor D-Bus mediation series: workbench and test rig.
# See README.md. Everything built lands in build/.


.PHONY: all run check check-all check-debug bench tree tree-reset export series-check kernel initramfs boot clean help

all: help

help:
	@echo "make run           boot the patched kernel and show dbus-daemon mediation"
	@echo "make check         every test on every base (7.3, then 6.12): series checks,"
	@echo "                   per-patch builds, guest tests; a summary per base and in total"
	@echo "make check BASE=B  the same on one base (B: a file in rig/bases/)"
	@echo "make bench         benchmark the query paths on every base (docs/benchmark-BASE.md)"
	@echo "make check-debug   KASAN/UBSAN/lockdep/kmemleak kernel: suite, fuzzing, races, failslab"
	@echo "                   (BASE=7.3 by default, or BASE=6.12)"
	@echo "make tree          build/tree: base + one git commit per patch"
	@echo "make tree-reset    recreate build/tree from patches/ (drops work in it)"
	@echo "make export        write build/tree back to patches/ and top-level copies"
	@echo "make series-check  apply, top-level copies and checkpatch only"
	@echo "make kernel        build build/bzImage from build/tree"
	@echo "make initramfs     build build/initramfs.cpio.gz from build/tree"

tree:
	@scripts/tree.sh

tree-reset:
	@scripts/tree.sh --force

export:
	@scripts/export.sh

series-check:
	@scripts/check-series.sh

kernel: tree
	@scripts/build-kernel.sh
	@echo "kernel: build/bzImage"

initramfs: tree
	@scripts/build-initramfs.sh

run:
	@scripts/run.sh

# Every base, mainline first; "make check BASE=6.12" runs one base.
check:
	@scripts/check-all.sh $(BASE)

check-all: check

# Every base, mainline first; "make bench BASE=6.12" runs one base.
bench:
	@for b in $(if $(BASE),$(BASE),$$(ls rig/bases | sort -rV)); do \
		echo "==== bench on base $$b"; BASE=$$b scripts/bench.sh || exit 1; done

# Mainline by default; "make check-debug BASE=6.12" for the backport.
check-debug:
	@BASE=$(if $(BASE),$(BASE),7.3) scripts/check-debug.sh

clean:
	rm -rf build
