/*
 * machine/pmap.h (amd64) - from a guest-physical address to a kernel
 * pointer, for the HVM kernel's drivers.
 *
 * The HVM kernel maps guest-physical memory one to one up to 4 GiB
 * (src/amd64/locore.S), so the answer is the address itself, once it is
 * checked to be inside that map.  Drivers still ask here rather than
 * cast, so that the day the kernel maps memory differently only this
 * function changes.  FreeBSD's name for the device case is
 * pmap_mapdev().  A PV kernel has no such shortcut: a frame is mapped
 * by asking Xen (update_va_mapping with its machine frame number).
 */
#ifndef _MACHINE_PMAP_H_
#define _MACHINE_PMAP_H_

#include <stddef.h>
#include <stdint.h>

#include "amd64/layout.h"

/* The end of the one-to-one map. */
#define	DIRECT_MAP_END	((uint64_t)DIRECT_MAP_GB << 30)

/**
 * @brief A pointer through which the kernel reaches guest-physical
 *	bytes [pa, pa + len): RAM, a device BAR, or a page Xen shares.
 * @return the pointer, or NULL if the range is not mapped (page 0, which
 *	is left unmapped to catch NULL pointers, or beyond 4 GiB)
 */
static inline void *
pmap_mapdev(uint64_t pa, size_t len)
{

	if (pa < PAGE_SIZE || pa + len < pa || pa + len > DIRECT_MAP_END)
		return (NULL);
	return ((void *)(uintptr_t)pa);
}

#endif /* !_MACHINE_PMAP_H_ */
