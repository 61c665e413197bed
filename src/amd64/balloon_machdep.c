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
 * page given back may stay in the kernel's page table; nothing may touch
 * it until it is populated again.  A NATIVE kernel has no equivalent.
 *
 * Not yet done here: growing past the boot memory (arch_grow_room()
 * makes no room), which needs page-table room for the gfns above the
 * boot RAM.  The HVM kernel's configuration does not include the
 * balloon driver yet.
 *
 * Protocol: xen/include/public/memory.h.  Man page: balloon(4).
 */

#include "xen/xen.h"

#include <xen/errno.h>

#include "kern/arch.h"

unsigned long
arch_max_pages(void)
{

	/* No room beyond the boot memory yet (see above). */
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

	if (pfn < arch_first_free_pfn() || pfn >= arch_max_pages())
		return (-XEN_EINVAL);
	/* The gfn is the pfn: Xen translates it. */
	*frame = pfn;
	return (0);
}

int
arch_page_populate(unsigned long pfn, xen_pfn_t frame)
{

	/* Xen placed a page at gfn frame, which must be the pfn asked for. */
	if (frame != pfn || pfn >= arch_max_pages())
		return (-XEN_EINVAL);
	return (0);
}
