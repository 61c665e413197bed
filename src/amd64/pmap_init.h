/*
 * amd64/pmap_init.h - setting up the HVM amd64 kernel's memory
 * (src/amd64/pmap.c), for machdep.c.  Private to src/amd64.
 */
#ifndef _AMD64_PMAP_INIT_H_
#define _AMD64_PMAP_INIT_H_

#include "amd64/multiboot.h"

/**
 * @brief Learn the usable RAM from the firmware's memory map and hook
 *	the pmap_enter() window into the page tables of locore.S.
 *
 * Called once by amd64_start(), before kernel_main() and after the
 * multiboot information was checked; the information is not used
 * afterwards, so its pages may be handed out later.
 * @param mbi the multiboot information the loader gave
 */
void	pmap_init(const struct multiboot_info *mbi);

#endif /* !_AMD64_PMAP_INIT_H_ */
