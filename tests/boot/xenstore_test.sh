#! /usr/bin/env atf-sh
#
# tests/boot/xenstore_test - the kernel core's Xen services under the
# real Xen: xenstore, xenbus, grant tables and console input.
#
# One Xen boot (tools/xenlab/xenlab script tests/boot/xenstore.dom0)
# runs five guests, one after the other, each with dom0 playing its part
# (see that script).  Each test case below judges one of them from the
# logs of that boot, which the first case to run produces and the others
# of the same Kyua run reuse: Kyua runs the cases of a program one by
# one, and a Xen boot for each would cost ~40 s for nothing.
#
# Nothing here can pass without the real peers: xenstored answers the
# xenstore requests; Linux's gntdev maps the granted page; xenconsoled
# feeds the console pty's bytes into the ring; Linux's netback and
# blkback follow the xenbus close sequence.
#

# The shared helpers (boot_top, fail_with_log, expect_line).
. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

# boot: the one Xen boot of this program (boot_once in boot.subr).
boot()
{
	boot_once xenstore tests/boot/xenstore.dom0 280
}

atf_test_case default_run_passes_xenstore_and_gnttab
default_run_passes_xenstore_and_gnttab_head()
{
	atf_set "descr" "with no test=, the kernel runs hello, xenstore and" \
	    "gnttab (the make run set) against xenstored and Xen, and passes"
	atf_set "timeout" "300"
}
default_run_passes_xenstore_and_gnttab_body()
{
	boot
	judge_guest default
	for check in xs-identity xs-readwrite xs-errors xs-directory \
	    xs-transaction xs-watch xs-roundtrips gnttab-setup gnttab-copy \
	    gnttab-refs; do
		expect_line "^domu: $check: PASS" "$DIR/guest-default.log" \
		    "the default guest's $check check"
	done
	# The toolstack's name for the guest, read through xenstore.
	expect_line '^domu: xs-identity: PASS domid [0-9]+ name default$' \
	    "$DIR/guest-default.log" "the name read from xenstore"
}

atf_test_case watch_fires_when_dom0_writes
watch_fires_when_dom0_writes_head()
{
	atf_set "descr" "a guest's xenstore watch fires when dom0 writes the" \
	    "key, after the guest said it was ready"
	atf_set "timeout" "300"
}
watch_fires_when_dom0_writes_body()
{
	boot
	expect_line '^domu: xs-dom0-write: PASS' "$DIR.out" "dom0's write"
	judge_guest xs
	expect_line '^domu: xs-dom0-watch: PASS' "$DIR/guest-xs.log" \
	    "the guest's watch"
}

atf_test_case dom0_maps_a_granted_page
dom0_maps_a_granted_page_head()
{
	atf_set "descr" "dom0 maps a page the guest granted (gntdev), reads" \
	    "the pattern, replies; the guest cannot revoke while it is mapped"
	atf_set "timeout" "300"
}
dom0_maps_a_granted_page_body()
{
	boot
	expect_line '^domu: gnttab-dom0-map: PASS' "$DIR.out" "dom0's mapping"
	judge_guest gnt
	expect_line '^domu: gnttab-dom0: PASS .*refused while mapped' \
	    "$DIR/guest-gnt.log" "the guest's grant"
}

atf_test_case console_line_from_dom0_is_echoed
console_line_from_dom0_is_echoed_head()
{
	atf_set "descr" "a line written to the guest's console pty in dom0" \
	    "arrives through the ring's in half and is echoed"
	atf_set "timeout" "300"
}
console_line_from_dom0_is_echoed_body()
{
	boot
	expect_line '^domu: console-echo: PASS' "$DIR.out" "dom0's check"
	judge_guest con
	expect_line '^console: got hello from dom0' "$DIR/guest-con.log" \
	    "the echo"
}

atf_test_case xenbus_finds_devices_and_closes_them
xenbus_finds_devices_and_closes_them_head()
{
	atf_set "descr" "xenbus finds the vif, the disk and a scripted device," \
	    "attaches the driver, shakes hands and closes with each back end"
	atf_set "timeout" "300"
}
xenbus_finds_devices_and_closes_them_body()
{
	boot
	expect_line '^domu: xb-dom0-backend: PASS' "$DIR.out" \
	    "dom0's scripted back end"
	judge_guest xb
	for check in xb-probe xb-driver xb-handshake xb-close; do
		expect_line "^domu: $check: PASS" "$DIR/guest-xb.log" \
		    "the guest's $check check"
	done
}

atf_test_case whole_script_succeeds
whole_script_succeeds_head()
{
	atf_set "descr" "the dom0 script of the boot exits 0 (every guest" \
	    "powered off in time, every dom0 check passed)"
	atf_set "timeout" "300"
}
whole_script_succeeds_body()
{
	boot
	[ "$(cat "$DIR.done")" = 0 ] ||
	    fail_with_log "xenlab script exited $(cat "$DIR.done")" "$DIR.out"
	if grep -q '^domu: [^:]*: FAIL' "$DIR.out"; then
		fail_with_log "a dom0 check failed" "$DIR.out"
	fi
}

atf_init_test_cases()
{
	atf_add_test_case default_run_passes_xenstore_and_gnttab
	atf_add_test_case watch_fires_when_dom0_writes
	atf_add_test_case dom0_maps_a_granted_page
	atf_add_test_case console_line_from_dom0_is_echoed
	atf_add_test_case xenbus_finds_devices_and_closes_them
	atf_add_test_case whole_script_succeeds
}
