/*
 * i386/pv.h - the hypercalls only a PV kernel makes, and the page-table
 * entry bits it hands to them.  Private to src/i386.
 *
 * A PV kernel may not write its page tables, its trap table or its
 * event entry points the way a NATIVE kernel does (mov to %cr3, lidt,
 * the APIC): Xen owns the hardware structures and accepts requests
 * instead.  The requests and their arguments are defined in
 * xen/include/public/xen.h (mmu_update, mmuext_op, update_va_mapping,
 * set_trap_table, set_callbacks) and
 * xen/include/public/arch-x86/xen-x86_32.h (the i386 forms).  The shared
 * code never sees these: an HVM kernel writes its page tables directly.
 */
#ifndef _I386_PV_H_
#define _I386_PV_H_

#include "xen/xen.h"

#include <machine/hypercall.h>

/*
 * PAE page-table entry bits (Intel SDM vol. 3, "PAE paging").  Xen
 * checks every entry we ask it to write: the frame must be ours, and a
 * page-table page may never be mapped writable.
 */
#define	PG_V		0x001	/* present */
#define	PG_RW		0x002	/* writable */
#define	PG_U		0x004	/* user (ring 3) accessible */
#define	PG_A		0x020	/* accessed: set now, spares Xen an update */
#define	PG_M		0x040	/* dirty: likewise */
#define	PG_FRAME	0x000ffffffffff000ULL	/* the machine address bits */

/* An entry mapping machine frame mfn with the given flag bits. */
static inline uint64_t
pv_pte(xen_pfn_t mfn, uint64_t flags)
{

	return (((uint64_t)mfn << 12) | flags);
}

/*
 * update_va_mapping: set the page-table entry that maps one virtual
 * address, and flush that address from the TLB (UVMF_INVLPG).  On a
 * 32-bit PAE guest the 64-bit entry travels in two registers, low half
 * first.
 */
static inline long
HYPERVISOR_update_va_mapping(unsigned long va, uint64_t pte,
    unsigned long flags)
{

	return (hypercall4(__HYPERVISOR_update_va_mapping, va,
	    (unsigned long)pte, (unsigned long)(pte >> 32), flags));
}

/*
 * mmu_update: a batch of checked page-table writes, each "write val at
 * machine address ptr" (struct mmu_update).  Batching matters: one
 * hypercall for many entries.
 */
static inline long
HYPERVISOR_mmu_update(mmu_update_t *req, unsigned int count,
    unsigned int *done, domid_t domid)
{

	return (hypercall4(__HYPERVISOR_mmu_update, (unsigned long)req,
	    count, (unsigned long)done, domid));
}

/*
 * mmuext_op: the MMU operations that are not entry writes: pin a page
 * as a page table of some level, load a new base table (NATIVE: mov to
 * %cr3), flush the TLB (NATIVE: invlpg, or a %cr3 reload).
 */
static inline long
HYPERVISOR_mmuext_op(struct mmuext_op *op, unsigned int count,
    unsigned int *done, domid_t domid)
{

	return (hypercall4(__HYPERVISOR_mmuext_op, (unsigned long)op,
	    count, (unsigned long)done, domid));
}

/*
 * vm_assist: switch on (VMASST_CMD_enable) or off one of Xen's optional
 * helps for PV guests (VMASST_TYPE_*), such as emulating stores into L1
 * page tables (writable_pagetables).
 */
static inline long
HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
{

	return (hypercall2(__HYPERVISOR_vm_assist, cmd, type));
}

/*
 * set_trap_table: the exception handlers, as a list of trap_info
 * entries ended by a zero address (NATIVE: lidt with an IDT).
 */
static inline long
HYPERVISOR_set_trap_table(const struct trap_info *table)
{

	return (hypercall1(__HYPERVISOR_set_trap_table,
	    (unsigned long)table));
}

/*
 * set_callbacks: where Xen enters the kernel to deliver events, and the
 * "failsafe" entry used when Xen cannot return to the kernel with its
 * segment registers (both as selector:offset pairs on i386).
 */
static inline long
HYPERVISOR_set_callbacks(unsigned long event_selector,
    unsigned long event_address, unsigned long failsafe_selector,
    unsigned long failsafe_address)
{

	return (hypercall4(__HYPERVISOR_set_callbacks, event_selector,
	    event_address, failsafe_selector, failsafe_address));
}

/**
 * @brief Map machine frame mfn, writable, at the page-aligned kernel
 *	address va, replacing what was mapped there (machdep.c).
 *
 * Used for the frames Xen gives us by machine address (shared_info, the
 * grant-table frames).  The page that was mapped at va is not freed:
 * only its mapping is replaced.
 * @return 0, or a negative Xen errno (the frame is not ours to map)
 */
int	pv_map_frame(void *va, xen_pfn_t mfn);

/*
 * start_info, where Xen left it (in the bootstrap region, so inside the
 * direct map); set by i386_pv_start().  Suspend writes to it, and the
 * toolstack rewrites it on restore (i386/suspend.c).
 */
extern start_info_t *pv_start_info;

/**
 * @brief Publish the p2m's frame lists in shared_info
 *	(arch.pfn_to_mfn_frame_list_list, arch.max_pfn), which the
 *	toolstack's save reads (i386/suspend.c).  At boot, once shared_info
 *	is mapped, and after every restore.
 * @return 0, or -1 when a page of the p2m has no frame
 */
int	pv_p2m_publish(const start_info_t *si);

#endif /* !_I386_PV_H_ */
