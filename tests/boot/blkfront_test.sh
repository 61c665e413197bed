#! /usr/bin/env atf-sh
#
# tests/boot/blkfront_test - the block front end (src/dev/xen/blkfront,
# man4/blkfront.4) against Linux's blkback and file-backed images.
#
# One Xen boot (tools/xenlab/xenlab script tests/boot/blkfront.dom0)
# runs three guests one after the other: "main" (test=blkfront: three
# disks, the pattern over a whole 64 MiB disk checked by the guest and
# then by dom0's blkcheck, a 1 GiB sparse disk, a read-only disk,
# xl block-attach and block-detach at run time) and two throughput
# guests (test=blkfront_perf, with and without indirect descriptors and
# a multi-page ring).  Each case judges one part of that boot from its
# logs; the first case to run boots, the others of the same Kyua run
# reuse the logs (see tests/boot/xenstore_test.sh for the scheme).
#

. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

# boot: the one Xen boot of this program (boot_once in boot.subr); the
# HVM guest's ISO is made first.
boot()
{
	boot_once blkfront tests/boot/blkfront.dom0 700 \
	    "tools/mkiso -o build/XENHVM/test-hblk.iso build/XENHVM/kernel test=blkfront blk_ro=xvde"
}

atf_test_case whole_disk_pattern_matches_in_guest_and_dom0
whole_disk_pattern_matches_in_guest_and_dom0_head()
{
	atf_set "descr" "the guest writes a per-sector pattern over a 64 MiB" \
	    "disk with mixed sizes and several requests in flight, reads it" \
	    "back, flushes; dom0 finds the same bytes in the image"
	atf_set "timeout" "760"
}
whole_disk_pattern_matches_in_guest_and_dom0_body()
{
	boot
	judge_guest main
	expect_line '^domu: blk-probe: PASS' "$DIR/guest-main.log" "three disks"
	expect_line '^domu: blk-pattern: PASS .*flushed' "$DIR/guest-main.log" \
	    "the guest's pattern check"
	expect_line '^domu: blk-dom0-image: PASS' "$DIR.out" "dom0's blkcheck"
}

atf_test_case sparse_and_readonly_disks
sparse_and_readonly_disks_head()
{
	atf_set "descr" "a 1 GiB sparse disk reads zeros and takes a write" \
	    "at its far end; a read-only disk refuses writes, reads fine"
	atf_set "timeout" "760"
}
sparse_and_readonly_disks_body()
{
	boot
	judge_guest main
	expect_line '^domu: blk-sparse: PASS' "$DIR/guest-main.log" "sparse"
	expect_line '^domu: blk-dom0-sparse: PASS' "$DIR.out" "far end in dom0"
	expect_line '^domu: blk-readonly: PASS .*EROFS' "$DIR/guest-main.log" \
	    "read-only"
	expect_line 'blkfront: vbd/51744: write to sector 0 refused: the disk is read-only' \
	    "$DIR/guest-main.log" "the read-only message"
}

atf_test_case attach_and_detach_at_run_time
attach_and_detach_at_run_time_head()
{
	atf_set "descr" "xl block-attach: the guest notices, connects, reads;" \
	    "xl block-detach: the guest closes and xl returns"
	atf_set "timeout" "760"
}
attach_and_detach_at_run_time_body()
{
	boot
	judge_guest main
	expect_line '^domu: blk-attach: PASS' "$DIR/guest-main.log" "attach"
	expect_line '^domu: blk-detach: PASS' "$DIR/guest-main.log" "detach"
	expect_line '^domu: blk-dom0-hotplug: PASS' "$DIR.out" "xl's view"
}

atf_test_case throughput_with_and_without_indirect
throughput_with_and_without_indirect_head()
{
	atf_set "descr" "sequential throughput is measured with indirect" \
	    "descriptors and a multi-page ring, and with neither"
	atf_set "timeout" "760"
}
throughput_with_and_without_indirect_body()
{
	boot
	judge_guest indirect
	judge_guest noindirect
	judge_guest onepage
	judge_guest plain
	expect_line '^domu: blk-perf: PASS .*indirect' \
	    "$DIR/guest-indirect.log" "with indirect descriptors"
	expect_line '^domu: blk-perf: PASS .*\(plain\), ring 1 page' \
	    "$DIR/guest-plain.log" "without"
}

atf_test_case hvm_kernel_same_disks
hvm_kernel_same_disks_head()
{
	atf_set "descr" "the HVM kernel's blkfront (the same code) writes and" \
	    "checks the 64 MiB pattern, which dom0 finds in the image, reads" \
	    "the sparse and read-only disks, and attaches and detaches a disk"
	atf_set "timeout" "760"
}
hvm_kernel_same_disks_body()
{
	boot
	judge_guest hmain
	expect_line '^domu: blk-pattern: PASS .*flushed' "$DIR/guest-hmain.log" \
	    "the HVM guest's pattern check"
	for check in image sparse hotplug; do
		expect_line "^domu: hvm-blk-dom0-$check: PASS" "$DIR.out" \
		    "dom0's $check check of the HVM guest"
	done
}

atf_test_case whole_script_succeeds
whole_script_succeeds_head()
{
	atf_set "descr" "the dom0 script ran to its end without a failure"
	atf_set "timeout" "760"
}
whole_script_succeeds_body()
{
	boot
	[ "$(cat "$DIR.done")" = 0 ] ||
	    fail_with_log "xenlab script exited $(cat "$DIR.done")" "$DIR.out"
}

atf_init_test_cases()
{
	atf_add_test_case whole_disk_pattern_matches_in_guest_and_dom0
	atf_add_test_case sparse_and_readonly_disks
	atf_add_test_case attach_and_detach_at_run_time
	atf_add_test_case throughput_with_and_without_indirect
	atf_add_test_case hvm_kernel_same_disks
	atf_add_test_case whole_script_succeeds
}
