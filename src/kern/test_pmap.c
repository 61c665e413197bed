/*
 * kern/test_pmap.c - the `pmap` test: a page mapped with pmap_enter() in
 * the kernel's virtual window is the same memory as that page in the
 * direct map; after pmap_remove() the address faults.
 *
 * Result lines:
 *	pmap		a fresh page mapped writable at the bottom of the
 *			window: a pattern written there reads back through
 *			the direct map, and the other way round
 *	pmap-readonly	mapped without PMAP_WRITE, it reads but a write
 *			faults
 *	pmap-top	the window's last page works too (on PV its L1
 *			table lies just below Xen's own L2 slots)
 *	pmap-unmap	after pmap_remove() a read faults - a page fault,
 *			at that address, caught by arch_probe_read() - and
 *			an address outside the window is refused
 * Interface: kern/arch.h.  The PV implementation is src/i386/pmap.c.
 */

#include "kern/arch.h"
#include "kern/report.h"
#include "kern/test.h"
#include "kern/vm_page.h"

#define	PAGE_WORDS	(VM_PAGE_SIZE / sizeof(uint32_t))

/* The pattern of word i: different in every word and in both halves. */
static uint32_t
pattern(unsigned int i)
{

	return (0xd0d00000U + i * 0x10001U);
}

/*
 * Does the window page at va show the same memory as the direct-map
 * page `direct`?  Write the pattern at va, read it through `direct`,
 * then change one word through `direct` and read it at va.
 */
static int
same_memory(volatile uint32_t *at_va, volatile uint32_t *direct)
{
	unsigned int i;

	/*
	 * Every word, not just one: a mapping of the wrong page that
	 * happened to hold the same value in one place must not pass.
	 */
	for (i = 0; i < PAGE_WORDS; i++)
		at_va[i] = pattern(i);
	for (i = 0; i < PAGE_WORDS; i++)
		if (direct[i] != pattern(i))
			return (0);
	/* And the other way: both addresses really are one memory. */
	direct[7] = ~pattern(7);
	return (at_va[7] == ~pattern(7));
}

/* Map direct's page read-only at va: reads work, a write faults. */
static void
check_readonly(uintptr_t va, unsigned long pfn, volatile uint32_t *direct)
{
	struct arch_fault fault;
	uint8_t byte;
	int error;

	/* Replaces the writable mapping of the same page at va. */
	if ((error = pmap_enter(va, pfn, 0)) != 0) {
		report("pmap-readonly", FAIL, "pmap_enter(0x%lx, read-only) "
		    "returned %d", (unsigned long)va, error);
		return;
	}
	/* Word 1 of the pattern: its low byte is 0x01. */
	if (arch_probe_read((void *)(va + sizeof(uint32_t)), &byte) != 0 ||
	    byte != (uint8_t)direct[1]) {
		report("pmap-readonly", FAIL, "cannot read 0x%lx mapped "
		    "read-only", (unsigned long)va);
		return;
	}
	/*
	 * A write that got through would mean the old, writable
	 * translation survived in the TLB or the entry kept its RW bit.
	 */
	if (arch_probe_write((void *)va, 0) == 0) {
		report("pmap-readonly", FAIL, "a write to 0x%lx, mapped "
		    "read-only, did not fault", (unsigned long)va);
		return;
	}
	arch_probe_last_fault(&fault);
	report("pmap-readonly", PASS, "0x%lx mapped read-only reads; a write "
	    "takes a %s, error code 0x%lx", (unsigned long)va, fault.name,
	    fault.error_code);
}

/* Map at the window's last page, check, unmap. */
static void
check_top(uintptr_t va, unsigned long pfn, volatile uint32_t *direct)
{
	int error;

	if ((error = pmap_enter(va, pfn, PMAP_WRITE)) != 0)
		report("pmap-top", FAIL, "pmap_enter(0x%lx) returned %d",
		    (unsigned long)va, error);
	else if (!same_memory((volatile uint32_t *)va, direct))
		report("pmap-top", FAIL, "0x%lx does not show pfn %lu",
		    (unsigned long)va, pfn);
	else
		report("pmap-top", PASS, "the window's last page 0x%lx maps "
		    "pfn %lu", (unsigned long)va, pfn);
	(void)pmap_remove(va);
}

/* After pmap_remove(va) a read of va faults; outside the window: no. */
static void
check_unmap(uintptr_t va, uintptr_t end, unsigned long pfn)
{
	struct arch_fault fault;
	uint8_t byte;
	int error;

	/*
	 * Without the invlpg that goes with the cleared entry, the read
	 * below could still be served by the old translation.
	 */
	if ((error = pmap_remove(va)) != 0) {
		report("pmap-unmap", FAIL, "pmap_remove(0x%lx) returned %d",
		    (unsigned long)va, error);
		return;
	}
	if (arch_probe_read((void *)va, &byte) == 0) {
		report("pmap-unmap", FAIL, "0x%lx still reads after "
		    "pmap_remove", (unsigned long)va);
		return;
	}
	/*
	 * It must be the fault we caused: a page fault at va itself (the
	 * address the architecture took from %cr2, or on PV from
	 * vcpu_info's arch.cr2), not some other fault on the way.
	 */
	arch_probe_last_fault(&fault);
	if (strcmp(fault.name, "page fault") != 0 || fault.address != va) {
		report("pmap-unmap", FAIL, "reading 0x%lx took a %s at 0x%lx, "
		    "expected a page fault there", (unsigned long)va,
		    fault.name, (unsigned long)fault.address);
		return;
	}
	/* The first page past the window: on PV, Xen's own M2P table. */
	if ((error = pmap_enter(end, pfn, PMAP_WRITE)) == 0) {
		report("pmap-unmap", FAIL, "pmap_enter accepted 0x%lx, past "
		    "the window's end", (unsigned long)end);
		(void)pmap_remove(end);
		return;
	}
	report("pmap-unmap", PASS, "after pmap_remove a read of 0x%lx takes a "
	    "%s (error code 0x%lx, address 0x%lx), caught by "
	    "arch_probe_read; 0x%lx refused (%d)", (unsigned long)va,
	    fault.name, fault.error_code, (unsigned long)fault.address,
	    (unsigned long)end, error);
}

static void
test_pmap(void)
{
	uintptr_t start, end;
	uint32_t *direct;
	unsigned long pfn;
	int error;

	/*
	 * A fresh page from the allocator: it is in the direct map, so
	 * after pmap_enter() the same memory has two addresses.
	 */
	arch_kva_window(&start, &end);
	direct = vm_page_alloc();
	if (direct == NULL) {
		report("pmap", FAIL, "no free page to map");
		return;
	}
	pfn = arch_virt_to_pfn(direct);
	if ((error = pmap_enter(start, pfn, PMAP_WRITE)) != 0)
		report("pmap", FAIL, "pmap_enter(0x%lx, pfn %lu) returned %d",
		    (unsigned long)start, pfn, error);
	else if (!same_memory((volatile uint32_t *)start, direct))
		report("pmap", FAIL, "0x%lx and the direct map's %p differ",
		    (unsigned long)start, (void *)direct);
	else
		report("pmap", PASS, "pfn %lu mapped at 0x%lx: a page written "
		    "there reads back at %p in the direct map, and back",
		    pfn, (unsigned long)start, (void *)direct);
	check_readonly(start, pfn, direct);
	check_top(end - VM_PAGE_SIZE, pfn, direct);
	check_unmap(start, end, pfn);
	vm_page_free(direct);
}

DOMU_TEST(pmap, "pmap_enter maps a page in the kernel's window, "
    "pmap_remove unmaps it", test_pmap, 0);
