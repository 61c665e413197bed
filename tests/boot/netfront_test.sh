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

# The shared helpers (boot_top, xenlab_run, fail_with_log, expect_line).
. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

# check RE FILE WHAT: FILE must contain a line matching RE; remember a
# failure (with the file's end on stderr) and go on.
failures=
check()
{
	if ! grep -Eq "$1" "$2"; then
		echo "--- $3: no line matching '$1' in $2; its last lines:" >&2
		tail -n 15 "$2" >&2
		failures="$failures; $3"
	fi
}

atf_test_case netfront_under_xen
netfront_under_xen_head()
{
	atf_set "descr" "netfront against netback: handshake, pings both" \
	    "ways, a 4 MiB UDP echo, detach and re-attach at run time"
	atf_set "timeout" "480"
}
netfront_under_xen_body()
{
	local log

	XENLAB_TIMEOUT=420 xenlab_run boot-netfront-$$ script \
	    tests/boot/netfront.dom0
	dir=$RUN_DIR
	log=$dir/guest-nf.log

	if ! build/tools/judge "$log" >"$dir/judge-nf.out" 2>&1; then
		echo "--- the guest did not succeed:" >&2
		cat "$dir/judge-nf.out" >&2
		failures="$failures; guest nf failed"
	fi
	# The guest's side.
	check '^domu: nf-connect: PASS device/vif/0' "$log" "handshake"
	check '^domu: nf-ping-out: PASS 20/20 replies.*5/5 replies' "$log" \
	    "guest pings dom0"
	check '^domu: nf-reattach: PASS saw the vif go and come back' "$log" \
	    "guest saw detach and re-attach"
	check '^domu: nf-serve: PASS' "$log" "guest served, no protocol error"
	# dom0's side.
	check '^domu: nf-dom0-ping: PASS ([0-9]+) packets transmitted, \1 received' \
	    "$dir.out" "dom0 pings the guest 200 times"
	check '^domu: nf-udp-echo: PASS udpecho: PASS 4194304 bytes' \
	    "$dir.out" "4 MiB UDP echo"
	check '^domu: nf-dom0-ping-jumbo: PASS ([0-9]+) packets transmitted, \1 received' \
	    "$dir.out" "8000-byte pings: scatter-gather"
	check '^domu: nf-detach: PASS' "$dir.out" "xl network-detach"
	check '^domu: nf-attach: PASS' "$dir.out" "xl network-attach"
	check '^domu: nf-dom0-ping-reattach: PASS ([0-9]+) packets transmitted, \1 received' \
	    "$dir.out" "pings after re-attach"

	[ -z "$failures" ] || atf_fail "failed:${failures#;}"
}

atf_init_test_cases()
{
	atf_add_test_case netfront_under_xen
}
