/*
 * i386/upcall.h - offsets shared by the upcall entry (upcall.S) and the
 * C code that registers it (intr_machdep.c).  Private to src/i386.
 *
 * Plain #defines only: this file is included by assembly.  The C side
 * checks each offset against Xen's own structure with _Static_assert, so
 * a wrong number here fails the build instead of corrupting memory.
 */
#ifndef _I386_UPCALL_H_
#define _I386_UPCALL_H_

/*
 * struct vcpu_info (xen/include/public/xen.h): the two bytes the exit
 * path of the upcall reads and writes.
 */
#define	VCPU_UPCALL_PENDING	0	/* evtchn_upcall_pending */
#define	VCPU_UPCALL_MASK	1	/* evtchn_upcall_mask */

/*
 * The upcall frame, from the stack pointer up, once the entry has run
 * `pushal`:
 *	 0 .. 31	edi esi ebp (esp) ebx edx ecx eax	(pushal)
 *	32		eip	\
 *	36		cs	 } pushed by Xen, as the CPU would for an
 *	40		eflags	/  interrupt taken in the same ring
 * Xen keeps the old evtchn_upcall_mask in bits 16-23 of the cs word
 * ("saved_upcall_mask"); `iret` uses only the low 16 bits.
 */
#define	UPCALL_REGS_SIZE	32	/* what pushal pushed */
#define	UPCALL_EIP		32	/* offset of the interrupted eip */
#define	UPCALL_XEN_SIZE		12	/* eip, cs, eflags */
#define	UPCALL_FRAME_SIZE	(UPCALL_REGS_SIZE + UPCALL_XEN_SIZE)

/*
 * The failsafe frame: Xen could not reload a segment register of ours
 * on the way back to us, and pushed them above eip, cs, eflags.
 */
#define	FAILSAFE_DS		0
#define	FAILSAFE_ES		4
#define	FAILSAFE_FS		8
#define	FAILSAFE_GS		12
#define	FAILSAFE_EIP		16

#endif /* !_I386_UPCALL_H_ */
