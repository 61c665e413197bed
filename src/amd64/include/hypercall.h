/*
 * machine/hypercall.h (amd64) - how the HVM amd64 kernel enters Xen.
 *
 * Part of the architecture boundary (src/kern/arch.h lists all of it):
 * the machine-independent wrappers in src/xen/hypercall.h call
 * hypercall1() ... hypercall4() and never see a register.  This file
 * has the same functions, with the same signatures, as
 * src/i386/include/hypercall.h; only the registers differ.
 *
 * The 64-bit convention (xen/include/public/arch-x86/xen-x86_64.h):
 * hypercall N is entered by `call hypercall_page + N * 32`, arguments in
 * %rdi, %rsi, %rdx, %r10, %r8 (the System V order, with %r10 for %rcx
 * as in the syscall instruction), the result in %rax.  Xen may change
 * the argument registers (a debug hypervisor scribbles on them), so each
 * is declared as both input and output.
 *
 * What differs from the PV kernel is who fills the page and what the
 * stubs do.  A PV kernel names the page in an ELF note and Xen fills it
 * before the first instruction; its stubs trap with `syscall` or `int
 * $0x82`.  An HVM kernel asks for the page at run time: it writes the
 * page's guest-physical address to the MSR that CPUID leaf 0x40000002
 * names (hypervisor.c), and Xen writes stubs that execute `vmcall`
 * (Intel) or `vmmcall` (AMD), which leave the guest for Xen.  Calling
 * into the page before that lands on int3 (locore.S fills it with 0xcc).
 *
 * A NATIVE kernel has no equivalent: it would execute the privileged
 * instruction itself.
 */
#ifndef _MACHINE_HYPERCALL_H_
#define _MACHINE_HYPERCALL_H_

/* The page itself, defined in locore.S. */
extern char hypercall_page[];

/*
 * The op must be a compile-time constant: it becomes part of the call
 * instruction's address ("i" constraint), so these are always inlined.
 */
#define	HYPERCALL_ENTRY	"call hypercall_page + %c[op] * 32"

static inline __attribute__((always_inline)) long
hypercall1(const unsigned int op, unsigned long a1)
{
	long ret;

	__asm__ volatile(HYPERCALL_ENTRY
	    : "=a" (ret), "+D" (a1)
	    : [op] "i" (op)
	    : "memory");
	return (ret);
}

static inline __attribute__((always_inline)) long
hypercall2(const unsigned int op, unsigned long a1, unsigned long a2)
{
	long ret;

	__asm__ volatile(HYPERCALL_ENTRY
	    : "=a" (ret), "+D" (a1), "+S" (a2)
	    : [op] "i" (op)
	    : "memory");
	return (ret);
}

static inline __attribute__((always_inline)) long
hypercall3(const unsigned int op, unsigned long a1, unsigned long a2,
    unsigned long a3)
{
	long ret;

	__asm__ volatile(HYPERCALL_ENTRY
	    : "=a" (ret), "+D" (a1), "+S" (a2), "+d" (a3)
	    : [op] "i" (op)
	    : "memory");
	return (ret);
}

static inline __attribute__((always_inline)) long
hypercall4(const unsigned int op, unsigned long a1, unsigned long a2,
    unsigned long a3, unsigned long a4)
{
	long ret;
	/* No constraint letter names %r10: bind the variable to it. */
	register unsigned long r10 __asm__("r10") = a4;

	__asm__ volatile(HYPERCALL_ENTRY
	    : "=a" (ret), "+D" (a1), "+S" (a2), "+d" (a3), "+r" (r10)
	    : [op] "i" (op)
	    : "memory");
	return (ret);
}

#endif /* !_MACHINE_HYPERCALL_H_ */
