/*
 * pmap.c - the PV i386 kernel's page tables: the direct map of all
 * memory, and single pages mapped in the kernel's virtual window.
 *
 * Where this sits: i386_pv_start() calls pmap_bootstrap() before the
 * shared kernel starts; the shared kernel calls pmap_enter() and
 * pmap_remove() (kern/arch.h) for pages it wants at an address of its
 * choosing.  Layout: src/i386/layout.h.
 *
 * The rule that shapes everything here: a PV guest's page tables are
 * real page tables, walked by the real MMU, so Xen must see every entry
 * before the MMU does.  It does that by typing pages.  A page is either
 * "writable" (some entry maps it with the RW bit) or a page table of a
 * given level (some entry above points at it as a table), never both at
 * once: if the guest could write a table directly, it could map any
 * machine frame, including Xen's.  So
 *	- page-table pages are mapped read-only everywhere, including in
 *	  our own direct map; Xen refuses to hook a page as a table while
 *	  a writable mapping of it exists, and refuses a writable mapping
 *	  of a page that is a table;
 *	- entries are written with hypercalls that check them:
 *	  mmu_update (a batch of "write this value at this machine
 *	  address") and update_va_mapping (the entry for one virtual
 *	  address, with a TLB flush).
 * A NATIVE kernel writes its entries with plain stores and invalidates
 * the TLB itself (invlpg, or a %cr3 reload).  An HVM guest does too: its
 * page tables translate to guest frames, which Xen translates again
 * behind it with its own tables (HAP).
 *
 * We keep the page tables the domain builder made and only add to them:
 * the L3 (PAE's four-entry page directory pointer table, at pt_base),
 * its fourth entry's L2 (the kernel's gigabyte, 0xC0000000 up, whose top
 * slots hold Xen's own mappings), and new L1 tables under that L2.
 *
 * Protocol: mmu_update, mmuext_op and update_va_mapping in
 * xen/include/public/xen.h; PAE entry bits in Intel's SDM vol. 3.  How
 * Xen checks: xen/arch/x86/mm.c (get_page_type, promote_l3_table).
 * Walkthrough: walkthroughs/boot-pv.md, "Memory: the direct map and
 * page tables".
 */

#include "xen/xen.h"

#include <xen/errno.h>

#include "i386/layout.h"
#include "i386/pmap.h"
#include "i386/pv.h"
#include "kern/arch.h"
#include "kern/libkern.h"
#include "kern/vm_page.h"
#include "xen/barrier.h"

/*
 * How many L1 tables one mmu_update batch hooks (two requests each).
 * 16 chunks of 2 MiB: 512 MiB of direct map in 16 hypercalls.
 */
#define	HOOK_BATCH	16

/* The L2 slot that maps va, in the kernel's L2 (va >= KERNBASE). */
#define	L2_INDEX(va)	(((va) >> L2_SHIFT) & (NPTEPG - 1))
/* The L1 slot that maps va, in whichever L1 covers it. */
#define	L1_INDEX(va)	(((va) >> PAGE_SHIFT) & (NPTEPG - 1))

/*
 * The L2 of the kernel's gigabyte.  Our view of it is the direct map's,
 * which is read-only: we read entries with plain loads and write them
 * with mmu_update at kernel_l2_mfn.
 */
static const pt_entry_t *kernel_l2;
static xen_pfn_t kernel_l2_mfn;

/*
 * A batch of mmu_update requests being built: room for `room` requests
 * in req[], `count` of them filled.  One hypercall sends them all.
 */
struct mmu_batch {
	mmu_update_t	*req;
	unsigned int	 count;
	unsigned int	 room;
};

/* What pmap_bootstrap() did, for the boot test's figures. */
static struct {
	unsigned long	bootstrap_pages;	/* what Xen had mapped */
	unsigned long	l1_tables;		/* L1 tables we added */
	unsigned int	batches;		/* mmu_update hypercalls */
	uint64_t	nanoseconds;		/* time taken, 0 if unknown */
	/* Why it stopped short of all memory; stopped_slot 0: it did not. */
	unsigned long	stopped_slot;		/* first L2 slot left empty */
	long		stopped_error;		/* mmu_update's answer */
	unsigned int	stopped_done;		/* requests Xen carried out */
	unsigned int	stopped_count;		/* requests in that batch */
} direct_map_stats;

/* A machine frame number as the page-table entry bits that hold it. */
static xen_pfn_t
pte_mfn(pt_entry_t pte)
{

	return ((xen_pfn_t)((pte & PG_FRAME) >> PAGE_SHIFT));
}

uint64_t
pmap_pte_machine_address(uintptr_t va)
{
	pt_entry_t l2e;

	if (va < KERNBASE)
		return (0);
	l2e = kernel_l2[L2_INDEX(va)];
	if ((l2e & PG_V) == 0)
		return (0);
	/* The L1's machine address plus the entry's offset in it. */
	return (((uint64_t)pte_mfn(l2e) << PAGE_SHIFT) +
	    L1_INDEX(va) * sizeof(pt_entry_t));
}

void
pmap_resume(void)
{

	/*
	 * The L2 is the same page (same pfn, same address in the direct
	 * map); libxc's restore put it in a new frame and rewrote our p2m.
	 */
	kernel_l2_mfn = arch_pfn_to_mfn(arch_virt_to_pfn(kernel_l2));
}

xen_pfn_t
pmap_kernel_l2_mfn(void)
{

	return (kernel_l2_mfn);
}

const pt_entry_t *
pmap_kernel_l2(void)
{

	return (kernel_l2);
}

/*
 * Append to batch b the two requests that turn page l1_pfn, already
 * filled with entries, into the L1 table of L2 slot l2_index.  The order
 * is the point:
 *	1. remap the page read-only in the direct map: while any writable
 *	   mapping of it exists Xen will not accept it as a table (it
 *	   cannot be both "writable" and "page table");
 *	2. write the L2 entry.  Xen now checks every entry of the new L1
 *	   (each must map a frame of ours, none writable if that frame is
 *	   a table), types the page as an L1 and only then lets the MMU see
 *	   it.
 * Xen processes a batch in order, so both may go in one hypercall.  Each
 * request names the machine address of the entry to write, with the
 * request type in its low bits (MMU_NORMAL_PT_UPDATE), and the entry's
 * new value (xen/include/public/xen.h, "MMU-UPDATE REQUESTS").
 *
 * The TLB: step 1 downgrades a mapping, so a stale writable translation
 * of the page could survive in the TLB.  Xen itself flushes it when the
 * page changes type in step 2 (get_page_type in xen/arch/x86/mm.c
 * flushes every CPU that may cache a stale mapping), since letting us
 * write a validated table is exactly what it must prevent.  Step 2 only
 * adds a translation where there was none, and x86 never caches a
 * not-present entry, so it needs no flush.  A NATIVE kernel would
 * store the L2 entry and, at most, invlpg.
 */
static void
l1_hook_requests(struct mmu_batch *b, unsigned long l1_pfn,
    unsigned int l2_index)
{
	/* The new table's address in the direct map, and its frame. */
	uintptr_t l1_va = (uintptr_t)arch_pfn_to_virt(l1_pfn);
	xen_pfn_t l1_mfn = arch_pfn_to_mfn(l1_pfn);

	/*
	 * The callers' promises: the page is ours and mapped (it has an
	 * entry to make read-only), the slot is below Xen's part of the L2,
	 * and the batch has room for two more requests.
	 */
	if (l1_va == 0 || l1_mfn == ARCH_NO_FRAME ||
	    l2_index >= L2_INDEX(KVA_END) || b->room - b->count < 2)
		panic("pmap: cannot hook pfn %lu as the L1 of slot %u "
		    "(batch %u of %u)", l1_pfn, l2_index, b->count, b->room);
	/* LAB pv-boot: BEGIN */
	/* 1. The entry that maps the page in the direct map: read-only. */
	b->req[b->count].ptr = pmap_pte_machine_address(l1_va) |
	    MMU_NORMAL_PT_UPDATE;
	b->req[b->count].val = pv_pte(l1_mfn, PG_V | PG_A);
	b->count++;
	/*
	 * 2. The L2 entry, at its machine address in the L2's frame.  A
	 * table entry: RW here so that the L1's entries decide.
	 */
	b->req[b->count].ptr = ((uint64_t)kernel_l2_mfn << PAGE_SHIFT) +
	    l2_index * sizeof(pt_entry_t);
	b->req[b->count].ptr |= MMU_NORMAL_PT_UPDATE;
	b->req[b->count].val = pv_pte(l1_mfn, PG_V | PG_RW | PG_A);
	b->count++;
	/* LAB pv-boot: END */
}

/* Send a batch of mmu_update requests; panic if Xen refuses one. */
static void
mmu_update_or_panic(const struct mmu_batch *b, const char *what)
{
	unsigned int done = 0;
	long rc;

	rc = HYPERVISOR_mmu_update(b->req, b->count, &done, DOMID_SELF);
	if (rc != 0)
		panic("pmap: %s: mmu_update failed (%ld) at request %u of %u",
		    what, rc, done, b->count);
}

/*
 * Does L2 slot l2_index hold a table now?  The answer that counts is the
 * L2 itself, not mmu_update's return value: a batch Xen accepted in full
 * may still have left a slot empty (it wrote somewhere else, or was
 * never asked).  The L2 is read through the direct map's read-only view;
 * Xen wrote it during the hypercall, on this CPU, and the hypercall is a
 * compiler barrier, so a plain read sees the new entry.  (Not READ_ONCE:
 * an atomic 64-bit load would need libatomic on i386, and nothing writes
 * the entry while we read it.)
 */
static int
l2_slot_hooked(unsigned long l2_index)
{

	return ((kernel_l2[l2_index] & PG_V) != 0);
}

/*
 * Fill the fresh page l1_pfn as the L1 table of direct-map chunk
 * `chunk` (pfns chunk * 512 ...), mapping every pfn below `end`
 * writable.  The page is still an ordinary writable page here, so plain
 * stores do it: Xen checks all 512 entries at once when the table is
 * hooked, instead of one hypercall per entry.  None of the pfns mapped
 * is a page table: tables come from pages already mapped, never from
 * the chunk being added.
 */
static void
l1_fill_direct(unsigned long l1_pfn, unsigned long chunk, unsigned long end)
{
	pt_entry_t *l1 = arch_pfn_to_virt(l1_pfn);
	unsigned long pfn;
	unsigned int i;

	for (i = 0; i < NPTEPG; i++) {
		pfn = chunk * NPTEPG + i;
		/* Accessed and dirty set now: the CPU need not write them. */
		l1[i] = pfn < end ?
		    pv_pte(arch_pfn_to_mfn(pfn), PG_V | PG_RW | PG_A | PG_M) : 0;
	}
}

/* The time-stamp counter: cycles since the CPU started. */
static uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return (((uint64_t)hi << 32) | lo);
}

/*
 * Convert a number of TSC cycles to nanoseconds with the scale Xen
 * publishes in vcpu_info's time record (xen/include/public/xen.h,
 * struct vcpu_time_info: shift, then multiply by a 32.32 fraction).
 * Xen updates the record with an odd version while it writes; retry
 * until the version is even and unchanged, a bounded number of times.
 * Only for the boot figures; returns 0 when the scale is unknown.
 */
static uint64_t
tsc_to_ns(uint64_t cycles)
{
	const struct vcpu_time_info *t;
	uint32_t version, mul;
	int8_t shift;
	int tries;

	if (boot_info.shared_info == NULL)
		return (0);
	t = &boot_info.shared_info->vcpu_info[0].time;
	for (tries = 0; tries < 100; tries++) {
		version = READ_ONCE(t->version);
		xen_rmb();
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		xen_rmb();
		if ((version & 1) == 0 && version == READ_ONCE(t->version))
			break;
	}
	if (tries == 100 || mul == 0)
		return (0);
	if (shift < 0)
		cycles >>= -shift;
	else
		cycles <<= shift;
	/* (cycles * mul) >> 32 without overflowing 64 bits. */
	return ((cycles >> 32) * mul + (((cycles & 0xffffffffU) * mul) >> 32));
}

void
pmap_bootstrap(const start_info_t *si)
{
	const pt_entry_t *l3 = (const pt_entry_t *)si->pt_base;
	mmu_update_t req[2 * HOOK_BATCH];
	struct mmu_batch batch = {
	    .req = req, .room = sizeof(req) / sizeof(req[0])
	};
	unsigned long l2_pfn, chunk, target, l1_pfn;
	unsigned int n, hooked, done;
	uint64_t start;
	long rc;

	/*
	 * The L3 entry for the kernel's gigabyte leads to its L2.  Both
	 * are bootstrap page tables, mapped read-only in the bootstrap
	 * region, so once the mfn is converted we can read them directly.
	 */
	if ((l3[KERNBASE >> L3_SHIFT] & PG_V) == 0)
		panic("pmap: no L2 for the kernel's gigabyte in the L3 at 0x%lx",
		    si->pt_base);
	kernel_l2_mfn = pte_mfn(l3[KERNBASE >> L3_SHIFT]);
	l2_pfn = pv_mfn_to_pfn(kernel_l2_mfn);
	kernel_l2 = l2_pfn == ARCH_NO_FRAME ? NULL : arch_pfn_to_virt(l2_pfn);
	if (kernel_l2 == NULL)
		panic("pmap: the kernel's L2 (mfn 0x%lx) is not in the bootstrap "
		    "region", (unsigned long)kernel_l2_mfn);

	/*
	 * How far Xen mapped: it maps from KERNBASE up to a 4 MiB boundary
	 * (xen.h, start-of-day layout, rules 2 and 7), filling each L1 it
	 * creates, so the first empty L2 slot marks the end.
	 */
	for (chunk = 0; chunk < DIRECT_MAP_PAGES / NPTEPG &&
	    (kernel_l2[chunk] & PG_V) != 0; chunk++)
		continue;
	target = si->nr_pages < DIRECT_MAP_PAGES ? si->nr_pages :
	    DIRECT_MAP_PAGES;
	direct_map_stats.bootstrap_pages = chunk * NPTEPG;
	physmem_set_mapped(chunk * NPTEPG < target ? chunk * NPTEPG : target);

	/*
	 * Add the missing chunks, HOOK_BATCH at a time.  The L1 tables come
	 * from the bottom of the free pages, which must already be mapped:
	 * at first the padding after the bootstrap region, then the chunks
	 * just added.  After each batch the new pages become usable.
	 */
	start = rdtsc();
	while (chunk * NPTEPG < target) {
		batch.count = 0;
		for (n = 0; n < HOOK_BATCH && (chunk + n) * NPTEPG < target;
		    n++) {
			l1_pfn = physmem_steal_page();
			l1_fill_direct(l1_pfn, chunk + n, target);
			l1_hook_requests(&batch, l1_pfn,
			    (unsigned int)(chunk + n));
		}
		done = 0;
		rc = HYPERVISOR_mmu_update(batch.req, batch.count, &done,
		    DOMID_SELF);
		/*
		 * The chunks whose slots hold a table now, in order, are
		 * mapped, whatever Xen answered; the first empty slot ends
		 * the direct map.  A refused batch does not stop the kernel:
		 * it keeps what is mapped (Xen's 4 MiB at least), and the
		 * boot test reports the shortfall with Xen's answer, which
		 * says more than a panic this early could (no console yet).
		 */
		for (hooked = 0; hooked < n && l2_slot_hooked(chunk + hooked);
		    hooked++)
			continue;
		chunk += hooked;
		physmem_set_mapped(chunk * NPTEPG < target ? chunk * NPTEPG :
		    target);
		direct_map_stats.l1_tables += hooked;
		direct_map_stats.batches++;
		if (rc != 0 || hooked < n) {
			direct_map_stats.stopped_slot = chunk;
			direct_map_stats.stopped_error = rc;
			direct_map_stats.stopped_done = done;
			direct_map_stats.stopped_count = batch.count;
			break;
		}
	}
	direct_map_stats.nanoseconds = tsc_to_ns(rdtsc() - start);
}

void
pmap_direct_map_stats(unsigned long *bootstrap_pages,
    unsigned long *l1_tables, unsigned int *batches, uint64_t *nanoseconds)
{

	*bootstrap_pages = direct_map_stats.bootstrap_pages;
	*l1_tables = direct_map_stats.l1_tables;
	*batches = direct_map_stats.batches;
	*nanoseconds = direct_map_stats.nanoseconds;
}

int
pmap_direct_map_stopped(char *buf, size_t size)
{

	if (direct_map_stats.stopped_slot == 0)
		return (0);
	snprintf(buf, size, "L2 slot %lu still empty after a batch of %u "
	    "requests, mmu_update returned %ld with %u done",
	    direct_map_stats.stopped_slot, direct_map_stats.stopped_count,
	    direct_map_stats.stopped_error, direct_map_stats.stopped_done);
	return (-1);
}

/*
 * Give the window's L2 slot l2_index an L1 table: a zeroed page from the
 * page allocator, made read-only and hooked as in l1_hook_requests().
 *
 * We do not pin these tables (MMUEXT_PIN_L1_TABLE).  Pinning tells Xen
 * to keep a page typed and validated as a table even while no entry
 * above refers to it, so that it can be unhooked and hooked again
 * without being checked again, and it is how a kernel gets a whole new
 * tree validated before switching to it (MMUEXT_PIN_L3_TABLE, then
 * MMUEXT_NEW_BASEPTR, the PV form of loading %cr3).  Our L1s stay
 * hooked for the kernel's life; the L2 entry's reference keeps them
 * typed.
 *
 * The other rule Xen enforces on PAE tables does not bite here because
 * we keep the builder's L3: a 32-bit guest's L3 must lie below 4 GiB of
 * machine memory, since the CPU's %cr3 holds only 32 bits of it in PAE
 * mode.  A kernel that builds new address spaces (a process per L3)
 * must take L3 pages from below 4 GiB, or declare "extended-cr3" in its
 * PAE_MODE note and use the packed format (xen_pfn_to_cr3); Xen refuses
 * an L3 above it otherwise (promote_l3_table in xen/arch/x86/mm.c).
 * arch_boot_check() checks that the builder's L3 obeys it.
 */
static int
window_grow(unsigned int l2_index)
{
	mmu_update_t req[2];
	struct mmu_batch batch = {
	    .req = req, .room = sizeof(req) / sizeof(req[0])
	};
	void *page;

	page = vm_page_alloc();
	if (page == NULL)
		return (-XEN_ENOMEM);
	l1_hook_requests(&batch, arch_virt_to_pfn(page), l2_index);
	/*
	 * A fresh zeroed table cannot be refused, nor the slot stay empty,
	 * unless this code is wrong, and the page could not go back to the
	 * allocator: it may be read-only now.
	 */
	mmu_update_or_panic(&batch, "hooking an L1 for the window");
	if (!l2_slot_hooked(l2_index))
		panic("pmap: hooking an L1 for the window: L2 slot %u still "
		    "empty after %u requests", l2_index, batch.count);
	return (0);
}

unsigned long
pmap_direct_map_grow(unsigned long npages)
{
	unsigned long slot;

	/*
	 * Slot by slot, up to the one holding the last pfn: the boot
	 * direct map's last L1 may already cover some of them (its
	 * entries past nr_pages are empty).  Each slot costs one page.
	 */
	for (slot = 0; slot * NPTEPG < npages; slot++)
		if (!l2_slot_hooked(slot) && window_grow((unsigned int)slot) != 0)
			return (slot * NPTEPG);
	return (npages);
}

void
arch_kva_window(uintptr_t *start, uintptr_t *end)
{

	*start = KVA_START;
	*end = KVA_END;
}

/* Is va a page-aligned address of the window? */
static int
in_window(uintptr_t va)
{

	return (va >= KVA_START && va < KVA_END && va % PAGE_SIZE == 0);
}

int
pmap_enter(uintptr_t va, unsigned long pfn, unsigned int prot)
{
	unsigned long mfn;
	uint64_t flags;
	int error;

	mfn = arch_pfn_to_mfn(pfn);
	if (!in_window(va) || mfn == ARCH_NO_FRAME)
		return (-XEN_EINVAL);
	if ((kernel_l2[L2_INDEX(va)] & PG_V) == 0 &&
	    (error = window_grow(L2_INDEX(va))) != 0)
		return (error);
	flags = PG_V | PG_A;
	if (prot & PMAP_WRITE)
		flags |= PG_RW | PG_M;
	/*
	 * One checked write of the entry for va, and an invlpg of va
	 * (UVMF_INVLPG) in the same hypercall.  Xen refuses, for example,
	 * a writable mapping of a page that is a page table (-EBUSY: the
	 * page is busy being a table; the `ptwrite` test shows it).
	 * NATIVE: *pte = entry; invlpg va.
	 */
	return ((int)HYPERVISOR_update_va_mapping(va, pv_pte(mfn, flags),
	    UVMF_INVLPG));
}

int
pmap_remove(uintptr_t va)
{

	if (!in_window(va))
		return (-XEN_EINVAL);
	/* No L1 for va: nothing can be mapped there. */
	if ((kernel_l2[L2_INDEX(va)] & PG_V) == 0)
		return (0);
	/*
	 * A zero entry (not present) and an invlpg: after this, the next
	 * access to va faults.  NATIVE: *pte = 0; invlpg va.
	 */
	return ((int)HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG));
}
