/*
 * kern/test_hello.c - the `hello` test: the kernel booted and can talk.
 *
 * The first thing every new port of domu must get right.  Reaching this
 * code at all proves that the domain builder loaded our ELF image where
 * the notes asked (src/i386/locore.S), that boot_info was filled from
 * start_info, and - since this line is read from the console log in dom0
 * - that the console ring works.  The line carries what the harness
 * checks: the start_info magic, the page count and the command line.
 *
 * Lab 00 (labs/00-hello/README.md) asks for one more line: the memory
 * size in MiB, computed from the page count.
 */

#include "kern/arch.h"
#include "kern/report.h"
#include "kern/test.h"

/* Both of our architectures use 4 KiB pages: 256 of them make a MiB. */
#define	PAGES_PER_MIB	256

static void
test_hello(void)
{

	/*
	 * A magic that does not name Xen, or no memory at all, would mean
	 * boot_info was not filled in: report it rather than claim success.
	 */
	if (strncmp(boot_info.magic, "xen-", 4) != 0 ||
	    boot_info.nr_pages == 0) {
		report("hello", FAIL, "boot_info not filled: magic \"%s\" "
		    "nr_pages=%lu", boot_info.magic, boot_info.nr_pages);
		return;
	}
	report("hello", PASS, "%s nr_pages=%lu cmdline=%s", boot_info.magic,
	    boot_info.nr_pages, boot_info.cmdline);

	/* LAB hello: BEGIN */
	/*
	 * nr_pages counts 4 KiB pages; a domain's memory is a whole number
	 * of MiB in xl.cfg, so the division is exact.
	 */
	report("memory", PASS, "%lu MiB", boot_info.nr_pages / PAGES_PER_MIB);
	/* LAB hello: END */
}

DOMU_TEST(hello, "the kernel boots and reports start_info", test_hello, 0);
