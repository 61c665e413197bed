#! /usr/bin/env atf-sh
#
# tests/boot/hvm_test - the HVM amd64 kernel (src/conf/XENHVM) boots
# from its GRUB CD, under Xen and without it.
#
# One Xen boot (tests/boot/hvm.dom0) starts HVM guests from GRUB ISOs,
# one at a time: firmware (hvmloader, SeaBIOS), GRUB, our kernel.  The
# first runs every self-contained test; the others run the kernel core's
# tests that need dom0 (xenstore watch, grant mapped by dom0, console
# input, xenbus with Linux back ends), with dom0's part shared with the
# PV kernel's tests (tests/boot/core.subr).  The cases below each judge
# one part of that boot.  The guests' lines can only be right on the
# real thing: the CPUID signature and version come from Xen and must
# match `xl info` in dom0; the xenpci lines need qemu-xen's platform
# device (its BAR, its unplug ports); the rings and events need Xen's
# HVM parameters and xenconsoled reading the console ring.
#
# iso_without_xen_skips boots the same ISO in plain QEMU (no Xen, about
# a second): the kernel must notice, say "no Xen platform device" on COM1
# and end with a SKIP result, then power off through ACPI.
#

. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

# The command line written into the ISOs the tests make: no test= (so
# every self-contained test runs), and a word that must reach the kernel.
HVM_CMDLINE="marker=hvm-test"

# The ISOs, one per guest of hvm.dom0, each with its command line.
make_isos()
{
	local iso=build/XENHVM
	tools/mkiso -o $iso/test-hvm-cmdline.iso $iso/kernel $HVM_CMDLINE &&
	tools/mkiso -o $iso/test-hxs.iso $iso/kernel test=xenstore_dom0 &&
	tools/mkiso -o $iso/test-hgnt.iso $iso/kernel test=gnttab_dom0 &&
	tools/mkiso -o $iso/test-hcon.iso $iso/kernel test=console &&
	tools/mkiso -o $iso/test-hxb.iso $iso/kernel test=xenbus \
	    xenbus=domutest/0,vbd/5632,vbd/51712,vif/0
}

# boot: the one Xen boot of this program (boot_once in boot.subr).
boot()
{
	boot_once hvm tests/boot/hvm.dom0 840 make_isos
}

atf_test_case hvm_guest_boots_under_xen
hvm_guest_boots_under_xen_head()
{
	atf_set "descr" "an HVM guest boots from a GRUB ISO under Xen: every" \
	    "self-contained test passes, CPUID matches xl info, and the" \
	    "command line in the ISO reaches the kernel"
	atf_set "timeout" "900"
}
hvm_guest_boots_under_xen_body()
{
	local major minor log

	boot
	log=$DIR/guest-hvm.log

	# Every self-contained test ran and passed, as the judge sees it,
	# and the command line is the one written into the ISO.
	judge_guest hvm
	expect_line "^domu: hello: PASS xen-hvm-amd64 nr_pages=[0-9]+ cmdline=$HVM_CMDLINE\$" \
	    "$log" "the hello line, with the ISO's command line"
	for check in boot vm_page malloc pmap pmap-readonly pmap-unmap \
	    evtchn_loopback evtchn_virq_timer sleep_200ms pingpong \
	    xs-watch-thread gnttab-copy; do
		expect_line "^domu: $check: PASS" "$log" "the HVM kernel's $check check"
	done
	expect_line '^domu: xenpci: PASS 5853:0001 at 00:02\.0, BAR1 0x[0-9a-f]+ 16384 KiB' \
	    "$log" "the platform device and its BAR"
	expect_line '^domu: xenpci-callback: PASS .* arrived in [1-9][0-9]* upcall' \
	    "$log" "an event through the vector callback"
	expect_line '^domu: xenpci-unplug: PASS device model said magic 0x49d2, protocol version 1' \
	    "$log" "the unplug protocol"

	# The version Xen gives in CPUID is the one dom0's toolstack sees.
	major=$(sed -n 's/^dom0: xl info xen_major=\([0-9]*\).*/\1/p' "$DIR/script.log")
	minor=$(sed -n 's/^dom0: xl info xen_minor=\([0-9]*\).*/\1/p' "$DIR/script.log")
	[ -n "$major" ] && [ -n "$minor" ] ||
	    fail_with_log "dom0 printed no xl info version" "$DIR/script.log"
	expect_line "^domu: cpuid: PASS XenVMMXenVMM at 0x40000[0-9a-f]00 max leaf 0x[0-9a-f]+, Xen $major\\.$minor " \
	    "$log" "CPUID's version against xl info ($major.$minor)"

	# The first line went out on both early consoles: port 0xE9 (Xen's
	# serial line, "(dN)") and COM1 (qemu-xen's serial file in dom0).
	expect_line '\(d[0-9]+\) domu kernel: started as xen-hvm-amd64 with [0-9]+ pages' \
	    "$DIR/xen-serial.log" "the 0xE9 line on Xen's serial"
	expect_line 'domu kernel: started as xen-hvm-amd64 with [0-9]+ pages' \
	    "$DIR/hvm-serial.log" "the COM1 line"
}

atf_test_case hvm_core_tests_with_dom0
hvm_core_tests_with_dom0_head()
{
	atf_set "descr" "the HVM kernel passes the core tests that need dom0," \
	    "as the PV kernel does: a xenstore watch, a grant mapped by" \
	    "dom0, console input, xenbus with Linux back ends"
	atf_set "timeout" "900"
}
hvm_core_tests_with_dom0_body()
{
	boot
	for g in hxs hgnt hcon hxb; do
		judge_guest $g
	done
	expect_line '^domu: xs-dom0-watch: PASS' "$DIR/guest-hxs.log" \
	    "the watch that dom0's write fired"
	for check in xs-dom0-write gnttab-dom0-map console-echo \
	    xb-dom0-backend; do
		expect_line "^domu: $check: PASS" "$DIR.out" "dom0's $check"
	done
	expect_line '^domu: xb-close: PASS' "$DIR/guest-hxb.log" \
	    "the close sequence with Linux's back ends"
}

qemu_no_xen()
{
	timeout 60 qemu-system-x86_64 -accel tcg -m 128 -net none \
	    -cdrom "$1" -display none -monitor none -serial "file:$2" \
	    -no-reboot >qemu.out 2>&1
}

atf_test_case iso_without_xen_skips
iso_without_xen_skips_head()
{
	atf_set "descr" "build/XENHVM/domu.iso in QEMU without Xen: the kernel" \
	    "reports no Xen platform device, SKIP, and powers off by ACPI"
	atf_set "timeout" "120"
}
iso_without_xen_skips_body()
{
	local top rc

	top=$(boot_top)
	rc=0
	qemu_no_xen "$top/build/XENHVM/domu.iso" serial.log || rc=$?
	# 124 would mean the kernel did not power the machine off.
	[ "$rc" -eq 0 ] || fail_with_log "QEMU exited with $rc" serial.log
	expect_line '^domu: xenpci: SKIP no Xen platform device$' serial.log \
	    "the xenpci SKIP line"
	# The judge's verdict for an all-SKIP run is 3.
	rc=0
	"$top/build/tools/judge" serial.log >judge.out 2>&1 || rc=$?
	[ "$rc" -eq 3 ] || fail_with_log "judge said $rc, not 3 (SKIP)" judge.out
	expect_line '^domu: result: SKIP$' serial.log "the result line"

	# The same kernel with test= and a marker in its ISO's command line,
	# still without Xen: the kernel prints the line it read.
	"$top/tools/mkiso" -o cmdline.iso "$top/build/XENHVM/kernel" \
	    test=xenpci $HVM_CMDLINE || atf_fail "tools/mkiso failed"
	qemu_no_xen cmdline.iso cmdline.log ||
	    fail_with_log "QEMU failed on cmdline.iso" cmdline.log
	expect_line "command line \"test=xenpci $HVM_CMDLINE\": no Xen platform device" \
	    cmdline.log "the command line, as the kernel read it"
}

atf_init_test_cases()
{
	atf_add_test_case hvm_guest_boots_under_xen
	atf_add_test_case hvm_core_tests_with_dom0
	atf_add_test_case iso_without_xen_skips
}
