/*
 * kern/cons.c - route kernel output to the console driver, or to the
 * early console before one attaches.  Interface in kern/cons.h.
 *
 * This is the machine-independent half of the console: it knows nothing
 * of rings or hypercalls.  The driver half for Xen is
 * src/dev/xen/console/console.c; the early console belongs to the
 * architecture (kern/arch.h).
 */

#include "kern/arch.h"
#include "kern/cons.h"

/* The attached console, or NULL while only the early console exists. */
static const struct consdev *console;

void
cons_attach(const struct consdev *cd)
{

	console = cd;
}

void
cons_write(const char *buf, size_t len)
{

	if (console != NULL)
		console->write(buf, len);
	else
		arch_early_write(buf, len);
}

void
cons_flush(void)
{

	if (console != NULL)
		console->flush();
}

int
cons_getc(void)
{

	return (cons_getc_wait(0));
}

int
cons_getc_wait(uint64_t timeout_ns)
{

	/* The early console is output only. */
	if (console == NULL || console->getc == NULL)
		return (-1);
	return (console->getc(timeout_ns));
}
