/*
 * kern/main.c - the machine-independent kernel: from the architecture's
 * hand-over to the result line.
 *
 * Where this sits: the PV i386 kernel arrives here from
 * src/i386/machdep.c (after reading start_info), the HVM amd64 kernel
 * from src/amd64 (after finding Xen); both have filled boot_info
 * (kern/arch.h).  We attach the console, run the test the command line
 * names - or, with no `test=`, every test that needs no help from dom0 -
 * print the result line (kern/report.h) and power off.  What the harness
 * sees is described in design.md section 5.
 */

#include "kern/arch.h"
#include "kern/cmdline.h"
#include "kern/cons.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/test.h"
#include "kern/thread.h"
#include "kern/vm_page.h"
#include "xen/evtchn.h"
#include "xen/timer.h"

#include "kern/shutdown.h"

#ifdef DEV_CONSOLE
#include "dev/xen/console/console.h"
#endif
#ifdef DEV_CONTROL
#include "dev/xen/control/control.h"
#endif

/* The registered tests, gathered by the linker script (kern/test.h). */
LINKER_SET_DECLARE(domu_tests, const struct domu_test);

/* Find a built-in test by name, or NULL. */
static const struct domu_test *
test_find(const char *name)
{
	const struct domu_test *const *t;

	LINKER_SET_FOREACH(t, domu_tests)
		if (strcmp((*t)->name, name) == 0)
			return (*t);
	return (NULL);
}

/* Run the test the command line names, or every self-contained one. */
static void
run_tests(void)
{
	const struct domu_test *const *t;
	const struct domu_test *test;
	char name[32];
	int len;

	len = cmdline_get(boot_info.cmdline, "test", name, sizeof(name));
	if (len < 0) {
		LINKER_SET_FOREACH(t, domu_tests)
			if (((*t)->flags & (TEST_NEEDS_DOM0 | TEST_PANICS)) == 0)
				(*t)->run();
		report_result();
		return;
	}
	if ((size_t)len >= sizeof(name) || (test = test_find(name)) == NULL) {
		report_error("unknown test %s", name);
		return;
	}
	test->run();
	report_result();
}

void
kernel_main(void)
{

	/*
	 * This first line goes to the early console: no driver has
	 * attached yet.  On a hypervisor built with CONFIG_VERBOSE_DEBUG it
	 * appears on Xen's serial line as "(dN) domu kernel: ...", which is
	 * how the boot tests know that Xen itself ran this kernel.
	 */
	printf("domu kernel: started as %s with %lu pages\n",
	    boot_info.magic, boot_info.nr_pages);
#ifdef DEV_CONSOLE
	xencons_init();
#endif
	printf("domu kernel: %s, %lu pages, command line \"%s\"\n",
	    boot_info.magic, boot_info.nr_pages, boot_info.cmdline);
	/* The architecture has mapped all memory: take over the free pages. */
	vm_page_init();
	/*
	 * Events, then the timer (it binds VIRQ_TIMER, an event channel),
	 * then threads (sleeps with timeouts need the timer).  From here
	 * on this code runs as thread 0.
	 */
	evtchn_init();
	xen_timer_init();
	thread_init();
#ifdef DEV_CONSOLE
	/* Console waits may sleep from now on, woken by its event. */
	xencons_intr_init();
#endif

#ifdef DEV_CONTROL
	/* Listen for dom0's shutdown requests while the tests run. */
	control_init();
#endif

	run_tests();

	/*
	 * End as dom0 asked (kern/shutdown.h), or power off when it did
	 * not ask; the console is flushed first.
	 */
	shutdown_final();
}
