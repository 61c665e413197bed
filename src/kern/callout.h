/*
 * kern/callout.h - the timer queue: run a function at a given time.
 *
 * The kernel has one timer (Xen's one-shot timer, xen/timer.h) and many
 * things that want one: every sleep with a timeout, every test that
 * measures time.  A callout is one such request; the queue keeps them in
 * deadline order and keeps the hardware timer armed for the earliest.
 * FreeBSD's callout(9) has the same job and the same names.
 *
 * Callout functions run in upcall context, from VIRQ_TIMER's handler:
 * the rules for event handlers apply (xen/evtchn.h: short, no sleeping,
 * no printing; wakeup() is fine).  All times are Xen system time in
 * nanoseconds (xen_clock_now()).
 */
#ifndef _KERN_CALLOUT_H_
#define _KERN_CALLOUT_H_

#include <stdint.h>

#define	NS_PER_US	1000ULL
#define	NS_PER_MS	1000000ULL
#define	NS_PER_SEC	1000000000ULL

struct callout {
	struct callout	*c_next;	/* next in deadline order */
	uint64_t	 c_deadline;	/* system time it is due */
	void		(*c_func)(void *);
	void		*c_arg;
	int		 c_pending;	/* on the queue */
};

/**
 * @brief Make a callout ready for use (not pending).
 */
void	callout_init(struct callout *c);

/**
 * @brief (Re)schedule c to call func(arg) at system time deadline,
 *	replacing any earlier schedule of c.  A deadline already past runs
 *	it from the next timer event, at once.
 */
void	callout_reset_at(struct callout *c, uint64_t deadline,
	    void (*func)(void *), void *arg);

/**
 * @brief Like callout_reset_at(), delay_ns from now.
 */
void	callout_reset(struct callout *c, uint64_t delay_ns,
	    void (*func)(void *), void *arg);

/**
 * @brief Take c off the queue if it is on it.
 * @return 1 if it was pending (and now will not run), 0 if not
 */
int	callout_stop(struct callout *c);

/**
 * @brief Run every callout that is due and re-arm the timer for the
 *	next.  Called by the timer's event handler (xen/timer.c).
 */
void	callout_expire(void);

#endif /* !_KERN_CALLOUT_H_ */
