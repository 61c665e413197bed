/*
 * kern/callout.c - the timer queue (kern/callout.h).
 *
 * Where this sits: sleeps with a timeout (kern/thread.c) and tests put
 * callouts on the queue; the queue arms Xen's one-shot timer
 * (xen_timer_set) for the earliest; when it fires, Xen raises VIRQ_TIMER,
 * the upcall calls callout_expire(), which runs what is due and arms the
 * timer again.  A NATIVE kernel has the same queue over the local APIC
 * timer.  Walkthrough: walkthroughs/boot-pv.md, "The first event".
 *
 * The queue is a list sorted by deadline: insertion walks it, expiry
 * takes from the head.  FreeBSD uses a timing wheel to make insertion
 * O(1) for thousands of callouts; we have a handful.
 *
 * Locking: the queue is changed by threads and by callout_expire() in
 * upcall context, so threads change it with upcalls masked (xen/intr.h).
 * With one vCPU that is all the mutual exclusion needed.
 */

#include "kern/callout.h"
#include "kern/libkern.h"
#include "xen/intr.h"
#include "xen/timer.h"

/* Pending callouts, earliest first. */
static struct callout *callout_queue;

void
callout_init(struct callout *c)
{

	memset(c, 0, sizeof(*c));
}

/* Unlink c if it is queued; upcalls masked.  1 if it was. */
static int
callout_unlink(struct callout *c)
{
	struct callout **pp;

	if (!c->c_pending)
		return (0);
	for (pp = &callout_queue; *pp != NULL; pp = &(*pp)->c_next) {
		if (*pp == c) {
			*pp = c->c_next;
			break;
		}
	}
	c->c_pending = 0;
	c->c_next = NULL;
	return (1);
}

void
callout_reset_at(struct callout *c, uint64_t deadline,
    void (*func)(void *), void *arg)
{
	struct callout **pp;
	int was;

	was = intr_disable();
	(void)callout_unlink(c);
	c->c_deadline = deadline;
	c->c_func = func;
	c->c_arg = arg;
	/* After every callout due no later: equal deadlines run in order. */
	for (pp = &callout_queue; *pp != NULL; pp = &(*pp)->c_next)
		if ((*pp)->c_deadline > deadline)
			break;
	c->c_next = *pp;
	*pp = c;
	c->c_pending = 1;
	/*
	 * A new earliest deadline moves the timer earlier.  A callout added
	 * behind the head needs nothing: the head's timer fires first, and
	 * callout_expire() re-arms for what is next.
	 */
	if (callout_queue == c)
		xen_timer_set(deadline);
	intr_restore(was);
}

void
callout_reset(struct callout *c, uint64_t delay_ns, void (*func)(void *),
    void *arg)
{

	callout_reset_at(c, xen_clock_now() + delay_ns, func, arg);
}

int
callout_stop(struct callout *c)
{
	int was, pending;

	/*
	 * Removing the head leaves the timer armed for it; it then fires
	 * for nothing, and callout_expire() re-arms for the new head.  That
	 * costs one spurious event and saves a hypercall on every stop.
	 */
	was = intr_disable();
	pending = callout_unlink(c);
	intr_restore(was);
	return (pending);
}

void
callout_expire(void)
{
	struct callout *c;
	uint64_t now;

	/*
	 * Upcall context: upcalls are masked already.  The clock is read
	 * again after each callout, since a callout's function takes time
	 * and may queue another one that is due already.
	 */
	for (;;) {
		c = callout_queue;
		if (c == NULL)
			return;
		now = xen_clock_now();
		if (c->c_deadline > now)
			break;
		/* Off the queue before it runs, so it may reschedule itself. */
		callout_queue = c->c_next;
		c->c_next = NULL;
		c->c_pending = 0;
		c->c_func(c->c_arg);
	}
	/*
	 * Something is still queued and not yet due.  If its deadline passes
	 * before Xen sees this request, Xen fires at once: nothing is lost.
	 * Xen may also fire up to its timer_slop (50 us) before a deadline,
	 * to batch timers; we then find nothing due and re-arm for the same
	 * deadline, which Xen may fire again at once: a burst of events that
	 * lasts at most timer_slop, after which the callout runs on time.
	 */
	xen_timer_set(c->c_deadline);
}
