/*
 * physmem.c - the PV i386 kernel's pages: which machine frame backs each
 * of them and back again, where the bootstrap region ends, which pages
 * are free, and the `boot` test's check of start_info.
 *
 * Where this sits: i386_pv_start() calls physmem_init() before it
 * converts any frame number; pmap_bootstrap() (pmap.c) then takes page
 * tables from the bottom of the free pages and extends the direct map;
 * the machine-independent page allocator (kern/vm_page.c) gets the rest
 * through arch_first_free_pfn() and arch_nr_pages().
 *
 * Two numberings of memory meet here.  A PV guest sees its memory as
 * pseudo-physical frames 0 .. nr_pages-1 (pfns), contiguous; the real
 * machine frames (mfns) that back them are wherever Xen found free
 * memory.  Page tables hold mfns - the MMU knows nothing else - so the
 * kernel translates both ways:
 *	pfn -> mfn	the p2m list the domain builder left in the bootstrap
 *			region (start_info.mfn_list), one entry per pfn,
 *			ours to read and (for ballooning) to update;
 *	mfn -> pfn	Xen's machine-to-physical table (M2P), one entry per
 *			machine frame of the whole host, mapped read-only in
 *			every PV guest at MACH2PHYS_VIRT_START.
 * A NATIVE kernel has a single numbering: the physical address is the
 * frame number.  An HVM guest has one too: Xen translates guest frames
 * in the second-level page tables (HAP) behind the guest's back.
 *
 * Protocol: struct start_info and the start-of-day memory layout in
 * xen/include/public/xen.h; the M2P in
 * xen/include/public/arch-x86/xen-x86_32.h and XENMEM_machphys_mapping
 * in xen/include/public/memory.h.  Walkthrough: walkthroughs/boot-pv.md,
 * "Memory: the direct map and page tables".
 */

#include "xen/xen.h"

#include <xen/memory.h>

#include "i386/layout.h"
#include "i386/pmap.h"
#include "i386/pv.h"
#include "kern/arch.h"
#include "kern/libkern.h"
#include "kern/vm_page.h"
#include "xen/hypercall.h"

/*
 * The magic a 32-bit PAE PV guest must see.  machdep.c checked it before
 * anything else; the boot check looks again for the test's sake.
 */
#define	PV_MAGIC_PREFIX		"xen-3.0-x86_32p"

/*
 * A 32-bit PAE guest's L3 (the PDPT) must lie below 4 GiB, that is
 * below machine frame 0x100000; see arch_boot_check().
 */
#define	PDPT_MFN_LIMIT		0x100000UL

/*
 * start_info itself.  It lies in the bootstrap region, below the first
 * free page, so it stays mapped and unchanged for the kernel's life.
 */
static const start_info_t *start_info;

/*
 * The p2m: the mfn behind each pfn, ARCH_NO_FRAME for a pfn with no
 * memory behind it (given back by the balloon driver, or beyond the
 * boot memory).  For pfn < p2m_boot it is the list the domain builder
 * left, p2m[pfn]: one entry per boot page, in the bootstrap region,
 * writable.  Beyond, once physmem_grow() made room, p2m_ext[pfn /
 * P2M_PER_PAGE] is a page of entries taken from the page allocator:
 * a two-level array, so that growing never needs contiguous pages.
 */
#define	P2M_PER_PAGE	(PAGE_SIZE / sizeof(xen_pfn_t))
static xen_pfn_t *p2m;
static unsigned long p2m_boot, p2m_entries;
static xen_pfn_t *p2m_ext[DIRECT_MAP_PAGES / P2M_PER_PAGE];

/*
 * Pfns below this have an L1 table in the direct map, mapped or not:
 * 0 until arch_grow_room() makes room beyond the boot memory.
 */
static unsigned long room_pages;

/* The largest mfn the M2P has an entry for (XENMEM_machphys_mapping). */
static unsigned long m2p_max_mfn;

/* The first pfn after the bootstrap page tables. */
static unsigned long bootstrap_end;

/* The next page physmem_steal_page() gives; later the first free one. */
static unsigned long free_pfn;

/* Every pfn below this is mapped at KERNBASE + pfn * PAGE_SIZE. */
static unsigned long mapped_pages;

/* Set once the page allocator owns the free pages: no more stealing. */
static int allocator_started;

void
physmem_init(const start_info_t *si)
{
	struct xen_machphys_mapping m2p;

	start_info = si;
	p2m = (xen_pfn_t *)si->mfn_list;
	p2m_entries = si->nr_pages;
	p2m_boot = p2m_entries;

	/*
	 * The M2P area is 16 MiB of virtual space, room for 4M entries,
	 * but only the part that covers the host's memory is mapped:
	 * reading past max_mfn would fault.  Ask Xen where it ends.
	 */
	if (HYPERVISOR_memory_op(XENMEM_machphys_mapping, &m2p) != 0)
		panic("physmem: XENMEM_machphys_mapping failed; cannot "
		    "bound the M2P table");
	m2p_max_mfn = m2p.max_mfn;

	/*
	 * The bootstrap elements, in the order of the start-of-day comment
	 * in xen.h: our image, the p2m list, start_info, the xenstore and
	 * console pages, the bootstrap page tables, a bootstrap stack.  The
	 * page tables are the last thing we must keep; the stack after them
	 * is dead (locore.S left it for our own at the first instruction),
	 * so free memory starts right after the page tables.
	 */
	bootstrap_end = (si->pt_base - KERNBASE) / PAGE_SIZE + si->nr_pt_frames;
	free_pfn = bootstrap_end;
	/*
	 * Everything up to there is certainly mapped; pmap_bootstrap()
	 * reads the page tables to learn how far Xen's mapping really goes
	 * (a 4 MiB boundary at least 512 KiB further on).
	 */
	mapped_pages = bootstrap_end;
}

void
physmem_resume(void)
{
	struct xen_machphys_mapping m2p;

	/* As in physmem_init(); a failure keeps the old, smaller bound. */
	if (HYPERVISOR_memory_op(XENMEM_machphys_mapping, &m2p) == 0)
		m2p_max_mfn = m2p.max_mfn;
}

/* The p2m slot of pfn < p2m_entries. */
static xen_pfn_t *
p2m_slot(unsigned long pfn)
{

	if (pfn < p2m_boot)
		return (&p2m[pfn]);
	return (&p2m_ext[pfn / P2M_PER_PAGE][pfn % P2M_PER_PAGE]);
}

unsigned long
pv_mfn_to_pfn(xen_pfn_t mfn)
{
	unsigned long pfn;

	if (mfn > m2p_max_mfn)
		return (ARCH_NO_FRAME);
	pfn = machine_to_phys_mapping[mfn];
	/*
	 * The M2P entry of a frame that is not ours holds the pfn it has in
	 * its own domain (or garbage); only our p2m can confirm the frame
	 * is ours, by mapping that pfn back to the same mfn.
	 */
	if (pfn >= p2m_entries || *p2m_slot(pfn) != mfn)
		return (ARCH_NO_FRAME);
	return (pfn);
}

unsigned long
arch_pfn_to_mfn(unsigned long pfn)
{

	/*
	 * An entry may also read INVALID_P2M_ENTRY (all ones, which is
	 * ARCH_NO_FRAME) once a balloon driver has given the page back.
	 */
	if (pfn >= p2m_entries)
		return (ARCH_NO_FRAME);
	return (*p2m_slot(pfn));
}

void *
arch_pfn_to_virt(unsigned long pfn)
{

	if (pfn >= arch_max_pages())
		return (NULL);
	return ((void *)(KERNBASE + pfn * PAGE_SIZE));
}

unsigned long
arch_virt_to_pfn(const void *va)
{
	uintptr_t a = (uintptr_t)va;

	if (a < KERNBASE || a - KERNBASE >= arch_max_pages() * PAGE_SIZE)
		return (ARCH_NO_FRAME);
	return ((a - KERNBASE) / PAGE_SIZE);
}

unsigned long
physmem_steal_page(void)
{

	if (allocator_started)
		panic("physmem: a page table was stolen after the page "
		    "allocator started");
	/*
	 * Only mapped pages can be zeroed and filled; the 512 KiB of
	 * padding Xen leaves after the bootstrap region guarantees there
	 * are some before the direct map grows.
	 */
	if (free_pfn >= mapped_pages)
		panic("physmem: no mapped page left for a page table "
		    "(free pfn %lu, %lu pages mapped)", free_pfn, mapped_pages);
	return (free_pfn++);
}

void
physmem_set_mapped(unsigned long npages)
{

	mapped_pages = npages;
}

unsigned long
arch_first_free_pfn(void)
{

	/* From now on the free pages belong to kern/vm_page.c. */
	allocator_started = 1;
	return (free_pfn);
}

unsigned long
arch_nr_pages(void)
{

	return (mapped_pages);
}

unsigned long
arch_max_pages(void)
{

	return (room_pages > mapped_pages ? room_pages : mapped_pages);
}

/*
 * Room for pfns up to npages: the direct map's L1 tables (pmap.c) and
 * p2m pages, all from the page allocator, so this runs after
 * vm_page_init() - when the balloon driver starts and has learnt the
 * domain's maximum from xenstore (memory/static-max).  At boot only
 * start_info's nr_pages is known: libxl sets the domain's maximum
 * reservation to the boot memory plus 1 MiB and raises it only on
 * `xl mem-set`, so XENMEM_maximum_reservation cannot tell the maxmem
 * of xl.cfg either.
 */
unsigned long
arch_grow_room(unsigned long npages)
{
	unsigned long k;
	xen_pfn_t *page;

	if (npages > DIRECT_MAP_PAGES)
		npages = DIRECT_MAP_PAGES;
	/*
	 * Only a domain whose boot memory is all mapped grows: above 512
	 * MiB, or when pmap_bootstrap() stopped short, pfns with frames but
	 * no mapping lie where the room would go.
	 */
	if (npages <= arch_max_pages() || mapped_pages < p2m_boot)
		return (arch_max_pages());
	/* The p2m pages first: a pfn with a mapping must have a slot. */
	for (k = p2m_boot / P2M_PER_PAGE; k * P2M_PER_PAGE < npages; k++) {
		if (p2m_ext[k] != NULL || (k + 1) * P2M_PER_PAGE <= p2m_boot)
			continue;
		if ((page = vm_page_alloc()) == NULL)
			break;
		/* All ones: ARCH_NO_FRAME, "no memory behind this pfn". */
		memset(page, 0xff, PAGE_SIZE);
		p2m_ext[k] = page;
	}
	if (k * P2M_PER_PAGE < npages)
		npages = k * P2M_PER_PAGE;
	/* Then the L1 tables; the room ends where they do. */
	npages = pmap_direct_map_grow(npages);
	if (npages > p2m_entries)
		p2m_entries = npages;
	room_pages = npages;
	return (arch_max_pages());
}

/* True if the page-aligned address va lies in the bootstrap region. */
static int
in_bootstrap(unsigned long va)
{

	return (va >= KERNBASE && va % PAGE_SIZE == 0 &&
	    (va - KERNBASE) / PAGE_SIZE < bootstrap_end);
}

int
physmem_p2m_set(unsigned long pfn, xen_pfn_t mfn)
{

	/*
	 * Only the page allocator's pages come and go: never the image,
	 * the bootstrap region or the direct map's own tables, below
	 * free_pfn.
	 */
	if (!allocator_started || pfn < free_pfn || pfn >= p2m_entries)
		return (-1);
	*p2m_slot(pfn) = mfn;
	return (0);
}

int
arch_boot_check(char *buf, size_t size)
{
	const start_info_t *si = start_info;
	unsigned long pt_pfn, console_pfn, store_pfn, l3_mfn;
	unsigned long xen_mapped, l1_tables, want;
	unsigned int batches;
	uint64_t ns;
	int n;

	pt_pfn = (si->pt_base - KERNBASE) / PAGE_SIZE;
	console_pfn = pv_mfn_to_pfn(si->console.domU.mfn);
	store_pfn = pv_mfn_to_pfn(si->store_mfn);
	l3_mfn = arch_pfn_to_mfn(pt_pfn);

	if (strncmp(si->magic, PV_MAGIC_PREFIX, strlen(PV_MAGIC_PREFIX)) != 0) {
		snprintf(buf, size, "magic is not %s", PV_MAGIC_PREFIX);
		return (-1);
	}
	/* A domU: dom0 would have SIF_INITDOMAIN and a dom0 console. */
	if (si->flags & SIF_INITDOMAIN) {
		snprintf(buf, size, "flags 0x%x: SIF_INITDOMAIN set in a "
		    "domU", si->flags);
		return (-1);
	}
	if (si->nr_pages == 0 || si->nr_pages < bootstrap_end) {
		snprintf(buf, size, "nr_pages %lu does not cover the "
		    "bootstrap region (%lu pages)", si->nr_pages, bootstrap_end);
		return (-1);
	}
	/*
	 * The bootstrap page tables must lie in the region Xen mapped for
	 * us (xen.h: "mapped read-only"), the p2m list before them.
	 */
	if (!in_bootstrap(si->pt_base) || si->nr_pt_frames == 0 ||
	    !in_bootstrap(si->mfn_list) || si->mfn_list >= si->pt_base) {
		snprintf(buf, size, "pt_base 0x%lx (%lu frames) or mfn_list "
		    "0x%lx outside the bootstrap region", si->pt_base,
		    si->nr_pt_frames, si->mfn_list);
		return (-1);
	}
	/*
	 * The console and xenstore rings are pages of ours, placed before
	 * the page tables; shared_info is Xen's page, not one of ours.
	 */
	if (console_pfn >= pt_pfn || store_pfn >= pt_pfn) {
		snprintf(buf, size, "console mfn 0x%lx or xenstore mfn 0x%lx "
		    "is not one of our bootstrap pages",
		    (unsigned long)si->console.domU.mfn,
		    (unsigned long)si->store_mfn);
		return (-1);
	}
	if (pv_mfn_to_pfn(si->shared_info / PAGE_SIZE) != ARCH_NO_FRAME) {
		snprintf(buf, size, "shared_info 0x%lx is one of our pages",
		    si->shared_info);
		return (-1);
	}
	/*
	 * Xen refuses to use a PAE L3 above 4 GiB for a 32-bit guest that
	 * did not declare "extended-cr3" (we declare PAE_MODE "yes"), so
	 * the domain builder must have put ours below.
	 */
	if (l3_mfn >= PDPT_MFN_LIMIT) {
		snprintf(buf, size, "L3 at mfn 0x%lx is above 4 GiB", l3_mfn);
		return (-1);
	}
	pmap_direct_map_stats(&xen_mapped, &l1_tables, &batches, &ns);
	/*
	 * The direct map must cover every page (up to its 512 MiB):
	 * pmap_bootstrap() keeps going with less if Xen refused a batch,
	 * so that this line can say why.
	 */
	want = si->nr_pages < DIRECT_MAP_PAGES ? si->nr_pages :
	    DIRECT_MAP_PAGES;
	if (mapped_pages < want) {
		n = snprintf(buf, size, "direct map stopped at %lu of %lu "
		    "pages (%lu by Xen + %lu L1s in %u batches): ",
		    mapped_pages, want, xen_mapped, l1_tables, batches);
		if (n >= 0 && (size_t)n < size &&
		    pmap_direct_map_stopped(buf + n, size - n) == 0)
			snprintf(buf + n, size - n, "no reason recorded");
		return (-1);
	}
	snprintf(buf, size, "flags 0x%x, %lu pages, tables at pfn %lu+%lu "
	    "(L3 mfn 0x%lx < 4 GiB), console pfn %lu, xenstore pfn %lu; "
	    "direct map %lu pages: %lu by Xen + %lu L1s in %u batches, "
	    "%llu.%03llu ms", si->flags, si->nr_pages, pt_pfn,
	    si->nr_pt_frames, l3_mfn, console_pfn, store_pfn, mapped_pages,
	    xen_mapped, l1_tables, batches, ns / 1000000, ns / 1000 % 1000);
	return (0);
}
