/*
 * i386/suspend.c - arch_suspend() for the PV i386 kernel: handing the
 * domain to the toolstack's save, and picking it up in the new domain.
 *
 * Where this sits: the last step before SCHEDOP_shutdown(SHUTDOWN_suspend)
 * and the first after it returns, called by the control driver's suspend
 * sequence (src/dev/xen/control/suspend.c; walkthroughs/control.md).
 * The shared code has already stopped its drivers and unmapped the grant
 * table; what is left is what only a PV guest has.
 *
 * What the save (libxc, tools/libs/guest/xg_sr_save_x86_pv.c) reads from
 * us, and so what must be right when we make the hypercall:
 *
 *  - the p2m, to know which machine frames are our memory.  It finds it
 *    through shared_info's arch.pfn_to_mfn_frame_list_list: the mfn of a
 *    page listing the mfns of pages that list the mfns of the p2m's own
 *    pages, three levels (xen/include/public/arch-x86/xen.h, struct
 *    arch_shared_info), and arch.max_pfn.  Nothing else needs them, so
 *    we build them here, each time, from the p2m as it is now.
 *  - every page table, which it rewrites mfn -> pfn ("normalises").  An
 *    entry mapping a frame outside our p2m fails the save, so shared_info
 *    (Xen's frame) gets our own page back under it first; the grant table
 *    was done the same way (arch_unmap_grant_frames).
 *  - the start_info frame, named in edx, the hypercall's third argument
 *    (Linux's HYPERVISOR_suspend() and Mini-OS's do the same).  The save
 *    turns it into a pfn; the restore turns that back and then rewrites
 *    start_info: it reads store_mfn and console.domU.mfn AS PFNS, puts
 *    the new host's mfns there with the new ports (store_evtchn,
 *    console.domU.evtchn), and sets shared_info, nr_pages, flags.  So we
 *    "canonicalise" those two fields to pfns before the hypercall, as
 *    Linux's xen_pre_suspend() and Mini-OS's arch_pre_suspend() do.
 *
 * The hypercall returns 1 when the suspend was cancelled (a failed save,
 * or `xl save -c`, which resumes the same domain through
 * xc_domain_resume's "fast" path, setting eax to 1): nothing moved, so
 * the mfns go back into start_info and shared_info is mapped again.  It
 * returns 0 in a new domain: new frames behind every pfn (the p2m pages
 * were rewritten by the restore), a new shared_info, new ports.
 *
 * A NATIVE kernel's nearest relative is ACPI S4 (hibernate): it writes
 * its own memory to disk and the firmware hands over a fresh machine.
 */

#include "xen/xen.h"

#include <xen/errno.h>
#include <xen/sched.h>

#include "i386/layout.h"
#include "i386/pmap.h"
#include "i386/pv.h"
#include "kern/arch.h"
#include "kern/libkern.h"
#include "xen/hypercall.h"

/* p2m entries (and mfns) per page: xen_pfn_t is 4 bytes on i386 PV. */
#define	P2M_PER_PAGE	(PAGE_SIZE / sizeof(xen_pfn_t))

/*
 * The two upper levels of the frame lists.  One page of each covers
 * P2M_PER_PAGE^2 pfns (4 GiB), more than an i386 PV guest can have.
 */
static xen_pfn_t p2m_fll[P2M_PER_PAGE] __attribute__((aligned(PAGE_SIZE)));
static xen_pfn_t p2m_fl[P2M_PER_PAGE] __attribute__((aligned(PAGE_SIZE)));

/* The frame of a page in the direct map (its p2m entry, not the PTE). */
static unsigned long
frame_of(const void *va)
{

	return (arch_virt_to_frame(va));
}

/*
 * Fill the frame lists from the p2m and publish them in shared_info.
 * The p2m is Xen's mfn_list from start_info, page aligned by the domain
 * builder; it has nr_pages entries.  Returns -1 if a page has no frame.
 *
 * When: at boot (the save reads the lists while setting up, BEFORE it
 * asks us to suspend - a zero gives "Bad mfn 0 for p2m frame list
 * list"), and again after each restore, since every frame changed.
 */
int
pv_p2m_publish(const start_info_t *si)
{
	const xen_pfn_t *p2m = (const xen_pfn_t *)si->mfn_list;
	struct shared_info *s = boot_info.shared_info;
	unsigned long i, npages;

	npages = (si->nr_pages + P2M_PER_PAGE - 1) / P2M_PER_PAGE;
	if (npages > P2M_PER_PAGE)
		return (-1);
	memset(p2m_fl, 0, sizeof(p2m_fl));
	memset(p2m_fll, 0, sizeof(p2m_fll));
	for (i = 0; i < npages; i++)
		if ((p2m_fl[i] = frame_of(p2m + i * P2M_PER_PAGE)) ==
		    ARCH_NO_FRAME)
			return (-1);
	if ((p2m_fll[0] = frame_of(p2m_fl)) == ARCH_NO_FRAME)
		return (-1);
	/*
	 * The save reads these from shared_info while we are stopped; the
	 * plain stores are seen since the hypercall comes after them.
	 * max_pfn is one past the last pfn (Linux: xen_p2m_size).
	 */
	s->arch.max_pfn = si->nr_pages;
	s->arch.pfn_to_mfn_frame_list_list = frame_of(p2m_fll);
	return (0);
}

/* SCHEDOP_shutdown with the start_info frame in edx. */
static long
suspend_hypercall(unsigned long si_mfn)
{
	struct sched_shutdown sd = { .reason = SHUTDOWN_suspend };

	return (hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown,
	    (unsigned long)&sd, si_mfn));
}

int
arch_suspend(void)
{
	start_info_t *si = pv_start_info;
	unsigned long si_mfn, store_pfn, cons_pfn, shinfo_own;
	xen_pfn_t store_mfn, cons_mfn;
	long rc;

	si_mfn = frame_of(si);
	store_mfn = si->store_mfn;
	cons_mfn = si->console.domU.mfn;
	store_pfn = pv_mfn_to_pfn(store_mfn);
	cons_pfn = pv_mfn_to_pfn(cons_mfn);
	shinfo_own = frame_of(boot_info.shared_info);
	if (si_mfn == ARCH_NO_FRAME || store_pfn == ARCH_NO_FRAME ||
	    cons_pfn == ARCH_NO_FRAME || shinfo_own == ARCH_NO_FRAME) {
		printf("suspend: a frame of start_info, the rings, shared_info "
		    "or the p2m is not ours; not suspending\n");
		return (-XEN_EINVAL);
	}
	/* LAB control: BEGIN */
	/* Canonical form: pfns where the restore expects them. */
	si->store_mfn = store_pfn;
	si->console.domU.mfn = cons_pfn;
	/* LAB control: END */
	/*
	 * Our own page back under shared_info.  From here until it is
	 * mapped again nothing may read it: upcalls are masked (in the
	 * real vcpu_info, which the save keeps), and we call nothing.
	 */
	if (pv_map_frame(boot_info.shared_info, shinfo_own) != 0)
		printf("suspend: cannot unmap shared_info; the save will "
		    "fail\n");
	rc = suspend_hypercall(si_mfn);
	if (rc != 0) {
		/*
		 * Cancelled (1), or refused (< 0): the same domain, the
		 * same frames.  Undo the canonicalisation.
		 */
		si->store_mfn = store_mfn;
		si->console.domU.mfn = cons_mfn;
	} else {
		/*
		 * A new domain.  The M2P bound first (every mfn lookup
		 * uses it), then the frames we keep.  start_info now holds
		 * the new host's mfns and ports, written by the restore.
		 */
		physmem_resume();
		pmap_resume();
		boot_info.store_evtchn = si->store_evtchn;
		boot_info.console_evtchn = si->console.domU.evtchn;
	}
	/*
	 * shared_info: the same frame when cancelled, the new domain's
	 * otherwise; start_info says which (a machine address).
	 */
	if (pv_map_frame(boot_info.shared_info, si->shared_info >> PAGE_SHIFT)
	    != 0)
		panic("suspend: cannot map shared_info (mfn 0x%lx) after "
		    "resume", si->shared_info >> PAGE_SHIFT);
	/*
	 * The ring pages are the same pfns, hence the same addresses; a
	 * restore that moved them would be a toolstack bug worth a line.
	 */
	if (rc == 0 && (pv_mfn_to_pfn(si->store_mfn) != store_pfn ||
	    pv_mfn_to_pfn(si->console.domU.mfn) != cons_pfn))
		printf("suspend: the restore moved the xenstore or console "
		    "ring (pfns %lu, %lu)\n", pv_mfn_to_pfn(si->store_mfn),
		    pv_mfn_to_pfn(si->console.domU.mfn));
	/*
	 * The event callback is part of the vCPU state the save keeps, but
	 * making sure costs one hypercall (Linux re-registers too).
	 */
	if (rc == 0) {
		arch_events_init();
		if (pv_p2m_publish(si) != 0)
			printf("suspend: cannot publish the p2m; the next "
			    "save will fail\n");
	}
	return ((int)rc);
}
