/*
 * kern/shutdown.c - recording the toolstack's request to end the domain,
 * and ending it (interface and overview in kern/shutdown.h).
 *
 * Where this sits: at the very end of the boot path.  The control driver
 * (src/dev/xen/control/control.c) calls shutdown_request() from the
 * xenwatch thread when dom0 writes control/shutdown; a test serving dom0
 * sleeps in shutdown_wait(); kernel_main() calls shutdown_final() once
 * the result line is out.
 *
 * Why the request is only recorded, not carried out at once: the test
 * running must get to print its result line, and the console daemon in
 * dom0 must read it before the domain disappears (cons_flush in
 * kern/main.c).  Linux does the same with orderly_poweroff(): it asks
 * init to stop everything and only then calls the hypervisor.
 *
 * Ending the domain is SCHEDOP_shutdown (xen/include/public/sched.h)
 * with a reason code.  Xen stops the domain's vCPUs, records the reason
 * and fires @releaseDomain in xenstore; the toolstack (xl's monitoring
 * process) reads the reason and does what the guest's config says for
 * it: on_poweroff=, on_reboot= (by default: destroy the domain and build
 * a new one from the same config), on_crash=.  The domain never chooses
 * its own fate; it only says why it stopped.
 *
 * No lock: scheduling is cooperative (kern/thread.c), and nothing here
 * runs in an upcall, so the test-and-set in shutdown_request() cannot be
 * interleaved.
 */

#include "xen/xen.h"

#include <xen/sched.h>

#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/cons.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/shutdown.h"
#include "kern/thread.h"
#include "xen/hypercall.h"
#include "xen/timer.h"

/* The recorded request; SHUTDOWN_HOW_NONE until dom0 asks. */
static enum shutdown_how shutdown_how;

/*
 * The strings of control/shutdown, indexed by enum shutdown_how; the
 * toolstack writes them (libxl: libxl_domain_shutdown() "poweroff",
 * libxl_domain_reboot() "reboot", the suspend path "suspend"; "halt"
 * and "crash" come from `xenstore-write` by hand or older tools).
 */
static const char *const shutdown_names[] = {
	[SHUTDOWN_HOW_NONE] = "none",
	[SHUTDOWN_HOW_POWEROFF] = "poweroff",
	[SHUTDOWN_HOW_REBOOT] = "reboot",
	[SHUTDOWN_HOW_HALT] = "halt",
	[SHUTDOWN_HOW_CRASH] = "crash",
	[SHUTDOWN_HOW_SUSPEND] = "suspend",
};
#define	SHUTDOWN_NAMES	(sizeof(shutdown_names) / sizeof(shutdown_names[0]))

int
shutdown_parse(const char *s, enum shutdown_how *how)
{
	size_t i;

	/* "none" is our word, not the toolstack's: start after it. */
	for (i = SHUTDOWN_HOW_NONE + 1; i < SHUTDOWN_NAMES; i++)
		if (strcmp(s, shutdown_names[i]) == 0) {
			*how = (enum shutdown_how)i;
			return (0);
		}
	*how = SHUTDOWN_HOW_NONE;
	return (-1);
}

const char *
shutdown_name(enum shutdown_how how)
{

	if ((size_t)how >= SHUTDOWN_NAMES)
		return ("?");
	return (shutdown_names[how]);
}

void
shutdown_request(enum shutdown_how how)
{

	if (how == SHUTDOWN_HOW_NONE || how == SHUTDOWN_HOW_SUSPEND) {
		printf("shutdown: %s is not a way to end; ignored\n",
		    shutdown_name(how));
		return;
	}
	if (shutdown_how != SHUTDOWN_HOW_NONE) {
		printf("shutdown: %s requested while %s is under way; "
		    "ignored\n", shutdown_name(how), shutdown_name(shutdown_how));
		return;
	}
	shutdown_how = how;
	printf("shutdown: %s requested\n", shutdown_name(how));
	/* The waiters sleep on the variable's address (shutdown_wait). */
	wakeup(&shutdown_how);
}

enum shutdown_how
shutdown_requested(void)
{

	return (shutdown_how);
}

int
shutdown_wait(unsigned int timeout_ms)
{
	uint64_t deadline, now;

	deadline = xen_clock_now() + (uint64_t)timeout_ms * NS_PER_MS;
	/*
	 * Test, then sleep: no thread runs between the two (cooperative
	 * scheduling, and wakeup() is only called from threads), so a
	 * request cannot slip in unseen.  Loop because a sleep may end
	 * early for reasons of its own.
	 */
	while (shutdown_how == SHUTDOWN_HOW_NONE) {
		now = xen_clock_now();
		if (now >= deadline)
			return (-ETIMEDOUT);
		(void)tsleep(&shutdown_how, "shutdown", deadline - now);
	}
	return (0);
}

void
shutdown_final(void)
{
	struct sched_shutdown sd;

	switch (shutdown_how) {
	case SHUTDOWN_HOW_REBOOT:
		sd.reason = SHUTDOWN_reboot;
		break;
	case SHUTDOWN_HOW_CRASH:
		sd.reason = SHUTDOWN_crash;
		break;
	default:
		/*
		 * Poweroff, no request at all (the test is over), and
		 * halt: Xen has no "halted but present" state for a guest
		 * to ask for (SHUTDOWN_* in sched.h); libxl maps nothing
		 * to "halt", and Linux's manage.c treats "halt" as
		 * poweroff.  Whether the domain then stays is for the
		 * toolstack (on_poweroff="preserve").
		 */
		sd.reason = SHUTDOWN_poweroff;
		break;
	}
	if (shutdown_how != SHUTDOWN_HOW_NONE)
		printf("shutdown: orderly %s: asking Xen to end the domain\n",
		    shutdown_name(shutdown_how));
	/*
	 * The daemon in dom0 must have read the last line before the
	 * domain disappears, or the result line is lost with it.
	 */
	cons_flush();
	/* Only returns if Xen refused; power off rather than run on. */
	if (sd.reason != SHUTDOWN_poweroff)
		(void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
	arch_poweroff();
}
