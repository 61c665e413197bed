/*
 * kern/panic.c - stop the kernel after an error it cannot recover from.
 *
 * The message goes to the early console as well as the console ring:
 * if the panic came from the console driver itself, the ring may be the
 * thing that is broken, and on a hypervisor built with
 * CONFIG_VERBOSE_DEBUG the early console still reaches Xen's serial log.
 * The result line tells the harness why the run ended.
 *
 * Events are masked first, as a NATIVE panic disables interrupts: no
 * handler or other thread runs from here on, and the console, seeing
 * them masked, waits for its daemon by polling the event channel
 * instead of sleeping (xen/evtchn_wait.h) - the scheduler may be what
 * broke.
 */

#include "kern/arch.h"
#include "kern/cons.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "xen/intr.h"

void
panic(const char *fmt, ...)
{
	static int panicking;
	char msg[160];
	va_list ap;

	(void)intr_disable();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	/* A panic while panicking: only the early console is safe now. */
	if (panicking++ == 0) {
		printf("panic: %s\n", msg);
		report_error("panic: %s", msg);
		cons_flush();
	}
	arch_early_write("panic: ", 7);
	arch_early_write(msg, strlen(msg));
	arch_early_write("\n", 1);
	arch_poweroff();
}
