/*
 * i386/trap.h - the PV i386 kernel's exception frame and trap set-up.
 * Private to src/i386.
 *
 * Where this sits: a CPU exception in the guest (a page fault, a
 * general protection fault, a division by zero) first enters Xen, which
 * looks the vector up in the trap table we registered with
 * HYPERVISOR_set_trap_table (trap.c) and "bounces" the exception to the
 * handler we named there, in ring 1, with a frame built on our stack
 * like the one the CPU builds for a NATIVE kernel.  The entry stubs in
 * exception.S complete that frame into a struct trapframe and call
 * trap() in trap.c.
 *
 * The frame Xen builds is described at compat_create_bounce_frame in
 * xen/arch/x86/x86_64/compat/entry.S (the 64-bit hypervisor's code for
 * 32-bit guests); struct trap_info is in
 * xen/include/public/arch-x86/xen.h.  Walkthrough:
 * walkthroughs/boot-pv.md, "Memory: the direct map and page tables".
 */
#ifndef _I386_TRAP_H_
#define _I386_TRAP_H_

/* The vector numbers below are used by exception.S too. */
/* The exception vectors of the x86 (Intel SDM vol. 3, table 6-1). */
#define	T_DIVIDE	0	/* #DE divide error */
#define	T_DEBUG		1	/* #DB debug */
#define	T_NMI		2	/* non-maskable interrupt */
#define	T_BREAKPOINT	3	/* #BP int3 */
#define	T_OVERFLOW	4	/* #OF into */
#define	T_BOUND		5	/* #BR bound */
#define	T_INVALID_OP	6	/* #UD invalid opcode */
#define	T_NO_FPU	7	/* #NM device not available */
#define	T_DOUBLE_FAULT	8	/* #DF double fault */
#define	T_FPU_OVERRUN	9	/* coprocessor segment overrun */
#define	T_INVALID_TSS	10	/* #TS invalid TSS */
#define	T_NO_SEGMENT	11	/* #NP segment not present */
#define	T_STACK_FAULT	12	/* #SS stack-segment fault */
#define	T_PROTECTION	13	/* #GP general protection */
#define	T_PAGE_FAULT	14	/* #PF page fault */
#define	T_RESERVED	15	/* reserved by Intel */
#define	T_FPU_ERROR	16	/* #MF x87 floating-point error */
#define	T_ALIGNMENT	17	/* #AC alignment check */
#define	T_MACHINE_CHECK	18	/* #MC machine check */
#define	T_SIMD_ERROR	19	/* #XM SIMD floating-point */
#define	T_COUNT		20	/* the vectors we register */

/* Page-fault error code bits (Intel SDM vol. 3, "Page-Fault Exception"). */
#define	PGEX_P		0x01	/* 1: protection violation; 0: not present */
#define	PGEX_W		0x02	/* the access was a write */
#define	PGEX_U		0x04	/* the access came from user mode (ring 3) */
#define	PGEX_RSV	0x08	/* a reserved bit was set in an entry */
#define	PGEX_I		0x10	/* an instruction fetch */

#ifndef __ASSEMBLY__

#include <stdint.h>

/*
 * The frame trap() receives, lowest address first.  Read it bottom-up
 * to follow the order in which it was pushed:
 *
 *   tf_eflags, tf_cs, tf_eip   pushed by Xen, as the CPU would push them
 *                              for a fault taken in the same ring.  Xen
 *                              puts the vCPU's saved event mask (the
 *                              upcall mask before the exception) in bits
 *                              16-23 of the CS slot, and sets EFLAGS.IF
 *                              to its inverse: "interrupts" are events;
 *   tf_err                     pushed by Xen for the vectors where the
 *                              CPU pushes an error code (8, 10-14, 17),
 *                              by our stub (a zero) for the others, so
 *                              that every frame has the same shape;
 *   tf_trapno                  pushed by our stub: the vector;
 *   tf_eax ... tf_edi          pushed by `pushal` in the common stub;
 *   tf_ds ... tf_gs            the data segment registers.
 *
 * A fault taken in ring 3 would also have the interrupted %esp and %ss
 * above tf_eflags (Xen switches to the kernel stack first); this kernel
 * has no ring 3 yet, so a frame always ends at tf_eflags and the
 * interrupted %esp is the address just past it.
 */
struct trapframe {
	uint32_t	tf_gs;
	uint32_t	tf_fs;
	uint32_t	tf_es;
	uint32_t	tf_ds;
	uint32_t	tf_edi;		/* pushal, last pushed ... */
	uint32_t	tf_esi;
	uint32_t	tf_ebp;
	uint32_t	tf_isp;		/* %esp when pushal ran: ignored */
	uint32_t	tf_ebx;
	uint32_t	tf_edx;
	uint32_t	tf_ecx;
	uint32_t	tf_eax;		/* ... pushal, first pushed */
	uint32_t	tf_trapno;
	uint32_t	tf_err;
	uint32_t	tf_eip;
	uint32_t	tf_cs;		/* bits 16-23: saved upcall mask */
	uint32_t	tf_eflags;
};

/*
 * One entry of the fix-up table: if an instruction at fault_eip faults,
 * resume at resume_eip instead of reporting the fault.  Entries are made
 * by the FIXUP macro in exception.S and gathered by kernel.ld between
 * fixup_table_start and fixup_table_stop.
 */
struct fixup {
	uint32_t	fault_eip;
	uint32_t	resume_eip;
};

/**
 * @brief Register the trap table with Xen (HYPERVISOR_set_trap_table).
 *
 * Called first thing from i386_pv_start(), so that a fault anywhere
 * after it is reported instead of killing the domain outright.
 */
void	trap_init(void);

/**
 * @brief Handle an exception: resume at a fix-up, or report and panic.
 *
 * Called from the common stub in exception.S with the frame it built.
 * @param tf the frame; trap() may change tf_eip (a fix-up) before the
 *	stub returns through it with iret
 */
void	trap(struct trapframe *tf);

#endif /* !__ASSEMBLY__ */

#endif /* !_I386_TRAP_H_ */
