/*
 * machine/hypervisor.h (amd64) - did the HVM kernel find Xen?
 *
 * A PV kernel knows it runs on Xen from its first instruction; an HVM
 * kernel boots like a PC kernel and must look, through the CPUID leaves
 * that Xen adds from 0x40000000 (xen/include/public/arch-x86/cpuid.h).
 * src/amd64/hypervisor.c does that, and fills the hypercall page, before
 * any driver runs.  Only HVM-aware code (src/amd64, xenpci) asks this;
 * shared code never does.
 */
#ifndef _MACHINE_HYPERVISOR_H_
#define _MACHINE_HYPERVISOR_H_

#include <stdint.h>

/** @brief What hypervisor_init() found in CPUID. */
struct hypervisor_info {
	uint32_t	base;		/* first leaf, 0x40000000 + n * 0x100 */
	uint32_t	max_leaf;	/* highest Xen leaf (%eax of base) */
	uint32_t	version;	/* major << 16 | minor (leaf base + 1) */
	uint32_t	hypercall_msr;	/* leaf base + 2, %ebx */
	uint32_t	hypercall_pages; /* leaf base + 2, %eax */
};

/** @brief Filled by hypervisor_init(); base is 0 when Xen is absent. */
extern struct hypervisor_info hypervisor_info;

/**
 * @brief Look for Xen's CPUID leaves and, if found, have Xen fill the
 *	hypercall page.  Called once by amd64_start().
 * @return 1 if Xen was found and hypercalls can be made, 0 otherwise
 */
int	hypervisor_init(void);

/**
 * @brief Whether hypervisor_init() found Xen (hypercalls work).
 */
static inline int
hypervisor_present(void)
{

	return (hypervisor_info.base != 0);
}

#endif /* !_MACHINE_HYPERVISOR_H_ */
