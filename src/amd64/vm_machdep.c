/*
 * vm_machdep.c - a new thread's first stack frame on the HVM amd64
 * kernel (arch_thread_stack_init in src/kern/arch.h).
 *
 * kern/thread.c gives a new thread a stack and asks for the stack
 * pointer that, passed to arch_switch() (switch.S), starts it.  We lay
 * out what arch_switch pops - six callee-saved registers, then a return
 * address - so that its `ret` lands in arch_thread_trampoline with the
 * entry point and its argument in two of those registers.  Nothing here
 * involves Xen: a native amd64 kernel builds the same frame.
 */

#include <stdint.h>

#include "kern/arch.h"

/* The first instruction of every new thread (switch.S). */
void	arch_thread_trampoline(void);

uintptr_t
arch_thread_stack_init(void *stack, size_t size, void (*entry)(void *),
    void *arg)
{
	uint64_t *sp;

	/*
	 * Stacks grow down: start at the top, rounded down to 16 bytes.
	 * After arch_switch's `ret` pops the return address, %rsp is the
	 * top again: 16-byte aligned where the trampoline calls entry, as
	 * the ABI requires before a call.
	 */
	sp = (uint64_t *)(((uintptr_t)stack + size) & ~(uintptr_t)15);
	*--sp = (uint64_t)(uintptr_t)arch_thread_trampoline;
	*--sp = 0;				/* rbp */
	*--sp = (uint64_t)(uintptr_t)entry;	/* rbx */
	*--sp = (uint64_t)(uintptr_t)arg;	/* r12 */
	*--sp = 0;				/* r13 */
	*--sp = 0;				/* r14 */
	*--sp = 0;				/* r15 */
	return ((uintptr_t)sp);
}
