/*
 * tests/unit/vm_page_test.c - what the page allocator (src/kern/vm_page.c)
 * and the kernel heap (src/kern/malloc.c) promise, tested on the host.
 *
 * Both files are machine-independent C: they reach memory only through
 * the arch_*() functions of kern/arch.h, which this program provides
 * over an arena of ARENA_PAGES host pages (the first KERNEL_PAGES
 * standing for the kernel's own).  panic() is ours too: it records the
 * message and jumps back into the test, so that the allocators' checks
 * - double free, use after free, foreign pointers - can be seen to fire
 * without ending the program.  The same files run in every guest
 * (tests/boot/memory_test.sh checks them there).
 *
 * The kernel's malloc and free are compiled as kernel_malloc and
 * kernel_free (mk/tests.mk), not to replace the C library's in this
 * host program.
 */
#define	_POSIX_C_SOURCE	200809L	/* atf-c.h needs pid_t from POSIX */

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "kern/arch.h"
#include "kern/vm_page.h"

/* From here on, malloc and free are the kernel's. */
#define	malloc	kernel_malloc
#define	free	kernel_free
#include "kern/malloc.h"

#define	ARENA_PAGES	16
#define	KERNEL_PAGES	2
#define	FREE_PAGES	(ARENA_PAGES - KERNEL_PAGES)

static unsigned char *arena;

/* The architecture, as vm_page.c and malloc.c see it. */
unsigned long
arch_first_free_pfn(void)
{

	return (KERNEL_PAGES);
}

unsigned long
arch_nr_pages(void)
{

	return (ARENA_PAGES);
}

/* No room to grow: the balloon's pages come from withdrawn ones. */
unsigned long
arch_max_pages(void)
{

	return (ARENA_PAGES);
}

void *
arch_pfn_to_virt(unsigned long pfn)
{

	return (pfn < ARENA_PAGES ? arena + pfn * VM_PAGE_SIZE : NULL);
}

unsigned long
arch_virt_to_pfn(const void *va)
{
	const unsigned char *p = va;

	if (p < arena || p >= arena + ARENA_PAGES * VM_PAGE_SIZE)
		return (ARCH_NO_FRAME);
	return ((unsigned long)(p - arena) / VM_PAGE_SIZE);
}

/*
 * panic(): remember the message and jump back to expect_panic(), or
 * fail the test case when no panic was expected.
 */
static jmp_buf panic_return;
static int panic_expected;
static char panic_message[256];

void	panic(const char *fmt, ...) __attribute__((noreturn));

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(panic_message, sizeof(panic_message), fmt, ap);
	va_end(ap);
	if (!panic_expected)
		atf_tc_fail("unexpected panic: %s", panic_message);
	longjmp(panic_return, 1);
}

/* A fresh arena, filled with garbage so that zeroing shows, and init. */
static void
setup(void)
{

	arena = aligned_alloc(VM_PAGE_SIZE, ARENA_PAGES * VM_PAGE_SIZE);
	ATF_REQUIRE(arena != NULL);
	memset(arena, 0xa5, ARENA_PAGES * VM_PAGE_SIZE);
	vm_page_init();
}

/*
 * Run the statement and require a panic whose message contains want.
 * A macro, so that the statement runs in the test's own frame, which
 * longjmp() returns to.
 */
#define	EXPECT_PANIC(statement, want) do {				\
	panic_expected = 1;						\
	panic_message[0] = '\0';					\
	if (setjmp(panic_return) == 0) {				\
		statement;						\
		atf_tc_fail("%s did not panic (expected \"%s\")",	\
		    #statement, want);					\
	}								\
	panic_expected = 0;						\
	ATF_CHECK_MSG(strstr(panic_message, want) != NULL,		\
	    "%s panicked with \"%s\", expected \"%s\"", #statement,	\
	    panic_message, want);					\
} while (0)

ATF_TC_WITHOUT_HEAD(every_free_page_is_handed_out_once_and_zeroed);
ATF_TC_BODY(every_free_page_is_handed_out_once_and_zeroed, tc)
{
	unsigned char *pages[FREE_PAGES];
	size_t i, j;

	setup();
	ATF_REQUIRE_EQ(vm_page_free_count(), FREE_PAGES);
	ATF_REQUIRE_EQ(vm_page_total_count(), FREE_PAGES);
	for (i = 0; i < FREE_PAGES; i++) {
		pages[i] = vm_page_alloc();
		ATF_REQUIRE_MSG(pages[i] != NULL, "allocation %zu failed", i);
		/* Ours only: never a kernel page, always page-aligned. */
		ATF_CHECK(arch_virt_to_pfn(pages[i]) >= KERNEL_PAGES);
		ATF_CHECK((uintptr_t)pages[i] % VM_PAGE_SIZE == 0);
		for (j = 0; j < VM_PAGE_SIZE; j++)
			if (pages[i][j] != 0)
				atf_tc_fail("page %zu byte %zu is 0x%x, not 0", i, j,
				    pages[i][j]);
		for (j = 0; j < i; j++)
			ATF_CHECK_MSG(pages[j] != pages[i],
			    "page %p handed out twice", (void *)pages[i]);
		memset(pages[i], 0xff, VM_PAGE_SIZE);
	}
	ATF_CHECK(vm_page_alloc() == NULL);
	ATF_CHECK_EQ(vm_page_free_count(), 0);
	for (i = 0; i < FREE_PAGES; i++)
		vm_page_free(pages[i]);
	ATF_CHECK_EQ(vm_page_free_count(), FREE_PAGES);
}

/*
 * The balloon's use: a withdrawn page leaves the counts for good and is
 * never handed out; deposited again, it is counted and allocatable.
 */
ATF_TC_WITHOUT_HEAD(withdrawn_pages_leave_the_allocator_until_deposited);
ATF_TC_BODY(withdrawn_pages_leave_the_allocator_until_deposited, tc)
{
	unsigned char *gone[4], *p;
	size_t i, n;

	setup();
	for (i = 0; i < 4; i++) {
		gone[i] = vm_page_withdraw();
		ATF_REQUIRE(gone[i] != NULL);
	}
	ATF_CHECK_EQ(vm_page_free_count(), FREE_PAGES - 4);
	ATF_CHECK_EQ(vm_page_total_count(), FREE_PAGES - 4);
	for (n = 0; (p = vm_page_alloc()) != NULL; n++)
		for (i = 0; i < 4; i++)
			ATF_CHECK_MSG(p != gone[i], "withdrawn page %p handed "
			    "out", (void *)p);
	ATF_CHECK_EQ(n, FREE_PAGES - 4);
	ATF_CHECK(vm_page_withdraw() == NULL);
	for (i = 0; i < 4; i++)
		vm_page_deposit(gone[i]);
	ATF_CHECK_EQ(vm_page_total_count(), FREE_PAGES);
	ATF_CHECK_EQ(vm_page_free_count(), 4);
	for (i = 0; i < 4; i++)
		ATF_CHECK(vm_page_alloc() != NULL);
	EXPECT_PANIC(vm_page_deposit(arena), "not a page the allocator");
}

ATF_TC_WITHOUT_HEAD(freeing_a_page_twice_panics);
ATF_TC_BODY(freeing_a_page_twice_panics, tc)
{
	void *p;

	setup();
	p = vm_page_alloc();
	vm_page_free(p);
	EXPECT_PANIC(vm_page_free(p), "freed twice");
}

ATF_TC_WITHOUT_HEAD(freeing_what_the_allocator_did_not_give_panics);
ATF_TC_BODY(freeing_what_the_allocator_did_not_give_panics, tc)
{
	unsigned char *p;

	setup();
	p = vm_page_alloc();
	EXPECT_PANIC(vm_page_free(p + 8), "not a page from vm_page_alloc");
	EXPECT_PANIC(vm_page_free(arena), "not a page from vm_page_alloc");
	EXPECT_PANIC(vm_page_free(arena + ARENA_PAGES * VM_PAGE_SIZE),
	    "not a page from vm_page_alloc");
}

ATF_TC_WITHOUT_HEAD(a_page_written_after_free_is_caught_when_reused);
ATF_TC_BODY(a_page_written_after_free_is_caught_when_reused, tc)
{
	unsigned char *p;

	setup();
	p = vm_page_alloc();
	vm_page_free(p);
	memset(p, 0x11, 16);
	EXPECT_PANIC(vm_page_alloc(), "overwritten");
}

ATF_TC_WITHOUT_HEAD(malloc_blocks_are_aligned_disjoint_and_reused);
ATF_TC_BODY(malloc_blocks_are_aligned_disjoint_and_reused, tc)
{
	static const size_t sizes[] = { 1, 16, 17, 64, 1024, 1025, 4096 };
	unsigned char *b[7];
	size_t i, j;

	setup();
	for (i = 0; i < 7; i++) {
		b[i] = malloc(sizes[i]);
		ATF_REQUIRE_MSG(b[i] != NULL, "malloc(%zu) failed", sizes[i]);
		ATF_CHECK_MSG((uintptr_t)b[i] % 16 == 0, "malloc(%zu) gave %p",
		    sizes[i], (void *)b[i]);
		memset(b[i], (int)i + 1, sizes[i]);
	}
	for (i = 0; i < 7; i++)
		for (j = 0; j < sizes[i]; j++)
			if (b[i][j] != i + 1)
				atf_tc_fail("block %zu (%zu bytes) overwritten at "
				    "byte %zu", i, sizes[i], j);
	/* Sizes above a bucket's largest get whole pages. */
	ATF_CHECK((uintptr_t)b[5] % VM_PAGE_SIZE == 0);
	ATF_CHECK((uintptr_t)b[6] % VM_PAGE_SIZE == 0);
	free(b[2]);
	ATF_CHECK_MSG(malloc(20) == b[2], "a freed 32-byte chunk not reused");
	ATF_CHECK(malloc(MALLOC_MAX + 1) == NULL);
	for (i = 0; i < 7; i++)
		free(b[i]);
}

ATF_TC_WITHOUT_HEAD(malloc_double_free_and_foreign_pointers_panic);
ATF_TC_BODY(malloc_double_free_and_foreign_pointers_panic, tc)
{
	unsigned char *p;

	setup();
	p = malloc(100);
	free(p);
	EXPECT_PANIC(free(p), "freed twice");
	p = malloc(100);
	EXPECT_PANIC(free(p + 16), "not the start of a 128-byte chunk");
	/* A page the heap never carved: its first word is no header. */
	EXPECT_PANIC(free((unsigned char *)vm_page_alloc() + 64),
	    "was not returned by malloc");
}

ATF_TC_WITHOUT_HEAD(a_chunk_written_after_free_is_caught_when_reused);
ATF_TC_BODY(a_chunk_written_after_free_is_caught_when_reused, tc)
{
	unsigned char *p;

	setup();
	p = malloc(48);
	free(p);
	memset(p, 0x22, 16);
	EXPECT_PANIC(malloc(48), "overwritten");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, every_free_page_is_handed_out_once_and_zeroed);
	ATF_TP_ADD_TC(tp, withdrawn_pages_leave_the_allocator_until_deposited);
	ATF_TP_ADD_TC(tp, freeing_a_page_twice_panics);
	ATF_TP_ADD_TC(tp, freeing_what_the_allocator_did_not_give_panics);
	ATF_TP_ADD_TC(tp, a_page_written_after_free_is_caught_when_reused);
	ATF_TP_ADD_TC(tp, malloc_blocks_are_aligned_disjoint_and_reused);
	ATF_TP_ADD_TC(tp, malloc_double_free_and_foreign_pointers_panic);
	ATF_TP_ADD_TC(tp, a_chunk_written_after_free_is_caught_when_reused);
	return (atf_no_error());
}
