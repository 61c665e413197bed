/*
 * frames.c - mapping the grant table's frames on the PV i386 kernel
 * (arch_map_grant_frames, declared with what the HVM kernel does instead
 * in src/kern/arch.h).
 *
 * A PV guest sees two kinds of frame numbers.  Its pseudo-physical
 * frames (pfns) number its pages 0, 1, 2 ... and place them in the
 * initial mapping at KERNBASE + pfn * PAGE_SIZE (src/i386/layout.h).
 * The machine frames (mfns) are where the pages really are; they are
 * what Xen and other domains understand, so a grant names an mfn.  The
 * domain builder leaves the pfn -> mfn table (the p2m list) in memory
 * and names it in start_info.mfn_list (xen/include/public/xen.h);
 * physmem.c reads it (arch_pfn_to_mfn).  A NATIVE kernel has one kind
 * only: physical addresses.
 *
 * Walkthrough: walkthroughs/boot-pv.md, "A grant".
 */

#include "xen/xen.h"

#include "i386/layout.h"
#include "i386/pv.h"
#include "kern/arch.h"
#include "kern/libkern.h"
#include "xen/gnttab.h"

_Static_assert(GNTTAB_PAGE_SIZE == PAGE_SIZE,
    "grant-table frames must be our pages");

/*
 * Where the grant table is mapped: pages reserved in the image, as for
 * shared_info in machdep.c.  Their own frames are not used again once
 * mapped over (GNTTAB_NR_FRAMES pages lost, for mappings that need no
 * page-table allocation).
 */
static char grant_table_pages[GNTTAB_NR_FRAMES][PAGE_SIZE]
    __attribute__((aligned(PAGE_SIZE)));

void
arch_unmap_grant_frames(unsigned int n)
{
	unsigned int i;
	unsigned long mfn;

	/*
	 * Map each page's own frame again (the one the p2m gives for its
	 * pfn): a page table that still mapped Xen's frame would make the
	 * toolstack's save fail, since that frame is in no p2m.
	 */
	for (i = 0; i < n && i < GNTTAB_NR_FRAMES; i++) {
		mfn = arch_virt_to_frame(grant_table_pages[i]);
		if (mfn == ARCH_NO_FRAME ||
		    pv_map_frame(grant_table_pages[i], mfn) != 0)
			printf("gnttab: cannot put back the own frame of "
			    "page %u\n", i);
	}
}

void *
arch_map_grant_frames(const xen_pfn_t *frames, unsigned int n)
{
	unsigned int i;
	int err;

	if (n > GNTTAB_NR_FRAMES)
		return (NULL);
	/*
	 * GNTTABOP_setup_table gave a PV guest machine frames that Xen
	 * owns and shares with us; Xen lets us map them writable.  Each
	 * update_va_mapping replaces one page's entry and flushes it from
	 * the TLB.
	 */
	for (i = 0; i < n; i++) {
		err = pv_map_frame(grant_table_pages[i], frames[i]);
		if (err != 0) {
			printf("gnttab: mapping frame %u (mfn 0x%lx) failed: "
			    "%d\n", i, (unsigned long)frames[i], err);
			return (NULL);
		}
	}
	return (grant_table_pages);
}
