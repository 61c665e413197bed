/*
 * pmap.c - the HVM amd64 kernel's memory: which pages are RAM, the
 * direct map, and the window where pmap_enter() maps single pages.  Its
 * side of the "Physical memory" and "Kernel virtual pages" parts of
 * src/kern/arch.h.
 *
 * Where this sits: amd64_start() (machdep.c) calls pmap_init() with
 * the memory map the firmware gave through multiboot, before
 * kernel_main(); kern/vm_page.c then takes every page from
 * arch_first_free_pfn() to arch_nr_pages().
 *
 * This is the NATIVE way, and the contrast with src/i386/pmap.c and
 * physmem.c is the point of the file:
 *   - Frame numbers.  An HVM guest has one kind: its guest-physical
 *     frames, which Xen translates again through nested page tables
 *     the guest never sees.  So a pfn is also what goes into a grant
 *     entry (arch_pfn_to_mfn() is the identity), where a PV kernel must
 *     look the machine frame up in the p2m list Xen gave it.
 *   - The direct map.  locore.S mapped the first 4 GiB one to one with
 *     2 MiB pages before paging was even on: pfn N is at address
 *     N * 4096.  The PV kernel had to build its direct map with batched
 *     mmu_update hypercalls, every L1 table first made read-only.
 *   - Page-table writes.  pmap_enter() below stores a page-table entry
 *     and flushes the TLB with `invlpg`: two instructions.  PV:
 *     HYPERVISOR_update_va_mapping, which Xen checks (is the frame ours?
 *     is it a page table being made writable?) before it writes.
 *
 * References: Intel SDM vol. 3A, 4.5 (4-level paging) and 4.10.4 (TLB
 * invalidation); the Multiboot Specification 0.6.96, 3.3 (mmap).
 * Walkthrough: walkthroughs/boot-hvm.md.
 */

#include "xen/xen.h"

#include <xen/errno.h>

#include <machine/pmap.h>

#include "amd64/layout.h"
#include "amd64/pmap_init.h"
#include "kern/arch.h"
#include "kern/libkern.h"

/* The image's bounds (kernel.ld) and locore.S's page-directory-pointer table. */
extern char kernel_end[];
extern uint64_t pdpt[];

/*
 * The window: KVA_PAGE_TABLES page tables of 512 entries, one 4 KiB page
 * each, right after the one-to-one map, at 4 GiB.  Addresses above 4 GiB
 * are fine for data even though the kernel is compiled with
 * -mcmodel=small: only the image itself must lie below 2 GiB.
 */
#define	KVA_PAGE_TABLES	8
#define	KVA_START	DIRECT_MAP_END
#define	KVA_END		(KVA_START + KVA_PAGE_TABLES * 512 * PAGE_SIZE)
#define	PG_FRAME	0x000ffffffffff000UL	/* an entry's address bits */

/* One page directory for the window and its page tables, in .bss. */
static uint64_t kva_page_directory[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t kva_page_tables[KVA_PAGE_TABLES][512]
    __attribute__((aligned(PAGE_SIZE)));

/* The end of usable RAM, in pages: see pmap_init(). */
static unsigned long ram_pages;

/* Flush one address from this CPU's TLB. */
static inline void
invlpg(uintptr_t va)
{

	__asm__ volatile("invlpg (%0)" : : "r" (va) : "memory");
}

/*
 * Find the RAM the page allocator may use: the available range of the
 * memory map that holds the kernel (it starts at 1 MiB, KERNBASE), up to
 * its end.  Under Xen, hvmloader's E820 map has one such range from
 * 1 MiB to the top of low memory; above it lie the reserved pages where
 * the toolstack put the console and xenstore rings, then the PCI hole.
 * Taking one range keeps arch_nr_pages() a single bound, as the PV
 * kernel's nr_pages is.  Each entry gives its own size: one that would
 * run past the end of the map stops the walk.
 */
static unsigned long
ram_end_pages(const struct multiboot_info *mbi)
{
	const struct multiboot_mmap_entry *e;
	uintptr_t p, end;

	if ((mbi->flags & MULTIBOOT_INFO_MMAP) == 0) {
		/* No map: mem_upper is the KiB of RAM above 1 MiB. */
		if ((mbi->flags & MULTIBOOT_INFO_MEMORY) == 0)
			return (0);
		return ((KERNBASE >> PAGE_SHIFT) +
		    mbi->mem_upper / (PAGE_SIZE / 1024));
	}
	p = mbi->mmap_addr;
	end = p + mbi->mmap_length;
	while (p + sizeof(*e) <= end) {
		e = (const struct multiboot_mmap_entry *)p;
		if (e->type == MULTIBOOT_MEMORY_AVAILABLE &&
		    e->addr <= KERNBASE && e->addr + e->len > KERNBASE)
			return ((unsigned long)((e->addr + e->len) >>
			    PAGE_SHIFT));
		p += e->size + sizeof(e->size);
	}
	return (0);
}

void
pmap_init(const struct multiboot_info *mbi)
{
	unsigned int i;

	ram_pages = ram_end_pages(mbi);
	/* Only what the one-to-one map covers has a kernel address. */
	if (ram_pages > DIRECT_MAP_END >> PAGE_SHIFT)
		ram_pages = DIRECT_MAP_END >> PAGE_SHIFT;
	/*
	 * Hook the window into the page-table tree with plain stores: its
	 * page tables into its page directory, that directory into the
	 * fifth slot of the page-directory-pointer table (the first four
	 * map 0-4 GiB).  The tables are in our image, so their physical
	 * address is their address.  Nothing mapped the window before, so
	 * no TLB entry can be stale.  A PV kernel would have to make each
	 * new table read-only and ask Xen to hook it (mmu_update).
	 */
	for (i = 0; i < KVA_PAGE_TABLES; i++)
		kva_page_directory[i] = (uintptr_t)kva_page_tables[i] | PG_V |
		    PG_RW;
	pdpt[KVA_START >> 30] = (uintptr_t)kva_page_directory | PG_V | PG_RW;
}

unsigned long
arch_first_free_pfn(void)
{

	/* After the image and its .bss, which holds our page tables. */
	return (((uintptr_t)kernel_end + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

unsigned long
arch_nr_pages(void)
{

	return (ram_pages);
}

void *
arch_pfn_to_virt(unsigned long pfn)
{

	/* pfn 0 is RAM but left unmapped, to catch NULL pointers. */
	if (pfn == 0 || pfn >= ram_pages)
		return (NULL);
	return ((void *)(pfn << PAGE_SHIFT));
}

unsigned long
arch_virt_to_pfn(const void *va)
{
	uintptr_t a = (uintptr_t)va;

	if (a < PAGE_SIZE || a >= (uintptr_t)ram_pages << PAGE_SHIFT)
		return (ARCH_NO_FRAME);
	return (a >> PAGE_SHIFT);
}

unsigned long
arch_pfn_to_mfn(unsigned long pfn)
{

	/* Xen translates an HVM guest's frames itself: no p2m list here. */
	return (pfn < ram_pages ? pfn : ARCH_NO_FRAME);
}

void
arch_kva_window(uintptr_t *start, uintptr_t *end)
{

	*start = KVA_START;
	*end = KVA_END;
}

/* The page-table entry that maps va, or NULL outside the window. */
static uint64_t *
kva_pte(uintptr_t va)
{
	unsigned long i;

	if (va < KVA_START || va >= KVA_END || (va & (PAGE_SIZE - 1)) != 0)
		return (NULL);
	i = (va - KVA_START) >> PAGE_SHIFT;
	return (&kva_page_tables[i / 512][i % 512]);
}

int
pmap_enter(uintptr_t va, unsigned long pfn, unsigned int prot)
{
	uint64_t *pte = kva_pte(va);

	if (pte == NULL || arch_pfn_to_virt(pfn) == NULL)
		return (-XEN_EINVAL);
	/*
	 * One store makes the mapping; `invlpg` drops whatever translation
	 * of va the TLB still held.  The store is a single aligned 64-bit
	 * write, so the CPU's page walker never sees half an entry.
	 */
	*pte = ((uint64_t)pfn << PAGE_SHIFT & PG_FRAME) | PG_V |
	    ((prot & PMAP_WRITE) ? PG_RW : 0);
	invlpg(va);
	return (0);
}

int
pmap_remove(uintptr_t va)
{
	uint64_t *pte = kva_pte(va);

	if (pte == NULL)
		return (-XEN_EINVAL);
	*pte = 0;
	invlpg(va);
	return (0);
}
