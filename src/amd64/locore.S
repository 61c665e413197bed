/*
 * locore.S - the first instructions of the HVM amd64 kernel: from the
 * multiboot loader's 32-bit protected mode to 64-bit long mode.
 *
 * Where this sits: an HVM domain boots like a PC.  hvmloader (Xen's
 * firmware loader) sets up ACPI tables and PCI BARs, SeaBIOS boots the
 * CD, GRUB reads this ELF image and, following the Multiboot
 * Specification (version 0.6.96, "Machine state"), jumps to _start with
 *   - %eax = 0x2BADB002 (MULTIBOOT_BOOTLOADER_MAGIC),
 *   - %ebx = the physical address of the multiboot information,
 *   - 32-bit protected mode, flat code and data segments, paging off,
 *     interrupts off, the GDT and IDT in an unknown state.
 * We check that the CPU can run 64-bit code, load our page tables and
 * GDT, switch to long mode and call amd64_start() in machdep.c with the
 * magic and the information pointer.  Nothing here knows about Xen:
 * the kernel finds the hypervisor later, through CPUID (hypervisor.c).
 *
 * This is what a NATIVE kernel does, and it is exactly what the PV
 * kernel (src/i386/locore.S) may not do: there Xen's domain builder
 * chose the layout, wrote the page tables and left them read-only to
 * the guest, so every change is a checked request (mmu_update,
 * update_va_mapping, and mmuext_op to load %cr3, see src/i386/pv.h);
 * the GDT is set with HYPERVISOR_set_gdt and the trap table with
 * HYPERVISOR_set_trap_table.  Here `mov %eax, %cr3`, `lgdt` and `lidt`
 * are ordinary instructions: HVM hardware (Intel VT-x or AMD SVM with
 * nested paging) lets a guest own its own page tables and descriptor
 * tables.
 *
 * See walkthroughs/boot-hvm.md; the layout is in amd64/layout.h.
 */

#include "amd64/layout.h"

/*
 * The multiboot header: three 32-bit words, 4-byte aligned, within the
 * first 8 KiB of the file (kernel.ld puts this section first).  With
 * flag bit 16 clear the loader takes the load addresses from our ELF
 * program headers; GRUB loads ELF64 images this way, QEMU's own -kernel
 * loader refuses them.
 */
	.section .multiboot, "a"
	.balign	4
multiboot_header:
	.long	MULTIBOOT_HEADER_MAGIC
	.long	MULTIBOOT_HEADER_FLAGS
	.long	-(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS) /* sum 0 */

	.text
	.code32
	.globl	_start
_start:
	/* String instructions count upwards, as C code assumes. */
	cld
	/* The loader leaves interrupts off; we have no IDT yet, so keep them off. */
	cli
	/* Our own stack (in .bss, mapped one to one like everything else). */
	movl	$boot_stack_top, %esp
	/*
	 * Keep the loader's two values in the registers that carry the
	 * first two arguments of a 64-bit C call (System V ABI: %rdi,
	 * %rsi); cpuid and rdmsr below clobber %eax, %ebx, %ecx, %edx.
	 */
	movl	%eax, %edi
	movl	%ebx, %esi

	/*
	 * Can this CPU run 64-bit code?  Leaf 0x80000000 says how many
	 * extended leaves exist; leaf 0x80000001 %edx bit 29 is "LM".
	 */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$CPUID_EXT_FEATURES, %eax
	jb	no_long_mode
	movl	$CPUID_EXT_FEATURES, %eax
	cpuid
	testl	$CPUID_EXT_LM, %edx
	jz	no_long_mode

	/*
	 * Enter long mode, in the order the SDM prescribes (vol. 3A,
	 * 9.8.5): PAE on, the top-level table in %cr3, EFER.LME on, then
	 * paging on.  With CR0.PG set the CPU is in IA-32e mode, still
	 * running 32-bit (compatibility mode) code until we load a 64-bit
	 * code segment.  A PV kernel can do none of these four steps.
	 */
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0

	/*
	 * Our GDT, then a far jump to load %cs with its 64-bit code
	 * segment: from the next instruction on we run 64-bit code.
	 */
	lgdt	gdt_descriptor
	ljmp	$GSEL_KCODE, $start64

/*
 * No long mode: say so on both early consoles (amd64/earlycons.c has
 * the details; no flow control here, one byte at a time) and stop.
 */
no_long_mode:
	movl	$no_long_mode_msg, %ebx
1:	movb	(%ebx), %al
	testb	%al, %al
	jz	2f
	outb	%al, $DEBUG_PORT
	movw	$COM1_PORT, %dx
	outb	%al, %dx
	incl	%ebx
	jmp	1b
2:	hlt
	jmp	2b

	.code64
start64:
	/*
	 * The data segment registers still hold the loader's selectors,
	 * which index the loader's GDT, not ours: reload them.  In long
	 * mode their bases are ignored, but a stale selector would fault
	 * on the next interrupt return.
	 */
	movl	$GSEL_KDATA, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%eax, %eax
	movw	%ax, %fs
	movw	%ax, %gs
	/*
	 * The upper halves of %rdi and %rsi are not defined after the
	 * switch; a 32-bit move clears them, leaving the loader's values.
	 */
	movl	%edi, %edi
	movl	%esi, %esi
	movq	$boot_stack_top, %rsp
	/* Clear the frame pointer so a backtrace stops here. */
	xorl	%ebp, %ebp
	/* amd64_start(magic, info): never returns. */
	call	amd64_start
3:	hlt
	jmp	3b

	/*
	 * The hypercall page.  Unlike the PV kernel's, it is not named in
	 * an ELF note: hypervisor.c asks Xen to fill it by writing its
	 * physical address to the MSR that CPUID leaf 0x40000002 names.
	 * Xen then writes one 32-byte stub per hypercall (`mov $N, %eax;
	 * vmmcall` on AMD, vmcall on Intel).  See
	 * src/amd64/include/hypercall.h.
	 */
	.balign	PAGE_SIZE
	.globl	hypercall_page
hypercall_page:
	.fill	PAGE_SIZE, 1, 0xcc	/* int3: a call before Xen fills it traps */

	.section .rodata
no_long_mode_msg:
	.asciz	"domu: result: ERROR this CPU has no 64-bit long mode\n"

/*
 * The GDT.  A 64-bit kernel needs only a code segment with the L (long)
 * bit and a data segment; base and limit are ignored in long mode.
 * Descriptor format: SDM vol. 3A, 3.4.5 and 5.2.1.
 */
	.section .data
	.balign	8
gdt:
	.quad	0			/* the null descriptor */
	.quad	0x00af9a000000ffff	/* GSEL_KCODE: P, DPL 0, code, L=1 */
	.quad	0x00cf92000000ffff	/* GSEL_KDATA: P, DPL 0, data, writable */
gdt_end:
	/*
	 * lgdt's operand: limit, then base.  In 32-bit mode lgdt reads a
	 * 4-byte base; the upper 4 bytes of the .quad are zero anyway.
	 */
gdt_descriptor:
	.word	gdt_end - gdt - 1
	.quad	gdt

/*
 * The page tables: one PML4 entry -> one page-directory-pointer table ->
 * DIRECT_MAP_GB page directories of 2 MiB pages, mapping guest-physical
 * 0..4 GiB at the same virtual addresses.  They are plain data in our
 * image: the kernel writes its page tables with ordinary stores (here,
 * the assembler writes them), and the CPU walks them in guest-physical
 * memory, which the hardware translates again through Xen's nested
 * page tables.  A PV kernel's tables must instead hold *machine* frame
 * numbers, be read-only to it, and be validated and pinned by Xen
 * (MMUEXT_PIN_L3_TABLE) before use.
 *
 * The first 2 MiB are mapped with 4 KiB pages instead, through
 * low_page_table, so that page 0 can stay unmapped: a NULL pointer then
 * faults, as it does in the PV kernel.  (The BIOS data area in page 0 is
 * therefore not readable; nothing of ours needs it.)
 */
	.balign	PAGE_SIZE
	.globl	pml4
pml4:
	.quad	pdpt + PG_V + PG_RW
	.fill	511, 8, 0
	.globl	pdpt
pdpt:
	.set	gb, 0
	.rept	DIRECT_MAP_GB
	.quad	page_directories + gb * PAGE_SIZE + PG_V + PG_RW
	.set	gb, gb + 1
	.endr
	.fill	512 - DIRECT_MAP_GB, 8, 0
page_directories:
	/* Entry 0: the first 2 MiB, through 4 KiB pages. */
	.quad	low_page_table + PG_V + PG_RW
	.set	large, 1
	.rept	512 * DIRECT_MAP_GB - 1
	.quad	(large << LARGE_PAGE_SHIFT) + PG_V + PG_RW + PG_PS
	.set	large, large + 1
	.endr
low_page_table:
	.quad	0			/* page 0: not present */
	.set	small, 1
	.rept	511
	.quad	(small << PAGE_SHIFT) + PG_V + PG_RW
	.set	small, small + 1
	.endr

	.bss
	.balign	PAGE_SIZE
boot_stack:
	.space	BOOT_STACK_SIZE
	.globl	boot_stack_top
boot_stack_top:

	/* Our stack need not be executable; say so, as the linker asks. */
	.section .note.GNU-stack, "", @progbits
