/*
 * trap.c - CPU exceptions in the PV i386 kernel: the trap table we give
 * Xen, the fix-up table that lets a probe survive a fault, and the fault
 * report printed before a panic.
 *
 * Where this sits: trap_init() runs first thing in i386_pv_start(), so
 * that any later fault is reported.  A fault then travels: CPU -> Xen's
 * IDT -> Xen bounces it to our stub (exception.S) in ring 1 -> trap().
 * A NATIVE kernel loads an IDT (lidt) whose gates point at the same kind
 * of stubs; a PV kernel cannot, because the IDT is Xen's, and registers
 * a "virtual IDT" with HYPERVISOR_set_trap_table instead.
 *
 * Protocol: struct trap_info and HYPERVISOR_set_trap_table in
 * xen/include/public/arch-x86/xen.h; the bounce frame at
 * compat_create_bounce_frame in xen/arch/x86/x86_64/compat/entry.S;
 * arch.cr2 in struct arch_vcpu_info,
 * xen/include/public/arch-x86/xen-x86_32.h.  Walkthrough:
 * walkthroughs/boot-pv.md, "Memory: the direct map and page tables".
 */

#include "xen/xen.h"

#include "i386/pv.h"
#include "i386/trap.h"
#include "kern/arch.h"
#include "kern/libkern.h"
#include "xen/barrier.h"
#include "xen/hypercall.h"

/* The stubs' addresses by vector, from exception.S. */
extern const uint32_t trap_entry[T_COUNT];

/* The fix-up table, gathered by kernel.ld from the FIXUP entries. */
extern const struct fixup fixup_table_start[];
extern const struct fixup fixup_table_stop[];

/* The vectors' names, for the report (Intel SDM vol. 3, table 6-1). */
static const char *const trap_names[T_COUNT] = {
	[T_DIVIDE] = "divide error",
	[T_DEBUG] = "debug exception",
	[T_NMI] = "non-maskable interrupt",
	[T_BREAKPOINT] = "breakpoint",
	[T_OVERFLOW] = "overflow",
	[T_BOUND] = "BOUND range exceeded",
	[T_INVALID_OP] = "invalid opcode",
	[T_NO_FPU] = "device not available",
	[T_DOUBLE_FAULT] = "double fault",
	[T_FPU_OVERRUN] = "coprocessor segment overrun",
	[T_INVALID_TSS] = "invalid TSS",
	[T_NO_SEGMENT] = "segment not present",
	[T_STACK_FAULT] = "stack-segment fault",
	[T_PROTECTION] = "general protection fault",
	[T_PAGE_FAULT] = "page fault",
	[T_RESERVED] = "reserved exception 15",
	[T_FPU_ERROR] = "x87 floating-point error",
	[T_ALIGNMENT] = "alignment check",
	[T_MACHINE_CHECK] = "machine check",
	[T_SIMD_ERROR] = "SIMD floating-point exception",
};

/* The fault the last failed probe caught (arch_probe_last_fault()). */
static struct arch_fault last_probe_fault;

/* How many trap() calls are running: 2 means a fault while reporting. */
static int trap_depth;

void
trap_init(void)
{
	/* Xen copies the table; one extra zero entry ends it. */
	static struct trap_info table[T_COUNT + 1];
	unsigned int v;
	long rc;

	for (v = 0; v < T_COUNT; v++) {
		table[v].vector = (uint8_t)v;
		/*
		 * flags bits 0-1: the privilege needed to raise the vector
		 * with `int n` - 0, nobody: only the CPU raises it.
		 */
		table[v].flags = 0;
		table[v].cs = FLAT_KERNEL_CS;
		table[v].address = trap_entry[v];
	}
	/*
	 * As on a native kernel, `int3` and `into` may be used from any
	 * ring (debuggers plant int3 in user code); DPL 3.
	 */
	TI_SET_DPL(&table[T_BREAKPOINT], 3);
	TI_SET_DPL(&table[T_OVERFLOW], 3);
	/*
	 * flags bit 2: mask events on entry, like an interrupt gate
	 * clearing IF.  For a page fault this matters: the faulting
	 * address waits in vcpu_info's arch.cr2, and an event handler that
	 * ran before trap() read it, and itself faulted, would overwrite
	 * it.  A native kernel has the same race with %cr2 and closes it
	 * the same way.  trap() restores the mask after reading cr2.
	 */
	TI_SET_IF(&table[T_PAGE_FAULT], 1);
	/*
	 * NMI (2) and machine check (18) come only if Xen injects virtual
	 * ones (`xl trigger nmi`); a double fault (8) never comes, it is
	 * Xen's own.  Registering them keeps the table uniform.
	 */
	rc = HYPERVISOR_set_trap_table(table);
	if (rc != 0)
		panic("trap: HYPERVISOR_set_trap_table failed (%ld)", rc);
}

/* The vcpu_info of our one vCPU, once shared_info is mapped. */
static struct vcpu_info *
this_vcpu(void)
{

	if (boot_info.shared_info == NULL)
		return (NULL);
	return (&boot_info.shared_info->vcpu_info[0]);
}

/*
 * Undo the event masking Xen did on the way in (page faults only): put
 * back the mask saved in bits 16-23 of the CS slot.  If that unmasks
 * events, one may have arrived while they were masked; Xen delivers a
 * pending event only when it next returns to us, so make it do that now
 * with a harmless hypercall (Linux calls this force_evtchn_callback).
 * The store of the mask must be visible before the load of the pending
 * flag, or we could miss an event Xen raised in between: a full barrier,
 * the one reordering x86 does allow.
 */
static void
trap_restore_event_mask(const struct trapframe *tf, struct vcpu_info *vcpu)
{
	uint8_t saved_mask = (uint8_t)(tf->tf_cs >> 16);

	if (vcpu == NULL || saved_mask != 0)
		return;
	WRITE_ONCE(vcpu->evtchn_upcall_mask, 0);
	xen_mb();
	if (READ_ONCE(vcpu->evtchn_upcall_pending))
		(void)HYPERVISOR_xen_version(0, NULL);
}

/*
 * Look the faulting instruction up in the fix-up table; return where to
 * resume, or 0.  The table is a handful of entries, so a linear search
 * is enough (Linux sorts its table at boot and searches it in halves).
 */
static uint32_t
fixup_find(uint32_t eip)
{
	const struct fixup *f;

	for (f = fixup_table_start; f < fixup_table_stop; f++)
		if (f->fault_eip == eip)
			return (f->resume_eip);
	return (0);
}

/* Describe a page fault's error code in words. */
static void
page_fault_words(uint32_t err, char *buf, size_t size)
{

	snprintf(buf, size, "%s, %s%s%s", (err & PGEX_W) ? "write" :
	    (err & PGEX_I) ? "instruction fetch" : "read",
	    (err & PGEX_P) ? "protection violation" : "page not present",
	    (err & PGEX_U) ? ", user mode" : ", kernel mode",
	    (err & PGEX_RSV) ? ", reserved bit set" : "");
}

/* Print everything the frame says, then panic. */
static void __attribute__((noreturn))
trap_report(const struct trapframe *tf, const char *name, uintptr_t address)
{
	char words[80];

	printf("trap: %s (vector %u) at eip 0x%08x\n", name, tf->tf_trapno,
	    tf->tf_eip);
	if (tf->tf_trapno == T_PAGE_FAULT) {
		page_fault_words(tf->tf_err, words, sizeof(words));
		printf("trap: faulting address 0x%08lx (%s), error code 0x%x\n",
		    (unsigned long)address, words, tf->tf_err);
	} else
		printf("trap: error code 0x%x\n", tf->tf_err);
	/* No ring 3 yet: the frame ends at eflags, so %esp was just past. */
	printf("trap: cs 0x%04x eflags 0x%08x esp 0x%08lx, events were %s\n",
	    tf->tf_cs & 0xffff, tf->tf_eflags,
	    (unsigned long)((uintptr_t)tf + sizeof(*tf)),
	    (tf->tf_cs >> 16) & 0xff ? "masked" : "enabled");
	printf("trap: eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n",
	    tf->tf_eax, tf->tf_ebx, tf->tf_ecx, tf->tf_edx);
	printf("trap: esi 0x%08x edi 0x%08x ebp 0x%08x\n",
	    tf->tf_esi, tf->tf_edi, tf->tf_ebp);
	printf("trap: ds 0x%04x es 0x%04x fs 0x%04x gs 0x%04x\n",
	    tf->tf_ds & 0xffff, tf->tf_es & 0xffff, tf->tf_fs & 0xffff,
	    tf->tf_gs & 0xffff);
	if (tf->tf_trapno == T_PAGE_FAULT)
		panic("%s at eip 0x%08x, address 0x%08lx", name, tf->tf_eip,
		    (unsigned long)address);
	panic("%s at eip 0x%08x, error code 0x%x", name, tf->tf_eip,
	    tf->tf_err);
}

void
trap(struct trapframe *tf)
{
	struct vcpu_info *vcpu = this_vcpu();
	const char *name;
	uintptr_t address = 0;
	uint32_t resume;

	/*
	 * The faulting address first, while events are still masked (see
	 * trap_init()).  A PV kernel cannot read %cr2 - a privileged
	 * register - so Xen copied it into vcpu_info before bouncing the
	 * fault to us.  Without shared_info (a fault very early in boot)
	 * it cannot be known.
	 */
	if (tf->tf_trapno == T_PAGE_FAULT && vcpu != NULL)
		address = READ_ONCE(vcpu->arch.cr2);
	if (tf->tf_trapno == T_PAGE_FAULT)
		trap_restore_event_mask(tf, vcpu);
	name = tf->tf_trapno < T_COUNT ? trap_names[tf->tf_trapno] :
	    "unknown exception";

	/*
	 * A probe's access faulted: record what happened and resume at its
	 * failure path (exception.S).  Only page and protection faults are
	 * expected of a memory access; anything else is a real error.
	 */
	if ((tf->tf_trapno == T_PAGE_FAULT || tf->tf_trapno == T_PROTECTION) &&
	    (resume = fixup_find(tf->tf_eip)) != 0) {
		last_probe_fault.vector = tf->tf_trapno;
		last_probe_fault.name = name;
		last_probe_fault.error_code = tf->tf_err;
		last_probe_fault.address = address;
		tf->tf_eip = resume;
		return;
	}

	/*
	 * A fault while reporting a fault: the console or printf itself is
	 * broken.  Say so on the early console only, and stop.
	 */
	if (trap_depth++ > 0) {
		static const char msg[] = "trap: fault while reporting a "
		    "fault; stopping\n";
		arch_early_write(msg, sizeof(msg) - 1);
		arch_poweroff();
	}
	trap_report(tf, name, address);
}

void
arch_probe_last_fault(struct arch_fault *fault)
{

	*fault = last_probe_fault;
}
