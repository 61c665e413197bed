#! /usr/bin/env atf-sh
#
# tests/boot/netfront_test - netfront and the guest's IPv4 stack against
# Linux's netback in dom0, under the real Xen.
#
# One Xen boot (tests/boot/netfront.dom0), one guest (test=netfront)
# with a vif on dom0's bridge xenbr0.  The guest connects, pings dom0,
# and serves while dom0 pings it 200 times, echoes 4 MiB of UDP through
# it (tests/boot/udpecho.c), detaches the vif with xl network-detach and
# attaches it again with xl network-attach; the guest must notice both
# and ping dom0 after the re-attach.  The checks are the guest's own
# lines (nf-*) and dom0's (nf-dom0-*, nf-udp-echo, nf-detach,
# nf-attach); each failure is reported, not only the first.
#

# The shared helpers (boot_once, fail_with_log, expect_line, check).
. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

# boot: the one Xen boot of this program (boot_once in boot.subr); the
# HVM guest's ISO is made first.
boot()
{
	boot_once netfront tests/boot/netfront.dom0 700 \
	    "tools/mkiso -o build/XENHVM/test-hnf.iso build/XENHVM/kernel test=netfront ip=169.254.0.3/16 peer=169.254.0.1"
}

# check_guest NAME PREFIX: the checks of one guest (NAME) and of dom0's
# part for it (lines PREFIXnf-*).
check_guest()
{
	local log=$DIR/guest-$1.log p=$2

	if ! build/tools/judge "$log" >"$DIR.judge-$1" 2>&1; then
		echo "--- the guest did not succeed:" >&2
		cat "$DIR.judge-$1" >&2
		failures="$failures; guest $1 failed"
	fi
	# The guest's side.
	check '^domu: nf-connect: PASS device/vif/0' "$log" "handshake"
	check '^domu: nf-ping-out: PASS 20/20 replies.*5/5 replies' "$log" \
	    "guest pings dom0"
	check '^domu: nf-reattach: PASS saw the vif go and come back' "$log" \
	    "guest saw detach and re-attach"
	check '^domu: nf-serve: PASS' "$log" "guest served, no protocol error"
	# dom0's side.
	check "^domu: ${p}nf-dom0-ping: PASS ([0-9]+) packets transmitted, \\1 received" \
	    "$DIR.out" "dom0 pings the guest 200 times"
	check "^domu: ${p}nf-udp-echo: PASS udpecho: PASS 4194304 bytes" \
	    "$DIR.out" "4 MiB UDP echo"
	check "^domu: ${p}nf-dom0-ping-jumbo: PASS ([0-9]+) packets transmitted, \\1 received" \
	    "$DIR.out" "8000-byte pings: scatter-gather"
	check "^domu: ${p}nf-detach: PASS" "$DIR.out" "xl network-detach"
	check "^domu: ${p}nf-attach: PASS" "$DIR.out" "xl network-attach"
	check "^domu: ${p}nf-dom0-ping-reattach: PASS ([0-9]+) packets transmitted, \\1 received" \
	    "$DIR.out" "pings after re-attach"
	[ -z "$failures" ] || atf_fail "failed:${failures#;}"
}

atf_test_case netfront_under_xen
netfront_under_xen_head()
{
	atf_set "descr" "netfront against netback: handshake, pings both" \
	    "ways, a 4 MiB UDP echo, detach and re-attach at run time"
	atf_set "timeout" "760"
}
netfront_under_xen_body()
{
	boot
	check_guest nf ""
}

atf_test_case hvm_kernel_same_network
hvm_kernel_same_network_head()
{
	atf_set "descr" "the HVM kernel's netfront (the same code) passes the" \
	    "same checks: pings both ways, UDP echo, jumbo frames, detach" \
	    "and re-attach"
	atf_set "timeout" "760"
}
hvm_kernel_same_network_body()
{
	boot
	check_guest hnf hvm-
}

atf_init_test_cases()
{
	atf_add_test_case netfront_under_xen
	atf_add_test_case hvm_kernel_same_network
}
