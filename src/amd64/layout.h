/*
 * amd64/layout.h - the HVM amd64 kernel's memory layout and the x86
 * constants its entry code shares with C: segment selectors, control
 * register and page-table bits.  Included by locore.S, exception.S,
 * kernel.ld's readers and C alike, so only plain #defines here.
 *
 * The layout is the simplest one that is sound for this kernel: the
 * image is linked and run at 1 MiB (KERNBASE), where a multiboot loader
 * puts it, and the page tables of locore.S map the first 4 GiB of
 * guest-physical space one to one (virtual == physical).  That covers
 * our RAM, the firmware's tables, the Xen platform device's memory BAR
 * (just below 4 GiB) and the pages Xen shares with us (the console and
 * xenstore rings, near 0xFEFFF000).  Compiled with -mcmodel=small, all
 * code and data lie below 2 GiB.  Compare src/i386/layout.h: there Xen
 * chose the layout (pfn N at KERNBASE + N * 4096) and wrote the page
 * tables; here the kernel chooses and writes them itself.
 *
 * References: Intel SDM vol. 3A, chapters 3 (segments), 4 (paging) and
 * 9.8.5 (initializing IA-32e mode); the Multiboot Specification 0.6.96.
 */
#ifndef _AMD64_LAYOUT_H_
#define _AMD64_LAYOUT_H_

#define	KERNBASE	0x100000	/* 1 MiB: where the image is linked */
#define	PAGE_SHIFT	12
#define	PAGE_SIZE	(1 << PAGE_SHIFT)
#define	BOOT_STACK_SIZE	(4 * PAGE_SIZE)	/* the kernel's only stack */

/* How much is mapped: 4 GiB, in 2 MiB pages, 512 per page directory. */
#define	DIRECT_MAP_GB	4
#define	LARGE_PAGE_SHIFT	21

/* Page-table entry bits (SDM vol. 3A, 4.5). */
#define	PG_V		0x001	/* present */
#define	PG_RW		0x002	/* writable */
#define	PG_PS		0x080	/* in a page directory: a 2 MiB page */

/* Control registers and the EFER MSR (SDM vol. 3A, 2.5 and 2.2.1). */
#define	CR0_PE		0x00000001	/* protected mode */
#define	CR0_WP		0x00010000	/* ring 0 honours read-only pages */
#define	CR0_PG		0x80000000	/* paging */
#define	CR4_PAE		0x00000020	/* 64-bit page-table entries */
#define	MSR_EFER	0xc0000080
#define	EFER_LME	0x00000100	/* long mode enable */

/* CPUID leaf 0x80000001, %edx: the CPU can run 64-bit code. */
#define	CPUID_EXT_FEATURES	0x80000001
#define	CPUID_EXT_LM		(1 << 29)

/*
 * Our GDT (locore.S): the null descriptor, a 64-bit code segment and a
 * data segment.  The values are selectors: index * 8.
 */
#define	GSEL_KCODE	0x08
#define	GSEL_KDATA	0x10

/* Multiboot v1: what we put in our header, what the loader leaves in %eax. */
#define	MULTIBOOT_HEADER_MAGIC		0x1BADB002
#define	MULTIBOOT_BOOTLOADER_MAGIC	0x2BADB002
/* Header flags: page-align modules (bit 0), give us the memory map (bit 1). */
#define	MULTIBOOT_HEADER_FLAGS		0x00000003

/* The early consoles: COM1 and the 0xE9 debug port Xen prints. */
#define	COM1_PORT	0x3f8
#define	DEBUG_PORT	0xe9

#endif /* !_AMD64_LAYOUT_H_ */
