/*
 * kern/test_boot.c - the `boot` test: what the architecture was handed
 * at boot is sane, the memory is the size the toolstack was asked for,
 * and every free page can be allocated, used and given back.
 *
 * Three checks, three result lines:
 *	boot		arch_boot_check() (PV: start_info - magic, flags,
 *			the page tables and rings inside the bootstrap
 *			region, the L3 below 4 GiB - and the direct map's
 *			figures); see src/i386/physmem.c
 *	boot-memory	the command line's mem=<MiB> (the boot test writes
 *			the xl config's memory= there) against nr_pages;
 *			SKIP without mem=
 *	vm_page		the page allocator (kern/vm_page.c) hands out every
 *			free page exactly once, zeroed, and takes them all
 *			back
 * tests/boot/memory_test.sh runs this in guests of 32, 128 and 512 MiB.
 * Walkthrough: walkthroughs/boot-pv.md, "Memory: the direct map and
 * page tables".
 */

#include "kern/arch.h"
#include "kern/cmdline.h"
#include "kern/report.h"
#include "kern/test.h"
#include "kern/vm_page.h"

/* 4 KiB pages: 256 of them make a MiB. */
#define	PAGES_PER_MIB	256

/* Words in a page, as the sweep below writes them. */
#define	PAGE_WORDS	(VM_PAGE_SIZE / sizeof(uintptr_t))

/* Parse a decimal number of at most 7 digits; -1 if it is not one. */
static long
parse_mib(const char *s)
{
	long v = 0;
	int n;

	for (n = 0; s[n] != '\0'; n++) {
		if (s[n] < '0' || s[n] > '9' || n == 7)
			return (-1);
		v = v * 10 + (s[n] - '0');
	}
	return (n == 0 ? -1 : v);
}

/* boot-memory: does nr_pages match the mem= the toolstack was given? */
static void
check_memory_size(void)
{
	char value[16];
	long mib;

	if (cmdline_get(boot_info.cmdline, "mem", value, sizeof(value)) < 0) {
		report("boot-memory", SKIP, "no mem=<MiB> on the command line "
		    "to compare nr_pages %lu with", boot_info.nr_pages);
		return;
	}
	mib = parse_mib(value);
	if (mib < 0)
		report("boot-memory", FAIL, "mem=%s is not a number of MiB",
		    value);
	else if (boot_info.nr_pages != (unsigned long)mib * PAGES_PER_MIB)
		report("boot-memory", FAIL, "mem=%ld MiB means %lu pages, but "
		    "the domain has nr_pages %lu", mib,
		    (unsigned long)mib * PAGES_PER_MIB, boot_info.nr_pages);
	else
		report("boot-memory", PASS, "mem=%ld MiB is nr_pages %lu", mib,
		    boot_info.nr_pages);
}

/*
 * vm_page: allocate until the allocator says no, then free everything.
 * Each page is checked to come zeroed, then written at both ends: its
 * first word links it to the previously allocated page (so the pages
 * themselves hold the list, whatever their number), its second and last
 * words hold patterns derived from its address.  Walking the list back,
 * a page handed out twice, or written by someone else meanwhile, breaks
 * a pattern or the count.
 */
static void
check_page_allocator(void)
{
	size_t free_before, total, allocated = 0, dirty = 0, broken = 0;
	uintptr_t *page, *chain = NULL;

	free_before = vm_page_free_count();
	total = vm_page_total_count();
	while ((page = vm_page_alloc()) != NULL) {
		if (page[0] != 0 || page[1] != 0 || page[PAGE_WORDS - 1] != 0)
			dirty++;
		page[0] = (uintptr_t)chain;
		page[1] = ~(uintptr_t)page;
		page[PAGE_WORDS - 1] = (uintptr_t)page;
		chain = page;
		/* Bounded: an allocator that never says no is itself a bug. */
		if (++allocated > total)
			break;
	}
	while (chain != NULL) {
		page = chain;
		chain = (uintptr_t *)page[0];
		if (page[1] != ~(uintptr_t)page ||
		    page[PAGE_WORDS - 1] != (uintptr_t)page)
			broken++;
		vm_page_free(page);
	}
	if (allocated != free_before || dirty != 0 || broken != 0 ||
	    vm_page_free_count() != free_before)
		report("vm_page", FAIL, "%zu pages were free, %zu allocated "
		    "(%zu not zeroed, %zu overwritten), %zu free after freeing "
		    "them all", free_before, allocated, dirty, broken,
		    vm_page_free_count());
	else
		report("vm_page", PASS, "all %zu free pages (%zu MiB) of %zu "
		    "allocated zeroed, written, read back and freed",
		    allocated, allocated / PAGES_PER_MIB, total);
}

static void
test_boot(void)
{
	char detail[200];

	if (arch_boot_check(detail, sizeof(detail)) == 0)
		report("boot", PASS, "%s", detail);
	else
		report("boot", FAIL, "%s", detail);
	check_memory_size();
	check_page_allocator();
}

DOMU_TEST(boot, "start_info is sane, memory matches mem=, every free page "
    "can be allocated", test_boot, 0);
