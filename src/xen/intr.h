/*
 * xen/intr.h - the kernel's interrupt flag, as shared code sees it.
 *
 * A NATIVE x86 kernel turns interrupts off with `cli` and on with `sti`
 * (EFLAGS.IF).  What interrupts our kernels is the event upcall
 * (xen/evtchn.h), and each stops it its own way, behind the
 * arch_intr_*() functions of kern/arch.h:
 *   - PV i386 runs in ring 1, where cli/sti are not the kernel's to
 *     use; Xen stops upcalls with one byte, evtchn_upcall_mask in our
 *     vcpu_info (xen/include/public/xen.h, struct vcpu_info and the long
 *     comment before it).  src/i386/intr_machdep.c explains the barrier
 *     rules of that byte.
 *   - HVM amd64 receives the upcall as an interrupt vector, which Xen
 *     injects without looking at evtchn_upcall_mask
 *     (hvm_vcpu_has_pending_irq() in xen/arch/x86/hvm/irq.c): the flag
 *     is RFLAGS.IF itself (src/amd64/intr_machdep.c).
 * The functions below are named as FreeBSD names the same idea in
 * <machine/cpufunc.h> (intr_disable/intr_restore), so that code such as
 * the scheduler and the mutexes reads like a native kernel's.
 *
 * Walkthrough: walkthroughs/boot-pv.md, "The first event", and
 * walkthroughs/boot-hvm.md.
 */
#ifndef _XEN_INTR_H_
#define _XEN_INTR_H_

#include "xen/xen.h"

#include "kern/arch.h"
#include "xen/barrier.h"

/*
 * Compiler-only ordering against an upcall on this CPU: an upcall, like
 * a signal, interrupts this CPU's own instruction stream, so the C11
 * signal fence is exactly the strength needed.  It emits no instruction.
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
 *	for intr_restore().  Nests: code run with upcalls already stopped
 *	(an event handler) gets nonzero back and leaves them stopped.
 */
static inline int
intr_disable(void)
{

	return (arch_intr_disable());
}

/**
 * @brief Allow event upcalls (NATIVE: sti), and take at once any event
 *	that became pending while they were stopped.
 */
static inline void
intr_enable(void)
{

	arch_intr_enable();
}

/**
 * @brief Undo an intr_disable(): allow upcalls again only if they were
 *	allowed before it.
 * @param was the value intr_disable() returned
 */
static inline void
intr_restore(int was)
{

	if (was == 0)
		arch_intr_enable();
}

/**
 * @brief True while event upcalls are stopped (NATIVE: EFLAGS.IF clear).
 */
static inline int
intr_disabled(void)
{

	return (arch_intr_disabled());
}

/**
 * @brief With upcalls stopped, allow them and wait for an event, as one
 *	atomic step (NATIVE: `sti; hlt`).  Returns with upcalls allowed,
 *	after the upcall for the event that woke us has run.  The upcall
 *	entry must be registered first (evtchn_init()).
 */
static inline void
intr_enable_and_wait(void)
{

	arch_intr_enable_and_wait();
}

#endif /* !_XEN_INTR_H_ */
