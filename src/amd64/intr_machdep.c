/*
 * intr_machdep.c - the HVM amd64 kernel's side of event delivery and of
 * time (src/kern/arch.h): the interrupt flag, where upcalls enter, and
 * the time-stamp counter.
 *
 * Where this sits: evtchn_init() (src/xen/evtchn.c) calls
 * arch_events_init() once, with interrupts off; xenpci then has Xen
 * inject vector IDT_EVTCHN whenever vcpu_info->evtchn_upcall_pending is
 * set, and its handler calls the shared evtchn_upcall().  The scheduler
 * and the mutexes stop and allow upcalls through xen/intr.h, which
 * lands here.
 *
 * The PV kernel does all this differently (src/i386/intr_machdep.c and
 * upcall.S): Xen enters a callback address it registered with
 * HYPERVISOR_set_callbacks, and its interrupt flag is the byte
 * evtchn_upcall_mask in vcpu_info, because cli/sti are not a ring-1
 * kernel's to use.  Here the callback is an ordinary interrupt, and Xen
 * injects it without reading evtchn_upcall_mask
 * (hvm_vcpu_has_pending_irq() in xen/arch/x86/hvm/irq.c), so the flag
 * that holds it off must be the CPU's own RFLAGS.IF - what a NATIVE
 * kernel uses for every interrupt.
 *
 * Protocol: struct vcpu_info in xen/include/public/xen.h,
 * HVM_PARAM_CALLBACK_IRQ in xen/include/public/hvm/params.h.
 * Walkthrough: walkthroughs/boot-hvm.md.
 */

#include "xen/xen.h"

#include <xen/version.h>

#include <machine/cpufunc.h>

#include "dev/xen/xenpci/xenpci.h"
#include "kern/arch.h"
#include "kern/libkern.h"
#include "xen/hypercall.h"
#include "xen/intr.h"

/* RFLAGS.IF: the CPU takes maskable interrupts (SDM vol. 1, 3.4.3). */
#define	PSL_I		0x200

/* The flags register, to see whether interrupts were on. */
static inline uint64_t
read_rflags(void)
{
	uint64_t rflags;

	__asm__ volatile("pushfq; popq %0" : "=r" (rflags));
	return (rflags);
}

int
arch_intr_disable(void)
{
	uint64_t rflags = read_rflags();

	disable_intr();
	return ((rflags & PSL_I) == 0);
}

/*
 * `sti` allows the vector.  If an event became pending while interrupts
 * were off, Xen normally saw it: it raised upcall_pending itself and
 * asked the CPU for an exit as soon as interrupts are allowed again
 * (VMX "interrupt-window exiting", SVM's virtual interrupt), so the
 * vector arrives right after `sti`.  But evtchn_unmask() (src/xen/
 * evtchn.c) may set upcall_pending with a plain store, which Xen does
 * not notice until it next looks; entering Xen with any hypercall makes
 * it look on the way back in, as in the PV kernel.
 */
void
arch_intr_enable(void)
{

	enable_intr();
	if (READ_ONCE(intr_vcpu()->evtchn_upcall_pending) != 0)
		(void)HYPERVISOR_xen_version(XENVER_version, NULL);
}

int
arch_intr_disabled(void)
{

	return ((read_rflags() & PSL_I) == 0);
}

/*
 * `sti; hlt`: interrupts become allowed only after the instruction that
 * follows sti (the "interrupt shadow"), so no vector can be taken
 * between the two and the hlt cannot miss the event that should end it.
 * Xen turns hlt into "block this vCPU until an interrupt is pending",
 * the HVM twin of the PV kernel's SCHEDOP_block.  The handler runs
 * before the instruction after hlt.
 */
void
arch_intr_enable_and_wait(void)
{

	__asm__ volatile("sti; hlt" : : : "memory");
}

void
arch_events_init(void)
{

	/* The vector and the callback parameter belong to xenpci(4). */
	xenpci_events_init();
}

unsigned long
arch_upcall_fixups(void)
{

	/*
	 * `iretq` restores RFLAGS.IF and returns in one instruction, so no
	 * upcall can interrupt the exit path of another: nothing to fix up.
	 */
	return (0);
}

uint64_t
arch_rdtsc(void)
{
	uint32_t lo, hi;

	/*
	 * lfence keeps rdtsc after the read of the time record's version
	 * (xen/pvclock.c).  An HVM guest's TSC runs at the rate and offset
	 * Xen chose, which is what the PV clock records scale.
	 */
	__asm__ volatile("lfence; rdtsc" : "=a" (lo), "=d" (hi) : : "memory");
	return (((uint64_t)hi << 32) | lo);
}

void
arch_spinwait(void)
{

	cpu_spinwait();
}
