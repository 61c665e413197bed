/*
 * exception.S - the HVM amd64 kernel's interrupt and exception entry.
 *
 * Where this sits: trap.c points every one of the 256 IDT gates at one
 * of the stubs below.  A stub makes every vector's stack look the same
 * (a dummy error code where the CPU pushes none, then the vector
 * number), and trap_common saves the general registers as a struct
 * trapframe (amd64/trap.h) and calls trap() in trap.c.  Exceptions
 * (vectors 0-31) end in a fault report; the Xen event callback vector
 * (IDT_EVTCHN, set up by xenpci) returns here and `iretq` resumes the
 * interrupted code.
 *
 * What the CPU does before a stub runs (SDM vol. 3A, 6.14): with an
 * interrupt gate it clears RFLAGS.IF (no nesting of interrupts), aligns
 * %rsp down to 16 bytes, and pushes %ss, %rsp, %rflags, %cs, %rip and,
 * for some exceptions, an error code.  We never change privilege level
 * (everything runs in ring 0), so there is no stack switch and no TSS.
 *
 * A PV kernel has no IDT: it gives Xen a trap table
 * (HYPERVISOR_set_trap_table, xen/include/public/xen.h struct trap_info)
 * and an event callback address (HYPERVISOR_set_callbacks); Xen builds
 * the frame and enters it.  Here the hardware does, through our IDT.
 */

#include "amd64/layout.h"
#include "amd64/trap.h"

/*
 * Does the CPU push an error code for this exception?  #DF, #TS, #NP,
 * #SS, #GP, #PF, #AC, #CP, #VC and #SX do (SDM vol. 3A, table 6-1).
 */
#define	HAS_ERROR_CODE(v)						\
	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 ||		\
	    (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.code64
	/*
	 * 256 stubs, TRAP_STUB_SIZE bytes apart, so that trap.c finds the
	 * stub of vector v at trap_vectors + v * TRAP_STUB_SIZE.
	 */
	.balign	TRAP_STUB_SIZE
	.globl	trap_vectors
trap_vectors:
	.set	vec, 0
	.rept	256
1:
	.if	!HAS_ERROR_CODE(vec)
	pushq	$0			/* no error code: push a zero */
	.endif
	pushq	$vec			/* the vector, for trap() */
	jmp	trap_common
	/*
	 * Pad to the next slot with int3.  A stub that outgrew its slot
	 * would make .org move backwards, which the assembler refuses.
	 */
	.org	1b + TRAP_STUB_SIZE, 0xcc
	.set	vec, vec + 1
	.endr

/*
 * Save the registers in the order of struct trapframe (the last pushed
 * is the first field), call trap(frame), restore, drop the vector and
 * error code, return from the interrupt.  The stack is 16-byte aligned
 * at the call: the CPU aligned it, then 22 quadwords were pushed...
 * 5 by the CPU, 2 by the stub, 15 here: 176 bytes, a multiple of 16.
 */
trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi		/* trap(struct trapframe *) */
	cld				/* C code assumes it */
	call	trap
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* the vector and the error code */
	iretq

/*
 * FIXUP(fault, resume): if the instruction at `fault` faults, trap()
 * resumes at `resume` instead of reporting the fault.  The pairs go in
 * the fixup_table section, which kernel.ld gathers between
 * fixup_table_start and fixup_table_stop (as in src/i386/exception.S,
 * after Linux's __ex_table).
 */
#define	FIXUP(fault, resume)						\
	.pushsection fixup_table, "a";					\
	.balign 8;							\
	.quad	fault, resume;						\
	.popsection

/*
 * int arch_probe_read(const volatile void *addr, uint8_t *out)
 * int arch_probe_write(volatile void *addr, uint8_t value)
 *
 * One byte is read or written at addr (%rdi); the access is the only
 * instruction with a FIXUP entry.  If it faults, trap() records the
 * fault and resumes at probe_failed, which returns -1.  Both are leaf
 * functions that push nothing, so at probe_failed the stack is as at
 * the faulting instruction and `ret` returns to the caller.
 */
	.text
	.balign 16
	.globl	arch_probe_read
arch_probe_read:
probe_read_access:
	movzbl	(%rdi), %eax		/* the load that may fault */
	movb	%al, (%rsi)		/* give the byte to the caller */
	xorl	%eax, %eax		/* return 0: the read succeeded */
	ret
	FIXUP(probe_read_access, probe_failed)

	.balign 16
	.globl	arch_probe_write
arch_probe_write:
probe_write_access:
	movb	%sil, (%rdi)		/* the store that may fault */
	xorl	%eax, %eax		/* return 0: the write succeeded */
	ret
	FIXUP(probe_write_access, probe_failed)

probe_failed:
	/* Return -1: the access faulted; arch_probe_last_fault() says how. */
	movl	$-1, %eax
	ret


	/* Our stack need not be executable; say so, as the linker asks. */
	.section .note.GNU-stack, "", @progbits
