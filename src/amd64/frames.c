/*
 * frames.c - placing the grant table in the HVM amd64 kernel's
 * guest-physical space (arch_map_grant_frames in src/kern/arch.h).
 *
 * Where this sits: gnttab_init() (src/xen/gnttab.c) has grown our grant
 * table with GNTTABOP_setup_table and asks the architecture for a
 * pointer to it.  A PV kernel maps the machine frames that call listed
 * (src/i386/frames.c).  An HVM kernel cannot name machine frames at
 * all; instead it chooses guest-physical pages and asks Xen to put the
 * table's frames there, one XENMEM_add_to_physmap
 * (XENMAPSPACE_grant_table, idx = frame number) each
 * (xen/include/public/memory.h).  Like shared_info, the pages come from
 * the Xen platform device's memory BAR (xenpci_alloc_space()), space no
 * RAM backs, so no page of memory is lost to the table.  Linux does the
 * same in gnttab_setup_auto_xlat_frames() with the BAR of its
 * platform-pci driver.
 */

#include "xen/xen.h"

#include <xen/memory.h>

#include <machine/pmap.h>

#include "dev/xen/xenpci/xenpci.h"
#include "kern/arch.h"
#include "kern/libkern.h"
#include "xen/gnttab.h"
#include "xen/hypercall.h"

_Static_assert(GNTTAB_PAGE_SIZE == PAGE_SIZE,
    "grant-table frames must be our pages");

/* Where the table went the first time: Xen keeps it there afterwards. */
static uint64_t grant_table_pa;

void *
arch_map_grant_frames(const xen_pfn_t *frames, unsigned int n)
{
	struct xen_add_to_physmap xatp;
	unsigned int i;
	long error;

	(void)frames;		/* machine frames: meaningless to us */
	if (n == 0 || n > GNTTAB_NR_FRAMES)
		return (NULL);
	/* Contiguous room for the largest table, taken once. */
	if (grant_table_pa == 0 &&
	    (grant_table_pa = xenpci_alloc_space(GNTTAB_NR_FRAMES *
	    PAGE_SIZE)) == 0) {
		printf("gnttab: no room in the platform device's BAR\n");
		return (NULL);
	}
	for (i = 0; i < n; i++) {
		xatp.domid = DOMID_SELF;
		xatp.space = XENMAPSPACE_grant_table;
		xatp.idx = i;
		xatp.gpfn = (grant_table_pa >> PAGE_SHIFT) + i;
		/*
		 * From this call on the guest-physical page is frame i of
		 * the table; our one-to-one map already covers it, and it
		 * was never touched, so no stale TLB entry exists.
		 */
		error = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
		if (error != 0) {
			printf("gnttab: XENMEM_add_to_physmap(grant_table %u, "
			    "gpfn 0x%lx) failed: %ld\n", i,
			    (unsigned long)xatp.gpfn, error);
			return (NULL);
		}
	}
	return (pmap_mapdev(grant_table_pa, n * PAGE_SIZE));
}
