/*
 * upcall.S - where Xen enters the PV i386 kernel to deliver events.
 *
 * Where this sits: intr_machdep.c registers xen_upcall and xen_failsafe
 * with HYPERVISOR_set_callbacks.  When an event is pending for us and
 * vcpu_info.evtchn_upcall_mask is 0, Xen interrupts whatever we were
 * running: it pushes eip, cs and eflags on our current stack (the frame
 * a CPU pushes for an interrupt taken in the same ring), sets the mask
 * to 1, and jumps to xen_upcall.  We save the registers, call the
 * machine-independent evtchn_upcall() (src/xen/evtchn.c), and return to
 * the interrupted code.  A NATIVE kernel would get here through an IDT
 * gate for an APIC interrupt vector instead.
 *
 * Protocol: xen/include/public/xen.h (struct vcpu_info, the mask and
 * pending bytes) and xen/include/public/arch-x86/xen-x86_32.h
 * (set_callbacks takes selector:offset pairs).  Xen's side of the frame
 * is compat_create_bounce_frame in xen/arch/x86/x86_64/compat/entry.S.
 * Walkthrough: walkthroughs/boot-pv.md, "The first event".
 *
 * THE EXIT PROBLEM.  On the way out the interrupted code must get back
 * the mask it had, which was 0 (Xen never upcalls a masked vCPU).  But
 * clearing the mask and returning are two steps:
 *	movb $0, mask		events may be delivered from here on
 *	popal
 *	iret
 * An event arriving between the movb and the iret makes Xen push a NEW
 * frame below ours and enter xen_upcall again, nested.  That is correct
 * but it grows the stack, and a steady stream of events landing in that
 * window could grow it without bound.  Two cures exist:
 *
 *   (1) HYPERVISOR_iret: Xen pops the frame and restores the mask from
 *	 eflags.IF in one step, inside the hypervisor, so there is no
 *	 window.  Simple, but a hypercall for every upcall.
 *   (2) The classic critical-region fix-up, used below (Linux's old
 *	 xen_iret and Mini-OS do the same): let the nested upcall happen,
 *	 but have it notice that it interrupted our own exit path and merge
 *	 its frame with the one below instead of stacking on it.  No
 *	 hypercall, and the stack never holds more than one upcall frame
 *	 from this window.
 *
 * We use (2) because the exit path is then plain instructions a reader
 * can step through, and the fix-up shows exactly what the window is.
 * The critical region is [upcall_critical_start, upcall_critical_end):
 * every instruction after the mask was cleared that still relies on the
 * old frame.  An upcall whose saved eip lies in it is in one of two
 * states (this is why the exit uses `popal`, which pops all registers
 * in one instruction, rather than eight pops: only two states exist):
 *
 *   (a) eip before upcall_critical_iret: the old frame was not touched
 *	 yet; it lies, complete, right above the new one.  Its registers
 *	 are the ones to return with, so the new frame is simply dropped
 *	 (%esp += UPCALL_FRAME_SIZE) and we dispatch again on the old one.
 *   (b) eip == upcall_critical_iret: popal has run, only the old eip,
 *	 cs, eflags remain above Xen's new frame, and the registers we
 *	 just saved with pushal ARE the old frame's registers.  Sliding
 *	 those 32 bytes up over Xen's 12-byte frame rebuilds the old frame
 *	 exactly, and we dispatch on it.
 *
 * Either way events are pending (that is why Xen came back), the mask is
 * 1 again (Xen set it), and we run evtchn_upcall() once more before
 * trying to leave.  Before the critical region the mask is 1, so no
 * upcall can land there; after the iret the old frame is gone.
 */

#include <xen/xen.h>

#include "i386/upcall.h"

	.text

/*
 * xen_upcall: the event callback.  Entered with events masked, on the
 * interrupted thread's stack, with the frame described in upcall.h.
 */
	.globl	xen_upcall
	.balign	16
xen_upcall:
	pushal				/* save all eight general registers */
	/* Did this upcall interrupt our own exit path? */
	movl	UPCALL_EIP(%esp), %eax
	cmpl	$upcall_critical_start, %eax
	jb	upcall_dispatch		/* below the region: a normal upcall */
	cmpl	$upcall_critical_end, %eax
	jae	upcall_dispatch		/* above it: a normal upcall */
	cmpl	$upcall_critical_iret, %eax
	je	upcall_fixup_popped
	/*
	 * Case (a): the old frame is intact above ours.  Drop ours: its
	 * registers are the exit path's scratch values, and its eip points
	 * into the exit path we are about to run again anyway.
	 */
	addl	$UPCALL_FRAME_SIZE, %esp
	incl	upcall_fixups		/* counted for the events test */
	jmp	upcall_dispatch

upcall_fixup_popped:
	/*
	 * Case (b): the old registers were popped, and we pushed them again
	 * with pushal just now.  Move those 32 bytes up by 12, over Xen's new
	 * eip/cs/eflags, so that they sit right below the old eip/cs/eflags.
	 * The copy runs from the highest word down because source and
	 * destination overlap and the destination is higher.  It uses %eax
	 * and %ecx freely: their interrupted values are in the words being
	 * copied, and popal will load them from there.
	 */
	movl	$UPCALL_REGS_SIZE / 4 - 1, %ecx	/* word index: 7 down to 0 */
1:	movl	(%esp,%ecx,4), %eax
	movl	%eax, UPCALL_XEN_SIZE(%esp,%ecx,4)
	decl	%ecx
	jns	1b			/* until index 0 is copied */
	addl	$UPCALL_XEN_SIZE, %esp	/* now one frame: old registers + old iret frame */
	incl	upcall_fixups

upcall_dispatch:
	/* C code assumes string instructions count upwards. */
	cld
	call	evtchn_upcall		/* scan and dispatch, events masked */

	/*
	 * The exit path.  upcall_vcpu_info is &shared_info->vcpu_info[0],
	 * set by arch_events_init().  %eax is free: popal reloads it.
	 */
	movl	upcall_vcpu_info, %eax
	movb	$0, VCPU_UPCALL_MASK(%eax)	/* unmask: the window opens */
upcall_critical_start:
	/*
	 * An event that arrived while we were masked set pending, but Xen
	 * did not enter us for it; if so, go round again rather than return
	 * and leave it waiting.
	 */
	testb	$0xff, VCPU_UPCALL_PENDING(%eax)
	jnz	upcall_again
	popal				/* the interrupted code's registers */
upcall_critical_iret:
	/*
	 * Same-ring iret (ring 1 to ring 1): pops eip, cs, eflags.  The
	 * eflags.IF bit is not restored by the CPU in ring 1, and need not
	 * be: the mask byte, already 0, is our interrupt flag.
	 */
	iret
upcall_again:
	movb	$1, VCPU_UPCALL_MASK(%eax)	/* mask again before re-scanning */
upcall_critical_end:
	jmp	upcall_dispatch

/*
 * xen_failsafe: Xen could not return to us because loading one of our
 * saved segment registers failed.  This kernel loads flat segments once
 * and never changes them, so getting here means something overwrote
 * them; there is nothing sensible to resume.  Reload the flat data
 * segments so that C code works, and report the frame.
 */
	.globl	xen_failsafe
	.balign	16
xen_failsafe:
	movl	$FLAT_KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	pushl	%esp			/* the frame: ds es fs gs eip cs eflags */
	call	xen_failsafe_panic	/* does not return */
1:	jmp	1b

	/* Our stack need not be executable; say so, as the linker asks. */
	.section .note.GNU-stack, "", @progbits
