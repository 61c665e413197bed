/*
 * kern/vm_page.c - the page allocator (kern/vm_page.h): a free list of
 * whole pages, threaded through the free pages themselves.
 *
 * Where this sits: kernel_main() calls vm_page_init() once the
 * architecture has mapped all of memory (PV: pmap_bootstrap() in
 * src/i386/pmap.c).  From then on every page the kernel needs - for the
 * heap (kern/malloc.c), for page tables of the kernel's virtual window,
 * for rings shared with dom0 - comes from here.
 *
 * The design is the simplest that can be checked.  A free page holds,
 * in its first bytes, a pointer to the next free page and a tag: a
 * magic number mixed with the page's own address.  So the free list
 * needs no memory of its own, allocation and freeing are O(1), and two
 * mistakes are caught cheaply:
 *	- a page written after it was freed no longer carries its tag when
 *	  it is allocated again;
 *	- a page freed twice still carries its tag; the tag alone could be
 *	  a coincidence in a page in use, so the list is then walked to be
 *	  sure (only in that rare case).
 * Pages are zeroed when allocated, not when freed: a page handed out
 * never holds another user's data.  The pages are those of this domain
 * only, so nothing here talks to Xen.  The balloon driver
 * (src/dev/xen/balloon) withdraws free pages for good before giving
 * their frames back to Xen, and deposits pages when Xen gives frames
 * again - possibly pages above arch_nr_pages() that were never here:
 * every pfn below arch_max_pages() may join.
 *
 * Concurrency: one vCPU and no preemption of kernel code yet; event
 * handlers must not allocate.  With threads this needs a lock.
 */

#include "kern/arch.h"
#include "kern/libkern.h"
#include "kern/vm_page.h"

/* The tag of a free page is this, exclusive-or its own address. */
#define	VM_PAGE_FREE_MAGIC	((uintptr_t)0x5a7ef4ee)

/* The header a free page carries. */
struct free_page {
	struct free_page	*next;
	uintptr_t		 tag;
};

/* The free pages, lowest address first after vm_page_init(). */
static struct free_page *free_list;
static size_t free_count;

/*
 * The pages we may manage: pfns first_pfn up to arch_max_pages() (which
 * grows when the balloon driver makes room); total_count of them have
 * memory and are ours now.
 */
static unsigned long first_pfn;
static size_t total_count;

/* The tag a free page at p carries. */
static uintptr_t
free_tag(const struct free_page *p)
{

	return (VM_PAGE_FREE_MAGIC ^ (uintptr_t)p);
}

/* Is va the address of one of our pages (allocated or free)? */
static int
vm_page_managed(const void *va)
{
	unsigned long pfn;

	pfn = arch_virt_to_pfn(va);
	return ((uintptr_t)va % VM_PAGE_SIZE == 0 && pfn != ARCH_NO_FRAME &&
	    pfn >= first_pfn && pfn < arch_max_pages());
}

/* Put page p at the head of the free list. */
static void
free_list_push(struct free_page *p)
{

	p->next = free_list;
	p->tag = free_tag(p);
	free_list = p;
	free_count++;
}

void
vm_page_init(void)
{
	unsigned long pfn;

	first_pfn = arch_first_free_pfn();
	/*
	 * Push from the top down, so that the list starts at the lowest
	 * page and the first allocations are near the kernel.  This touches
	 * every free page once.  Pages from arch_nr_pages() up have no
	 * memory yet.
	 */
	for (pfn = arch_nr_pages(); pfn > first_pfn; pfn--)
		free_list_push(arch_pfn_to_virt(pfn - 1));
	total_count = free_count;
}

/* Take the head of the free list, or NULL; who names the caller. */
static struct free_page *
free_list_pop(const char *who)
{
	struct free_page *p = free_list;

	if (p == NULL)
		return (NULL);
	/*
	 * Check the head before following its pointer: a page written
	 * after it was freed would send the list anywhere.
	 */
	if (p->tag != free_tag(p) ||
	    (p->next != NULL && !vm_page_managed(p->next)))
		panic("%s: free page %p was overwritten (tag 0x%lx, "
		    "next %p): written after vm_page_free?", who, (void *)p,
		    (unsigned long)p->tag, (void *)p->next);
	free_list = p->next;
	free_count--;
	return (p);
}

void *
vm_page_alloc(void)
{
	struct free_page *p = free_list_pop("vm_page_alloc");

	if (p != NULL)
		memset(p, 0, VM_PAGE_SIZE);
	return (p);
}

/* Is p on the free list?  Bounded by the number of free pages. */
static int
free_list_holds(const struct free_page *p)
{
	const struct free_page *q;
	size_t n;

	for (q = free_list, n = 0; q != NULL && n < free_count; q = q->next, n++)
		if (q == p)
			return (1);
	return (0);
}

void
vm_page_free(void *va)
{
	struct free_page *p = va;

	if (!vm_page_managed(va))
		panic("vm_page_free: %p is not a page from vm_page_alloc", va);
	if (p->tag == free_tag(p) && free_list_holds(p))
		panic("vm_page_free: page %p freed twice", va);
	free_list_push(p);
}

size_t
vm_page_free_count(void)
{

	return (free_count);
}

size_t
vm_page_total_count(void)
{

	return (total_count);
}

void *
vm_page_withdraw(void)
{
	struct free_page *p = free_list_pop("vm_page_withdraw");

	if (p == NULL)
		return (NULL);
	total_count--;
	/*
	 * Not zeroed: its frame goes back to Xen, which scrubs frames
	 * before handing them to another domain.  Clearing the tag keeps
	 * a later vm_page_free() of it from looking like a double free.
	 */
	p->tag = 0;
	return (p);
}

void
vm_page_deposit(void *va)
{

	if (!vm_page_managed(va))
		panic("vm_page_deposit: %p is not a page the allocator may "
		    "hold", va);
	/*
	 * No double-deposit check through the tag: the page has just been
	 * populated with a fresh frame whose contents are anything.
	 */
	free_list_push(va);
	total_count++;
}
