/*
 * dev/xen/control/suspend.c - suspend and resume of the whole domain
 * (interface in dev/xen/control/suspend.h), for `xl save`, `xl restore`
 * and `xl migrate`.
 *
 * Where this sits: control.c calls control_do_suspend() in the xenwatch
 * thread, once it has cleared control/shutdown (the acknowledgement
 * libxl waits for; libxl_dom_suspend.c then waits for Xen to report the
 * domain shut down with SHUTDOWN_suspend).  Protocol: SCHEDOP_shutdown in
 * xen/include/public/sched.h; walkthroughs/control.md follows the whole
 * sequence; control(4) lists what is rebuilt.
 *
 * The order, and why:
 *
 *  1. Drivers first (xenbus_suspend): they stop issuing I/O while
 *     everything they need - grants, events, xenstore - still works.
 *  2. xenstore (xs_suspend): wait until no request is on the ring and
 *     keep it, so the domain never stops half-way through a request.
 *  3. The console is flushed, so that nothing we said before is lost in
 *     the ring should the save never come back.
 *  4. The grant table is unmapped (gnttab_suspend): a PV save fails on a
 *     page table that maps Xen's frames.
 *  5. Upcalls masked, arch_suspend(): the architecture's canonical form
 *     of the domain, the hypercall, and on return boot_info right again.
 *  6. Back in a new domain (0), in dependency order: event channels
 *     (evtchn_resume: no handler survives), then the console's port first
 *     of all - every printf notifies it - then the timer (VIRQ_TIMER,
 *     the singleshot timer, the pvclock record in the new shared_info),
 *     upcalls on, the grant table, xenstore (new port, watches set
 *     again), our feature nodes (the restored domain's home is new), and
 *     last the drivers, which need all of these to reconnect.  When Xen
 *     cancelled (1), the same domain goes on: only what we took down in
 *     1-5 is put back.
 *
 * A NATIVE kernel's suspend-to-RAM is the same dance with the devices'
 * own power states and the firmware's wake vector instead of a
 * hypercall; it keeps its memory, whereas we may wake on another host.
 */

#include "xen/xen.h"

#include "dev/xen/control/control.h"
#include "dev/xen/control/suspend.h"
#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/cons.h"
#include "kern/libkern.h"
#include "xen/evtchn.h"
#include "xen/gnttab.h"
#include "xen/intr.h"
#include "xen/timer.h"
#include "xen/xenbus.h"
#include "xen/xenstore.h"

#ifdef DEV_CONSOLE
#include "dev/xen/console/console.h"
#endif

bool
control_can_suspend(void)
{

	/*
	 * Every architecture provides arch_suspend(); one that cannot
	 * suspend yet returns an error, and the request then fails in
	 * the toolstack's save rather than here.
	 */
	return (true);
}

/* Put back, in the new domain, what a restore took away (step 6). */
static void
resume_new_domain(void)
{

	evtchn_resume();
#ifdef DEV_CONSOLE
	xencons_resume();
#endif
	xen_timer_resume();
}

void
control_do_suspend(struct control_stats *st)
{
	uint64_t t0, t1;
	int was, rc;

	printf("control: suspending\n");
	t0 = xen_clock_now();
	if (xenbus_suspend() != 0)
		printf("control: a driver failed to suspend; going on\n");
	if ((rc = xs_suspend()) != 0) {
		printf("control: xenstore stays busy (error %d); suspend "
		    "abandoned\n", rc);
		xenbus_resume(false);
		return;
	}
	cons_flush();
	gnttab_suspend();
	was = intr_disable();
	st->suspend_ns = t0;
	rc = arch_suspend();
	if (rc == 0)
		resume_new_domain();
	intr_restore(was);
	if (rc < 0)
		printf("control: Xen refused to suspend us (error %d)\n", rc);
	if (gnttab_resume() != 0)
		printf("control: grants unusable after resume\n");
	xs_resume(rc == 0);
	if (rc == 0)
		control_advertise();
	xenbus_resume(rc == 0);
	t1 = xen_clock_now();
	st->suspends++;
	if (rc == 1)
		st->cancelled++;
	st->resume_ns = t1;
	printf("control: %s; %llu ms from request to running again (Xen's "
	    "clock, save and restore included)\n", rc == 0 ? "resumed in a "
	    "new domain" : rc == 1 ? "suspend cancelled, same domain" :
	    "suspend failed", (unsigned long long)((t1 - t0) / NS_PER_MS));
}
