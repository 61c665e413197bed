/*
 * kern/malloc.h - the kernel heap: small allocations carved from pages
 * of the page allocator (kern/vm_page.h).
 *
 * Sizes up to MALLOC_MAX bytes.  Anything larger is a job for whole pages
 * mapped together in the kernel's virtual window (pmap_enter() in
 * kern/arch.h); nothing in the kernel needs that yet.
 */
#ifndef _KERN_MALLOC_H_
#define _KERN_MALLOC_H_

#include <stddef.h>

/* The largest request malloc() serves: one page. */
#define	MALLOC_MAX	4096

/**
 * @brief Allocate size bytes, aligned to 16 bytes, not zeroed.
 * @return the memory, or NULL when size > MALLOC_MAX or no page is free
 */
void	*malloc(size_t size);

/**
 * @brief Give back memory from malloc().  NULL is ignored.  Panics on a
 *	pointer malloc() did not return, and on a double free.
 */
void	 free(void *ptr);

#endif /* !_KERN_MALLOC_H_ */
