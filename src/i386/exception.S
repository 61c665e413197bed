/*
 * exception.S - where an exception enters the PV i386 kernel, and the two
 * instructions that are allowed to fault on purpose (arch_probe_read and
 * arch_probe_write).
 *
 * Where this sits: trap_init() (trap.c) gives Xen the addresses in
 * trap_entry[] below with HYPERVISOR_set_trap_table.  When the CPU raises
 * an exception while the guest runs, it is Xen's IDT that receives it;
 * Xen decides the guest should handle it, builds a frame on the guest's
 * stack and jumps to our stub for that vector, in ring 1 (the ring a
 * 32-bit PV kernel runs in).  The stub completes the frame and calls
 * trap(), which either resumes at a fix-up address or reports and
 * panics.  A NATIVE kernel would point the IDT at the same kind of stubs
 * (lidt) and the CPU itself would push the frame.
 *
 * What Xen pushes (compat_create_bounce_frame in
 * xen/arch/x86/x86_64/compat/entry.S), from the top of the stack down:
 *	EFLAGS	the interrupted flags, IF replaced by "events were enabled"
 *	CS	the interrupted code selector; bits 16-23 hold the vCPU's
 *		event mask as it was before the exception ("saved upcall
 *		mask"), because Xen may have masked events on the way in
 *	EIP	the faulting instruction (a fault) or the next one (a trap)
 *	[error]	only for the vectors where the CPU pushes an error code:
 *		8, 10, 11, 12, 13, 14 and 17 - exactly where the CPU would
 *		put it.
 * For a page fault the CPU's %cr2 (the faulting address) cannot be read
 * in ring 1; Xen copies it into the vCPU's vcpu_info in shared_info
 * (arch.cr2), where trap() reads it.  The frame layout is struct
 * trapframe in trap.h.  Walkthrough: walkthroughs/boot-pv.md.
 */

#include "i386/trap.h"

/*
 * FIXUP(fault, resume): if the instruction at `fault` faults, trap()
 * resumes at `resume` instead of panicking.  The pair goes in the
 * fixup_table section, which kernel.ld gathers between fixup_table_start
 * and fixup_table_stop.  This is the exception table of Linux
 * (__ex_table); FreeBSD reaches the same end with pcb_onfault, a per-
 * thread "resume here" pointer set before a risky copy.  A table costs
 * nothing until a fault happens and needs no thread structure, which
 * this kernel does not have yet.
 */
#define	FIXUP(fault, resume)						\
	.pushsection fixup_table, "a";					\
	.balign 4;							\
	.long	fault, resume;						\
	.popsection

/*
 * The stubs.  Every frame must have the same shape for trap(), so a
 * stub for a vector without an error code pushes a zero in its place.
 */
#define	TRAP_NO_ERROR_CODE(vector)					\
	.balign 16;							\
trap_stub_##vector:							\
	pushl	$0;			/* stands in for an error code */ \
	pushl	$vector;		/* tf_trapno */			\
	jmp	alltraps

#define	TRAP_ERROR_CODE(vector)						\
	.balign 16;							\
trap_stub_##vector:							\
	pushl	$vector;		/* Xen pushed the error code */	\
	jmp	alltraps

	.text
	TRAP_NO_ERROR_CODE(0)		/* #DE divide error */
	TRAP_NO_ERROR_CODE(1)		/* #DB debug */
	TRAP_NO_ERROR_CODE(2)		/* NMI, if Xen injects one */
	TRAP_NO_ERROR_CODE(3)		/* #BP int3 */
	TRAP_NO_ERROR_CODE(4)		/* #OF into */
	TRAP_NO_ERROR_CODE(5)		/* #BR bound */
	TRAP_NO_ERROR_CODE(6)		/* #UD invalid opcode */
	TRAP_NO_ERROR_CODE(7)		/* #NM device not available */
	TRAP_ERROR_CODE(8)		/* #DF: Xen keeps it; never seen */
	TRAP_NO_ERROR_CODE(9)		/* coprocessor segment overrun */
	TRAP_ERROR_CODE(10)		/* #TS invalid TSS */
	TRAP_ERROR_CODE(11)		/* #NP segment not present */
	TRAP_ERROR_CODE(12)		/* #SS stack-segment fault */
	TRAP_ERROR_CODE(13)		/* #GP general protection */
	TRAP_ERROR_CODE(14)		/* #PF page fault */
	TRAP_NO_ERROR_CODE(15)		/* reserved */
	TRAP_NO_ERROR_CODE(16)		/* #MF x87 error */
	TRAP_ERROR_CODE(17)		/* #AC alignment check */
	TRAP_NO_ERROR_CODE(18)		/* #MC, if Xen injects one */
	TRAP_NO_ERROR_CODE(19)		/* #XM SIMD error */

/*
 * The common part: save what the stub did not, call trap(frame), restore
 * and return to the interrupted instruction (or to the fix-up address
 * trap() wrote into the frame).
 */
	.balign 16
alltraps:
	/* The general registers, eax first, edi last (tf_eax ... tf_edi). */
	pushal
	/* The data segments: the same flat ring-1 selectors, saved for the
	   report and for the day a fault can come from ring 3. */
	pushl	%ds
	pushl	%es
	pushl	%fs
	pushl	%gs
	/* C code assumes string instructions count upwards. */
	cld
	/* trap(tf): the frame starts at the current stack pointer. */
	pushl	%esp
	call	trap
	/* Drop the argument. */
	addl	$4, %esp
	/* Undo the pushes, in reverse. */
	popl	%gs
	popl	%fs
	popl	%es
	popl	%ds
	popal
	/* Drop tf_trapno and tf_err: iret expects EIP on top. */
	addl	$8, %esp
	/*
	 * Back to ring 1 from ring 1: a plain iret is allowed (no privilege
	 * change), pops EIP, CS (the CPU ignores bits 16-31, where Xen put
	 * the saved mask) and EFLAGS (IF and IOPL cannot change in ring 1
	 * and are silently kept).  It does not restore the event mask;
	 * trap() has done that itself.  Linux uses the iret hypercall
	 * instead when it must also return to ring 3 or unblock NMIs.
	 */
	iret

/*
 * The handlers' addresses, by vector, for trap_init() to give to Xen.
 */
	.section .rodata
	.balign 4
	.globl	trap_entry
trap_entry:
	.long	trap_stub_0, trap_stub_1, trap_stub_2, trap_stub_3
	.long	trap_stub_4, trap_stub_5, trap_stub_6, trap_stub_7
	.long	trap_stub_8, trap_stub_9, trap_stub_10, trap_stub_11
	.long	trap_stub_12, trap_stub_13, trap_stub_14, trap_stub_15
	.long	trap_stub_16, trap_stub_17, trap_stub_18, trap_stub_19

/*
 * int arch_probe_read(const volatile void *addr, uint8_t *out)
 * int arch_probe_write(volatile void *addr, uint8_t value)
 *
 * One byte is read or written at addr; the access is the only
 * instruction of each with a FIXUP entry.  If it faults, trap() records
 * the fault and resumes at probe_failed, which returns -1; otherwise the
 * function returns 0.  Both are leaf functions that push nothing, so at
 * probe_failed the stack is exactly as at the faulting instruction and
 * `ret` returns to the caller.  A fault on `out` is a bug in the caller
 * and is reported like any other.
 */
	.text
	.balign 16
	.globl	arch_probe_read
arch_probe_read:
	/* The address to probe (first cdecl argument). */
	movl	4(%esp), %ecx
probe_read_access:
	/* The load that may fault. */
	movzbl	(%ecx), %eax
	/* out, the second argument. */
	movl	8(%esp), %ecx
	/* Give the byte to the caller. */
	movb	%al, (%ecx)
	/* Return 0: the read succeeded. */
	xorl	%eax, %eax
	ret
	FIXUP(probe_read_access, probe_failed)

	.balign 16
	.globl	arch_probe_write
arch_probe_write:
	/* The address to probe. */
	movl	4(%esp), %ecx
	/* The byte to write (the low byte of the second argument). */
	movl	8(%esp), %eax
probe_write_access:
	/* The store that may fault. */
	movb	%al, (%ecx)
	/* Return 0: the write succeeded. */
	xorl	%eax, %eax
	ret
	FIXUP(probe_write_access, probe_failed)

	/* Where trap() resumes a probe that faulted. */
probe_failed:
	/* Return -1: the access faulted; arch_probe_last_fault() says how. */
	movl	$-1, %eax
	ret

	/* No executable stack, as the linker asks. */
	.section .note.GNU-stack, "", @progbits
