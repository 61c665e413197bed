/*
 * amd64/trap.h - the interrupt frame and the IDT set-up of the HVM
 * amd64 kernel.  Private to src/amd64; included by exception.S too, so
 * the C part is hidden from the assembler.
 *
 * exception.S saves the registers in the order of struct trapframe and
 * calls trap() (trap.c) with a pointer to it.  Drivers register a
 * handler for a vector through <machine/intr.h>.
 */
#ifndef _AMD64_TRAP_H_
#define _AMD64_TRAP_H_

/* Bytes between two entry stubs in exception.S. */
#define	TRAP_STUB_SIZE	16

/* Vectors 0-31 are the CPU's exceptions; the legacy PIC is moved above. */
#define	IDT_EXCEPTIONS	32
#define	IDT_PIC_BASE	0x20	/* IRQ 0-15 arrive at 0x20-0x2f */
#define	IDT_PIC_COUNT	16

#ifndef __ASSEMBLY__

#include <stdint.h>

/* What exception.S leaves on the stack: ours, then the CPU's. */
struct trapframe {
	uint64_t	tf_r15, tf_r14, tf_r13, tf_r12;
	uint64_t	tf_r11, tf_r10, tf_r9, tf_r8;
	uint64_t	tf_rbp, tf_rdi, tf_rsi, tf_rdx;
	uint64_t	tf_rcx, tf_rbx, tf_rax;
	uint64_t	tf_vector;	/* pushed by the stub */
	uint64_t	tf_err;		/* by the CPU, or a zero by the stub */
	uint64_t	tf_rip;		/* from here on, pushed by the CPU */
	uint64_t	tf_cs;
	uint64_t	tf_rflags;
	uint64_t	tf_rsp;
	uint64_t	tf_ss;
};

/**
 * @brief Load an IDT whose every gate leads to trap(), and move the
 *	legacy PIC's interrupts out of the exception vectors, masked.
 *
 * Called once, first thing in amd64_start(), so that any fault from
 * then on is reported instead of resetting the virtual machine.
 */
void	idt_init(void);

/**
 * @brief The C entry of every interrupt and exception (exception.S).
 * @param tf the saved registers; changes to it are restored on return
 */
void	trap(struct trapframe *tf);

#endif /* !__ASSEMBLY__ */

#endif /* !_AMD64_TRAP_H_ */
