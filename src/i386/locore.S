/*
 * locore.S - the first instructions of the PV i386 (PAE) kernel.
 *
 * Where this sits: Xen's PV domain builder (libxenguest, driven by `xl
 * create`) reads the ELF notes below, loads this image at VIRT_BASE,
 * builds the first page tables, fills our hypercall page and jumps to
 * _start.  Nothing before this file runs in the guest.  From here we go to
 * i386_pv_start() in machdep.c, and from there to the machine-independent
 * kernel_main().
 *
 * What Xen promises at _start (xen/include/public/xen.h, "Start-of-day
 * memory layout" comment before struct start_info):
 *   - we run in ring 1, with flat 4 GiB code and data segments
 *     (FLAT_KERNEL_CS / FLAT_KERNEL_DS), paging on, PAE page tables;
 *   - %esi holds the virtual address of the start_info page;
 *   - the kernel image, the p2m list (mfn_list), start_info, the console
 *     and xenstore pages and the bootstrap page tables are mapped in one
 *     contiguous region starting at VIRT_BASE, at VIRT_BASE + pfn * 4096;
 *   - %esp points at a small bootstrap stack inside that region;
 *   - event delivery is masked and no callbacks are registered, so no
 *     event can arrive until we ask for one.
 * A NATIVE i386 kernel would instead start in 32-bit protected mode with
 * paging off, load its own GDT and build its own page tables; a PV
 * kernel may do neither directly (both go through hypercalls).
 *
 * The ELF notes are defined by xen/include/public/elfnote.h and parsed by
 * xen/common/libelf/libelf-dominfo.c.  See walkthroughs/boot-pv.md.
 */

#include <xen/elfnote.h>

#include "i386/layout.h"

/*
 * ELFNOTE(type, directive, value): one Xen ELF note.  A note is a
 * 4-byte-aligned record {namesz, descsz, type, "Xen\0", desc}; the
 * numeric labels measure the name and the descriptor so the sizes are
 * always right.  The section is allocated ("a") so that the linker puts it
 * in a PT_NOTE program header, which is where libelf looks first.
 */
#define ELFNOTE(type, directive, value)					\
	.pushsection .note.Xen, "a", @note;				\
	.balign 4;							\
	.long	2f - 1f;		/* namesz, with the NUL */	\
	.long	4f - 3f;		/* descsz */			\
	.long	type;			/* XEN_ELFNOTE_* */		\
1:	.asciz	"Xen";			/* the note's owner */		\
2:	.balign 4;							\
3:	directive value;		/* the descriptor */		\
4:	.balign 4;							\
	.popsection

	/* Who we are; shown by the domain builder in its log. */
	ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "domu")
	ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz, "0.1")
	/* The ABI we speak: the "xen-3.0" guest interface, still current. */
	ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0")
	/* "generic": a plain ELF, no Linux-specific loader quirks. */
	ELFNOTE(XEN_ELFNOTE_LOADER, .asciz, "generic")
	/* options PAE: our page tables are three-level PAE tables. */
	ELFNOTE(XEN_ELFNOTE_PAE_MODE, .asciz, "yes")
	/*
	 * VIRT_BASE is where the initial mapping starts; PADDR_OFFSET is
	 * subtracted from the ELF physical addresses to find the load
	 * address.  We link with physical == virtual == KERNBASE..., so both
	 * are KERNBASE and the image lands exactly where it was linked.
	 */
	ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .long, KERNBASE)
	ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET, .long, KERNBASE)
	ELFNOTE(XEN_ELFNOTE_ENTRY, .long, _start)
	/* Xen writes one 32-byte call stub per hypercall into this page. */
	ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .long, hypercall_page)
	/* We do not use the writable-page-table or other assists. */
	ELFNOTE(XEN_ELFNOTE_FEATURES, .asciz, "")

	.text
	.globl	_start
_start:
	/* String instructions must count upwards, as C code assumes. */
	cld
	/*
	 * Leave Xen's bootstrap stack for our own: the bootstrap stack lies
	 * in the region we will later hand back to the page allocator.
	 */
	movl	$boot_stack_top, %esp
	/* Clear the frame pointer so a backtrace stops here. */
	xorl	%ebp, %ebp
	/* i386_pv_start(start_info) - cdecl: argument on the stack. */
	pushl	%esi
	call	i386_pv_start
	/*
	 * Not reached: i386_pv_start ends with a shutdown hypercall.  A PV
	 * kernel cannot use `hlt` (privileged in ring 1); spin instead.
	 */
1:	jmp	1b

	/*
	 * The hypercall page.  It must be a whole page of its own, in an
	 * executable mapping; the domain builder fills it before _start, so
	 * `call hypercall_page + N * 32` enters hypercall N.  See
	 * src/i386/include/hypercall.h for the calling convention.
	 */
	.balign	PAGE_SIZE
	.globl	hypercall_page
hypercall_page:
	.fill	PAGE_SIZE, 1, 0xcc	/* int3: a call before Xen fills it traps */

	.bss
	.balign	PAGE_SIZE
boot_stack:
	.space	BOOT_STACK_SIZE
	.globl	boot_stack_top
boot_stack_top:

	/* Our stack need not be executable; say so, as the linker asks. */
	.section .note.GNU-stack, "", @progbits
