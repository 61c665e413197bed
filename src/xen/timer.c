/*
 * xen/timer.c - system time, the one-shot timer and VIRQ_TIMER: the
 * clock under the kernel's callout queue.  Interface in xen/timer.h.
 *
 * Protocol: VCPUOP_set_singleshot_timer, VCPUOP_stop_periodic_timer and
 * VCPUOP_get_runstate_info in xen/include/public/vcpu.h; VIRQ_TIMER in
 * xen/include/public/xen.h; the time record in xen/pvclock.h.
 * Walkthrough: walkthroughs/boot-pv.md, "The first event".
 */

#include "xen/xen.h"

#include <xen/vcpu.h>

#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/libkern.h"
#include "xen/evtchn.h"
#include "xen/hypercall.h"
#include "xen/intr.h"
#include "xen/pvclock.h"
#include "xen/timer.h"

/* The port VIRQ_TIMER was bound to. */
static evtchn_port_t timer_port;

static struct vcpu_time_info *
time_record(void)
{

	/* We run on vCPU 0 only; its record is in shared_info. */
	return (&boot_info.shared_info->vcpu_info[0].time);
}

uint64_t
xen_clock_now(void)
{
	uint64_t ns;

	if (pvclock_read(time_record(), arch_rdtsc, &ns) != 0)
		panic("xen_clock_now: vCPU time record version stayed odd "
		    "for %d reads", PVCLOCK_MAX_TRIES);
	return (ns);
}

void
xen_timer_set(uint64_t deadline)
{
	/*
	 * No VCPU_SSHOTTMR_future flag: with it Xen refuses a deadline
	 * already past (-ETIME), and every caller would have to handle
	 * that; without it such a timer simply fires at once.
	 */
	struct vcpu_set_singleshot_timer t = {
		.timeout_abs_ns = deadline,
		.flags = 0,
	};
	long error;

	error = HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
	if (error != 0)
		panic("VCPUOP_set_singleshot_timer failed (%ld)", error);
}

/*
 * VIRQ_TIMER's handler, in upcall context.  Xen also raises VIRQ_TIMER
 * when the time record changes a lot; a callout queue with nothing due
 * makes that a no-op.
 */
static void
xen_timer_intr(evtchn_port_t port, void *arg)
{

	(void)port;
	(void)arg;
	callout_expire();
}

void
xen_timer_init(void)
{
	int error;

	/*
	 * Xen gives a new PV vCPU a periodic 100 Hz tick on VIRQ_TIMER.  We
	 * are "tickless": every timer event is one we asked for, so stop
	 * it.  Failure only means extra, harmless timer events.
	 */
	(void)HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	error = evtchn_bind_virq(VIRQ_TIMER, xen_timer_intr, NULL,
	    &timer_port);
	if (error != 0)
		panic("cannot bind VIRQ_TIMER (%d): no timers", error);
}

void
xen_timer_resume(void)
{
	int was;

	/*
	 * The new domain's vCPU has the periodic tick again and no VIRQ
	 * binding, and the singleshot timer we had set is gone: do what
	 * xen_timer_init() did, then let the callout queue arm the timer
	 * for its head (what is overdue - the save took time on Xen's
	 * clock too - runs now).
	 */
	xen_timer_init();
	was = intr_disable();
	callout_expire();
	intr_restore(was);
}

evtchn_port_t
xen_timer_port(void)
{

	return (timer_port);
}

int
xen_wallclock(uint64_t *secp, uint32_t *nsecp)
{
	uint64_t sec, ns;
	uint32_t nsec;

	if (pvclock_wallclock_base(boot_info.shared_info, &sec, &nsec) != 0)
		return (-1);
	/* Boot time plus system time; carry whole seconds out of ns. */
	ns = nsec + xen_clock_now();
	*secp = sec + ns / 1000000000ULL;
	*nsecp = (uint32_t)(ns % 1000000000ULL);
	return (0);
}

uint64_t
xen_tsc_hz(void)
{
	struct vcpu_time_info *t = time_record();

	/* Two fields read without the version loop: a report, not a clock. */
	return (pvclock_tsc_hz(t->tsc_to_system_mul, t->tsc_shift));
}

int
xen_vcpu_runstate(struct vcpu_runstate_info *rs)
{

	/* Xen copies its accounting of the vCPU out into *rs. */
	return ((int)HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, rs));
}
