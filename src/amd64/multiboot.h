/*
 * amd64/multiboot.h - the multiboot (version 1) information a loader
 * hands to the HVM kernel.  Private to src/amd64.
 *
 * Defined by the Multiboot Specification 0.6.96, section 3.3 ("Boot
 * information format"); GRUB implements it in grub-core/loader/
 * multiboot_mbi.c.  The loader leaves the structure's physical address
 * in %ebx (locore.S passes it to amd64_start()).  Which fields are valid
 * is said by bits of `flags`; every address in it is physical and below
 * 4 GiB, so our one-to-one mapping reaches it.  Nothing here is Xen's:
 * an HVM kernel learns about its memory the way a PC kernel does, from
 * the firmware's E820 map as the loader relays it.  (A PV kernel reads
 * nr_pages from start_info instead.)
 *
 * The loader is trusted no more than it must be: lengths are bounded
 * and strings copied before use (machdep.c).
 */
#ifndef _AMD64_MULTIBOOT_H_
#define _AMD64_MULTIBOOT_H_

#include <stdint.h>

/* Bits of multiboot_info.flags: which fields the loader filled. */
#define	MULTIBOOT_INFO_MEMORY	0x001	/* mem_lower, mem_upper */
#define	MULTIBOOT_INFO_CMDLINE	0x004	/* cmdline */
#define	MULTIBOOT_INFO_MMAP	0x040	/* mmap_length, mmap_addr */
#define	MULTIBOOT_INFO_LOADER	0x200	/* boot_loader_name */

/* The start of the information structure: the fields we read. */
struct multiboot_info {
	uint32_t	flags;
	uint32_t	mem_lower;	/* KiB below 1 MiB */
	uint32_t	mem_upper;	/* KiB from 1 MiB to the first hole */
	uint32_t	boot_device;
	uint32_t	cmdline;	/* physical address of a C string */
	uint32_t	mods_count;
	uint32_t	mods_addr;
	uint32_t	syms[4];
	uint32_t	mmap_length;	/* bytes of memory map */
	uint32_t	mmap_addr;	/* physical address of the first entry */
	uint32_t	drives_length;
	uint32_t	drives_addr;
	uint32_t	config_table;
	uint32_t	boot_loader_name; /* physical address of a C string */
} __attribute__((packed));

/*
 * One memory-map entry: the E820 entry of the firmware, preceded by its
 * own size.  `size` does not count itself; the next entry starts size + 4
 * bytes further on.
 */
struct multiboot_mmap_entry {
	uint32_t	size;
	uint64_t	addr;
	uint64_t	len;
	uint32_t	type;
} __attribute__((packed));

/* Entry types, as in the E820 map (ACPI "Address Range Types"). */
#define	MULTIBOOT_MEMORY_AVAILABLE	1

#endif /* !_AMD64_MULTIBOOT_H_ */
