/*
 * kern/vm_page.h - the kernel's page allocator: whole 4 KiB pages of the
 * domain's memory, one at a time.
 *
 * The pages are those the architecture did not use for itself, from
 * arch_first_free_pfn() up to arch_nr_pages() (kern/arch.h); every one
 * is in the direct map, so a page is handed out as its kernel address.
 * A driver that needs a page to share with another domain (a ring, a
 * grant) allocates it here and names it to Xen with arch_pfn_to_mfn().
 * Smaller allocations go through kern/malloc.h.
 */
#ifndef _KERN_VM_PAGE_H_
#define _KERN_VM_PAGE_H_

#include <stddef.h>

/*
 * Both of our architectures use 4 KiB pages.  (Named apart from the
 * architectures' own PAGE_SIZE, which their headers define.)
 */
#define	VM_PAGE_SIZE	4096

/**
 * @brief Take over the free pages.  Called once from kernel_main(),
 *	after the architecture has built the direct map.
 */
void	vm_page_init(void);

/**
 * @brief Allocate one page.
 * @return the page's kernel address, page-aligned and zero-filled, or
 *	NULL when no page is free
 */
void	*vm_page_alloc(void);

/**
 * @brief Give a page back.  Panics if va is not a page this allocator
 *	manages, or if the page is already free (a double free).
 * @param va the address vm_page_alloc() returned
 */
void	vm_page_free(void *va);

/**
 * @brief How many pages are free now.
 */
size_t	vm_page_free_count(void);

/**
 * @brief How many pages the allocator manages in all, free or not.
 */
size_t	vm_page_total_count(void);

/*
 * Memory that comes and goes: the balloon driver's use of the allocator
 * (src/dev/xen/balloon).  A withdrawn page is no longer counted in
 * vm_page_total_count(); the caller gives its frame back to Xen.
 */

/**
 * @brief Take a free page out of the allocator for good (not zeroed).
 * @return its kernel address, or NULL when no page is free
 */
void	*vm_page_withdraw(void);

/**
 * @brief Make a page with memory behind it (again) one of the
 *	allocator's free pages: one withdrawn earlier, or one from
 *	arch_nr_pages() up to arch_max_pages() newly populated.
 *	Panics for an address outside those pages.
 * @param va the page's direct-map address
 */
void	vm_page_deposit(void *va);

#endif /* !_KERN_VM_PAGE_H_ */
