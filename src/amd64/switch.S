/*
 * switch.S - the HVM amd64 kernel's context switch (arch_switch in
 * src/kern/arch.h) and the first instruction of every new thread.
 *
 * Where this sits: kern/thread.c picks the next thread and calls
 * arch_switch(&old->sp, new->sp) with upcalls masked.  The System V
 * AMD64 ABI lets a called function clobber every register except %rbx,
 * %rbp, %r12-%r15 and %rsp, so those are all a switch must keep: they
 * are pushed on the old stack, %rsp is saved, the new %rsp loaded, and
 * the new thread's registers popped.  `ret` then returns into whatever
 * arch_switch call the new thread made - or, the first time, into
 * arch_thread_trampoline, which vm_machdep.c put on the new stack.
 *
 * RFLAGS is not saved: every switch happens with interrupts off, and
 * each thread restores its own flag with intr_restore() after the switch
 * returns.  The same code would serve a native amd64 kernel; the PV
 * i386 kernel's twin (src/i386/switch.S) differs only in the ABI.
 */

	.text
	.code64

/* void arch_switch(uintptr_t *from_sp, uintptr_t to_sp) */
	.globl	arch_switch
	.balign	16
arch_switch:
	pushq	%rbp			/* the callee-saved registers, in */
	pushq	%rbx			/* the order the new thread's */
	pushq	%r12			/* frame pops them */
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)		/* this thread stops here */
	movq	%rsi, %rsp		/* and the other one resumes */
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret				/* into the other thread's arch_switch call */

/*
 * A new thread's first instructions: arch_thread_stack_init() left the
 * entry point in %rbx and its argument in %r12.  The stack is 16-byte
 * aligned here, as the ABI wants at a call.
 */
	.globl	arch_thread_trampoline
	.balign	16
arch_thread_trampoline:
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	movq	%r12, %rdi		/* entry(arg) */
	call	*%rbx
	/* The entry (thread_start in kern/thread.c) never returns. */
1:	jmp	1b

	/* Our stack need not be executable; say so, as the linker asks. */
	.section .note.GNU-stack, "", @progbits
