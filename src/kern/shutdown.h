/*
 * kern/shutdown.h - how the kernel ends when the toolstack asks it to.
 *
 * Where this sits: the control driver (src/dev/xen/control/control.c)
 * reads a request that dom0's toolstack wrote into our xenstore node
 * control/shutdown (`xl shutdown`, `xl reboot`, ...) and records it here
 * with shutdown_request().  Tests that "serve until shut down" sleep in
 * shutdown_wait(); kernel_main() (kern/main.c), after the test has
 * printed its result line, calls shutdown_final(), which ends the domain
 * the way the request asked.  Suspend is not recorded here: the domain
 * goes on running after it, so the control driver carries it out at once.
 *
 * What the reasons mean to Xen: SCHEDOP_shutdown and SHUTDOWN_* in
 * xen/include/public/sched.h; the strings in control/shutdown: Xen's
 * docs/misc/xenstore-paths.pandoc (~/control/shutdown).  See control(4)
 * and walkthroughs/control.md.  A NATIVE kernel learns the same from
 * ACPI (the power button's SCI, or a signal to init) and ends with an
 * ACPI sleep-state write or a reset through the keyboard controller.
 */
#ifndef _KERN_SHUTDOWN_H_
#define _KERN_SHUTDOWN_H_

#include <stddef.h>

/* What the toolstack asked for. */
enum shutdown_how {
	SHUTDOWN_HOW_NONE = 0,	/* nothing yet */
	SHUTDOWN_HOW_POWEROFF,	/* "poweroff": xl shutdown */
	SHUTDOWN_HOW_REBOOT,	/* "reboot": xl reboot */
	SHUTDOWN_HOW_HALT,	/* "halt": ends like poweroff (Linux: the same) */
	SHUTDOWN_HOW_CRASH,	/* "crash": end as crashed, for on_crash= */
	SHUTDOWN_HOW_SUSPEND,	/* "suspend": xl save / migrate */
};

/**
 * @brief Turn the text of control/shutdown into a request.
 * @param s the node's value, NUL-terminated
 * @param how filled with the request
 * @return 0, or -1 when s names no request we know (how is then
 *	SHUTDOWN_HOW_NONE)
 */
int	shutdown_parse(const char *s, enum shutdown_how *how);

/**
 * @brief The name of a request, as written in control/shutdown
 *	("poweroff", ...; "none" for SHUTDOWN_HOW_NONE).
 */
const char	*shutdown_name(enum shutdown_how how);

/**
 * @brief Record a request to end the domain and wake the threads in
 *	shutdown_wait().  The first request wins; later ones are logged
 *	and ignored (a reboot cannot overtake a poweroff under way).
 * @param how any of POWEROFF, REBOOT, HALT, CRASH
 */
void	shutdown_request(enum shutdown_how how);

/**
 * @brief The recorded request, or SHUTDOWN_HOW_NONE.
 */
enum shutdown_how	shutdown_requested(void);

/**
 * @brief Sleep until a request has been recorded, at most timeout_ms.
 *	Must be called from a thread that may sleep.
 * @return 0 when a request came (at once if one already had),
 *	-ETIMEDOUT when the time passed first
 */
int	shutdown_wait(unsigned int timeout_ms);

/**
 * @brief End the domain as the recorded request says (poweroff when
 *	there is none): SCHEDOP_shutdown with SHUTDOWN_poweroff, _reboot
 *	or _crash.  Called by kernel_main() after the result line.
 */
void	shutdown_final(void) __attribute__((noreturn));

#endif /* !_KERN_SHUTDOWN_H_ */
