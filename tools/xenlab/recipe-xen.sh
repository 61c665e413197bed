# recipe-xen.sh -- how xenlab builds the Xen hypervisor that runs in QEMU.
#
# Sourced by tools/xenlab/xenlab; xen_build runs as the "xen" step of
# `xenlab setup`, inside a shell with `set -eu -o pipefail`, with the
# private apt configuration available as `xapt` (apt-get) and `xapt_cache`
# (apt-cache).  The hash of this file (with versions.sh) names the cache
# directory the result goes to, so editing the recipe rebuilds the hypervisor.
#
# Why build at all: Debian's binary hypervisor has no 32-bit PV support
# (CONFIG_PV32 is off), and domu's first kernel is a 32-bit PV guest.  We
# start from Debian's own configuration of the same version and change only:
#   CONFIG_PV32           32-bit PV guests (xen_caps gains xen-3.0-x86_32p)
#   CONFIG_EXPERT and CONFIG_VERBOSE_DEBUG
#                         let HYPERVISOR_console_io from a domU print on the
#                         Xen serial line as "(dN) text".  Without them the
#                         hypercall fails with -EPERM in a non-debug build.

XEN_CONFIG_CHANGES=(CONFIG_PV32=y CONFIG_EXPERT=y CONFIG_VERBOSE_DEBUG=y)

# xen_build OUTDIR WORKDIR
#	Fetch Debian's xen source and hypervisor package of XEN_VERSION into
#	WORKDIR, build xen/xen, and leave OUTDIR/xen and OUTDIR/xen.config.
#	The caller deletes WORKDIR after success.
xen_build()
{
	local out=$1 work=$2 opt name

	mkdir -p "$work/src" "$work/deb"

	# Source: the .dsc, upstream tarball and Debian patches, unpacked and
	# patched by dpkg-source (apt-get source does both).
	(cd "$work/src" && xapt source "xen=$XEN_VERSION")

	# Debian's configuration ships in the hypervisor package as
	# /boot/xen-<version>-amd64.config.
	(cd "$work/deb" && xapt download "xen-hypervisor-$XEN_BRANCH-amd64=$XEN_VERSION")
	dpkg-deb -x "$work"/deb/xen-hypervisor-*.deb "$work/deb/root"

	local tree
	tree=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'xen-*' | head -n 1)
	test -n "$tree"
	cp "$work"/deb/root/boot/xen-*.config "$tree/xen/.config"

	# Replace each option's line (set or "is not set") by ours.
	for opt in "${XEN_CONFIG_CHANGES[@]}"; do
		name=${opt%%=*}
		sed -i -e "/^$name=/d" -e "/^# $name is not set/d" "$tree/xen/.config"
		echo "$opt" >>"$tree/xen/.config"
	done
	make -C "$tree/xen" olddefconfig

	# olddefconfig silently drops options whose dependencies are missing;
	# check that ours survived.
	for opt in "${XEN_CONFIG_CHANGES[@]}"; do
		grep -qx "$opt" "$tree/xen/.config"
	done

	make -C "$tree/xen" -j"$(nproc)"

	mkdir -p "$out"
	cp "$tree/xen/xen" "$out/xen"
	cp "$tree/xen/.config" "$out/xen.config"
}
