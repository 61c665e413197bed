/*
 * xen/evtchn_wait.h - waiting for a peer that signals an event channel:
 * the one wait loop of the drivers that talk to a daemon in dom0
 * through a shared ring (xenstore, the console).
 *
 * A ring protocol says "when I change the ring, I send an event".  So a
 * driver that finds the ring not ready (no reply yet, no room, no
 * input) waits for the event and looks again.  How it waits depends on
 * where it is called from:
 *
 *   - a thread with upcalls enabled sleeps on a channel (kern/thread.h,
 *     tsleep/msleep), and the port's handler calls wakeup() on it.  The
 *     vCPU is free for other threads, or blocked in Xen;
 *   - anything else (boot code before threads exist, a section running
 *     with upcalls masked, a panic) cannot sleep: it blocks the vCPU in
 *     SCHEDOP_poll on the port itself (evtchn_poll in xen/evtchn.h), with
 *     upcalls masked so that no handler takes the event first.
 *
 * Either way the condition is tested again after every wake-up, and the
 * wait ends at a deadline on Xen's clock (xen/timer.h).  A NATIVE kernel
 * does the same with an interrupt handler and sleep/wakeup, or by
 * spinning on the device's status register before interrupts are set up.
 *
 * Walkthrough: walkthroughs/boot-pv.md, "Talking to xenstore" and
 * "Reading the console".
 */
#ifndef _XEN_EVTCHN_WAIT_H_
#define _XEN_EVTCHN_WAIT_H_

#include <stdbool.h>
#include <stdint.h>

#include "xen/xen.h"

#include <xen/event_channel.h>

struct mtx;

/* Where a driver waits: its port, the channel its handler wakes. */
struct evtchn_waitq {
	evtchn_port_t	 port;		/* the peer signals this port */
	const void	*chan;		/* the handler calls wakeup(chan);
					   NULL while no handler is bound */
	const char	*wmesg;		/* what sleepers wait for */
};

/**
 * @brief Bind q->port to a handler that does nothing but wakeup(chan),
 *	and from then on let waiters sleep on chan (q->chan is set only
 *	once the handler is in place).  Binding unmasks the port.
 * @return 0, or the negative Xen errno of evtchn_bind_handler()
 */
int	evtchn_wait_bind(struct evtchn_waitq *q, const void *chan);

/**
 * @brief Wait until ready(arg) holds, an event on q->port being the
 *	sign that it may have changed, or until deadline.
 *
 * ready() is tested with upcalls masked, so that the handler's wakeup
 * cannot fall between the test and the sleep (the lost wake-up): the
 * mask keeps the handler out until the thread is asleep.  It must not
 * sleep itself.  When the caller can sleep (thread_can_sleep) and a
 * handler is bound (q->chan set), it sleeps on q->chan; if mtx is not
 * NULL it is released for the sleep and taken again before ready() is
 * tested again (msleep).  Otherwise
 * it polls q->port with Xen (mtx, if held, stays held), and passes the
 * event on with wakeup(q->chan) to any thread asleep on it.
 * @param deadline Xen system time (ns) to give up at; 0 waits without
 *	a bound, only for a thread whose whole job is to wait (a service
 *	thread), never from the poll path
 * @return 0 when ready() held, -ETIMEDOUT when the deadline passed first
 */
int	evtchn_wait(const struct evtchn_waitq *q, struct mtx *mtx,
	    bool (*ready)(void *), void *arg, uint64_t deadline);

#endif /* !_XEN_EVTCHN_WAIT_H_ */
