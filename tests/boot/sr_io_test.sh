#! /usr/bin/env atf-sh
#
# tests/boot/sr_io_test.sh - save and restore under I/O: `xl save` and
# `xl restore` twice while the PV guest's blkfront writer and netfront
# pings run (control(4), blkfront(4), netfront(4); issue 6).
#
# One Xen boot (tests/boot/sr_io.dom0) for every case; the guest's side
# is test=sr_io (src/kern/test_sr_io.c).

# The shared helpers (boot_once, fail_with_log, expect_line).
. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

boot()
{
	boot_once sr_io tests/boot/sr_io.dom0 600
}

atf_test_case pings_resume
pings_resume_head()
{
	atf_set "descr" "after a checkpoint (xl save -c) and after each of" \
	    "two restores the guest answers pings again: 20 in a row, none lost"
	atf_set "timeout" "660"
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
	atf_set "timeout" "660"
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
	atf_set "timeout" "660"
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

atf_init_test_cases()
{
	atf_add_test_case pings_resume
	atf_add_test_case disk_io_survives
	atf_add_test_case image_checked
}
