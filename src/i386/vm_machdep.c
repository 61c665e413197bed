/*
 * vm_machdep.c - the machine-dependent part of creating a kernel thread:
 * the first frame on its stack.  Part of the architecture boundary
 * (kern/arch.h); FreeBSD keeps the same job in a file of this name.
 *
 * Where this sits: thread_create() (src/kern/thread.c) gives us a stack
 * and the function the thread runs.  We lay out the frame that
 * arch_switch() (switch.S) expects to find on a thread it switches to,
 * so that the first switch "returns" into arch_thread_trampoline, which
 * calls entry(arg).  Nothing here involves Xen: threads are a matter of
 * stacks and registers, the same as on a NATIVE kernel.
 */

#include <stdint.h>

#include "kern/arch.h"

/* The first instruction of every new thread (switch.S). */
void	arch_thread_trampoline(void);

uintptr_t
arch_thread_stack_init(void *stack, size_t size, void (*entry)(void *),
    void *arg)
{
	uint32_t *sp;

	/* Stacks grow down: start at the top, rounded down to 16 bytes. */
	sp = (uint32_t *)(((uintptr_t)stack + size) & ~(uintptr_t)15);
	/*
	 * From the top down, what arch_switch pops: the return address,
	 * then ebp, ebx, esi, edi in the reverse of the order it pushes
	 * them.  ebx and esi carry entry and arg to the trampoline.
	 */
	*--sp = (uint32_t)(uintptr_t)arch_thread_trampoline;
	*--sp = 0;				/* ebp */
	*--sp = (uint32_t)(uintptr_t)entry;	/* ebx */
	*--sp = (uint32_t)(uintptr_t)arg;	/* esi */
	*--sp = 0;				/* edi */
	return ((uintptr_t)sp);
}
