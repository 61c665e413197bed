#! /usr/bin/env atf-sh
#
# tests/boot/events_test - events, time, threads and locks of the PV i386
# kernel, under the real Xen.
#
# One Xen boot (tests/boot/events.dom0) runs eight guests: the built-in
# tests timer, events, threads (twice: the XEN kernel with adaptive
# mutexes, and the XEN_NOADAPTIVE kernel, built here, with
# `options NO_ADAPTIVE_MUTEXES`), the default run with no test=,
# evtchn_dom0 with a peer program in dom0 (tests/boot/evtchn_peer.c,
# through /dev/xen/evtchn), and two guests joined by one channel
# (evtchn_offer and evtchn_connect, dom0 relaying through xenstore).
# Nothing here can pass without Xen: the timer events, the upcalls and
# the peers' events all come through the hypervisor.
#
# A boot costs about 15 s, so there is one test case; it checks every
# guest and reports every check that failed, not only the first.
#

# The shared helpers (boot_top, xenlab_run, fail_with_log, expect_line,
# check).
. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

# judged GUEST: the judge accepts the guest's console log.
judged()
{
	if ! build/tools/judge "$dir/guest-$1.log" >"$dir/judge-$1.out" 2>&1
	then
		echo "--- guest $1 did not succeed:" >&2
		cat "$dir/judge-$1.out" >&2
		failures="$failures; guest $1 failed"
	fi
}

atf_test_case events_time_threads_under_xen
events_time_threads_under_xen_head()
{
	atf_set "descr" "eight guests in one Xen boot: test=events," \
	    "test=timer, test=threads on XEN and XEN_NOADAPTIVE, the" \
	    "default run, test=evtchn_dom0 against a peer program in dom0," \
	    "and a channel between two guests"
	atf_set "timeout" "330"
}
events_time_threads_under_xen_body()
{
	local build=build/xenlab/boot-events-$$.build

	cd "$(boot_top)" || atf_fail "no tree"
	mkdir -p build/xenlab
	make -s KERNCONF=XEN_NOADAPTIVE kernel >"$build" 2>&1 ||
	    fail_with_log "cannot build the XEN_NOADAPTIVE kernel" "$build"
	XENLAB_TIMEOUT=280 xenlab_run boot-events-$$ script \
	    tests/boot/events.dom0
	dir=$RUN_DIR

	for guest in events timer threads noadaptive default dom0peer \
	    pairA pairB; do
		judged "$guest"
	done

	# events: VIRQ_TIMER, the storm, loopback, masks, close.
	log=$dir/guest-events.log
	check '^domu: evtchn_virq_timer: PASS 20 one-shot timers' "$log" \
	    "VIRQ_TIMER"
	check '^domu: evtchn_storm: PASS 20000 chained' "$log" "timer storm"
	check '^domu: evtchn_loopback: PASS .* 100 events each way' "$log" \
	    "loopback channel"
	check '^domu: evtchn_mask: PASS' "$log" "masks"
	check '^domu: evtchn_close: PASS' "$log" "close"

	# timer: 200 ms within 5% (the guest checks the bound), monotonic.
	log=$dir/guest-timer.log
	check '^domu: clock_monotonic: PASS' "$log" "monotonic clock"
	check '^domu: sleep_200ms: PASS' "$log" "200 ms sleep"
	check '^domu: sleep_timeout: PASS' "$log" "sleep timeouts"
	check '^domu: wallclock: PASS' "$log" "wall clock"

	# threads, with each mutex policy.
	check '^domu: pingpong: PASS 10000 rounds each' \
	    "$dir/guest-threads.log" "ping-pong"
	check '^domu: mutex_contention: PASS adaptive mutexes' \
	    "$dir/guest-threads.log" "adaptive mutexes"
	check '^domu: pingpong: PASS 10000 rounds each' \
	    "$dir/guest-noadaptive.log" "ping-pong on XEN_NOADAPTIVE"
	check '^domu: mutex_contention: PASS no-adaptive mutexes' \
	    "$dir/guest-noadaptive.log" "NO_ADAPTIVE_MUTEXES policy"

	# The default run (as `make run`) has all of the above.
	for name in hello evtchn_loopback sleep_200ms pingpong; do
		check "^domu: $name: PASS" "$dir/guest-default.log" \
		    "default run's $name"
	done

	# The dom0 peer: both sides.
	check '^domu: evtchn_dom0: PASS 100 events from dom0' \
	    "$dir/guest-dom0peer.log" "evtchn_dom0, the guest's side"
	check '^domu: evtchn_peer: PASS 100 round trips' "$dir.out" \
	    "evtchn_dom0, dom0's side"

	# Two guests, one channel: dom0 relayed, both ends saw every event.
	check '^domu: evtchn_relay: PASS' "$dir.out" "the relay in dom0"
	check '^domu: evtchn_offer: PASS .* 100 events received' \
	    "$dir/guest-pairA.log" "guest A, the offering end"
	check '^domu: evtchn_connect: PASS .* 100 answers' \
	    "$dir/guest-pairB.log" "guest B, the binding end"

	[ -z "$failures" ] || atf_fail "failed:${failures#;}"
}

atf_init_test_cases()
{
	atf_add_test_case events_time_threads_under_xen
}
