/*
 * suspend.c - arch_suspend() for the HVM amd64 kernel: handing the
 * domain to the toolstack's save, and picking it up in the new domain.
 *
 * Where this sits: called by the control driver's suspend sequence
 * (src/dev/xen/control/suspend.c; walkthroughs/control.md) with
 * interrupts off, once the shared code has stopped using Xen's pages.
 *
 * An HVM guest's save is simpler than a PV guest's (src/i386/suspend.c):
 * the toolstack saves guest-physical memory as it is, with no page
 * tables to rewrite and no p2m to find, and the device model saves its
 * own state.  So the hypercall, SCHEDOP_shutdown(SHUTDOWN_suspend)
 * (xen/include/public/sched.h), needs no start_info and nothing made
 * canonical first.  What a restore does NOT bring back is everything
 * Xen itself placed in our physical address space or kept about us:
 *   - shared_info and the grant-table frames, which XENMEM_add_to_physmap
 *     put in the platform device's BAR: the new domain has them
 *     nowhere until we ask again (the grant table is the shared code's,
 *     through arch_map_grant_frames());
 *   - the event callback (HVM_PARAM_CALLBACK_IRQ);
 *   - the event channels: the console's and xenstore's ports may have
 *     new numbers (HVM_PARAM_CONSOLE_EVTCHN, HVM_PARAM_STORE_EVTCHN).
 * Linux does the same in xen_hvm_post_suspend() (xen_hvm_init_shared_info
 * and xen_setup_callback_vector).
 *
 * The hypercall returns 1 when the suspend was cancelled (the same
 * domain goes on, all as before), 0 in a restored domain.
 */

#include "xen/xen.h"

#include <xen/sched.h>

#include "dev/xen/xenpci/xenpci.h"
#include "kern/arch.h"
#include "kern/libkern.h"
#include "xen/hypercall.h"

int
arch_suspend(void)
{
	struct sched_shutdown sd = { .reason = SHUTDOWN_suspend };
	long rc;

	rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
	if (rc != 0)
		return (rc == 1 ? 1 : (int)rc);
	/* A new domain: put Xen's pages and the callback back. */
	return (xenpci_resume());
}

void
arch_unmap_grant_frames(unsigned int n)
{

	/*
	 * Nothing to undo: the frames leave our physical address space
	 * with the old domain, and arch_map_grant_frames() places them
	 * again, at the same addresses, after the restore.
	 */
	(void)n;
}
