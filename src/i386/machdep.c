/*
 * machdep.c - the PV i386 kernel's first C code and its side of the
 * architecture boundary (src/kern/arch.h).
 *
 * Where this sits: locore.S switches to our stack and calls
 * i386_pv_start() with the start_info page Xen handed over in %esi.
 * We check that page, copy what the shared kernel needs into boot_info
 * and enter kernel_main().  Later, arch_*() functions give the shared
 * kernel the few machine services it cannot get from Xen directly.
 *
 * Protocol: struct start_info and the start-of-day memory layout are
 * defined in xen/include/public/xen.h; the machine-to-physical table in
 * xen/include/public/arch-x86/xen-x86_32.h.  Walkthrough:
 * walkthroughs/boot-pv.md.
 */

#include "xen/xen.h"

#include <xen/sched.h>

#include "i386/layout.h"
#include "i386/pmap.h"
#include "i386/pv.h"
#include "i386/trap.h"
#include "kern/arch.h"
#include "kern/libkern.h"
#include "xen/hypercall.h"

/*
 * The magic a 32-bit PAE PV guest must see: "xen-<version>-x86_32p".
 * Anything else means we were loaded the wrong way (for instance as a
 * non-PAE guest) and none of the layout assumptions below hold.
 */
#define	START_INFO_MAGIC_PREFIX	"xen-3.0-x86_32p"

struct boot_info boot_info;
start_info_t *pv_start_info;

/* Entered from locore.S only; declared here to keep the prototype rule. */
void	i386_pv_start(start_info_t *si) __attribute__((noreturn));

/* Our copy of the command line, always NUL-terminated. */
static char cmdline[MAX_GUEST_CMDLINE];

/*
 * Where shared_info is mapped.  Xen gives its machine address in
 * start_info but does not map it: we point this page-aligned page of our
 * own image at the frame instead.  The frame that backed this page is
 * not used again (one page lost, for a mapping that needs no page-table
 * allocation).
 */
static char shared_info_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/*
 * Convert a machine frame number to a pointer to that page in our
 * initial mapping.
 *
 * Xen keeps a read-only machine-to-physical (M2P) table mapped in every
 * PV guest at MACH2PHYS_VIRT_START: entry mfn holds the pseudo-physical
 * frame (pfn) that the page has in whatever domain owns it.  The
 * domain builder mapped pfn N at KERNBASE + N * PAGE_SIZE, so the pfn
 * gives the address.  A NATIVE kernel has no such indirection: there
 * the frame number is the physical address.
 *
 * The frame must be one of ours, or the address would point outside
 * the memory we own: pv_mfn_to_pfn() (physmem.c) checks the M2P's
 * bounds and confirms the answer with our own p2m list.
 */
static void *
mfn_to_virt(xen_pfn_t mfn)
{
	unsigned long pfn;

	pfn = pv_mfn_to_pfn(mfn);
	if (pfn == ARCH_NO_FRAME)
		return (NULL);
	return (arch_pfn_to_virt(pfn));
}

/*
 * The C entry point, called once from locore.S with the start_info page.
 * Everything Xen tells a PV kernel about itself is in that page: its
 * memory size, its command line, and the frames and event channels of
 * the console and xenstore rings.
 */
void
i386_pv_start(start_info_t *si)
{
	size_t len;

	/*
	 * Check the magic before trusting any other field.  There is no
	 * console ring yet, so complaints go to the early console.
	 */
	len = strlen(START_INFO_MAGIC_PREFIX);
	if (strncmp(si->magic, START_INFO_MAGIC_PREFIX, len) != 0) {
		static const char msg[] =
		    "domu: result: ERROR start_info magic is not "
		    START_INFO_MAGIC_PREFIX "\n";
		arch_early_write(msg, sizeof(msg) - 1);
		arch_poweroff();
	}
	/*
	 * From here on a fault is reported (trap.c) rather than killing
	 * the domain; then learn the p2m list and the M2P's bounds
	 * (physmem.c) before converting any frame number.
	 */
	trap_init();
	/* Kept for suspend, which rewrites it (i386/suspend.c). */
	pv_start_info = si;
	physmem_init(si);
	/*
	 * magic and cmd_line are fixed-size arrays filled by Xen and the
	 * toolstack; nothing promises a terminating NUL, so copy them whole
	 * and terminate the copies ourselves.
	 */
	memcpy(boot_info.magic, si->magic, sizeof(boot_info.magic) - 1);
	boot_info.magic[sizeof(boot_info.magic) - 1] = '\0';
	memcpy(cmdline, si->cmd_line, sizeof(cmdline) - 1);
	cmdline[sizeof(cmdline) - 1] = '\0';
	boot_info.cmdline = cmdline;
	boot_info.nr_pages = si->nr_pages;

	/*
	 * The console ring's frame is given as a machine frame (mfn); a
	 * bad value leaves console_ring NULL and the console driver falls
	 * back to the early console.
	 */
	boot_info.console_ring = mfn_to_virt(si->console.domU.mfn);
	boot_info.console_evtchn = si->console.domU.evtchn;
	boot_info.store_ring = mfn_to_virt(si->store_mfn);
	boot_info.store_evtchn = si->store_evtchn;

	/*
	 * shared_info is given as a machine address, not a frame number.
	 * Without it there are no events and no time: stop here.
	 */
	if (pv_map_frame(shared_info_page, si->shared_info >> PAGE_SHIFT) != 0) {
		static const char msg[] =
		    "domu: result: ERROR cannot map shared_info\n";
		arch_early_write(msg, sizeof(msg) - 1);
		arch_poweroff();
	}
	boot_info.shared_info = (struct shared_info *)shared_info_page;
	/* For a save (xl save, migrate) at any time from now on. */
	if (pv_p2m_publish(si) != 0)
		printf("machdep: p2m frame lists not published; xl save "
		    "will fail\n");

	/*
	 * Map all of memory (pmap.c); after this every page below
	 * arch_nr_pages() has a kernel address and the page allocator can
	 * take over the free ones.
	 */
	pmap_bootstrap(si);

	kernel_main();
}

int
pv_map_frame(void *va, xen_pfn_t mfn)
{

	/*
	 * Present, writable, with accessed and dirty already set so that
	 * the CPU need not write them back (Xen would have to check those
	 * writes too).  UVMF_INVLPG drops the old translation from the TLB.
	 */
	return ((int)HYPERVISOR_update_va_mapping((unsigned long)va,
	    pv_pte(mfn, PG_V | PG_RW | PG_A | PG_M), UVMF_INVLPG));
}

void
arch_early_write(const char *buf, size_t len)
{

	/* Silently ignored (-EPERM) by a production hypervisor. */
	(void)HYPERVISOR_console_io(CONSOLEIO_write, len, buf);
}

/* Give the CPU to another vCPU for a moment; arch_poweroff's last resort. */
static void
arch_yield(void)
{

	(void)HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

void
arch_poweroff(void)
{
	struct sched_shutdown shutdown = { .reason = SHUTDOWN_poweroff };

	/*
	 * The domain stops running inside this hypercall; the toolstack
	 * sees the shutdown reason and destroys it (on_poweroff in xl.cfg).
	 */
	(void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &shutdown);
	for (;;)
		arch_yield();
}
