/*
 * machdep.c - the HVM amd64 kernel's first C code and its side of the
 * architecture boundary (src/kern/arch.h).
 *
 * Where this sits: locore.S switches to long mode and calls
 * amd64_start() with what the multiboot loader left in %eax and %ebx.
 * In order, we
 *   1. set up the early console and the IDT, so that anything that goes
 *      wrong from here on is reported (earlycons.c, trap.c);
 *   2. read the multiboot information: command line, memory map, and
 *      set up the memory the page allocator will use (pmap.c);
 *   3. look for Xen through CPUID and have it fill the hypercall page
 *      (hypervisor.c);
 *   4. attach xenpci, the Xen platform PCI device, which maps
 *      shared_info and reads the console and xenstore rings from the HVM
 *      parameters into boot_info (src/dev/xen/xenpci);
 *   5. enter the machine-independent kernel_main(), the same one the PV
 *      kernel enters from src/i386/machdep.c.
 * Without Xen (the same ISO booted in plain QEMU, or on a PC), steps 4
 * and 5 cannot happen: we report that on the serial line and power off
 * through ACPI.
 *
 * Protocols: the Multiboot Specification 0.6.96 (amd64/multiboot.h);
 * HVM parameters in xen/include/public/hvm/params.h.  Walkthrough:
 * walkthroughs/boot-hvm.md.
 */

#include "xen/xen.h"

#include <xen/sched.h>

#include <machine/cpufunc.h>
#include <machine/hypervisor.h>

#include "amd64/acpi.h"
#include "amd64/earlycons.h"
#include "amd64/layout.h"
#include "amd64/multiboot.h"
#include "amd64/pmap_init.h"
#include "amd64/trap.h"
#include "kern/arch.h"
#include "kern/cons.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "xen/hypercall.h"

#ifdef DEV_XENPCI
#include "dev/xen/xenpci/xenpci.h"
#endif

/*
 * What boot_info.magic says for this kernel.  kern/test_hello.c checks
 * only that it starts with "xen-"; the rest names how we were started,
 * as "xen-3.0-x86_32p" does for the PV kernel.
 */
#define	BOOT_MAGIC	"xen-hvm-amd64"

/* The longest command line we keep, as MAX_GUEST_CMDLINE for PV. */
#define	CMDLINE_MAX	1024

struct boot_info boot_info;

/* Entered from locore.S only; declared here to keep the prototype rule. */
void	amd64_start(uint64_t magic, uint64_t info_pa)
	    __attribute__((noreturn));

/* The multiboot flags, for arch_boot_check(): what the loader told us. */
static uint32_t mbi_flags;

/* Our copy of the command line, always NUL-terminated. */
static char cmdline[CMDLINE_MAX];

/*
 * Copy the loader's command line.  GRUB (grub-core/loader/
 * multiboot_mbi.c) puts the kernel's own path first, as argv[0] - our
 * grub.cfg says `multiboot /boot/kernel test=...` - while the PV
 * toolstack passes only `extra=`.  So that boot_info.cmdline means the
 * same in both kernels, a first word that is a path is dropped.  The
 * string is the loader's: copied with a bound, never trusted to end.
 */
static void
multiboot_cmdline(const struct multiboot_info *mbi)
{
	const char *src;
	size_t i;

	cmdline[0] = '\0';
	boot_info.cmdline = cmdline;
	if ((mbi->flags & MULTIBOOT_INFO_CMDLINE) == 0 || mbi->cmdline == 0)
		return;
	src = (const char *)(uintptr_t)mbi->cmdline;
	if (src[0] == '/' || src[0] == '(') {
		while (*src != '\0' && *src != ' ')
			src++;
		while (*src == ' ')
			src++;
	}
	for (i = 0; i < sizeof(cmdline) - 1 && src[i] != '\0'; i++)
		cmdline[i] = src[i];
	cmdline[i] = '\0';
}

/*
 * Count the pages of RAM the firmware reported: the available ranges
 * of the E820 map (hvmloader builds it under Xen), whole pages only.
 * Under Xen this is less than `memory=` in xl.cfg: the video RAM, the
 * firmware's own pages and the special pages (rings, ...) are not
 * available RAM.  Without a map, fall back to the two sizes multiboot
 * always gives.
 */
static unsigned long
multiboot_pages(const struct multiboot_info *mbi)
{
	const struct multiboot_mmap_entry *e;
	uintptr_t p, end;
	uint64_t first, last;
	unsigned long pages = 0;

	if ((mbi->flags & MULTIBOOT_INFO_MMAP) == 0) {
		if ((mbi->flags & MULTIBOOT_INFO_MEMORY) == 0)
			return (0);
		return ((mbi->mem_lower + mbi->mem_upper) / (PAGE_SIZE / 1024));
	}
	p = mbi->mmap_addr;
	end = p + mbi->mmap_length;
	/* Each entry says its own size; a size that runs past the end stops us. */
	while (p + sizeof(*e) <= end) {
		e = (const struct multiboot_mmap_entry *)p;
		if (e->type == MULTIBOOT_MEMORY_AVAILABLE &&
		    e->addr + e->len > e->addr) {
			first = (e->addr + PAGE_SIZE - 1) >> PAGE_SHIFT;
			last = (e->addr + e->len) >> PAGE_SHIFT;
			if (last > first)
				pages += last - first;
		}
		p += e->size + sizeof(e->size);
	}
	return (pages);
}

/*
 * No Xen: nothing the shared kernel does can work (no hypercalls, no
 * shared_info, no rings).  Say why with the result protocol, on the
 * early console - that is COM1, which is what a harness running plain
 * QEMU reads - and power off.
 */
static void
amd64_without_xen(const char *why)
{

	printf("domu kernel: native amd64, %lu pages, command line \"%s\": "
	    "%s\n", boot_info.nr_pages, boot_info.cmdline, why);
	report("xenpci", SKIP, "%s", why);
	report_result();
	arch_poweroff();
}

void
amd64_start(uint64_t magic, uint64_t info_pa)
{
	const struct multiboot_info *mbi;
	const char *why;

	earlycons_init();
	idt_init();
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
		static const char msg[] = "domu: result: ERROR not started by "
		    "a multiboot loader (no 0x2BADB002 in %eax)\n";

		arch_early_write(msg, sizeof(msg) - 1);
		arch_poweroff();
	}
	mbi = (const struct multiboot_info *)(uintptr_t)info_pa;
	multiboot_cmdline(mbi);
	boot_info.nr_pages = multiboot_pages(mbi);
	mbi_flags = mbi->flags;
	pmap_init(mbi);

	if (hypervisor_init())
		strlcpy(boot_info.magic, BOOT_MAGIC, sizeof(boot_info.magic));
#ifdef DEV_XENPCI
	why = xenpci_attach();
#else
	why = "no device xenpci in the kernel configuration";
#endif
	if (why != NULL)
		amd64_without_xen(why);
	kernel_main();
}

void
arch_early_write(const char *buf, size_t len)
{

	earlycons_write(buf, len);
}

void
arch_poweroff(void)
{
	struct sched_shutdown shutdown = { .reason = SHUTDOWN_poweroff };
	static const char msg[] = "domu kernel: could not power off; halted\n";

	/*
	 * Under Xen, ask Xen, as the PV kernel does: the domain stops
	 * inside the hypercall and the toolstack sees the reason.  A NATIVE
	 * kernel uses ACPI, and so do we when there is no Xen.
	 */
	if (hypervisor_present())
		(void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &shutdown);
	(void)acpi_poweroff();
	arch_early_write(msg, sizeof(msg) - 1);
	for (;;) {
		disable_intr();
		halt();
	}
}

/*
 * The `boot` test's look at how we were started: the loader gave a
 * memory map, the RAM it describes holds the kernel, Xen filled the
 * hypercall page and xenpci found shared_info and both rings.  The PV
 * kernel checks start_info instead (src/i386/machdep.c).
 */
int
arch_boot_check(char *buf, size_t size)
{
	const char *why = NULL;

	if ((mbi_flags & MULTIBOOT_INFO_MMAP) == 0)
		why = "the loader gave no memory map";
	else if (arch_nr_pages() <= arch_first_free_pfn())
		why = "the memory map has no RAM above the kernel";
	else if (!hypervisor_present())
		why = "no Xen CPUID leaves";
	else if (boot_info.shared_info == NULL)
		why = "shared_info is not mapped";
	else if (boot_info.console_ring == NULL || boot_info.store_ring == NULL)
		why = "a console or xenstore ring is missing";
	if (why != NULL) {
		snprintf(buf, size, "%s (multiboot flags 0x%x)", why, mbi_flags);
		return (-1);
	}
	snprintf(buf, size, "multiboot flags 0x%x, RAM pfns %lu-%lu of %lu "
	    "pages in the map, Xen %u.%u, shared_info and both rings mapped",
	    mbi_flags, arch_first_free_pfn(), arch_nr_pages() - 1,
	    boot_info.nr_pages, hypervisor_info.version >> 16,
	    hypervisor_info.version & 0xffff);
	return (0);
}
