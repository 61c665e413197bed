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

/* A console driver: how to write to it, wait for it, read from it. */
struct consdev {
	const char	*name;
	/* Write len bytes; may wait (bounded) for room. */
	void		(*write)(const char *buf, size_t len);
	/* Wait (bounded) until the reader has taken everything written. */
	void		(*flush)(void);
	/* One byte of input, or -1 if none has arrived; never waits. */
	int		(*getc)(void);
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
 *
 * Polled: a caller that wants a line loops, yielding the CPU between
 * tries and bounding the number of tries (there are no console
 * interrupts yet).
 * @return the byte (0-255), or -1 when nothing has arrived or the
 *	console has no input
 */
int	cons_getc(void);

#endif /* !_KERN_CONS_H_ */
