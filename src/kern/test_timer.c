/*
 * kern/test_timer.c - the `timer` test: the PV clock and the one-shot
 * timer keep time, and sleeps end when they should.
 *
 * What reaching PASS proves:
 *   clock_monotonic  many back-to-back reads of system time
 *                    (xen/pvclock.c: version loop, TSC scaling) never
 *                    go backwards, within a read and across a sleep,
 *                    and advance as fast as the TSC says they should;
 *   sleep_200ms      a 200 ms sleep (callout -> VCPUOP_set_singleshot_timer
 *                    -> VIRQ_TIMER -> wakeup -> idle thread switches back)
 *                    lasts 200 ms to within 5%, never less, as measured by
 *                    the PV clock;
 *   sleep_timeout    a sleep nobody ends returns SLEEP_TIMEDOUT on time,
 *                    and one ended by a wakeup returns SLEEP_WOKEN early;
 *   wallclock        the wall clock from shared_info is a plausible date.
 *
 * Time is Xen's system time throughout, so these check our reading and
 * our timer queue against Xen's own idea of time; Xen's calibration of
 * the TSC under QEMU is not what is tested.  Walkthrough:
 * walkthroughs/boot-pv.md, "The first event".
 */

#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/test.h"
#include "kern/thread.h"
#include "xen/intr.h"
#include "xen/timer.h"

#define	MONOTONIC_READS		100000
#define	SLEEP_NS		(200 * NS_PER_MS)
/* 5% of the sleep: it may be that much late, never early. */
#define	SLEEP_SLACK_NS		(SLEEP_NS / 20)
#define	SLEEP_TRIES		3	/* the FAIL line prints all three */
#define	TIMEOUT_NS		(20 * NS_PER_MS)
#define	WAKEUP_AFTER_NS		(5 * NS_PER_MS)
/* Lateness that only the host can explain (see check_sleep). */
#define	LATE_MAX_NS		(500 * NS_PER_MS)
/* The wall clock must be past 2020-01-01 (1577836800 s since 1970). */
#define	WALLCLOCK_MIN_SEC	1577836800ULL

static void
check_monotonic(void)
{
	/* unsigned long long, not uint64_t: printed with %llu below. */
	unsigned long long first, prev, now, back_max = 0, tsc_start;
	unsigned long long tsc_us, clock_us, hz, diff;
	unsigned int i, backwards = 0;

	tsc_start = arch_rdtsc();
	first = prev = xen_clock_now();
	for (i = 0; i < MONOTONIC_READS; i++) {
		now = xen_clock_now();
		if (now < prev) {
			backwards++;
			if (prev - now > back_max)
				back_max = prev - now;
		}
		prev = now;
	}
	/*
	 * The clock must also move, at the TSC's pace: system time is the
	 * TSC scaled, so over the loop both must agree to within 2% (plus
	 * 100 us for the reads at either end).  A clock stuck at the
	 * record's system_time - what a wrong TSC difference gives - fails
	 * here, not above.
	 */
	hz = xen_tsc_hz();
	tsc_us = hz == 0 ? 0 : (arch_rdtsc() - tsc_start) * 1000000 / hz;
	clock_us = (prev - first) / NS_PER_US;
	diff = clock_us > tsc_us ? clock_us - tsc_us : tsc_us - clock_us;
	/* Across a sleep, where Xen may have updated the time record. */
	pause("monotonic", NS_PER_MS);
	now = xen_clock_now();
	if (now < prev)
		backwards++;
	if (backwards > 0 || hz == 0 || diff > tsc_us / 50 + 100) {
		report("clock_monotonic", FAIL, "in %d reads system time went "
		    "backwards %u times (by up to %llu ns); it advanced %llu us "
		    "while the TSC (%llu kHz) advanced %llu us", MONOTONIC_READS,
		    backwards, back_max, clock_us, hz / 1000, tsc_us);
		return;
	}
	report("clock_monotonic", PASS, "%d reads in %llu us (TSC: %llu us), "
	    "never backwards; TSC %llu kHz per Xen's scale", MONOTONIC_READS,
	    clock_us, tsc_us, hz / 1000);
}

/*
 * One sleep of SLEEP_NS through the whole path: pause() arms a callout,
 * the callout queue arms Xen's one-shot timer, the idle thread blocks the
 * vCPU, VIRQ_TIMER's upcall runs the callout, which wakes us, and the
 * idle thread switches back.  Measured from before the sleep to after
 * it, with the same PV clock that computed the deadline.
 *
 * Waking early is a bug in our timer queue and fails at once.  Waking
 * late can also be the host's doing: Xen runs inside QEMU, whose vCPU
 * threads share two host cores with everything else, and a thread the
 * host leaves waiting 10 ms makes us 5% late.  So a late sleep is tried
 * again, up to SLEEP_TRIES times, and the line says which try passed.
 */
static void
check_sleep(void)
{
	uint64_t start, slept[SLEEP_TRIES];
	int try;

	for (try = 0; try < SLEEP_TRIES; try++) {
		start = xen_clock_now();
		pause("sleep200", SLEEP_NS);
		slept[try] = xen_clock_now() - start;
		if (slept[try] < SLEEP_NS) {
			report("sleep_200ms", FAIL, "slept %llu us for %llu us: "
			    "woken early", slept[try] / NS_PER_US,
			    SLEEP_NS / NS_PER_US);
			return;
		}
		if (slept[try] <= SLEEP_NS + SLEEP_SLACK_NS)
			break;
	}
	if (try == SLEEP_TRIES) {
		report("sleep_200ms", FAIL, "slept %llu, %llu, %llu us for %llu "
		    "us (allowed up to %llu us)", slept[0] / NS_PER_US,
		    slept[1] / NS_PER_US, slept[2] / NS_PER_US,
		    SLEEP_NS / NS_PER_US,
		    (SLEEP_NS + SLEEP_SLACK_NS) / NS_PER_US);
		return;
	}
	report("sleep_200ms", PASS, "slept %llu us for %llu us (+%llu us, "
	    "%llu.%02llu%% late), try %d of %d", slept[try] / NS_PER_US,
	    SLEEP_NS / NS_PER_US, (slept[try] - SLEEP_NS) / NS_PER_US,
	    (slept[try] - SLEEP_NS) * 100 / SLEEP_NS,
	    (slept[try] - SLEEP_NS) * 10000 / SLEEP_NS % 100, try + 1,
	    SLEEP_TRIES);
}

/* A channel no one else knows, and the callout that wakes it. */
static int sleep_chan;

static void
wake_sleep_chan(void *arg)
{

	wakeup(arg);
}

/*
 * The two ways out of a sleep with a timeout: nobody wakes it and the
 * timeout ends it (SLEEP_TIMEDOUT, not before TIMEOUT_NS), or a wakeup
 * ends it early (SLEEP_WOKEN, and its timeout callout must then be
 * cancelled, or it would fire later on a thread doing something else).
 */
static void
check_timeout(void)
{
	struct callout waker;
	uint64_t start, timed, woken;
	int r1, r2, was;

	/* Nobody wakes this sleep: it must end by its timeout. */
	start = xen_clock_now();
	r1 = tsleep(&sleep_chan, "timeout", TIMEOUT_NS);
	timed = xen_clock_now() - start;
	/*
	 * A callout wakes this one long before its 1 s timeout.  Masked
	 * from arming to sleeping, so that even a slow vCPU cannot run the
	 * callout before we are asleep (its wakeup would find nobody).
	 */
	callout_init(&waker);
	was = intr_disable();
	start = xen_clock_now();
	callout_reset(&waker, WAKEUP_AFTER_NS, wake_sleep_chan, &sleep_chan);
	r2 = tsleep(&sleep_chan, "woken", NS_PER_SEC);
	intr_restore(was);
	woken = xen_clock_now() - start;
	(void)callout_stop(&waker);
	if (r1 != SLEEP_TIMEDOUT || timed < TIMEOUT_NS ||
	    timed > TIMEOUT_NS + LATE_MAX_NS || r2 != SLEEP_WOKEN ||
	    woken < WAKEUP_AFTER_NS || woken > WAKEUP_AFTER_NS + LATE_MAX_NS) {
		report("sleep_timeout", FAIL, "unwoken %llu ms sleep returned "
		    "%d after %llu us; sleep woken at %llu ms returned %d "
		    "after %llu us", TIMEOUT_NS / NS_PER_MS, r1,
		    timed / NS_PER_US, WAKEUP_AFTER_NS / NS_PER_MS, r2,
		    woken / NS_PER_US);
		return;
	}
	report("sleep_timeout", PASS, "unwoken sleep timed out after %llu us "
	    "(%llu ms asked); woken sleep returned after %llu us",
	    timed / NS_PER_US, TIMEOUT_NS / NS_PER_MS, woken / NS_PER_US);
}

/*
 * The wall clock: dom0's idea of the date at our boot, from shared_info
 * (wc_sec, wc_nsec, and the high bits i386 keeps elsewhere), plus system
 * time.  Only plausibility can be checked from inside the guest.
 */
static void
check_wallclock(void)
{
	uint64_t sec;
	uint32_t nsec;

	if (xen_wallclock(&sec, &nsec) != 0) {
		report("wallclock", FAIL, "shared_info wall clock stayed "
		    "mid-update");
		return;
	}
	if (sec < WALLCLOCK_MIN_SEC) {
		report("wallclock", FAIL, "%llu s since 1970 is before 2020: "
		    "wc_sec/wc_nsec not read right?", (unsigned long long)sec);
		return;
	}
	/* 31556952 s is the average Gregorian year. */
	report("wallclock", PASS, "%llu.%09u s since 1970 (about year %llu)",
	    (unsigned long long)sec, nsec, 1970 + sec / 31556952ULL);
}

static void
test_timer(void)
{

	check_monotonic();
	check_sleep();
	check_timeout();
	check_wallclock();
}

DOMU_TEST(timer, "the PV clock, one-shot timers and sleep timeouts",
    test_timer, 0);
