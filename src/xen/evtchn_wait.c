/*
 * xen/evtchn_wait.c - wait for a ring's peer: sleep until its event, or
 * poll the port where sleeping is impossible (interface and the reasons
 * in xen/evtchn_wait.h).
 *
 * Where this sits: between the drivers that wait for dom0's daemons
 * (src/xen/xenstore.c for xenstored, src/dev/xen/console/console.c for
 * xenconsoled) and the two ways the kernel has to wait for an event:
 * sleep/wakeup (kern/thread.c) and SCHEDOP_poll (xen/evtchn.c).  Protocol
 * of the poll: SCHEDOP_poll in xen/include/public/sched.h.
 */

#include "xen/xen.h"

#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/thread.h"
#include "xen/evtchn.h"
#include "xen/evtchn_wait.h"
#include "xen/intr.h"
#include "xen/timer.h"

/*
 * The sleeping wait.  Upcalls are masked from each test of ready() to
 * the sleep that follows it; sleep_locked() (kern/thread.c) switches
 * away with them masked, and only the next thread or the idle loop
 * unmasks them.  So the port's handler, which would wake us, runs
 * either before the test (and the test sees what it announced) or
 * after we are asleep on the channel (and wakes us): never in between.
 * A spurious wake-up - a wakeup(chan) for another waiter, or an event
 * that changed something else - only costs one more test.
 */
static int
evtchn_wait_sleep(const struct evtchn_waitq *q, struct mtx *mtx,
    bool (*ready)(void *), void *arg, uint64_t deadline)
{
	uint64_t now, timeout;
	int was, error = 0;

	was = intr_disable();
	while (!ready(arg)) {
		timeout = 0;			/* no bound: a service thread */
		if (deadline != 0) {
			now = xen_clock_now();
			if (now >= deadline) {
				error = -ETIMEDOUT;
				break;
			}
			timeout = deadline - now;
		}
		/* With mtx, msleep releases it once we are asleep. */
		(void)msleep(q->chan, mtx, q->wmesg, timeout);
	}
	intr_restore(was);
	return (error);
}

/*
 * The polling wait, with upcalls masked throughout: no handler may take
 * the port's event, since the poll is what must see it.  Clear the
 * pending bit, then test, then poll - an event after the clear sets the
 * bit again and the poll returns at once; testing first and clearing
 * after could clear an event that came in between and poll past it.
 * An event cleared here was meant for the handler too: wakeup(chan) in
 * its place, for any thread asleep on the channel meanwhile.
 */
static int
evtchn_wait_poll(const struct evtchn_waitq *q, bool (*ready)(void *),
    void *arg, uint64_t deadline)
{
	int was, error = 0;

	was = intr_disable();
	for (;;) {
		if (evtchn_clear_pending(q->port))
			wakeup(q->chan);
		if (ready(arg))
			break;
		if (xen_clock_now() >= deadline) {
			error = -ETIMEDOUT;
			break;
		}
		/* Returns on the event, at the deadline, or at once. */
		(void)evtchn_poll(q->port, deadline);
	}
	intr_restore(was);
	return (error);
}

/*
 * The handler evtchn_wait_bind() installs (upcall context): the peer
 * changed the ring.  Wake every thread waiting on it; each tests its
 * own condition again.  That is all a handler may do here: it runs
 * with upcalls masked, on whatever stack was interrupted.
 */
static void
evtchn_wait_intr(evtchn_port_t port, void *arg)
{

	(void)port;
	wakeup(arg);
}

int
evtchn_wait_bind(struct evtchn_waitq *q, const void *chan)
{
	int error;

	/*
	 * The const is cast away for the handler's argument only: wakeup()
	 * takes the channel as a name, and never writes through it.
	 */
	error = evtchn_bind_handler(q->port, evtchn_wait_intr, (void *)chan);
	if (error == 0)
		q->chan = chan;
	return (error);
}

int
evtchn_wait(const struct evtchn_waitq *q, struct mtx *mtx,
    bool (*ready)(void *), void *arg, uint64_t deadline)
{

	/* Sleep only where a thread may, and when a handler will wake it. */
	if (q->chan != NULL && thread_can_sleep())
		return (evtchn_wait_sleep(q, mtx, ready, arg, deadline));
	/* Nothing would wake a poll with no bound but the peer: refuse. */
	if (deadline == 0)
		panic("evtchn_wait: port %u: an unbounded wait from a context "
		    "that cannot sleep", q->port);
	return (evtchn_wait_poll(q, ready, arg, deadline));
}
