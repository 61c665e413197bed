/*
 * xen/intr.c - enabling event upcalls, and waiting for one.
 *
 * The inline half, and the rules for the mask and pending bytes of
 * vcpu_info, are in xen/intr.h.  These two functions are out of line
 * because each may enter Xen.  Protocol: struct vcpu_info and SCHEDOP_block
 * in xen/include/public/xen.h and xen/include/public/sched.h.
 */

#include "xen/xen.h"

#include <xen/sched.h>
#include <xen/version.h>

#include "xen/hypercall.h"
#include "xen/intr.h"

void
intr_enable(void)
{
	struct vcpu_info *v = intr_vcpu();

	/* The critical section's loads and stores stay above the unmask. */
	intr_compiler_barrier();
	WRITE_ONCE(v->evtchn_upcall_mask, 0);
	/*
	 * Unmask first, then look at pending: in the other order an event
	 * arriving between the two would find the mask still set, would not
	 * be delivered, and would wait for the next event to be noticed.
	 * Only the compiler needs telling (xen/intr.h explains why the CPU
	 * does not).
	 */
	intr_compiler_barrier();
	if (READ_ONCE(v->evtchn_upcall_pending) != 0) {
		/*
		 * Something arrived while we were masked.  Xen delivers
		 * upcalls on its way out of any entry into it, so the
		 * cheapest hypercall will do: XENVER_version has no side
		 * effect.  The upcall runs before this call returns.
		 */
		(void)HYPERVISOR_xen_version(XENVER_version, NULL);
	}
}

/*
 * The idle loop's sleep (kern/thread.c).  The caller has masked upcalls
 * and seen that there is nothing to run.  SCHEDOP_block then, inside Xen
 * and so atomically with respect to events:
 *   1. clears evtchn_upcall_mask;
 *   2. returns at once if an event is already pending, else deschedules
 *      this vCPU until one is;
 * and on the way back to us delivers the upcall, whose handlers make
 * threads runnable.  Had we unmasked first and then blocked, an event
 * arriving between the two would have been handled before the block, and
 * the block would sleep with a thread ready to run (the lost wake-up).
 *
 * Step 1 is also why this must not run before the upcall entry is
 * registered (evtchn_init): with no callback, the first event makes Xen
 * jump to address 0 and the domain is crashed.  Code that must wait
 * earlier uses SCHEDOP_yield or SCHEDOP_poll, which leave the mask alone.
 * (shared/xen-in-qemu.md, "PV guests", records that pitfall.)
 */
void
intr_enable_and_wait(void)
{

	(void)HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}
