/*
 * xen/timer.h - the kernel's clock and its one timer, both from Xen.
 *
 * A NATIVE kernel reads a clock device (TSC calibrated against the PIT
 * or HPET) and programs a timer device (the local APIC timer) to
 * interrupt it.  A Xen guest reads Xen's system time from its vCPU's time
 * record (xen/pvclock.h) and asks Xen for a one-shot timer
 * (VCPUOP_set_singleshot_timer, xen/include/public/vcpu.h), which fires
 * as an event on the virtual IRQ VIRQ_TIMER.  Both kernels do it this
 * way; the callout queue (kern/callout.h) multiplexes the one timer.
 */
#ifndef _XEN_TIMER_H_
#define _XEN_TIMER_H_

#include "xen/xen.h"

#include <xen/event_channel.h>

/**
 * @brief Stop Xen's default periodic tick and bind VIRQ_TIMER to the
 *	callout queue.  Called once from kernel_main() after evtchn_init().
 */
void	xen_timer_init(void);

/**
 * @brief After a restore into a new domain (evtchn_resume() done): bind
 *	VIRQ_TIMER again, stop the periodic tick again, and arm the timer
 *	for the earliest callout.
 */
void	xen_timer_resume(void);

/**
 * @brief Xen system time: nanoseconds since the domain was created.
 *	Never goes backwards while the record is sane; panics if the time
 *	record stays mid-update (see PVCLOCK_MAX_TRIES).
 */
uint64_t	xen_clock_now(void);

/**
 * @brief Arm the one-shot timer for the absolute system time deadline
 *	(replacing any earlier setting).  A deadline already past fires at
 *	once.
 */
void	xen_timer_set(uint64_t deadline);

/**
 * @brief The port VIRQ_TIMER is bound to (for counting its events).
 */
evtchn_port_t	xen_timer_port(void);

/**
 * @brief The wall-clock time now: seconds and nanoseconds since the
 *	Unix epoch, as dom0 set it.
 * @return 0, or -1 if the wall-clock record stayed mid-update
 */
int	xen_wallclock(uint64_t *secp, uint32_t *nsecp);

/**
 * @brief The TSC rate the time record describes, in Hz (for reports).
 */
uint64_t	xen_tsc_hz(void);

/*
 * Where this vCPU's time went, by Xen's account (VCPUOP_get_runstate_info
 * in xen/include/public/vcpu.h): time[RUNSTATE_running], [_runnable]
 * (wanting a physical CPU), [_blocked] (waiting for an event) and
 * [_offline], in ns since the vCPU was created.  A NATIVE kernel has no
 * such outside view; it would count the time of its idle loop.
 */
struct vcpu_runstate_info;

/**
 * @brief Fill rs with Xen's account of vCPU 0's time (for tests that
 *	show that a waiting guest leaves the CPU to others).
 * @return 0, or a negative Xen errno
 */
int	xen_vcpu_runstate(struct vcpu_runstate_info *rs);

/* Milliseconds spent in runstate `state` between snapshots a and b. */
#define	XEN_RUNSTATE_MS(a, b, state)					\
	(((b).time[state] - (a).time[state]) / 1000000ULL)

#endif /* !_XEN_TIMER_H_ */
