#! /usr/bin/env atf-sh
#
# tests/boot/suspend_test - suspend and resume of both kernels under the
# real toolstack: `xl save -c` (a cancelled suspend), then `xl save` and
# `xl restore` twice, then `xl shutdown` (control(4)).
#
# One Xen boot (tools/xenlab/xenlab script tests/boot/suspend.dom0): a PV
# guest, then an HVM guest from an ISO made here first.  Nothing here can pass without the real peers: libxc's save
# reads our p2m frame lists and normalises our page tables, its restore
# rewrites start_info, xenstored and xenconsoled reconnect to the new
# domain's ports.

# The shared helpers (boot_top, fail_with_log, expect_line).
. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

# boot: the one Xen boot of this program (boot_once in boot.subr).
boot()
{
	boot_once suspend tests/boot/suspend.dom0 720 \
	    "tools/mkiso -o build/XENHVM/test-hsr.iso build/XENHVM/kernel test=control"
}

atf_test_case checkpoint_goes_on
checkpoint_goes_on_head()
{
	atf_set "descr" "xl save -c: the suspend is cancelled (hypercall" \
	    "returns 1) and the same domain goes on beating"
	atf_set "timeout" "780"
}
checkpoint_goes_on_body()
{
	boot
	expect_line '^domu: suspend-dom0-checkpoint: PASS' "$DIR.out" \
	    "the checkpoint"
	expect_line '^control: suspend cancelled, same domain' \
	    "$DIR/guest-sr.log" "the guest's view"
}

atf_test_case save_restore_twice
save_restore_twice_head()
{
	atf_set "descr" "xl save + xl restore, twice: the guest resumes in a" \
	    "new domain each time; timer, xenstore and console work"
	atf_set "timeout" "780"
}
save_restore_twice_body()
{
	boot
	expect_line '^domu: suspend-dom0-cycle: PASS cycle 1' "$DIR.out" \
		"the first cycle"
	expect_line '^domu: suspend-dom0-cycle: PASS cycle 2' "$DIR.out" \
		"the second cycle"
	expect_line '^domu: control-resume: PASS suspend 3 ' \
	    "$DIR/guest-sr.log" "the guest's third resume"
}

atf_test_case shutdown_after_restores
shutdown_after_restores_head()
{
	atf_set "descr" "after the restores xl shutdown still ends the guest" \
	    "in order, and its console log holds a successful result"
	atf_set "timeout" "780"
}
shutdown_after_restores_body()
{
	boot
	expect_line '^domu: suspend-dom0-shutdown: PASS' "$DIR.out" "shutdown"
	build/tools/judge "$DIR/guest-sr.log" >"$DIR.judge-sr" 2>&1 ||
	    fail_with_log "guest sr did not succeed" "$DIR.judge-sr"
	script_succeeded
}

atf_test_case hvm_save_restore
hvm_save_restore_head()
{
	atf_set "descr" "the HVM kernel: xl save -c, xl save + xl restore" \
	    "twice (shared_info, callback and ports put back by xenpci), then" \
	    "xl shutdown"
	atf_set "timeout" "780"
}
hvm_save_restore_body()
{
	boot
	for check in checkpoint "cycle: PASS cycle 1" "cycle: PASS cycle 2" \
	    shutdown; do
		case $check in
		cycle*)	expect_line "^domu: hvm-suspend-dom0-$check" \
			    "$DIR.out" "the HVM guest's $check" ;;
		*)	expect_line "^domu: hvm-suspend-dom0-$check: PASS" \
			    "$DIR.out" "the HVM guest's $check" ;;
		esac
	done
	build/tools/judge "$DIR/guest-hsr.log" >"$DIR.judge-hsr" 2>&1 ||
	    fail_with_log "guest hsr did not succeed" "$DIR.judge-hsr"
}

atf_init_test_cases()
{
	atf_add_test_case checkpoint_goes_on
	atf_add_test_case save_restore_twice
	atf_add_test_case shutdown_after_restores
	atf_add_test_case hvm_save_restore
}
