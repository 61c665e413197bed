/*
 * layout.h - the PV i386 kernel's virtual address layout, shared by the
 * entry code (locore.S), the linker script (kernel.ld) and C.
 *
 * Xen maps the kernel image and the bootstrap pages in one region that
 * starts at VIRT_BASE (the XEN_ELFNOTE_VIRT_BASE note in locore.S), one
 * page for each pseudo-physical frame: the page of pfn N is at
 * KERNBASE + N * PAGE_SIZE.  We put that region where a FreeBSD i386
 * kernel lives, at 3 GiB, which leaves the bottom of the address space
 * unmapped so that a NULL pointer dereference faults.  The top of the
 * space, from HYPERVISOR_VIRT_START (0xF5800000 for a PAE guest, see
 * xen/include/public/arch-x86/xen-x86_32.h), belongs to Xen.
 *
 * Only plain #defines here: this file is included by assembly too.
 */
#ifndef _I386_LAYOUT_H_
#define _I386_LAYOUT_H_

#define	KERNBASE	0xC0000000	/* VIRT_BASE: where pfn 0 is mapped */
#define	PAGE_SHIFT	12
#define	PAGE_SIZE	(1 << PAGE_SHIFT)
#define	BOOT_STACK_SIZE	(4 * PAGE_SIZE)	/* the kernel's first stack */

/*
 * The kernel's half of the address space, as src/i386/pmap.c lays it out:
 *
 *   0xC0000000  KERNBASE       the direct map: pfn N at KERNBASE + N * 4096,
 *                              the bootstrap region first, the rest of
 *                              memory added by pmap_bootstrap(); at most
 *                              DIRECT_MAP_PAGES pages (512 MiB)
 *   0xE0000000  KVA_START      the kernel's virtual window: pages mapped
 *                              one at a time with pmap_enter()
 *   0xF5800000  KVA_END        HYPERVISOR_VIRT_START for a PAE guest: Xen's
 *                              read-only M2P table, then Xen itself
 *
 * 512 MiB of direct map ends exactly where the window begins; the window
 * is the 344 MiB left below Xen.  Memory above 512 MiB is not mapped
 * (Linux calls it highmem) and the page allocator does not use it.
 */
#define	DIRECT_MAP_PAGES	0x20000		/* 512 MiB of 4 KiB pages */
#define	KVA_START	0xE0000000		/* KERNBASE + 512 MiB */
#define	KVA_END		0xF5800000		/* HYPERVISOR_VIRT_START (PAE) */

#endif /* !_I386_LAYOUT_H_ */
