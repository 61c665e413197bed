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

#endif /* !_XEN_TIMER_H_ */
