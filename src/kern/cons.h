/*
 * kern/cons.h - the console layer: where kernel output goes.
 *
 * Before a console driver attaches, output goes to the architecture's
 * early console (arch_early_write in kern/arch.h).  The console driver
 * of xen(4), src/dev/xen/console, attaches as soon as kernel_main starts
 * and from then on everything goes to the console ring that the console
 * daemon in dom0 reads (and `xl console` shows).  See man4/xen.4.
 */
#ifndef _KERN_CONS_H_
#define _KERN_CONS_H_

#include <stddef.h>
#include <stdint.h>

/*
 * A console driver: how to write to it, wait for it, read from it.
 * Its waits are bounded; a thread that may sleep (thread_can_sleep in
 * kern/thread.h) sleeps in them, anything else blocks until the
 * driver's event or the bound, so printf() works everywhere.
 */
struct consdev {
	const char	*name;
	/* Write len bytes; may wait (bounded) for room. */
	void		(*write)(const char *buf, size_t len);
	/* Wait (bounded) until the reader has taken everything written. */
	void		(*flush)(void);
	/*
	 * One byte of input, waiting up to timeout_ns (0: not at all);
	 * -1 when none arrived in time.
	 */
	int		(*getc)(uint64_t timeout_ns);
};

/**
 * @brief Make cd the console: all later output goes to it.
 */
void	cons_attach(const struct consdev *cd);

/**
 * @brief Write bytes to the console (the early console if none attached).
 */
void	cons_write(const char *buf, size_t len);

/**
 * @brief Wait until the console's reader has everything; call before
 *	powering off, or the last lines may be lost with the domain.
 */
void	cons_flush(void);

/**
 * @brief Take one byte typed on the console, without waiting.
 * @return the byte (0-255), or -1 when nothing has arrived or the
 *	console has no input
 */
int	cons_getc(void);

/**
 * @brief Take one byte typed on the console, waiting for it up to
 *	timeout_ns: the console's event wakes the caller when input
 *	arrives.
 * @return the byte (0-255), or -1 when nothing arrived in time or the
 *	console has no input
 */
int	cons_getc_wait(uint64_t timeout_ns);

#endif /* !_KERN_CONS_H_ */
