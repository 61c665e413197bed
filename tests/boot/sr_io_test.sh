#! /usr/bin/env atf-sh
#
# tests/boot/sr_io_test.sh - save and restore under I/O: `xl save` and
# `xl restore` twice while the guest's blkfront writer and netfront
# pings run (control(4), blkfront(4), netfront(4); issue 6), for the PV
# kernel and then the HVM kernel.
#
# One Xen boot (tests/boot/sr_io.dom0) for every case; the guest's side
# is test=sr_io (src/kern/test_sr_io.c).

# The shared helpers (boot_once, fail_with_log, expect_line).
. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

boot()
{
	boot_once sr_io tests/boot/sr_io.dom0 900 \
	    "tools/mkiso -o build/XENHVM/test-hsrio.iso build/XENHVM/kernel test=sr_io ip=169.254.0.3/16"
}

atf_test_case pings_resume
pings_resume_head()
{
	atf_set "descr" "after a checkpoint (xl save -c) and after each of" \
	    "two restores the guest answers pings again: 20 in a row, none lost"
	atf_set "timeout" "960"
}
pings_resume_body()
{
	boot
	expect_line '^domu: sr-dom0-checkpoint: PASS' "$DIR.out" "the checkpoint"
	expect_line '^domu: sr-dom0-ping-checkpoint: PASS' "$DIR.out" \
	    "the pings after the checkpoint"
	for n in 1 2; do
		expect_line "^domu: sr-dom0-cycle: PASS cycle $n" "$DIR.out" \
		    "cycle $n"
		expect_line "^domu: sr-dom0-ping-after-$n: PASS" "$DIR.out" \
		    "the pings after restore $n"
	done
	expect_line '^domu: sr-io-net: PASS' "$DIR/guest-srio.log" \
	    "the guest's network"
}

atf_test_case disk_io_survives
disk_io_survives_head()
{
	atf_set "descr" "the writer's I/O across both restores: no I/O" \
	    "error, every block read back right, blkfront reconnected twice"
	atf_set "timeout" "960"
}
disk_io_survives_body()
{
	boot
	expect_line '^domu: sr-io-writer: PASS' "$DIR/guest-srio.log" \
	    "the writer"
	expect_line '^domu: sr-io-resume: PASS' "$DIR/guest-srio.log" \
	    "the drivers' resumes"
	expect_line '^blkfront: vbd/51712: reconnected .* \(ok\)' \
	    "$DIR/guest-srio.log" "blkfront's reconnection"
}

atf_test_case image_checked
image_checked_head()
{
	atf_set "descr" "after the shutdown the guest's full read and dom0's" \
	    "blkcheck find one generation of the pattern in every sector"
	atf_set "timeout" "960"
}
image_checked_body()
{
	boot
	expect_line '^domu: sr-io-verify: PASS' "$DIR/guest-srio.log" \
	    "the guest's final read"
	expect_line '^domu: sr-dom0-image: PASS' "$DIR.out" "dom0's blkcheck"
	judge_guest srio
	script_succeeded
}

atf_test_case hvm_sr_io
hvm_sr_io_head()
{
	atf_set "descr" "the HVM kernel: the same checkpoint, two save and" \
	    "restore cycles under disk and network load, and image check"
	atf_set "timeout" "960"
}
hvm_sr_io_body()
{
	boot
	for check in checkpoint ping-checkpoint "cycle: PASS cycle 1" \
	    ping-after-1 "cycle: PASS cycle 2" ping-after-2 image; do
		case $check in
		cycle*)	expect_line "^domu: hvm-sr-dom0-$check" "$DIR.out" \
			    "the HVM guest's $check" ;;
		*)	expect_line "^domu: hvm-sr-dom0-$check: PASS" \
			    "$DIR.out" "the HVM guest's $check" ;;
		esac
	done
	for check in writer resume net verify; do
		expect_line "^domu: sr-io-$check: PASS" "$DIR/guest-hsrio.log" \
		    "the HVM guest's sr-io-$check"
	done
	judge_guest hsrio
	script_succeeded
}

atf_init_test_cases()
{
	atf_add_test_case pings_resume
	atf_add_test_case disk_io_survives
	atf_add_test_case image_checked
	atf_add_test_case hvm_sr_io
}
