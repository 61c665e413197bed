/*
 * xen/evtchn.h - event channels, Xen's replacement for interrupts.
 *
 * An event channel is a pair of ports, one in each of two domains (or
 * both in one, or a port bound to a virtual IRQ such as the timer).
 * Sending on a port sets a pending bit in the peer's shared_info page
 * and, unless the port or the vCPU is masked, makes Xen call the peer's
 * upcall entry, which calls evtchn_upcall() below; that finds the
 * pending ports and calls the handler bound to each.  A NATIVE kernel
 * would program an interrupt controller (APIC, I/O APIC) and take
 * vectored interrupts instead.
 *
 * Protocol: xen/include/public/event_channel.h (the EVTCHNOP_*
 * operations), xen/include/public/xen.h (struct shared_info: the
 * 2-level pending and mask bitmaps; struct vcpu_info: the per-vCPU
 * selector and the upcall flags).  Walkthrough: walkthroughs/boot-pv.md,
 * "The first event".  Shared by both kernels: only how the upcall entry
 * is registered differs (arch_events_init() in kern/arch.h).
 *
 * Rules for handlers: they run with upcalls masked, on the stack of
 * whatever thread was interrupted.  They must be short, must not sleep
 * or take a mutex (kern/mutex.h), and must not print: the console is not
 * re-entrant.  Waking a thread (wakeup()) is what they are for.
 *
 * Errors are returned as negative Xen errno values
 * (xen/include/public/errno.h), as the hypercalls return them.
 */
#ifndef _XEN_EVTCHN_H_
#define _XEN_EVTCHN_H_

#include "xen/xen.h"

#include <xen/event_channel.h>

/* A handler: called from evtchn_upcall() for each event on its port. */
typedef void	evtchn_handler_t(evtchn_port_t port, void *arg);

/**
 * @brief After a restore into a new domain: forget every port's handler
 *	and mask every port, as at boot; the drivers then bind their new
 *	ports (control(4), walkthroughs/control.md).
 */
void	evtchn_resume(void);

/**
 * @brief Set up event delivery: mask every port, register the upcall
 *	entry with Xen (arch_events_init), then enable upcalls.  Called
 *	once from kernel_main() before anything binds a port.
 */
void	evtchn_init(void);

/**
 * @brief The machine-independent upcall: scan the pending bitmaps and
 *	call each pending, unmasked port's handler.  Called by the
 *	architecture's upcall entry (src/i386/upcall.S) with upcalls masked.
 */
void	evtchn_upcall(void);

/**
 * @brief Route events on a port this domain already owns (from
 *	start_info, xenstore, alloc_unbound, bind_interdomain) to fn(arg),
 *	and unmask the port.  Replaces any previous handler.
 * @return 0, or -XEN_EINVAL for a port out of range or no handler
 */
int	evtchn_bind_handler(evtchn_port_t port, evtchn_handler_t *fn,
	    void *arg);

/**
 * @brief Bind a virtual IRQ of vCPU 0 (VIRQ_TIMER, VIRQ_DEBUG, ...:
 *	xen/include/public/xen.h) to a new port with handler fn(arg)
 *	(EVTCHNOP_bind_virq).
 * @param portp where the new port is stored
 * @return 0, or a negative Xen errno (-XEN_EEXIST if already bound)
 */
int	evtchn_bind_virq(uint32_t virq, evtchn_handler_t *fn, void *arg,
	    evtchn_port_t *portp);

/**
 * @brief Allocate a port that domain remote may connect to with
 *	bind_interdomain (EVTCHNOP_alloc_unbound).  No handler is bound.
 * @param remote the domain allowed to connect, or DOMID_SELF
 * @param portp where the new port is stored
 * @return 0, or a negative Xen errno
 */
int	evtchn_alloc_unbound(domid_t remote, evtchn_port_t *portp);

/**
 * @brief Connect a new local port to remote_port of domain remote, which
 *	the peer allocated for us with alloc_unbound
 *	(EVTCHNOP_bind_interdomain).  No handler is bound.
 * @param portp where the new local port is stored
 * @return 0, or a negative Xen errno
 */
int	evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port,
	    evtchn_port_t *portp);

/**
 * @brief Mask the port, forget its handler and close it
 *	(EVTCHNOP_close).  For an interdomain port the peer's end becomes
 *	unbound; for a VIRQ port this is the unbind (there is no
 *	EVTCHNOP_unbind_virq): the VIRQ may then be bound again.
 * @return 0, or a negative Xen errno
 */
int	evtchn_close(evtchn_port_t port);

/**
 * @brief Hold back events on one port: they stay pending, no upcall.
 */
void	evtchn_mask(evtchn_port_t port);

/**
 * @brief Let events on the port through again, delivering at once one
 *	that became pending while it was masked.
 */
void	evtchn_unmask(evtchn_port_t port);

/**
 * @brief Notify the other end of an event channel (EVTCHNOP_send).
 * @param port a port bound in this domain
 * @return 0, or a negative Xen errno (e.g. -EINVAL for a bad port)
 */
int	evtchn_send(uint32_t port);

/**
 * @brief Whether the port's pending bit is set in shared_info.
 */
int	evtchn_is_pending(evtchn_port_t port);

/**
 * @brief Clear the port's pending bit, atomically.
 *
 * For code that waits with SCHEDOP_poll (evtchn_poll) instead of a
 * handler: Xen's poll returns at once for a port already pending, so
 * the waiter clears the bit, then tests its condition, then polls.
 * @return 1 if the bit was set (an event was taken from the handler)
 */
int	evtchn_clear_pending(evtchn_port_t port);

/**
 * @brief Block the vCPU until the port is pending or Xen's system time
 *	reaches deadline (SCHEDOP_poll, xen/include/public/sched.h).
 *
 * Works with upcalls masked and without any upcall entry, so it serves
 * before evtchn_init() and inside critical sections and panics.  With
 * upcalls enabled an event could be taken by the handler before the
 * poll sees it: mask them around the test and the poll.
 * @param deadline system time in ns; 0 for no bound
 * @return 0 (woken, timed out, or the port was already pending), or a
 *	negative Xen errno (-XEN_EINVAL for a bad port)
 */
int	evtchn_poll(evtchn_port_t port, uint64_t deadline);

/**
 * @brief Upcalls taken since boot (entries into evtchn_upcall()).
 */
unsigned long	evtchn_upcall_count(void);

/**
 * @brief Events dispatched to the port's handler since it was bound.
 */
unsigned long	evtchn_port_count(evtchn_port_t port);

#endif /* !_XEN_EVTCHN_H_ */
