#! /usr/bin/env atf-sh
#
# tests/boot/control_test - the control driver (control(4)) under the
# real Xen and toolstack: xl shutdown, xl reboot, halt and crash written
# by hand, nonsense ignored, xl destroy leaving dom0 clean.
#
# One Xen boot (tools/xenlab/xenlab script tests/boot/control.dom0) runs
# five guests side by side, each ended a different way by dom0 (see that
# script).  Each case below judges one of them from the logs of that
# boot, which the first case to run produces and the others reuse.
#
# Nothing here can pass without the real peers: libxl writes the
# requests and waits for our acknowledgement, Xen records the reason the
# domain gave, xl's monitor rebuilds the domain on reboot.

# The shared helpers (boot_top, fail_with_log, expect_line).
. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

# boot: the one Xen boot of this program (boot_once in boot.subr).
boot()
{
	boot_once control tests/boot/control.dom0 280
}

# judge NAME: the guest's console log must satisfy the judge.
judge()
{
	build/tools/judge "$DIR/guest-$1.log" >"$DIR.judge-$1" 2>&1 ||
	    fail_with_log "guest $1 did not succeed" "$DIR.judge-$1"
}

atf_test_case xl_shutdown_is_orderly
xl_shutdown_is_orderly_head()
{
	atf_set "descr" "xl shutdown: the guest acknowledges, logs an orderly" \
	    "poweroff after its result, the domain ends with reason poweroff;" \
	    "nonsense in control/shutdown is ignored first"
	atf_set "timeout" "300"
}
xl_shutdown_is_orderly_body()
{
	boot
	expect_line '^domu: control-dom0-bogus: PASS' "$DIR.out" "the nonsense"
	expect_line '^domu: control-dom0-off: PASS' "$DIR.out" "xl shutdown"
	judge off
	expect_line '^domu: control-features: PASS feature-poweroff=1 feature-reboot=1' \
	    "$DIR/guest-off.log" "the features"
	expect_line '^domu: control-shutdown: PASS orderly poweroff' \
	    "$DIR/guest-off.log" "the guest's view"
	expect_line '^shutdown: orderly poweroff' "$DIR/guest-off.log" \
	    "the orderly end"
}

atf_test_case xl_reboot_comes_back
xl_reboot_comes_back_head()
{
	atf_set "descr" "xl reboot: the guest ends with reason reboot, xl" \
	    "builds it again, it counts its second boot, then shuts down"
	atf_set "timeout" "300"
}
xl_reboot_comes_back_body()
{
	boot
	expect_line '^domu: control-dom0-reboot: PASS' "$DIR.out" "xl reboot"
	expect_line '^domu: control-dom0-reboot-off: PASS' "$DIR.out" \
	    "the shutdown after the reboot"
	judge reb
	expect_line '^domu: control-shutdown: PASS orderly reboot' \
	    "$DIR/guest-reb.log" "the first boot's end"
	expect_line '^domu: control-boot: PASS boot 2' "$DIR/guest-reb.log" \
	    "the second boot"
}

atf_test_case halt_and_crash_by_hand
halt_and_crash_by_hand_head()
{
	atf_set "descr" "\"halt\" ends the domain like poweroff; \"crash\"" \
	    "ends it crashed (reason 3)"
	atf_set "timeout" "300"
}
halt_and_crash_by_hand_body()
{
	boot
	expect_line '^domu: control-dom0-halt: PASS' "$DIR.out" "halt"
	expect_line '^domu: control-dom0-crash: PASS' "$DIR.out" "crash"
	judge hlt
	judge crs
	expect_line '^shutdown: orderly crash' "$DIR/guest-crs.log" \
	    "the crash's orderly end"
}

atf_test_case destroy_leaves_dom0_clean
destroy_leaves_dom0_clean_head()
{
	atf_set "descr" "xl destroy of a busy guest with a vif and a disk" \
	    "leaves no domain, no home and no back-end directories"
	atf_set "timeout" "300"
}
destroy_leaves_dom0_clean_body()
{
	boot
	expect_line '^domu: control-dom0-destroy: PASS' "$DIR.out" "xl destroy"
}

atf_test_case whole_script_succeeds
whole_script_succeeds_head()
{
	atf_set "descr" "the dom0 script of the boot exits 0"
	atf_set "timeout" "300"
}
whole_script_succeeds_body()
{
	boot
	script_succeeded
}

atf_init_test_cases()
{
	atf_add_test_case xl_shutdown_is_orderly
	atf_add_test_case xl_reboot_comes_back
	atf_add_test_case halt_and_crash_by_hand
	atf_add_test_case destroy_leaves_dom0_clean
	atf_add_test_case whole_script_succeeds
}
