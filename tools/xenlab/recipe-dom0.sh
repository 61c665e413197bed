# recipe-dom0.sh -- how xenlab makes dom0: a Debian kernel and an initramfs
# assembled from Debian packages (no debootstrap, no installation on the host).
#
# Sourced by tools/xenlab/xenlab.  dom0_kernel_build and dom0_initramfs_build
# run as the "dom0 kernel" and "dom0 initramfs" steps of `xenlab setup`,
# inside a shell with `set -eu -o pipefail`, with the private apt
# configuration available as `xapt` / `xapt_cache`.  The hash of this file,
# versions.sh and init names the cache directory of the result
# (dom0-<kernel version>-<hash>/: vmlinux, initrd.gz, manifests).
#
# The dom0 lives entirely in RAM: the initramfs is its root file system and
# /init (tools/xenlab/init) starts the Xen services, runs the test script and
# powers off.  Per-run files (the script, build/, tests/) are appended by
# `xenlab script` as a second cpio archive, so they need no rebuild here.

# Packages whose whole contents (less documentation) go into the image.
# Shared libraries they need are added by following ELF NEEDED entries, so
# library packages are not listed.  src:xen packages are pinned to
# XEN_VERSION by the private apt preferences.
DOM0_PACKAGES=(
	libc6			# the loader and libc, whole
	busybox-static		# the small commands nothing else provides
	bash coreutils grep sed gawk findutils diffutils tar gzip
	procps psmisc kmod util-linux mount e2fsprogs
	iproute2 bridge-utils iputils-ping
	"xen-utils-$XEN_BRANCH"	# xl, xenstored, xenconsoled, hvmloader...
	xen-utils-common	# /etc/xen/scripts (hotplug), xl.conf
	xenstore-utils		# xenstore-read, -write, -ls, -watch...
	qemu-system-xen		# the HVM device model, qemu-xen
	qemu-system-data	# its keymaps and option ROM links
	seabios ipxe-qemu	# HVM firmware and NIC option ROMs
)

# Files removed from the image after unpacking: documentation, and what
# dom0 never runs here (glibc's character set converters, tc's ATM plugin,
# firmware for other architectures, the PV shim, OCaml xenstored, pygrub's
# python).
DOM0_PRUNE=(
	usr/lib/x86_64-linux-gnu/gconv usr/lib/x86_64-linux-gnu/tc/q_atm.so
	usr/share/doc usr/share/man usr/share/info usr/share/locale
	usr/share/lintian usr/share/bug usr/share/menu usr/share/icons
	usr/share/applications usr/share/bash-completion usr/share/zsh
	usr/share/common-licenses usr/share/gitweb
	"usr/lib/xen-$XEN_BRANCH/boot/xen-shim"
	"usr/lib/xen-$XEN_BRANCH/bin/oxenstored"
	"usr/lib/xen-$XEN_BRANCH/lib/python"
	usr/share/qemu/openbios-ppc usr/share/qemu/openbios-sparc32
	usr/share/qemu/openbios-sparc64 usr/share/qemu/skiboot.lid
	usr/share/qemu/slof.bin usr/share/qemu/hppa-firmware.img
	usr/share/qemu/s390-ccw.img usr/share/qemu/s390-netboot.img
	usr/share/qemu/palcode-clipper usr/share/qemu/u-boot.e500
	usr/share/qemu/u-boot-sam460-20100605.bin
	usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin
	usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.elf
)

# Kernel modules loaded by /init, in this order (dependencies are added).
# The Xen back and front ends are what the labs test against; loop, bridge
# and tun serve disk images and guest networking; virtio_pci and virtio_blk
# reach the disk xenlab hands results back through.
DOM0_MODULES=(
	xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs
	xen-blkback xen-netback xen-pciback xen-blkfront xen-netfront
	loop bridge tun
	virtio_pci virtio_blk
)

# Modules in the image but not loaded at boot: the kernel loads them on
# first use (mount -t ext4, ip link add type veth...) through modprobe.
DOM0_MODULES_ON_DEMAND=(ext4 isofs veth dummy)

# deb_files DIR PKG=VERSION...: download into the shared pool
# $CACHE/debs (skipping what is there) and print the .deb paths.
deb_files()
{
	local pool=$CACHE/debs
	mkdir -p "$pool"
	(cd "$pool" && xapt download "$@" >&2)
	xapt download --print-uris "$@" |
	    awk -v p="$pool" '{ print p "/" $2 }'
}

# unpack_vmlinux BZIMAGE OUT
#	Find the compressed kernel inside a bzImage and decompress it to an
#	ELF: Xen boots an ELF dom0 kernel directly, without the decompressor
#	stub running (slowly) under emulation.  Tries each compression's magic
#	at each offset where it occurs until one yields an ELF.
unpack_vmlinux()
{
	local bz=$1 out=$2 magic tool offset
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' \
	    'gzip:\x1f\x8b\x08'; do
		tool=${magic%%:*}
		while read -r offset; do
			tail -c +$((offset + 1)) "$bz" |
			    "$tool" -dc 2>/dev/null >"$out" || true
			if [ "$(head -c 4 "$out" | od -An -tx1 | tr -d ' ')" = \
			    7f454c46 ]; then
				return 0
			fi
		done < <(LC_ALL=C grep -obUaP "${magic#*:}" "$bz" | cut -d: -f1)
	done
	echo "no compressed ELF kernel found in $bz" >&2
	return 1
}

# dom0_kernel_package: the kernel package linux-image-amd64 depends on now
# (in the private apt index), e.g. linux-image-6.1.0-57-amd64.
dom0_kernel_package()
{
	xapt_cache depends "$DOM0_KERNEL_META" |
	    awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }'
}

# dom0_kernel_build OUTDIR WORKDIR
#	The kernel that linux-image-amd64 depends on today: unpack its .deb
#	into WORKDIR/kernel, build modules.dep there, and leave in OUTDIR the
#	ELF vmlinux, its config, and kernel.version (e.g. 6.1.0-57-amd64).
dom0_kernel_build()
{
	local out=$1 work=$2 pkg kver
	pkg=$(dom0_kernel_package)
	test -n "$pkg"
	kver=${pkg#linux-image-}
	echo "dom0 kernel: $pkg"
	dpkg-deb -x "$(deb_files "$pkg")" "$work/kernel"
	# The .deb ships no modules.dep; the package's postinst would make it.
	depmod -b "$work/kernel" "$kver"
	unpack_vmlinux "$work/kernel/boot/vmlinuz-$kver" "$out/vmlinux"
	cp "$work/kernel/boot/config-$kver" "$out/kernel.config"
	xapt_cache policy "$pkg" | awk '/Candidate:/ { print $2 }' \
	    >"$out/kernel.package-version"
	echo "$kver" >"$out/kernel.version"
}

# closure PKG...: the packages (as PKG=VERSION) apt would install on an
# empty system for PKG..., without recommends.
closure()
{
	xapt install -s --no-install-recommends "$@" |
	    awk '$1 == "Inst" { v = $3; gsub(/[()]/, "", v); print $2 "=" v }'
}

# elf_needed FILE...: "file<TAB>soname" for each NEEDED entry of each ELF
# file given; other files are skipped.  (/dev/null, which readelf refuses,
# makes it name every file even when xargs passes only one.)
elf_needed()
{
	printf '%s\0' "$@" | xargs -0 -r readelf -d /dev/null 2>/dev/null |
	    awk '
		/^File: / { f = substr($0, 7); next }
		/\(NEEDED\)/ { s = $0; sub(/.*\[/, "", s); sub(/\].*/, "", s)
			print f "\t" s }'
}

# copy_from_stage STAGE ROOT PATH: copy PATH (relative) from STAGE to ROOT,
# and, when it is a symbolic link, what it points to, recursively.
copy_from_stage()
{
	local stage=$1 root=$2 path=$3 target
	while :; do
		[ -e "$root/$path" ] || [ -L "$root/$path" ] && return 0
		mkdir -p "$root/$(dirname "$path")"
		cp -a "$stage/$path" "$root/$path"
		[ -L "$stage/$path" ] || return 0
		target=$(readlink "$stage/$path")
		case $target in
		/*) path=${target#/} ;;
		*) path=$(dirname "$path")/$target ;;
		esac
	done
}

# add_libraries STAGE ROOT: follow NEEDED entries from every ELF file in
# ROOT, copying the libraries from STAGE (every unpacked package of the
# closure) until nothing is missing.  Fails naming any library not found.
# (readelf instead of ldd: ldd would run the host's loader and find the
# host's libraries, which are not the image's.)
add_libraries()
{
	local stage=$1 root=$2 dirs=(lib/x86_64-linux-gnu
	    usr/lib/x86_64-linux-gnu lib usr/lib lib64) todo file soname d
	local missing=0
	declare -A seen=()
	mapfile -t todo < <(find "$root" -type f -not -path '*/lib/modules/*')
	while [ "${#todo[@]}" -gt 0 ]; do
		local next=()
		while IFS=$'\t' read -r file soname; do
			[ -z "${seen[$soname]:-}" ] || continue
			seen[$soname]=1
			for d in "${dirs[@]}"; do
				if [ -e "$stage/$d/$soname" ]; then
					if [ ! -e "$root/$d/$soname" ]; then
						copy_from_stage "$stage" "$root" "$d/$soname"
						next+=("$root/$d/$soname")
					fi
					continue 2
				fi
			done
			echo "library $soname (needed by ${file#"$root"}) not found" >&2
			missing=1
		done < <(elf_needed "${todo[@]}")
		todo=("${next[@]+"${next[@]}"}")
	done
	return "$missing"
}

# add_modules KROOT KVER ROOT: copy DOM0_MODULES, DOM0_MODULES_ON_DEMAND
# and their dependencies from the unpacked kernel, make their modules.dep,
# and list DOM0_MODULES in ROOT/etc/xenlab/modules for /init to load.
add_modules()
{
	local kroot=$1 kver=$2 root=$3 m line ko
	mkdir -p "$root/lib/modules/$kver" "$root/etc/xenlab"
	cp "$kroot/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} \
	    "$root/lib/modules/$kver/"
	for m in "${DOM0_MODULES[@]}" "${DOM0_MODULES_ON_DEMAND[@]}"; do
		modprobe -d "$kroot" -S "$kver" --show-depends "$m" >"$kroot/deps"
		while read -r line; do
			case $line in
			insmod\ *)
				ko=${line#insmod }
				ko=${ko%% *}
				ko=${ko#"$kroot"}
				mkdir -p "$root/$(dirname "$ko")"
				cp "$kroot/$ko" "$root/$ko"
				;;
			builtin\ *) ;;
			*) echo "unexpected modprobe output: $line" >&2; return 1 ;;
			esac
		done <"$kroot/deps"
	done
	printf '%s\n' "${DOM0_MODULES[@]}" >"$root/etc/xenlab/modules"
	depmod -b "$root" "$kver"
}

# add_busybox_links ROOT: a link to busybox for each of its commands that
# no package in the image provides.
add_busybox_links()
{
	local root=$1 applet name d
	for applet in $("$root/bin/busybox" --list-full); do
		name=${applet##*/}
		for d in bin sbin usr/bin usr/sbin; do
			[ -e "$root/$d/$name" ] || [ -L "$root/$d/$name" ] &&
			    continue 2
		done
		mkdir -p "$root/$(dirname "$applet")"
		ln -s /bin/busybox "$root/$applet"
	done
}

# dom0_initramfs_build OUTDIR WORKDIR KVER
#	Unpack DOM0_PACKAGES (at the versions apt resolves, Xen pinned) into
#	the image root, add libraries, modules, /init and the directories the
#	Xen tools expect, and write OUTDIR/initrd.gz.
dom0_initramfs_build()
{
	local out=$1 work=$2 kver=$3
	local root=$work/root stage=$work/stage
	local -a pkgs debs
	local p deb bad=0

	# 1. The dependency closure: every package is unpacked into the
	#    stage, where libraries are looked up; only DOM0_PACKAGES go
	#    into the image whole.
	mapfile -t pkgs < <(closure "${DOM0_PACKAGES[@]}")
	printf '%s\n' "${pkgs[@]}" >"$out/packages.closure"
	for p in "${pkgs[@]}"; do
		case ${p%%=*} in
		xen-*|libxen*|xenstore-utils)
			if [ "${p#*=}" != "$XEN_VERSION" ]; then
				echo "$p is not the pinned $XEN_VERSION" >&2
				bad=1
			fi
			;;
		esac
	done
	[ "$bad" -eq 0 ]
	mapfile -t debs < <(deb_files "${pkgs[@]}")
	mkdir -p "$stage" "$root"
	for deb in "${debs[@]}"; do
		dpkg-deb -x "$deb" "$stage"
	done
	for p in "${DOM0_PACKAGES[@]}"; do
		for deb in "${debs[@]}"; do
			case ${deb##*/} in
			"${p}_"*) dpkg-deb -x "$deb" "$root"; continue 2 ;;
			esac
		done
		echo "package $p is not in the closure" >&2
		return 1
	done
	printf '%s\n' "${DOM0_PACKAGES[@]}" >"$out/packages.image"

	# 2. Pruning, then what the packages' maintainer scripts would do.
	for p in "${DOM0_PRUNE[@]}"; do
		rm -rf "${root:?}/$p"
	done
	add_busybox_links "$root"
	ln -sf bash "$root/bin/sh"

	# 3. Shared libraries, kernel modules, the loader cache.
	add_libraries "$stage" "$root"
	add_modules "$work/kernel" "$kver" "$root"
	printf '%s\n' /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu \
	    >"$root/etc/ld.so.conf"
	ldconfig -r "$root"

	# 4. Our /init and the skeleton the Xen tools write into.
	install -m 0755 "$XENLAB_DIR/init" "$root/init"
	mkdir -p "$root"/{proc,sys,dev,run,tmp,mnt,root,domu} \
	    "$root"/var/{lib/xen,log/xen,lock} "$root/var/lib/xenstored"
	rm -rf "$root/var/run"
	ln -s /run "$root/var/run"
	# The kernel opens /dev/console for /init before devtmpfs is mounted.
	# (Only root can make the node; the kernel's built-in initramfs has
	# one too, so without it dom0 still boots.)
	mknod -m 0600 "$root/dev/console" c 5 1 || true
	printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
	printf 'root:x:0:\n' >"$root/etc/group"
	echo dom0 >"$root/etc/hostname"
	echo "$kver" >"$root/etc/xenlab/kernel.version"
	echo "$XEN_VERSION" >"$root/etc/xenlab/xen.version"

	# initrd.gz is the image; initrd.cpio, the same uncompressed, is what
	# xenlab boots: dom0 unpacks it in 0.8 s instead of 1.8 s under TCG.
	(cd "$root" && find . | LC_ALL=C sort |
	    cpio -o -H newc -R 0:0 --quiet) >"$out/initrd.cpio"
	gzip -6 <"$out/initrd.cpio" >"$out/initrd.gz"
	(cd "$root" && find . -type f | LC_ALL=C sort) >"$out/files"
	du -sh "$root" "$out/initrd.gz"
}
