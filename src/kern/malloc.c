/*
 * kern/malloc.c - the kernel heap (kern/malloc.h): power-of-two buckets
 * carved from whole pages, in the manner of 4.4BSD's kmem buckets.
 *
 * Where this sits: above the page allocator (kern/vm_page.c), below
 * every part of the kernel that needs a structure of a few dozen bytes
 * (xenstore requests, grant bookkeeping, driver state).
 *
 * Requests of up to BUCKET_MAX bytes are rounded up to a power of two
 * from 16 (a "bucket").  A page given to a bucket is cut into chunks of
 * that size after a 16-byte header naming the bucket; free() finds the
 * header by rounding the pointer down to its page.  Larger requests, up
 * to MALLOC_MAX, get a whole page: their pointer is page-aligned, which
 * a chunk's never is (the header comes first), so free() can tell the
 * two apart without asking anyone.
 *
 * A free chunk carries, like a free page in vm_page.c, the next pointer
 * of its bucket's free list and a tag mixing a magic number with its own
 * address.  malloc() checks the tag before reusing a chunk (a write
 * after free shows), free() checks it to catch a double free, walking
 * the bucket's list only when the tag is there (it could be a
 * coincidence).  Pages given to a bucket stay in it: the heap only
 * grows.  Bounded: no request above MALLOC_MAX, every walk bounded by
 * a count.
 *
 * Concurrency: as vm_page.c, one vCPU and no preemption yet; event
 * handlers must not allocate.
 */

#include "kern/arch.h"
#include "kern/libkern.h"
#include "kern/malloc.h"
#include "kern/vm_page.h"

#define	BUCKET_MIN_SHIFT	4	/* 16 bytes: room for a free header */
#define	BUCKET_MAX_SHIFT	10	/* 1 KiB: three to a page */
#define	BUCKET_MAX		(1 << BUCKET_MAX_SHIFT)
#define	NBUCKETS		(BUCKET_MAX_SHIFT - BUCKET_MIN_SHIFT + 1)

/* The header at the start of every page that holds chunks. */
#define	HEADER_SIZE		16
#define	PAGE_MAGIC		0x6b6d656dU	/* "kmem" */

struct bucket_page {
	uint32_t	magic;		/* PAGE_MAGIC */
	uint32_t	bucket;		/* index into buckets[] */
};

/* A chunk on a free list. */
struct free_chunk {
	struct free_chunk	*next;
	uintptr_t		 tag;
};
#define	CHUNK_FREE_MAGIC	((uintptr_t)0xf4eec4c0)

static struct {
	struct free_chunk	*free_list;
	size_t			 free_count;
} buckets[NBUCKETS];

/* The tag a free chunk at c carries. */
static uintptr_t
chunk_tag(const struct free_chunk *c)
{

	return (CHUNK_FREE_MAGIC ^ (uintptr_t)c);
}

/* The bucket that serves size bytes (size <= BUCKET_MAX). */
static unsigned int
bucket_index(size_t size)
{
	unsigned int b = 0;

	while (((size_t)1 << (b + BUCKET_MIN_SHIFT)) < size)
		b++;
	return (b);
}

/* Push chunk c on bucket b's free list. */
static void
chunk_push(unsigned int b, struct free_chunk *c)
{

	c->next = buckets[b].free_list;
	c->tag = chunk_tag(c);
	buckets[b].free_list = c;
	buckets[b].free_count++;
}

/* Give bucket b a fresh page of chunks; 0, or -1 when memory is out. */
static int
bucket_refill(unsigned int b)
{
	size_t size = (size_t)1 << (b + BUCKET_MIN_SHIFT);
	struct bucket_page *page;
	size_t i;

	page = vm_page_alloc();
	if (page == NULL)
		return (-1);
	page->magic = PAGE_MAGIC;
	page->bucket = b;
	/* Push from the last chunk down, so the first handed out is lowest. */
	for (i = (VM_PAGE_SIZE - HEADER_SIZE) / size; i > 0; i--)
		chunk_push(b, (struct free_chunk *)((char *)page +
		    HEADER_SIZE + (i - 1) * size));
	return (0);
}

void *
malloc(size_t size)
{
	struct free_chunk *c;
	unsigned int b;

	if (size > MALLOC_MAX)
		return (NULL);
	/* Whole pages come already zeroed from the page allocator. */
	if (size > BUCKET_MAX)
		return (vm_page_alloc());
	b = bucket_index(size);
	if (buckets[b].free_list == NULL && bucket_refill(b) != 0)
		return (NULL);
	c = buckets[b].free_list;
	if (c->tag != chunk_tag(c))
		panic("malloc: free chunk %p of %u bytes was overwritten: "
		    "written after free?", (void *)c,
		    1U << (b + BUCKET_MIN_SHIFT));
	buckets[b].free_list = c->next;
	buckets[b].free_count--;
	/* Clear the tag, so that the chunk no longer looks free. */
	c->tag = 0;
	return (c);
}

/* Is c on bucket b's free list?  Bounded by the list's count. */
static int
bucket_holds(unsigned int b, const struct free_chunk *c)
{
	const struct free_chunk *q;
	size_t n;

	for (q = buckets[b].free_list, n = 0;
	    q != NULL && n < buckets[b].free_count; q = q->next, n++)
		if (q == c)
			return (1);
	return (0);
}

void
free(void *ptr)
{
	struct bucket_page *page;
	struct free_chunk *c = ptr;
	size_t offset, size;

	if (ptr == NULL)
		return;
	/* Page-aligned: a whole-page allocation; vm_page checks it. */
	offset = (uintptr_t)ptr % VM_PAGE_SIZE;
	if (offset == 0) {
		vm_page_free(ptr);
		return;
	}
	page = (struct bucket_page *)((uintptr_t)ptr - offset);
	if (arch_virt_to_pfn(page) == ARCH_NO_FRAME ||
	    page->magic != PAGE_MAGIC || page->bucket >= NBUCKETS)
		panic("free: %p was not returned by malloc", ptr);
	size = (size_t)1 << (page->bucket + BUCKET_MIN_SHIFT);
	if (offset < HEADER_SIZE || (offset - HEADER_SIZE) % size != 0)
		panic("free: %p is not the start of a %zu-byte chunk", ptr,
		    size);
	if (c->tag == chunk_tag(c) && bucket_holds(page->bucket, c))
		panic("free: %p freed twice", ptr);
	chunk_push(page->bucket, c);
}
