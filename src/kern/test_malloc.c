/*
 * kern/test_malloc.c - the kernel heap's tests (kern/malloc.h).
 *
 *	malloc		blocks of every bucket size and of a whole page are
 *			distinct, 16-byte aligned and do not overlap; a freed
 *			block is reused; a request above MALLOC_MAX is
 *			refused
 *	double_free	frees a block twice: the kernel must panic with
 *			"free: <address> freed twice" (TEST_PANICS: run by
 *			tests/boot/memory_test.sh, never by default)
 */

#include <stdint.h>

#include "kern/malloc.h"
#include "kern/report.h"
#include "kern/test.h"
#include "kern/vm_page.h"

/*
 * One request of each interesting size.  Each bucket edge is tried from
 * both sides (15/16/17, 1024/1025): an off-by-one in bucket_index()
 * would put a block in a bucket too small for it, and the fill below
 * would then spill into its neighbour.  1025 to 4096 take the whole-page
 * path, whose pointers free() must recognise by their alignment.
 */
static const size_t sizes[] = {
	1, 15, 16, 17, 32, 100, 128, 255, 512, 1000, 1024, 1025, 2048, 4096,
};
#define	NSIZES	(sizeof(sizes) / sizeof(sizes[0]))

/* Fill block i of sizes[i] bytes with byte i + 1. */
static void
fill(unsigned char *p, size_t i)
{

	memset(p, (int)(i + 1), sizes[i]);
}

/* Does block i still hold only byte i + 1? */
static int
intact(const unsigned char *p, size_t i)
{
	size_t j;

	for (j = 0; j < sizes[i]; j++)
		if (p[j] != (unsigned char)(i + 1))
			return (0);
	return (1);
}

static void
test_malloc(void)
{
	unsigned char *blocks[NSIZES], *again;
	size_t i, free_pages;

	/* To report how many pages the heap took from the page allocator. */
	free_pages = vm_page_free_count();
	for (i = 0; i < NSIZES; i++) {
		blocks[i] = malloc(sizes[i]);
		if (blocks[i] == NULL || (uintptr_t)blocks[i] % 16 != 0) {
			report("malloc", FAIL, "malloc(%zu) returned %p, expected "
			    "a 16-byte aligned block", sizes[i],
			    (void *)blocks[i]);
			return;
		}
		/* Every byte the caller asked for must be usable. */
		fill(blocks[i], i);
	}
	/* Filled all before checking any: an overlap shows in one of them. */
	for (i = 0; i < NSIZES; i++)
		if (!intact(blocks[i], i)) {
			report("malloc", FAIL, "the %zu-byte block at %p was "
			    "overwritten by another block", sizes[i],
			    (void *)blocks[i]);
			return;
		}
	/*
	 * The heap's free lists are last in, first out: the block just
	 * freed is the next one of its size handed out.  If free() had
	 * pushed it on the wrong bucket's list, or not at all, another
	 * address would come back.
	 */
	free(blocks[5]);
	again = malloc(sizes[5]);
	if (again != blocks[5]) {
		report("malloc", FAIL, "a freed %zu-byte block at %p was not "
		    "reused (got %p)", sizes[5], (void *)blocks[5],
		    (void *)again);
		return;
	}
	/*
	 * Freeing every block exercises both free() paths; a mistake there
	 * (a chunk taken for a page or the reverse) panics.  free(NULL) is
	 * allowed, as in C.  The heap is bounded: above MALLOC_MAX the
	 * answer is NULL, not a larger block.
	 */
	for (i = 0; i < NSIZES; i++)
		free(blocks[i]);
	free(NULL);
	if ((again = malloc(MALLOC_MAX + 1)) != NULL) {
		report("malloc", FAIL, "malloc(%d) returned %p, expected NULL",
		    MALLOC_MAX + 1, (void *)again);
		return;
	}
	report("malloc", PASS, "%zu blocks of 1 to %d bytes, aligned and "
	    "disjoint; reuse after free; malloc(%d) refused; heap holds %zu "
	    "pages", NSIZES, MALLOC_MAX, MALLOC_MAX + 1,
	    free_pages - vm_page_free_count());
}

DOMU_TEST(malloc, "the kernel heap hands out aligned, disjoint blocks",
    test_malloc, 0);

/*
 * The second free() finds the chunk's free tag and the chunk itself on
 * the 64-byte list, and must panic; the report line after it is only
 * reached if it did not.  memory_test.sh checks the panic's message.
 */
static void
test_double_free(void)
{
	void *p;

	p = malloc(64);
	printf("double_free: freeing %p twice; the heap must panic\n", p);
	free(p);
	free(p);
	report("double_free", FAIL, "freeing %p twice did not panic", p);
}

DOMU_TEST(double_free, "freeing a block twice panics", test_double_free,
    TEST_PANICS);
