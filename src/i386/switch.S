/*
 * switch.S - switch the CPU from one kernel thread to another.
 *
 * Where this sits: the scheduler (src/kern/thread.c, sched_switch())
 * picks the next thread and calls arch_switch(&old->sp, new->sp) with
 * event upcalls masked.  A thread's whole CPU state, while it is not
 * running, is its stack: arch_switch pushes the registers the C calling
 * convention says a callee must preserve, saves the stack pointer, loads
 * the other thread's, and pops that thread's registers.  The `ret` then
 * returns into whatever call of arch_switch the other thread made when it
 * last stopped - or, for a new thread, into arch_thread_trampoline
 * (vm_machdep.c builds that first frame).
 *
 * Only callee-saved registers are saved (i386 System V ABI: ebx, esi,
 * edi, ebp; esp itself is the saved pointer).  eax, ecx and edx are
 * caller-saved: the compiler already assumes the call destroys them.
 * No segment registers (all flat, never changed), no floating point (the
 * kernel is built without it), and no eflags: every switch happens with
 * upcalls masked, and the mask byte is per vCPU, not per thread.  This is
 * the same in a PV kernel as in a NATIVE one: switching threads inside
 * one address space needs no help from Xen.
 */

	.text

/* void arch_switch(uintptr_t *from_sp, uintptr_t to_sp) */
	.globl	arch_switch
	.balign	16
arch_switch:
	movl	4(%esp), %eax		/* from_sp: where to save our sp */
	movl	8(%esp), %edx		/* to_sp: the other thread's saved sp */
	pushl	%ebp			/* the callee-saved registers, */
	pushl	%ebx			/* in the order the new thread's */
	pushl	%esi			/* frame pops them */
	pushl	%edi
	movl	%esp, (%eax)		/* this thread stops here */
	movl	%edx, %esp		/* and the other one resumes */
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret				/* into the other thread's arch_switch call */

/*
 * arch_thread_trampoline: a new thread's first instruction.  The frame
 * built by arch_thread_stack_init() left the entry function in %ebx and
 * its argument in %esi, so arch_switch's pops delivered them here.
 */
	.globl	arch_thread_trampoline
	.balign	16
arch_thread_trampoline:
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	pushl	%esi			/* entry(arg), cdecl */
	call	*%ebx
	/* The entry (thread_start in kern/thread.c) never returns. */
1:	jmp	1b

	/* Our stack need not be executable; say so, as the linker asks. */
	.section .note.GNU-stack, "", @progbits
