/*
 * xen/intr.h - the kernel's interrupt flag: the vCPU's event mask.
 *
 * A NATIVE x86 kernel turns interrupts off with `cli` and on with `sti`
 * (EFLAGS.IF).  A PV kernel runs in ring 1, where those instructions do
 * nothing useful, and it takes no hardware interrupts anyway: what
 * interrupts it is the event upcall (xen/evtchn.h).  Xen stops upcalls
 * with one byte, evtchn_upcall_mask in the vCPU's vcpu_info
 * (xen/include/public/xen.h, struct vcpu_info and the long comment
 * before it): 1 means "do not call the upcall entry", 0 means "call it
 * as soon as something is pending".  Xen sets the byte itself when it
 * enters the upcall, and SCHEDOP_block clears it.
 *
 * The functions below are named as FreeBSD names the same idea in
 * <machine/cpufunc.h> (intr_disable/intr_restore), so that code such as
 * the scheduler and the mutexes reads like a native kernel's.
 *
 * The barrier rules, from the comment in xen.h:
 *   - The mask is read by Xen only on the physical CPU that runs this
 *     vCPU, at the moment it would deliver an upcall.  Our own store is
 *     therefore always seen by it in program order: no locked instruction
 *     and no CPU fence is needed, only a COMPILER barrier so that the
 *     compiler neither moves loads and stores of the critical section
 *     out past the mask writes nor keeps the mask in a register.  The C11
 *     name for "order against an interrupting handler on this same CPU"
 *     is a signal fence, which is exactly what an upcall is.
 *   - evtchn_upcall_pending is written by Xen from any CPU.  While the
 *     mask is 1, Xen sets pending but does not deliver; when we clear
 *     the mask nothing tells Xen to look again.  So after unmasking we
 *     read pending, and if it is set we enter Xen (any hypercall) so that
 *     it delivers on the way back.  If Xen sets pending after our read,
 *     it also kicks this vCPU, and the kick finds the mask clear.
 *
 * Shared by both kernels, with one caveat for HVM: Xen delivers an HVM
 * guest's callback vector as an ordinary interrupt and does not consult
 * this mask, so the HVM kernel will also need EFLAGS.IF (an arch hook to
 * be added with src/amd64).  Walkthrough: walkthroughs/boot-pv.md, "The
 * first event".
 */
#ifndef _XEN_INTR_H_
#define _XEN_INTR_H_

#include "xen/xen.h"

#include "kern/arch.h"
#include "xen/barrier.h"

/*
 * Compiler-only ordering against an upcall on this CPU (see above).  It
 * emits no instruction.
 */
#define	intr_compiler_barrier()	__atomic_signal_fence(__ATOMIC_SEQ_CST)

/* The vcpu_info of the one vCPU this kernel runs (vCPU 0). */
static inline struct vcpu_info *
intr_vcpu(void)
{

	return (&boot_info.shared_info->vcpu_info[0]);
}

/**
 * @brief Stop event upcalls (NATIVE: cli) and return the previous state
 *	for intr_restore().  Nests: code run with events already masked
 *	(an event handler) gets 1 back and leaves them masked.
 * @return 1 if events were already masked, 0 if they were enabled
 */
static inline int
intr_disable(void)
{
	struct vcpu_info *v = intr_vcpu();
	int was;

	was = READ_ONCE(v->evtchn_upcall_mask);
	WRITE_ONCE(v->evtchn_upcall_mask, 1);
	/* Nothing of the critical section may move above the mask. */
	intr_compiler_barrier();
	return (was);
}

/**
 * @brief Allow event upcalls (NATIVE: sti), and take at once any event
 *	that became pending while they were masked.  Defined in xen/intr.c.
 */
void	intr_enable(void);

/**
 * @brief Undo an intr_disable(): enable upcalls again only if they were
 *	enabled before it.
 * @param was the value intr_disable() returned
 */
static inline void
intr_restore(int was)
{

	if (was == 0)
		intr_enable();
}

/**
 * @brief True while event upcalls are masked (NATIVE: EFLAGS.IF clear).
 */
static inline int
intr_disabled(void)
{

	return (READ_ONCE(intr_vcpu()->evtchn_upcall_mask) != 0);
}

/**
 * @brief With upcalls masked, enable them and wait for an event, as one
 *	atomic step (NATIVE: `sti; hlt`).  Returns with upcalls enabled,
 *	after the upcall for the event that woke us has run.  Uses
 *	SCHEDOP_block; see xen/intr.c for why the order matters and why the
 *	upcall entry must be registered first.
 */
void	intr_enable_and_wait(void);

#endif /* !_XEN_INTR_H_ */
