#! /usr/bin/env atf-sh
#
# tests/boot/hello_test - the PV i386 kernel boots under the real Xen.
#
# Each test case boots Xen 4.17 and a Debian dom0 in QEMU through
# tools/xenlab/xenlab, starts our kernel (build/XEN/kernel) as a PV guest
# with `xl create`, and reads what the guest printed on its console ring
# (the log xenconsoled wrote in dom0) and on Xen's serial line.
#
# No test here can pass without the real thing: the start_info magic and
# page count in the guest's line come from Xen's domain builder, the
# guest log is written by xenconsoled, and Xen's serial transcript must
# show both Xen's banner and the guest's own early-console line, which
# only a hypervisor built by xenlab setup (CONFIG_VERBOSE_DEBUG) prints.
#

# The shared helpers (top, boot_enter, fail_with_log, expect_line):
# tests/boot/boot.subr at the top of the tree.
for boot_dir in "$(atf_get_srcdir)/../../.." "$(atf_get_srcdir)/../.."; do
	[ -f "$boot_dir/tests/boot/boot.subr" ] && break
done
. "$boot_dir/tests/boot/boot.subr"

atf_test_case hello_guest_boots_and_reports_start_info
hello_guest_boots_and_reports_start_info_head()
{
	atf_set "descr" "xenlab guest boots build/XEN/kernel with 64 MiB" \
	    "and test=hello; the guest reports Xen's start_info values"
	atf_set "timeout" "300"
}
hello_guest_boots_and_reports_start_info_body()
{
	local top run dir
	boot_enter boot-hello

	tools/xenlab/xenlab guest build/XEN/kernel --name hello \
	    --memory 64 --extra "test=hello" --run "$run" --timeout 240 \
	    >"$dir.out" 2>&1 ||
	    fail_with_log "xenlab guest failed (exit $?)" "$dir.out"

	# 64 MiB is 16384 pages of 4 KiB; the command line is ours.
	expect_line '^domu: hello: PASS xen-3\.0-x86_32p nr_pages=16384 cmdline=test=hello$' \
	    "$dir/guest-hello.log" "guest's hello line"
	expect_line '^domu: result: SUCCESS' "$dir/guest-hello.log" \
	    "guest's result line"
	# The hypervisor is the one xenlab built, and it ran our kernel.
	expect_line 'Xen version 4\.17' "$dir/xen-serial.log" "Xen's banner"
	expect_line '\(d[0-9]+\) domu kernel: started as xen-3\.0-x86_32p with 16384 pages' \
	    "$dir/xen-serial.log" "the guest's console_io line"
}

atf_test_case concurrent_guests_share_one_xen_boot
concurrent_guests_share_one_xen_boot_head()
{
	atf_set "descr" "three guests started together in one Xen boot:" \
	    "two hello guests of different sizes pass, an unknown test name" \
	    "ends in domu: result: ERROR"
	atf_set "timeout" "300"
}
concurrent_guests_share_one_xen_boot_body()
{
	local top run dir
	boot_enter boot-concurrent

	tools/xenlab/xenlab script tests/boot/concurrent.dom0 --run "$run" \
	    --timeout 240 >"$dir.out" 2>&1 ||
	    fail_with_log "the dom0 script failed (exit $?)" "$dir.out"

	# dom0 saw all three domains at once.
	expect_line '^domu: concurrent: PASS' "$dir.out" "dom0's check"
	# Each guest's own console, judged by the same judge as every test.
	for guest in hello-a hello-b; do
		build/tools/judge "$dir/guest-$guest.log" >"$dir.judge" 2>&1 ||
		    fail_with_log "guest $guest did not succeed" "$dir.judge"
	done
	expect_line 'nr_pages=16384 cmdline=test=hello$' \
	    "$dir/guest-hello-a.log" "hello-a's size"
	expect_line 'nr_pages=32768 cmdline=test=hello$' \
	    "$dir/guest-hello-b.log" "hello-b's size"
	# An unknown test is an error, and the judge must say so.
	expect_line '^domu: result: ERROR unknown test nonesuch$' \
	    "$dir/guest-unknown.log" "the unknown test's result"
	if build/tools/judge "$dir/guest-unknown.log" >/dev/null 2>&1; then
		atf_fail "judge accepted a guest whose result was ERROR"
	fi
}

atf_init_test_cases()
{
	atf_add_test_case hello_guest_boots_and_reports_start_info
	atf_add_test_case concurrent_guests_share_one_xen_boot
}
