/*
 * kern/mutex.h - sleep mutexes for kernel threads (FreeBSD's mutex(9),
 * MTX_DEF kind, in small).
 *
 * A mutex has an owner thread or none.  mtx_lock() takes it or waits;
 * a waiter first spins for a while if the owner is running on another
 * vCPU (an "adaptive" mutex: the owner will probably let go soon, and
 * spinning is cheaper than two context switches), then sleeps until
 * mtx_unlock() wakes it.  `options NO_ADAPTIVE_MUTEXES` in the kernel
 * configuration removes the spinning; xen(4) recommends it under Xen,
 * for the reason given in kern/mutex.c.
 *
 * Mutexes are for threads only: an event handler must never take one
 * (it cannot sleep).  Recursion is an error.
 */
#ifndef _KERN_MUTEX_H_
#define _KERN_MUTEX_H_

struct thread;

struct mtx {
	const char	*mtx_name;
	struct thread	*mtx_owner;	/* NULL when free; set atomically */
	unsigned int	 mtx_waiters;	/* threads asleep on the mutex */
};

/* What the slow path did, since boot, over all mutexes. */
struct mtx_stats {
	unsigned long	contested;	/* mtx_lock() found it owned */
	unsigned long	spins;		/* spin iterations while owner ran */
	unsigned long	sleeps;		/* times a locker went to sleep */
};

/**
 * @brief Make m a free mutex called name (the name shows in panics).
 */
void	mtx_init(struct mtx *m, const char *name);

/**
 * @brief Take m, waiting as long as it is owned (a wait of more than
 *	MTX_SLEEP_BOUND_NS panics as a probable deadlock).
 */
void	mtx_lock(struct mtx *m);

/**
 * @brief Release m, which the caller owns, and wake one waiter.
 */
void	mtx_unlock(struct mtx *m);

/**
 * @brief Whether the calling thread owns m.
 */
int	mtx_owned(const struct mtx *m);

/**
 * @brief Copy the slow-path counters into *st.
 */
void	mtx_stats_get(struct mtx_stats *st);

/**
 * @brief "adaptive" or "no-adaptive": which waiting policy this kernel
 *	was built with (options NO_ADAPTIVE_MUTEXES).
 */
const char	*mtx_policy(void);

#endif /* !_KERN_MUTEX_H_ */
