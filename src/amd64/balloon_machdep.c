/*
 * balloon_machdep.c - the HVM amd64 side of the balloon hooks of
 * kern/arch.h (arch_max_pages(), arch_grow_room(), arch_page_release(),
 * arch_page_populate()), in their simplest correct form.
 *
 * Where this sits: src/dev/xen/balloon/balloon.c calls them around its
 * reservation hypercalls (see src/i386/balloon_machdep.c for the PV
 * side, which has real work to do).  An HVM guest is translated: Xen's
 * own p2m (HAP) maps each guest frame (gfn, our pfn) to a machine
 * frame, so the guest names pages by pfn in XENMEM_decrease_reservation
 * and XENMEM_populate_physmap and keeps no p2m or M2P of its own.  A
 * page given back may stay in the kernel's page table (nested paging
 * decides whether anything is behind the address); nothing may touch it
 * until it is populated again.  All we keep is one bit per page that
 * says it is away, which catches a release or populate of the wrong
 * page.  A NATIVE kernel has no equivalent.
 *
 * Growing past the boot memory is not offered (arch_grow_room() makes no
 * room).  An HVM domain booted with maxmem above memory starts in
 * populate-on-demand mode: the firmware's memory map shows maxmem of
 * RAM, and the guest must balloon down before it touches more than
 * `memory` of it, or Xen crashes the domain.  Run this kernel with
 * memory equal to maxmem; it can then give memory back and take it
 * again, up to what it booted with.
 *
 * Protocol: xen/include/public/memory.h.  Man page: balloon(4).
 */

#include "xen/xen.h"

#include <xen/errno.h>

#include <machine/pmap.h>

#include "kern/arch.h"

/* One bit per page of the one-to-one map: set while the page is away. */
static uint64_t released[(DIRECT_MAP_END >> PAGE_SHIFT) / 64];

unsigned long
arch_max_pages(void)
{

	/* No room beyond the boot memory (see above). */
	return (arch_nr_pages());
}

unsigned long
arch_grow_room(unsigned long npages)
{

	(void)npages;
	return (arch_max_pages());
}

int
arch_page_release(unsigned long pfn, xen_pfn_t *frame)
{
	uint64_t bit = 1ULL << (pfn % 64);

	if (pfn < arch_first_free_pfn() || pfn >= arch_max_pages() ||
	    (released[pfn / 64] & bit) != 0)
		return (-XEN_EINVAL);
	released[pfn / 64] |= bit;
	/* The gfn is the pfn: Xen translates it. */
	*frame = pfn;
	return (0);
}

int
arch_page_populate(unsigned long pfn, xen_pfn_t frame)
{
	uint64_t bit = 1ULL << (pfn % 64);

	/*
	 * XENMEM_populate_physmap of a translated guest leaves the gfns in
	 * the list as they were (Xen writes machine frames back only for
	 * PV guests), so frame must be the pfn that was released.
	 */
	if (frame != pfn || pfn >= arch_max_pages() ||
	    (released[pfn / 64] & bit) == 0)
		return (-XEN_EINVAL);
	released[pfn / 64] &= ~bit;
	return (0);
}
