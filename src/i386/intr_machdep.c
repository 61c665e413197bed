/*
 * intr_machdep.c - the PV i386 kernel's side of event delivery and of
 * time: registering the upcall entry, the failsafe report, the
 * interrupt flag (evtchn_upcall_mask) and the time-stamp counter.
 * Part of the architecture boundary (kern/arch.h).
 *
 * Where this sits: evtchn_init() (src/xen/evtchn.c) calls
 * arch_events_init() once, with upcalls still masked; from then on Xen
 * enters xen_upcall in upcall.S whenever an event is pending.  A NATIVE
 * kernel would instead program the local APIC and point IDT gates at its
 * interrupt handlers.  The HVM kernel does the equivalent with the
 * HVM_PARAM_CALLBACK_IRQ parameter and an IDT vector.
 *
 * Protocol: HYPERVISOR_set_callbacks in xen/include/public/xen.h and
 * xen/include/public/arch-x86/xen-x86_32.h (selector:offset pairs;
 * FLAT_KERNEL_CS is the ring-1 code segment Xen gives every 32-bit PV
 * kernel).  Walkthrough: walkthroughs/boot-pv.md, "The first event".
 */

#include "xen/xen.h"

#include <xen/sched.h>
#include <xen/version.h>

#include "i386/pv.h"
#include "i386/upcall.h"
#include "kern/arch.h"
#include "kern/libkern.h"
#include "xen/hypercall.h"
#include "xen/intr.h"

/* The entries in upcall.S. */
void	xen_upcall(void);
void	xen_failsafe(void);
/* Called from xen_failsafe only; declared here for the prototype rule. */
void	xen_failsafe_panic(const uint32_t *frame) __attribute__((noreturn));

/*
 * The vcpu_info whose mask and pending bytes the exit path of xen_upcall
 * reads and writes; a variable so that upcall.S needs no C expression.
 */
struct vcpu_info *upcall_vcpu_info;
/* Upcalls that merged with the exit path they interrupted (upcall.S). */
unsigned long upcall_fixups;

/* The offsets upcall.S uses must be Xen's. */
_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_pending) ==
    VCPU_UPCALL_PENDING, "VCPU_UPCALL_PENDING in i386/upcall.h is wrong");
_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_mask) ==
    VCPU_UPCALL_MASK, "VCPU_UPCALL_MASK in i386/upcall.h is wrong");

void
arch_events_init(void)
{
	long error;

	upcall_vcpu_info = &boot_info.shared_info->vcpu_info[0];
	/*
	 * Both entries run in our ring-1 code segment.  Until this call
	 * Xen has nowhere to deliver an event, which is why nothing may
	 * unmask events (SCHEDOP_block does) before it.
	 */
	error = HYPERVISOR_set_callbacks(FLAT_KERNEL_CS,
	    (unsigned long)xen_upcall, FLAT_KERNEL_CS,
	    (unsigned long)xen_failsafe);
	if (error != 0)
		panic("set_callbacks failed (%ld): no event delivery", error);
}

void
xen_failsafe_panic(const uint32_t *frame)
{

	panic("failsafe callback: Xen could not reload segments ds=0x%x "
	    "es=0x%x fs=0x%x gs=0x%x at eip 0x%x", frame[FAILSAFE_DS / 4],
	    frame[FAILSAFE_ES / 4], frame[FAILSAFE_FS / 4],
	    frame[FAILSAFE_GS / 4], frame[FAILSAFE_EIP / 4]);
}

unsigned long
arch_upcall_fixups(void)
{

	return (__atomic_load_n(&upcall_fixups, __ATOMIC_RELAXED));
}

uint64_t
arch_rdtsc(void)
{
	uint32_t lo, hi;

	/*
	 * rdtsc may execute before earlier loads complete; the lfence
	 * keeps it after the read of the time record's version
	 * (xen/pvclock.c), as Linux's rdtsc_ordered() does.  rdtsc is not
	 * privileged in ring 1 unless Xen sets CR4.TSD, in which case Xen
	 * emulates it for us.
	 */
	__asm__ volatile("lfence; rdtsc" : "=a" (lo), "=d" (hi) : : "memory");
	return (((uint64_t)hi << 32) | lo);
}

void
arch_spinwait(void)
{

	/* A hint to the CPU (and to a hypervisor) that we are spinning. */
	__asm__ volatile("pause");
}

/*
 * The interrupt flag of a PV kernel: evtchn_upcall_mask in our
 * vcpu_info (kern/arch.h, xen/intr.h).  1 means "do not call the upcall
 * entry", 0 "call it as soon as something is pending".  Xen sets the
 * byte itself when it enters the upcall, and SCHEDOP_block clears it.
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
 */
int
arch_intr_disable(void)
{
	struct vcpu_info *v = intr_vcpu();
	int was;

	was = READ_ONCE(v->evtchn_upcall_mask);
	WRITE_ONCE(v->evtchn_upcall_mask, 1);
	/* Nothing of the critical section may move above the mask. */
	intr_compiler_barrier();
	return (was);
}

int
arch_intr_disabled(void)
{

	return (READ_ONCE(intr_vcpu()->evtchn_upcall_mask) != 0);
}

void
arch_intr_enable(void)
{
	struct vcpu_info *v = intr_vcpu();

	/* The critical section's loads and stores stay above the unmask. */
	intr_compiler_barrier();
	WRITE_ONCE(v->evtchn_upcall_mask, 0);
	/*
	 * Unmask first, then look at pending: in the other order an event
	 * arriving between the two would find the mask still set, would not
	 * be delivered, and would wait for the next event to be noticed.
	 * Only the compiler needs telling (see above for why the CPU does
	 * not).
	 */
	intr_compiler_barrier();
	if (READ_ONCE(v->evtchn_upcall_pending) != 0) {
		/*
		 * Something arrived while we were masked.  Xen delivers
		 * upcalls on its way out of any entry into it, so the
		 * cheapest hypercall will do: XENVER_version has no side
		 * effect.  The upcall runs before this call returns.
		 */
		(void)HYPERVISOR_xen_version(XENVER_version, NULL);
	}
}

/*
 * The idle loop's sleep (kern/thread.c).  The caller has masked upcalls
 * and seen that there is nothing to run.  SCHEDOP_block then, inside Xen
 * and so atomically with respect to events:
 *   1. clears evtchn_upcall_mask;
 *   2. returns at once if an event is already pending, else deschedules
 *      this vCPU until one is;
 * and on the way back to us delivers the upcall, whose handlers make
 * threads runnable.  Had we unmasked first and then blocked, an event
 * arriving between the two would have been handled before the block, and
 * the block would sleep with a thread ready to run (the lost wake-up).
 *
 * Step 1 is also why this must not run before the upcall entry is
 * registered (evtchn_init): with no callback, the first event makes Xen
 * jump to address 0 and the domain is crashed.  Code that must wait
 * earlier uses SCHEDOP_yield or SCHEDOP_poll, which leave the mask alone.
 * (shared/xen-in-qemu.md, "PV guests", records that pitfall.)
 */
void
arch_intr_enable_and_wait(void)
{

	(void)HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}
