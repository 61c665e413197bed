/*
 * i386/pmap.h - the PV i386 kernel's physical memory and page tables,
 * as seen by the rest of src/i386.  Private to src/i386; the shared
 * kernel sees only the arch_*() and pmap_*() functions of kern/arch.h.
 *
 * physmem.c knows the domain's pages: the p2m list (pfn to mfn) and the
 * M2P table (mfn to pfn) Xen gives every PV guest, and where the
 * bootstrap region ends.  pmap.c changes page tables: it extends Xen's
 * bootstrap mapping into a direct map of all memory, and maps single
 * pages in the kernel's virtual window.  Both follow the PAE layout:
 * a 4-entry L3 (the PDPT), 512-entry L2s and L1s of 8-byte entries.
 *
 * Protocol: start_info and the start-of-day layout in
 * xen/include/public/xen.h; mmu_update and update_va_mapping in the
 * same file; the M2P in xen/include/public/arch-x86/xen-x86_32.h.
 * Walkthrough: walkthroughs/boot-pv.md, "Memory: the direct map and
 * page tables".
 */
#ifndef _I386_PMAP_H_
#define _I386_PMAP_H_

#include "xen/xen.h"

/* PAE geometry (Intel SDM vol. 3, "PAE paging"). */
#define	NPTEPG		512		/* entries in an L1 or L2 page */
#define	L2_SHIFT	21		/* an L2 entry maps 2 MiB */
#define	L3_SHIFT	30		/* an L3 entry maps 1 GiB */

/* A PAE page-table entry: 64 bits even on a 32-bit CPU. */
typedef uint64_t pt_entry_t;

/**
 * @brief Learn the domain's memory from start_info: the p2m list, the
 *	M2P's bounds, the end of the bootstrap region.
 *
 * Called from i386_pv_start() before anything converts a frame number.
 * Stops the domain (there is no console yet to complain on) if the
 * hypervisor will not say how far the M2P reaches.
 */
void	physmem_init(const start_info_t *si);

/**
 * @brief The pfn of machine frame mfn, if the frame is ours.
 *
 * Looks mfn up in Xen's M2P table, then checks the answer against our
 * own p2m list: the M2P has an entry for every frame of the machine,
 * including other domains' frames, whose pfns mean nothing to us.
 * @return the pfn, or ARCH_NO_FRAME
 */
unsigned long	pv_mfn_to_pfn(xen_pfn_t mfn);

/**
 * @brief Take one page from the bottom of the free pages, for a page
 *	table of the direct map.  Only before the page allocator starts.
 * @return its pfn; the page is mapped (writable) in the direct map
 */
unsigned long	physmem_steal_page(void);

/**
 * @brief Record that pfns below npages are now in the direct map.
 */
void	physmem_set_mapped(unsigned long npages);

/**
 * @brief Set the p2m slot of pfn (ARCH_NO_FRAME: no memory behind it),
 *	for the balloon hooks in src/i386/balloon_machdep.c.
 * @return 0, or -1 for a pfn the page allocator does not own or
 *	without a slot
 */
int	physmem_p2m_set(unsigned long pfn, xen_pfn_t mfn);

/**
 * @brief Give every pfn below npages an L1 table in the direct map
 *	(empty: no page mapped), hooking zeroed tables from the page
 *	allocator as pmap_enter() does for the window.
 * @return how far the direct map now has room (npages, or less when
 *	the allocator ran out)
 */
unsigned long	pmap_direct_map_grow(unsigned long npages);

/**
 * @brief Extend Xen's bootstrap mapping to a direct map of every page
 *	(up to DIRECT_MAP_PAGES), building and hooking the missing L1
 *	tables.  Called once from i386_pv_start(), after physmem_init().
 */
void	pmap_bootstrap(const start_info_t *si);

/**
 * @brief After a restore into a new domain, look up again the machine
 *	frames pmap keeps (the kernel's L2): the pfns are the same, their
 *	mfns are the new host's (i386/suspend.c).
 */
void	pmap_resume(void);

/**
 * @brief After a restore, ask Xen again how far its M2P table reaches
 *	(the new host may have more memory).
 */
void	physmem_resume(void);

/**
 * @brief What pmap_bootstrap() did: the pages Xen had mapped, the L1
 *	tables added, in how many mmu_update batches, and how long it took
 *	(0 if the time could not be measured).
 */
void	pmap_direct_map_stats(unsigned long *bootstrap_pages,
	    unsigned long *l1_tables, unsigned int *batches,
	    uint64_t *nanoseconds);

/**
 * @brief Why pmap_bootstrap() stopped before mapping all memory, if it
 *	did: the first L2 slot it left empty and Xen's answer to the batch
 *	that should have filled it, as a sentence in buf.
 * @return 0 if the direct map was built in full, -1 if it stopped
 */
int	pmap_direct_map_stopped(char *buf, size_t size);

/**
 * @brief The machine address of the L1 entry that maps va, for an
 *	mmu_update request.
 * @return the address, or 0 if no L1 table covers va
 */
uint64_t	pmap_pte_machine_address(uintptr_t va);

/**
 * @brief The machine frame of the L2 table that maps the kernel's
 *	gigabyte (0xC0000000 up), and its read-only view in the direct map.
 */
xen_pfn_t	pmap_kernel_l2_mfn(void);
const pt_entry_t *pmap_kernel_l2(void);

#endif /* !_I386_PMAP_H_ */
