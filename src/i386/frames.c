/*
 * frames.c - page frames for the shared code, on the PV i386 kernel:
 * which machine frame backs a kernel address (arch_virt_to_frame), and
 * mapping the grant table's frames (arch_map_grant_frames).  Both are
 * declared, with what the HVM kernel does instead, in src/kern/arch.h.
 *
 * A PV guest sees two kinds of frame numbers.  Its pseudo-physical
 * frames (pfns) number its pages 0, 1, 2 ... and place them in the
 * initial mapping at KERNBASE + pfn * PAGE_SIZE (src/i386/layout.h).
 * The machine frames (mfns) are where the pages really are; they are
 * what Xen and other domains understand, so a grant names an mfn.  The
 * domain builder leaves the pfn -> mfn table (the p2m list) in memory
 * and names it in start_info.mfn_list (xen/include/public/xen.h);
 * machdep.c keeps its address in pv_p2m.  A NATIVE kernel has one kind
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

xen_pfn_t
arch_virt_to_frame(const void *va)
{
	uintptr_t addr = (uintptr_t)va;
	unsigned long pfn;

	/* Only the initial mapping has a pfn: KERNBASE + pfn * PAGE_SIZE. */
	if (addr < KERNBASE)
		return (ARCH_FRAME_INVALID);
	pfn = (addr - KERNBASE) >> PAGE_SHIFT;
	if (pfn >= boot_info.nr_pages)
		return (ARCH_FRAME_INVALID);
	return (pv_p2m[pfn]);
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
