/*
 * dev/xen/balloon/test_balloon.c - the `balloon_self` and `balloon`
 * tests of the balloon driver (balloon.c, balloon(4)).
 *
 * `balloon_self` needs nothing from dom0 and runs in the default run:
 * the test itself sets targets (balloon_set_target()), as memory/target
 * would - up past the boot memory as far as the domain's maximum
 * allows (at most 256 pages), 1024 pages below the boot memory, to 0
 * (which must stop at the floor, logged), and back.  After each, Xen's own count of our
 * pages (XENMEM_current_reservation) must equal the driver's, a page
 * given back must fault when read, and every free page must hold a
 * pattern written over it.
 *
 * `balloon` serves dom0 (tests/boot/balloon.dom0): dom0 runs
 * `xl mem-set`, waits until data/balloon/current-kb shows the target,
 * checks `xl list` and Xen's free memory, then writes a step name in
 * data/balloon-test/check; we run the same checks, print
 * "domu: balloon-<step>: PASS|FAIL ..." and answer in
 * data/balloon-test/checked.  dom0 ends it by writing "done" (to become
 * `xl shutdown` through the control driver's shutdown_wait() once that
 * is merged).
 *
 * Protocol: xen/include/public/memory.h.  Walkthrough:
 * walkthroughs/balloon.md.
 */

#include "xen/xen.h"

#include <xen/memory.h>

#include "dev/xen/balloon/balloon.h"
#include "kern/arch.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/test.h"
#include "kern/vm_page.h"
#include "xen/hypercall.h"
#include "xen/timer.h"
#include "xen/xenstore.h"

/* How long one target may take to reach. */
#define	REACH_MS		60000
/* How long dom0 may take between two steps. */
#define	STEP_MS			120000
/* Steps at most in one `balloon` run (each a bounded wait). */
#define	STEPS_MAX		32
#define	CHECK_KEY		"data/balloon-test/check"
#define	CHECKED_KEY		"data/balloon-test/checked"

/* The pattern word i of the page at va holds. */
static uint32_t
pattern(const void *va, unsigned int i)
{

	return ((uint32_t)(uintptr_t)va ^ (i * 0x9e3779b9U));
}

/*
 * Allocate every free page, write a pattern over each, read it back,
 * free them all.  The pages are chained through their first word, so
 * no memory is needed for the list.  Returns the number of pages, or
 * -1 with the first bad page in buf.
 */
static long
memory_check(char *buf, size_t size)
{
	uint32_t *page, *list = NULL, *next;
	unsigned long n = 0, bad = 0;
	unsigned int i;

	while ((page = vm_page_alloc()) != NULL) {
		for (i = 1; i < VM_PAGE_SIZE / sizeof(uint32_t); i++)
			page[i] = pattern(page, i);
		page[0] = (uint32_t)(uintptr_t)list;
		list = page;
		n++;
	}
	for (page = list; page != NULL; page = next) {
		next = (uint32_t *)(uintptr_t)page[0];
		for (i = 1; i < VM_PAGE_SIZE / sizeof(uint32_t); i++)
			if (page[i] != pattern(page, i) && bad++ == 0)
				snprintf(buf, size, "page %p word %u holds "
				    "0x%x", (void *)page, i, page[i]);
		vm_page_free(page);
	}
	return (bad == 0 ? (long)n : -1);
}

/*
 * The checks made after each target: Xen agrees on the count, the
 * kernel's own pages did not change, a page given back is gone, every
 * free page works.  One report line named name.
 */
static int
check_state(const char *name, unsigned long want, unsigned long kernel)
{
	struct balloon_status st;
	domid_t self = DOMID_SELF;
	char why[96] = "";
	unsigned long pfn;
	long xen, pages;
	uint8_t byte;
	void *va;

	if (balloon_wait(REACH_MS) != 0) {
		balloon_get_status(&st);
		report(name, FAIL, "not settled after %u ms: current %lu, "
		    "target %lu", REACH_MS, st.current, st.target);
		return (-1);
	}
	balloon_get_status(&st);
	xen = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
	if (want != 0 && st.current != want) {
		report(name, FAIL, "current %lu pages, expected %lu (%s)",
		    st.current, want, balloon_stuck_name(st.stuck));
		return (-1);
	}
	if (xen < 0 || (unsigned long)xen != st.current) {
		report(name, FAIL, "Xen counts %ld pages, the driver %lu",
		    xen, st.current);
		return (-1);
	}
	/* Pages neither free nor withdrawn: the kernel's, constant. */
	if (st.current - vm_page_total_count() != kernel) {
		report(name, FAIL, "kernel pages %lu, were %lu: the allocator "
		    "and the driver disagree", st.current -
		    (unsigned long)vm_page_total_count(), kernel);
		return (-1);
	}
	/*
	 * A page given back must be gone from the kernel's view where the
	 * architecture forgets its frame (PV: unmapped, so a read faults;
	 * HVM keeps the mapping and is not checked here).
	 */
	pfn = st.last_released;
	va = pfn == ARCH_NO_FRAME ? NULL : arch_pfn_to_virt(pfn);
	if (va != NULL && arch_pfn_to_mfn(pfn) == ARCH_NO_FRAME &&
	    arch_probe_read(va, &byte) == 0) {
		report(name, FAIL, "pfn %lu was given back but %p still reads",
		    pfn, va);
		return (-1);
	}
	if ((pages = memory_check(why, sizeof(why))) < 0) {
		report(name, FAIL, "memory test: %s", why);
		return (-1);
	}
	report(name, PASS, "%lu pages (%lu MiB) = Xen's count, target %lu, "
	    "floor %lu (%s); %ld free pages hold a pattern; %lu pages moved "
	    "in %llu ms", st.current, st.current / 256, st.target, st.floor,
	    balloon_stuck_name(st.stuck), pages, st.last_moved,
	    (unsigned long long)(st.last_ns / 1000000));
	return (0);
}

/* Pages per second for n pages in ns nanoseconds. */
static unsigned long
rate(unsigned long n, uint64_t ns)
{

	return (ns == 0 ? 0 : (unsigned long)(n * 1000000000ULL / ns));
}

/* The driver's totals, one line. */
static void
report_rates(const char *name, unsigned int steps)
{
	struct balloon_status st;

	balloon_get_status(&st);
	report(name, PASS, "%u targets: gave %lu pages back at %lu pages/s, "
	    "took %lu back at %lu pages/s", steps, st.given,
	    rate(st.given, st.give_ns), st.taken, rate(st.taken, st.take_ns));
}

/* Start the driver and learn the kernel's own page count. */
static int
start(const char *name, unsigned long *kernel)
{
	struct balloon_status st;
	int err;

	if ((err = balloon_init()) != 0) {
		report(name, FAIL, "balloon_init: %d", err);
		return (-1);
	}
	balloon_get_status(&st);
	*kernel = st.current - vm_page_total_count();
	report(name, PASS, "%lu pages, room for %lu, floor %lu, kernel "
	    "pages %lu", st.current, st.max, st.floor, *kernel);
	return (0);
}

static void
test_balloon_self(void)
{
	struct balloon_status st;
	unsigned long kernel, boot, up;
	int failed = 0;

	if (start("balloon-init", &kernel) != 0)
		return;
	balloon_get_status(&st);
	boot = st.current;
	/*
	 * Up past the boot memory first, as far as the maximum allows:
	 * pfns that never had a frame, so this needs only
	 * arch_page_populate().  Then down, which needs
	 * arch_page_release().  Each step is checked on its own, so that a
	 * broken hook fails its own steps (labs/04-balloon).
	 */
	up = st.max - boot > 256 ? 256 : st.max - boot;
	(void)balloon_set_target(boot + up);
	failed |= check_state("balloon-take", boot + up, kernel);
	(void)balloon_set_target(boot - 1024);
	failed |= check_state("balloon-give", boot - 1024, kernel);
	/* Far below the floor: must stop there, and say so. */
	(void)balloon_set_target(0);
	failed |= check_state("balloon-floor", 0, kernel);
	balloon_get_status(&st);
	if (st.stuck != BALLOON_AT_FLOOR || st.current != st.floor) {
		report("balloon-floor-kept", FAIL, "current %lu, floor %lu, %s",
		    st.current, st.floor, balloon_stuck_name(st.stuck));
		failed = 1;
	}
	(void)balloon_set_target(boot);
	failed |= check_state("balloon-back", boot, kernel);
	if (failed == 0)
		report_rates("balloon-rates", 4);
}

DOMU_TEST(balloon_self, "the balloon driver gives pages back and takes "
    "them again on its own targets", test_balloon_self, 0);

/* Is s a step name dom0 may send: [a-z0-9-], 1 to 15 characters? */
static int
step_name_ok(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if (n >= 15 || !((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return (0);
	return (n > 0);
}

static void
test_balloon(void)
{
	char step[32], last[32] = "", name[48], path[128];
	unsigned long kernel;
	unsigned int steps = 0, n;
	int err;

	if (start("balloon-init", &kernel) != 0)
		return;
	if ((err = xs_watch(CHECK_KEY, "balloon-test")) != 0) {
		report("balloon-serve", FAIL, "cannot watch %s: %d", CHECK_KEY,
		    err);
		return;
	}
	/*
	 * Serve: each change of the check key is a step dom0 finished.
	 * Every wait is bounded; a silent dom0 ends the test with FAIL.
	 */
	for (n = 0; n < STEPS_MAX * 4; n++) {
		err = xs_watch_event("balloon-test", path, sizeof(path),
		    STEP_MS);
		if (err == -ETIMEDOUT) {
			report("balloon-serve", FAIL, "no step from dom0 in "
			    "%u ms after %u steps", STEP_MS, steps);
			return;
		}
		err = xs_read(XST_NIL, CHECK_KEY, step, sizeof(step));
		if (err == -ENOENT || (err >= 0 && strcmp(step, last) == 0))
			continue;
		if (err < 0 || (size_t)err >= sizeof(step) ||
		    !step_name_ok(step)) {
			report("balloon-serve", FAIL, "bad step from dom0 "
			    "(%d)", err);
			return;
		}
		strlcpy(last, step, sizeof(last));
		if (strcmp(step, "done") == 0)
			break;
		snprintf(name, sizeof(name), "balloon-%s", step);
		(void)check_state(name, 0, kernel);
		steps++;
		(void)xs_write(XST_NIL, CHECKED_KEY, step);
	}
	(void)xs_unwatch(CHECK_KEY, "balloon-test");
	report_rates("balloon-served", steps);
}

DOMU_TEST(balloon, "serve xl mem-set from dom0, checking memory after "
    "each target (tests/boot/balloon.dom0)", test_balloon,
    TEST_NEEDS_DOM0);
