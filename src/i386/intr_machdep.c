/*
 * intr_machdep.c - the PV i386 kernel's side of event delivery and of
 * time: registering the upcall entry, the failsafe report, and the
 * time-stamp counter.  Part of the architecture boundary (kern/arch.h).
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

#include "i386/pv.h"
#include "i386/upcall.h"
#include "kern/arch.h"
#include "kern/libkern.h"

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
