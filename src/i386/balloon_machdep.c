/*
 * balloon_machdep.c - the PV i386 side of the balloon driver: making a
 * page disappear from the kernel before its machine frame goes back to
 * Xen, and appear again when Xen hands a frame over (kern/arch.h,
 * arch_page_release() and arch_page_populate()).
 *
 * Where this sits: src/dev/xen/balloon/balloon.c takes free pages from
 * the page allocator (vm_page_withdraw()), calls arch_page_release() on
 * each, and gives the frames to XENMEM_decrease_reservation; the other
 * way, it asks XENMEM_populate_physmap for frames and calls
 * arch_page_populate() before putting the pages back in the allocator
 * (vm_page_deposit()).  pmap_bootstrap() (pmap.c) has hooked L1 tables
 * up to the domain's maximum, and physmem.c keeps a p2m slot for every
 * pfn below it, so neither hook ever needs a new page table or a
 * bigger p2m.
 *
 * Three records say which frame is behind a pfn, and a PV kernel keeps
 * all of them:
 *	p2m	pfn -> mfn, the kernel's own array (physmem.c): the
 *		kernel reads it to fill page-table entries and grant
 *		entries;
 *	M2P	mfn -> pfn, Xen's table, read-only to us: we ask Xen to
 *		write our frame's entry (MMU_MACHPHYS_UPDATE);
 *	the direct map's page-table entry for KERNBASE + pfn * 4096:
 *		what the MMU actually uses.
 * A NATIVE kernel has none of this to do: its memory does not come and
 * go (memory hot-plug aside), and a page's physical address is fixed.
 * An HVM kernel has nothing to do either: Xen's own p2m (HAP) is the
 * only translation, and populate/decrease name gfns.
 *
 * Protocol: mmu_update (MMU_NORMAL_PT_UPDATE, MMU_MACHPHYS_UPDATE) and
 * update_va_mapping in xen/include/public/xen.h; the reservation
 * operations in xen/include/public/memory.h.  Man page: balloon(4).
 * Walkthrough: walkthroughs/balloon.md.
 */

#include "xen/xen.h"

#include <xen/errno.h>

#include "i386/layout.h"
#include "i386/pmap.h"
#include "i386/pv.h"
#include "kern/arch.h"

int
arch_page_release(unsigned long pfn, xen_pfn_t *frame)
{
	void *va = arch_pfn_to_virt(pfn);
	xen_pfn_t mfn = arch_pfn_to_mfn(pfn);
	long rc = -XEN_ENOSYS;

	*frame = ARCH_NO_FRAME;
	if (va == NULL || mfn == ARCH_NO_FRAME)
		return (-XEN_EINVAL);
	/* LAB balloon: BEGIN */
	/*
	 * 1. Unmap the page from the direct map, and flush its translation
	 * from the TLB in the same hypercall (UVMF_INVLPG).  The order
	 * matters: while an entry maps the frame, Xen holds a reference
	 * for it, and decrease_reservation would only drop the domain's
	 * claim - the frame would stay allocated, mapped in our page
	 * table, and Xen's free memory would not grow.  NATIVE: *pte = 0;
	 * invlpg va.
	 */
	rc = HYPERVISOR_update_va_mapping((unsigned long)va, 0, UVMF_INVLPG);
	if (rc != 0)
		return ((int)rc);
	/*
	 * 2. Forget the frame in the p2m, so that nothing converts the pfn
	 * to a frame that is about to belong to someone else.  The M2P
	 * entry is Xen's to reset when it frees the frame.
	 */
	if (physmem_p2m_set(pfn, ARCH_NO_FRAME) != 0) {
		/* Not a page of the allocator: put the mapping back. */
		(void)HYPERVISOR_update_va_mapping((unsigned long)va,
		    pv_pte(mfn, PG_V | PG_RW | PG_A | PG_M), UVMF_INVLPG);
		return (-XEN_EINVAL);
	}
	*frame = mfn;
	/* LAB balloon: END */
	return ((int)rc);
}

int
arch_page_populate(unsigned long pfn, xen_pfn_t frame)
{
	void *va = arch_pfn_to_virt(pfn);
	uint64_t pte_ma;
	long rc = -XEN_ENOSYS;

	/*
	 * The pfn must have room and no frame yet (a populate over a
	 * live page would leak that page's frame), and frame must be one
	 * the M2P can hold; Xen checks that the frame is ours.
	 */
	pte_ma = va == NULL ? 0 : pmap_pte_machine_address((uintptr_t)va);
	if (va == NULL || pte_ma == 0 || frame == ARCH_NO_FRAME ||
	    arch_pfn_to_mfn(pfn) != ARCH_NO_FRAME)
		return (-XEN_EINVAL);
	/* LAB balloon: BEGIN */
	mmu_update_t req[2];
	unsigned int done = 0;

	/*
	 * 1. The p2m first: from now on the kernel converts pfn to the new
	 * frame, and pv_mfn_to_pfn() recognises the frame as ours.
	 */
	if (physmem_p2m_set(pfn, frame) != 0)
		return (-XEN_EINVAL);
	/*
	 * 2. The M2P entry: mfn -> pfn.  XENMEM_populate_physmap already
	 * wrote it for a PV guest (memory.h: "also updates the
	 * mach_to_phys translation table"); increase_reservation and
	 * page exchanges do not, so the hook writes it itself and does not
	 * depend on which operation brought the frame.  Request type in
	 * the low bits of ptr, the frame's machine address above.
	 * 3. The direct-map entry, writable, accessed and dirty preset.  It
	 * was not present, and x86 caches no not-present entry, so no TLB
	 * flush is needed.  Xen applies the batch in order.  NATIVE:
	 * *pte = pa | PG_V | PG_RW.
	 */
	req[0].ptr = ((uint64_t)frame << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
	req[0].val = pfn;
	req[1].ptr = pte_ma | MMU_NORMAL_PT_UPDATE;
	req[1].val = pv_pte(frame, PG_V | PG_RW | PG_A | PG_M);
	rc = HYPERVISOR_mmu_update(req, 2, &done, DOMID_SELF);
	/* LAB balloon: END */
	if (rc != 0) {
		/* Refused (not our frame?): the pfn stays without memory. */
		(void)physmem_p2m_set(pfn, ARCH_NO_FRAME);
		return ((int)rc);
	}
	return (0);
}
