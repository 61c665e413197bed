/*
 * kern/thread.h - kernel threads, the scheduler, and sleep/wakeup.
 *
 * A thread is a stack and the registers saved on it (arch_switch in
 * kern/arch.h).  The boot code becomes thread 0 ("main", on the boot
 * stack); thread_create() starts others from a static pool; an idle
 * thread runs when nothing else can and blocks the vCPU in Xen.
 *
 * Scheduling is cooperative: a thread runs until it sleeps, yields or
 * exits.  Event upcalls interrupt a thread but never switch away from
 * it; a handler that wakes a thread only puts it on the run queue.  That
 * keeps every switch point visible in the code, which is what a reader
 * wants here; a preemptive kernel would switch on the way out of the
 * upcall.
 *
 * Sleep/wakeup is the classic Unix pair (xv6's sleep/wakeup, FreeBSD's
 * msleep(9)/wakeup(9)): a thread sleeps on a "channel", any address
 * that names what it waits for, and wakeup(channel) makes every thread
 * sleeping on it runnable.  A sleeper always re-checks its condition.
 * Every sleep here may have a timeout; a waiter that nobody wakes is
 * then a reported failure, not a hang.
 */
#ifndef _KERN_THREAD_H_
#define _KERN_THREAD_H_

#include <stddef.h>
#include <stdint.h>

#include "kern/callout.h"

/*
 * The pool.  The page allocator is being written in parallel with this
 * code, so thread stacks are static for now: THREAD_POOL threads of
 * THREAD_STACK_SIZE bytes each, 64 KiB in all, in the kernel's .bss.
 * The idle thread takes one.  Once pages can be allocated, stacks will
 * come from there and THREAD_POOL will go.
 */
#define	THREAD_POOL		8
#define	THREAD_STACK_SIZE	(8 * 1024)

enum thread_state {
	TD_FREE,	/* pool slot unused */
	TD_RUNNABLE,	/* on the run queue */
	TD_RUNNING,	/* on the vCPU now (the current thread) */
	TD_SLEEPING,	/* waiting on td_wchan, maybe with a timeout */
	TD_IDLE,	/* the idle thread, when not running */
	TD_DEAD,	/* returned; slot freed by thread_join() */
};

struct thread {
	uintptr_t	 td_sp;		/* saved stack pointer, not running */
	enum thread_state td_state;
	const char	*td_name;
	void		(*td_func)(void *);
	void		*td_arg;
	struct thread	*td_runq_next;	/* run queue link */
	const void	*td_wchan;	/* what it sleeps on, or NULL */
	const char	*td_wmesg;	/* why, for a person reading a dump */
	int		 td_timed_out;	/* the sleep ended by timeout */
	struct callout	 td_timeout;	/* the sleep's timeout */
	uint32_t	*td_stack;	/* lowest word of its stack */
	unsigned long	 td_switches;	/* times switched to */
};

/* msleep() results. */
#define	SLEEP_WOKEN	0	/* someone called wakeup() */
#define	SLEEP_TIMEDOUT	1	/* the timeout passed first */

/* The thread running now. */
extern struct thread *curthread;

struct mtx;

/**
 * @brief Make the running boot code thread 0 and start the idle
 *	thread.  Called once from kernel_main() after xen_timer_init().
 */
void	thread_init(void);

/**
 * @brief Start a thread running func(arg); it is runnable at once but
 *	runs only when the current thread sleeps or yields.
 * @return the thread, or NULL when the pool is used up
 */
struct thread	*thread_create(const char *name, void (*func)(void *),
		    void *arg);

/**
 * @brief End the calling thread (also what returning from its function
 *	does).  Wakes thread_join() callers.
 */
void	thread_exit(void) __attribute__((noreturn));

/**
 * @brief Wait until td has exited, then free its pool slot.
 * @param timeout_ns bound on the wait, 0 for none
 * @return 0, or SLEEP_TIMEDOUT (td is still running)
 */
int	thread_join(struct thread *td, uint64_t timeout_ns);

/**
 * @brief Let every other runnable thread run once, then continue.
 */
void	thread_yield(void);

/**
 * @brief Whether td is on a vCPU right now (for adaptive mutexes).
 */
int	thread_running(const struct thread *td);

/**
 * @brief Sleep on chan until wakeup(chan) or the timeout.  If mtx is not
 *	NULL it is released as the thread goes to sleep, with no window
 *	for a wakeup to be missed, and re-acquired before returning.
 * @param timeout_ns bound on the sleep, 0 for none
 * @return SLEEP_WOKEN or SLEEP_TIMEDOUT
 */
int	msleep(const void *chan, struct mtx *mtx, const char *wmesg,
	    uint64_t timeout_ns);

/**
 * @brief msleep() with no mutex.  Call with upcalls masked
 *	(intr_disable) when the condition is set by an event handler, so
 *	that the handler cannot run between the test and the sleep.
 */
int	tsleep(const void *chan, const char *wmesg, uint64_t timeout_ns);

/**
 * @brief Sleep for ns nanoseconds, on no channel (FreeBSD's pause(9)).
 */
void	pause(const char *wmesg, uint64_t ns);

/**
 * @brief Whether the caller may sleep here: threads are running, it is
 *	not the idle thread, and upcalls are enabled.
 *
 * Upcalls masked means an event handler or callout (they run masked),
 * a critical section that relies on the mask to keep other threads
 * out, or a panic (kern/panic.c masks them first); a sleep there would
 * let other threads in, or hang.  Code that waits for a peer where it
 * may be called from anywhere - the console - sleeps when this holds
 * and otherwise blocks the vCPU on the event channel (xen/evtchn_wait.h).
 */
int	thread_can_sleep(void);

/**
 * @brief Make every thread sleeping on chan runnable.  Safe from event
 *	handlers and callouts.
 */
void	wakeup(const void *chan);

/**
 * @brief Make one thread sleeping on chan runnable, if any.
 */
void	wakeup_one(const void *chan);

#endif /* !_KERN_THREAD_H_ */
