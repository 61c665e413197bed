/*
 * machine/hypercall.h (i386) - how a PV i386 kernel enters Xen.
 *
 * Part of the architecture boundary (src/kern/arch.h lists all of it):
 * the machine-independent wrappers in src/xen/hypercall.h call
 * hypercall0() ... hypercall5() and never see a register.
 *
 * The convention (xen/include/public/arch-x86/xen-x86_32.h): hypercall
 * number N is entered by `call hypercall_page + N * 32`, where
 * hypercall_page is the page named by our XEN_ELFNOTE_HYPERCALL_PAGE note
 * and filled by Xen before we started.  Arguments go in %ebx, %ecx, %edx,
 * %esi, %edi; the result comes back in %eax.  Xen may change the argument
 * registers (a debug hypervisor deliberately scribbles on them), so each
 * is declared as both input and output.  The stub itself is `mov $N,
 * %eax; int $0x82` for a 32-bit PV guest; the page hides that detail so
 * the same code works when Xen prefers another entry method.
 *
 * A NATIVE kernel has no equivalent: it would execute the privileged
 * instruction itself (load %cr3, write an MSR, `hlt`).
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
	    : "=a" (ret), "+b" (a1)
	    : [op] "i" (op)
	    : "memory");
	return (ret);
}

static inline __attribute__((always_inline)) long
hypercall2(const unsigned int op, unsigned long a1, unsigned long a2)
{
	long ret;

	__asm__ volatile(HYPERCALL_ENTRY
	    : "=a" (ret), "+b" (a1), "+c" (a2)
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
	    : "=a" (ret), "+b" (a1), "+c" (a2), "+d" (a3)
	    : [op] "i" (op)
	    : "memory");
	return (ret);
}

static inline __attribute__((always_inline)) long
hypercall4(const unsigned int op, unsigned long a1, unsigned long a2,
    unsigned long a3, unsigned long a4)
{
	long ret;

	__asm__ volatile(HYPERCALL_ENTRY
	    : "=a" (ret), "+b" (a1), "+c" (a2), "+d" (a3), "+S" (a4)
	    : [op] "i" (op)
	    : "memory");
	return (ret);
}

#endif /* !_MACHINE_HYPERCALL_H_ */
