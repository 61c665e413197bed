/*
 * i386/test_ptwrite.c - the `ptwrite` test: in a PV guest, Xen decides
 * what goes into the page tables, not the guest's stores.
 *
 * Result lines:
 *	ptwrite-l2	a store into the kernel's L2 table (mapped
 *			read-only, as every page table must be) takes a page
 *			fault: protection violation, write.  L2 entries
 *			change only through mmu_update.
 *	ptwrite-l1	a store into an L1 table faults the same way - until
 *			the guest switches on the "writable page tables"
 *			assist (VMASST_TYPE_writable_pagetables, which Linux
 *			uses and we do not).  Then Xen catches the fault and
 *			emulates the store if the resulting entry is one it
 *			would have accepted through mmu_update (ptwr, in
 *			xen/arch/x86/pv/ro-page-fault.c, reached from
 *			fixup_page_fault in xen/arch/x86/traps.c only with
 *			the assist on): a store that keeps
 *			the entry empty goes through, one that would map
 *			machine frame 0, not ours, still faults.  The test
 *			switches the assist off again.
 *	ptwrite-map	a writable mapping of a page-table page is refused
 *			(update_va_mapping fails), a read-only one is not.
 * NATIVE, all three stores would simply succeed: the kernel owns its
 * page tables.  Implementation under test: src/i386/pmap.c.
 */

#include "xen/xen.h"

#include "i386/layout.h"
#include "i386/pmap.h"
#include "i386/pv.h"
#include "i386/trap.h"
#include "kern/arch.h"
#include "kern/report.h"
#include "kern/test.h"
#include "kern/vm_page.h"

/* A write to a read-only page: protection violation and write. */
#define	PGEX_WRITE_PROTECTED	(PGEX_P | PGEX_W)

/*
 * Did the last probe fail with a page fault on a write-protected
 * page at address a?  Describe what happened in buf either way.
 */
static int
write_protected_fault(const volatile void *a, char *buf, size_t size)
{
	struct arch_fault fault;

	arch_probe_last_fault(&fault);
	snprintf(buf, size, "%s at 0x%lx, error code 0x%lx", fault.name,
	    (unsigned long)fault.address, fault.error_code);
	return (fault.vector == T_PAGE_FAULT &&
	    fault.address == (uintptr_t)a &&
	    (fault.error_code & PGEX_WRITE_PROTECTED) == PGEX_WRITE_PROTECTED);
}

/* ptwrite-l2: store the byte a kernel L2 entry already has. */
static void
check_l2_store(void)
{
	volatile const uint8_t *entry;
	char seen[80];
	uint8_t same;

	/*
	 * Entry 0 maps the first 2 MiB of the kernel.  Writing back the
	 * byte it holds would change nothing even if Xen let it through.
	 */
	entry = (volatile const uint8_t *)&pmap_kernel_l2()[0];
	same = *entry;
	if (arch_probe_write((volatile void *)entry, same) == 0)
		report("ptwrite-l2", FAIL, "a store into the kernel's L2 at %p "
		    "went through", (const void *)entry);
	else if (!write_protected_fault(entry, seen, sizeof(seen)))
		report("ptwrite-l2", FAIL, "a store into the L2 at %p: %s; "
		    "expected a write-protection page fault", (const void *)entry,
		    seen);
	else
		report("ptwrite-l2", PASS, "a store into the kernel's L2 at %p "
		    "takes a %s", (const void *)entry, seen);
}

/*
 * The stores into the empty L1 entry at `entry`, with Xen's assist
 * switched on: one keeping the entry empty is emulated, one making it
 * map mfn 0 faults.  NULL when both behaved, else what went wrong.
 */
static const char *
l1_stores_with_assist(volatile uint8_t *entry, char *seen, size_t size)
{

	if (arch_probe_write(entry, 0) != 0) {
		write_protected_fault(entry, seen, size);
		return ("storing 0 was refused; expected Xen to emulate it");
	}
	/* Present and writable, frame 0: not ours, so the store faults. */
	if (arch_probe_write(entry, PG_V | PG_RW) == 0 || *entry != 0)
		return ("a store making it map mfn 0 went through");
	if (!write_protected_fault(entry, seen, size))
		return ("the store mapping mfn 0 did not take a "
		    "write-protection page fault");
	return (NULL);
}

/*
 * ptwrite-l1: stores into the empty L1 entry of window address va,
 * whose table lies at table_pfn, without and then with the assist.
 */
static void
check_l1_store(uintptr_t va, unsigned long table_pfn)
{
	volatile uint8_t *entry;
	const char *wrong;
	char plain[80], assisted[80] = "";
	long rc;

	entry = (volatile uint8_t *)arch_pfn_to_virt(table_pfn) +
	    (pmap_pte_machine_address(va) & (PAGE_SIZE - 1));
	/* Without the assist, a page table is simply read-only. */
	if (arch_probe_write(entry, 0) == 0 ||
	    !write_protected_fault(entry, plain, sizeof(plain))) {
		report("ptwrite-l1", FAIL, "a store into the L1 entry at %p "
		    "did not take a write-protection fault", (void *)entry);
		return;
	}
	rc = HYPERVISOR_vm_assist(VMASST_CMD_enable,
	    VMASST_TYPE_writable_pagetables);
	if (rc != 0) {
		report("ptwrite-l1", FAIL, "vm_assist(enable, "
		    "writable_pagetables) returned %ld", rc);
		return;
	}
	wrong = l1_stores_with_assist(entry, assisted, sizeof(assisted));
	(void)HYPERVISOR_vm_assist(VMASST_CMD_disable,
	    VMASST_TYPE_writable_pagetables);
	if (wrong != NULL)
		report("ptwrite-l1", FAIL, "with writable_pagetables, the L1 "
		    "entry at %p: %s (%s)", (void *)entry, wrong, assisted);
	else
		report("ptwrite-l1", PASS, "L1 entry at %p: a store takes a %s; "
		    "with writable_pagetables one keeping it empty is emulated, "
		    "one mapping mfn 0 faults", (void *)entry, plain);
}

/* ptwrite-map: map page-table page table_pfn at va, writable and not. */
static void
check_table_mapping(uintptr_t va, unsigned long table_pfn)
{
	int writable, readonly;

	writable = pmap_enter(va, table_pfn, PMAP_WRITE);
	readonly = pmap_enter(va, table_pfn, 0);
	(void)pmap_remove(va);
	if (writable == 0 || readonly != 0)
		report("ptwrite-map", FAIL, "mapping L1 table pfn %lu at 0x%lx: "
		    "writable returned %d (expected a refusal), read-only %d "
		    "(expected 0)", table_pfn, (unsigned long)va, writable,
		    readonly);
	else
		report("ptwrite-map", PASS, "L1 table pfn %lu: a writable "
		    "mapping is refused (%d), a read-only one accepted",
		    table_pfn, writable);
}

static void
test_ptwrite(void)
{
	uintptr_t va = KVA_START + PAGE_SIZE;
	unsigned long table_pfn;
	void *page;

	check_l2_store();

	/*
	 * Map and unmap a page in the window: the L1 table that covers va
	 * now exists, and va's entry in it is empty.
	 */
	page = vm_page_alloc();
	if (page == NULL || pmap_enter(va, arch_virt_to_pfn(page),
	    PMAP_WRITE) != 0 || pmap_remove(va) != 0) {
		report("ptwrite-l1", FAIL, "cannot map a page at 0x%lx to "
		    "create its L1 table", (unsigned long)va);
		return;
	}
	table_pfn = pv_mfn_to_pfn(pmap_pte_machine_address(va) >> PAGE_SHIFT);
	check_l1_store(va, table_pfn);
	check_table_mapping(va, table_pfn);
	vm_page_free(page);
}

DOMU_TEST(ptwrite, "PV page tables: stores are checked or emulated by Xen, "
    "never simply done", test_ptwrite, 0);
