/*
 * trap.c - the HVM amd64 kernel's IDT, its interrupt dispatch, and a
 * readable report of any CPU exception.
 *
 * Where this sits: amd64_start() (machdep.c) calls idt_init() before
 * anything else can fault.  From then on every interrupt and exception
 * goes through a stub in exception.S to trap() here.  An exception
 * (vector 0-31) means a bug in the kernel: we print what the CPU told us
 * (the vector, the error code, %cr2 for a page fault, the registers) and
 * panic, which prints "domu: result: ERROR panic: ..." for the harness.
 * Other vectors go to the handler a driver registered with
 * intr_set_handler() (<machine/intr.h>); xenpci registers the Xen event
 * callback on IDT_EVTCHN.
 *
 * Formats: IDT gate descriptors in SDM vol. 3A, 6.14.1; the page-fault
 * error code in 4.7; the 8259A PIC's initialisation words in its data
 * sheet (and every PC kernel).
 *
 * A PV kernel has none of this: it gives Xen a trap table
 * (HYPERVISOR_set_trap_table) and Xen, which owns the real IDT, bounces
 * exceptions to the addresses in it; events come through the callback
 * registered with HYPERVISOR_set_callbacks, not through a vector.
 */

#include <stddef.h>
#include <stdint.h>

#include <machine/cpufunc.h>
#include <machine/intr.h>

#include "amd64/layout.h"
#include "amd64/trap.h"
#include "kern/arch.h"
#include "kern/libkern.h"

/* The 256 entry stubs of exception.S, TRAP_STUB_SIZE bytes apart. */
extern char trap_vectors[];
extern char hypercall_page[];

/* One IDT entry: a 64-bit interrupt gate (SDM vol. 3A, figure 6-8). */
struct idt_gate {
	uint16_t	offset_low;	/* handler address, bits 0-15 */
	uint16_t	selector;	/* code segment to run it in */
	uint8_t		ist;		/* 0: stay on the current stack */
	uint8_t		type;		/* present, DPL, gate type */
	uint16_t	offset_mid;	/* bits 16-31 */
	uint32_t	offset_high;	/* bits 32-63 */
	uint32_t	reserved;
} __attribute__((packed));

/*
 * Present, DPL 0, type 0xE: an interrupt gate, which clears RFLAGS.IF
 * on entry so that handlers never nest.
 */
#define	GATE_INTERRUPT	0x8e

/* The operand of lidt: limit, then base. */
struct idt_descriptor {
	uint16_t	limit;
	uint64_t	base;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));

/* A FIXUP pair of exception.S: the instruction that may fault, the resume. */
struct fixup {
	uint64_t	fault_rip;
	uint64_t	resume_rip;
};
extern const struct fixup fixup_table_start[];
extern const struct fixup fixup_table_stop[];

/* The fault the last failed probe caught (arch_probe_last_fault()). */
static struct arch_fault last_probe_fault;

/* Handlers registered by drivers, by vector. */
static void (*handlers[256])(void);

/* Interrupts from the (masked) PIC that arrived anyway: see pic_disable(). */
static unsigned long stray_interrupts;

/* The 8259A PIC pair's command and data ports. */
#define	PIC1_CMD	0x20
#define	PIC1_DATA	0x21
#define	PIC2_CMD	0xa0
#define	PIC2_DATA	0xa1

/*
 * Move the legacy PIC's interrupts to vectors 0x20-0x2f and mask them
 * all.  The BIOS left the PIC delivering IRQ 0-7 at vectors 8-15, on top
 * of the CPU's exceptions: the firmware's timer tick would arrive as a
 * "double fault" the moment we enabled interrupts.  We use no legacy
 * interrupt (Xen's events come on their own vector), so we mask every
 * line; moving the base still matters, because a masked PIC can raise a
 * spurious IRQ 7 or 15.  Under Xen the PIC is emulated by the
 * hypervisor itself (xen/arch/x86/hvm/vpic.c), so these writes are cheap.
 */
static void
pic_disable(void)
{

	outb(PIC1_CMD, 0x11);		/* ICW1: initialise, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, IDT_PIC_BASE);	/* ICW2: vector base */
	outb(PIC2_DATA, IDT_PIC_BASE + 8);
	outb(PIC1_DATA, 0x04);		/* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 0x02);		/* ICW3: slave's cascade identity */
	outb(PIC1_DATA, 0x01);		/* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xff);		/* OCW1: mask every line */
	outb(PIC2_DATA, 0xff);
}

void
idt_init(void)
{
	struct idt_descriptor desc;
	uintptr_t stub;
	unsigned int v;

	for (v = 0; v < 256; v++) {
		stub = (uintptr_t)trap_vectors + v * TRAP_STUB_SIZE;
		idt[v].offset_low = stub & 0xffff;
		idt[v].selector = GSEL_KCODE;
		idt[v].ist = 0;
		idt[v].type = GATE_INTERRUPT;
		idt[v].offset_mid = (stub >> 16) & 0xffff;
		idt[v].offset_high = (uint32_t)(stub >> 32);
		idt[v].reserved = 0;
	}
	desc.limit = sizeof(idt) - 1;
	desc.base = (uintptr_t)idt;
	/* NATIVE: a plain instruction.  PV: HYPERVISOR_set_trap_table. */
	__asm__ volatile("lidt %0" : : "m" (desc));
	pic_disable();
}

int
intr_set_handler(unsigned int vector, void (*handler)(void))
{

	if (vector < IDT_EXCEPTIONS || vector > 255)
		return (-1);
	handlers[vector] = handler;
	return (0);
}

/* The CPU's names for its exceptions (SDM vol. 3A, table 6-1). */
static const char *const exception_names[] = {
	"divide error (#DE)", "debug (#DB)", "NMI", "breakpoint (#BP)",
	"overflow (#OF)", "BOUND range (#BR)", "invalid opcode (#UD)",
	"no math coprocessor (#NM)", "double fault (#DF)",
	"coprocessor segment overrun", "invalid TSS (#TS)",
	"segment not present (#NP)", "stack fault (#SS)",
	"general protection (#GP)", "page fault (#PF)", "reserved 15",
	"x87 floating point (#MF)", "alignment check (#AC)",
	"machine check (#MC)", "SIMD floating point (#XM)",
	"virtualization (#VE)", "control protection (#CP)",
};

/* Print what the CPU saved, then panic: an exception is a kernel bug. */
static void
trap_fatal(struct trapframe *tf)
{
	const char *name = "reserved";
	uint64_t cr2 = 0;

	if (tf->tf_vector < sizeof(exception_names) / sizeof(exception_names[0]))
		name = exception_names[tf->tf_vector];
	printf("fatal trap %lu: %s, error code 0x%lx\n", tf->tf_vector, name,
	    tf->tf_err);
	if (tf->tf_vector == 14) {
		/*
		 * %cr2 holds the address that faulted; the error code says
		 * why (bit 0: the page was present, 1: a write, 4: an
		 * instruction fetch).  Read %cr2 before anything else can
		 * fault and overwrite it.
		 */
		cr2 = rcr2();
		printf("  %s %s at address 0x%lx%s\n",
		    (tf->tf_err & 1) ? "protection violation on" :
		    "no page mapped for",
		    (tf->tf_err & 0x10) ? "instruction fetch" :
		    (tf->tf_err & 2) ? "write" : "read", cr2,
		    cr2 < PAGE_SIZE ? " (a NULL pointer?)" : "");
	}
	printf("  rip 0x%016lx  cs 0x%lx  rflags 0x%lx\n", tf->tf_rip,
	    tf->tf_cs, tf->tf_rflags);
	printf("  rsp 0x%016lx  rbp 0x%016lx\n", tf->tf_rsp, tf->tf_rbp);
	printf("  rax 0x%016lx  rbx 0x%016lx  rcx 0x%016lx\n", tf->tf_rax,
	    tf->tf_rbx, tf->tf_rcx);
	printf("  rdx 0x%016lx  rsi 0x%016lx  rdi 0x%016lx\n", tf->tf_rdx,
	    tf->tf_rsi, tf->tf_rdi);
	printf("  r8  0x%016lx  r9  0x%016lx  r10 0x%016lx  r11 0x%016lx\n",
	    tf->tf_r8, tf->tf_r9, tf->tf_r10, tf->tf_r11);
	printf("  r12 0x%016lx  r13 0x%016lx  r14 0x%016lx  r15 0x%016lx\n",
	    tf->tf_r12, tf->tf_r13, tf->tf_r14, tf->tf_r15);
	/*
	 * The commonest early mistake has its own hint: a call into the
	 * hypercall page before Xen filled it runs the int3 bytes there.
	 */
	if (tf->tf_vector == 3 && tf->tf_rip > (uintptr_t)hypercall_page &&
	    tf->tf_rip <= (uintptr_t)hypercall_page + PAGE_SIZE)
		panic("hypercall %lu before Xen filled the hypercall page",
		    (tf->tf_rip - (uintptr_t)hypercall_page - 1) / 32);
	if (tf->tf_vector == 14)
		panic("%s at rip 0x%lx, address 0x%lx", name, tf->tf_rip, cr2);
	panic("%s at rip 0x%lx", name, tf->tf_rip);
}

/*
 * Look the faulting instruction up in the fix-up table; return where to
 * resume, or 0.  A handful of entries: a linear search is enough.
 */
static uint64_t
fixup_find(uint64_t rip)
{
	const struct fixup *f;

	for (f = fixup_table_start; f < fixup_table_stop; f++)
		if (f->fault_rip == rip)
			return (f->resume_rip);
	return (0);
}

void
arch_probe_last_fault(struct arch_fault *fault)
{

	*fault = last_probe_fault;
}

void
trap(struct trapframe *tf)
{
	static int depth;
	unsigned int v = (unsigned int)tf->tf_vector;
	uint64_t resume;

	/*
	 * A probe's access faulted (a page fault, or #GP for an address
	 * that is not canonical): record it and resume at the probe's
	 * failure path.  %cr2 is read first, before anything can fault.
	 */
	if ((v == 14 || v == 13) && (resume = fixup_find(tf->tf_rip)) != 0) {
		last_probe_fault.vector = v;
		/* The plain names arch.h promises, as the PV kernel gives. */
		last_probe_fault.name = v == 14 ? "page fault" :
		    "general protection fault";
		last_probe_fault.error_code = tf->tf_err;
		last_probe_fault.address = v == 14 ? rcr2() : 0;
		tf->tf_rip = resume;
		return;
	}
	if (v < IDT_EXCEPTIONS) {
		/*
		 * A fault while reporting a fault: printf or the console
		 * itself is broken.  Only the early console is left.
		 */
		if (depth++ > 0) {
			static const char msg[] =
			    "domu: result: ERROR fault while reporting a fault\n";

			arch_early_write(msg, sizeof(msg) - 1);
			arch_poweroff();
		}
		trap_fatal(tf);
	}
	if (handlers[v] != NULL) {
		handlers[v]();
		return;
	}
	if (v >= IDT_PIC_BASE && v < IDT_PIC_BASE + IDT_PIC_COUNT) {
		/*
		 * A spurious PIC interrupt (IRQ 7 or 15, raised even when
		 * masked): the PIC wants no end-of-interrupt for it.
		 */
		stray_interrupts++;
		return;
	}
	panic("unexpected interrupt on vector %u at rip 0x%lx", v, tf->tf_rip);
}
