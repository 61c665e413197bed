/*
 * kern/mutex.c - sleep mutexes, adaptive unless the kernel is built with
 * `options NO_ADAPTIVE_MUTEXES` (kern/mutex.h; src/conf/options).
 *
 * Where this sits: used by kernel threads (kern/thread.h) around data
 * they share; the sleeping is msleep/wakeup on the mutex's address.
 * Walkthrough: walkthroughs/boot-pv.md, "The first event"; the option is
 * in man4/xen.4, "Performance".
 *
 * Why xen(4) advises NO_ADAPTIVE_MUTEXES.  An adaptive mutex spins while
 * the owner "is running", on the theory that a running owner will
 * release the lock within microseconds.  A native kernel knows whether
 * the owner is running: the owner's thread is on a CPU, and a CPU runs
 * until the kernel itself switches it.  A guest knows only that the
 * owner is on one of ITS vCPUs, and Xen may deschedule that vCPU at any
 * moment, for a whole time slice (tens of milliseconds), without telling
 * the guest.  The waiter then spins - and
 * burns its own vCPU's time - for a lock whose holder cannot run at all
 * ("lock-holder preemption").  Without spinning the waiter sleeps at
 * once, which costs a context switch when the lock would have come free
 * quickly, but never wastes a time slice.  (Xen can notice spinning with
 * pause-loop exiting on HVM, and PV spin locks can ask Xen to yield;
 * neither helps a guest that spins blindly.)
 *
 * This kernel runs one vCPU and switches threads only when they sleep or
 * yield, so an owner is never running while another thread asks for its
 * lock: the adaptive loop below finds the owner not running and sleeps
 * at once, and the spin counter stays 0.  The loop is written for the
 * SMP case it is meant for; the two policies differ in behaviour only
 * there.  The slow path's check-and-sleep also relies on one vCPU (it
 * masks upcalls where an SMP kernel would take a spin lock).
 */

#include "kern/arch.h"
#include "kern/libkern.h"
#include "kern/mutex.h"
#include "kern/thread.h"
#include "xen/intr.h"

/* How many times an adaptive waiter spins before it sleeps anyway. */
#define	MTX_SPIN_LIMIT		1000
/* A wait longer than this is a deadlock, not contention. */
#define	MTX_SLEEP_BOUND_NS	(10 * NS_PER_SEC)

static struct mtx_stats stats;

void
mtx_init(struct mtx *m, const char *name)
{

	m->mtx_name = name;
	m->mtx_owner = NULL;
	m->mtx_waiters = 0;
}

/*
 * The fast path: one compare-and-swap from "no owner" to us.  Acquire
 * ordering: what the previous owner wrote under the lock is visible to
 * us once we own it.  The locked cmpxchg is also what makes this safe on
 * several vCPUs.
 */
static int
mtx_try(struct mtx *m, struct thread *td)
{
	struct thread *expected = NULL;

	return (__atomic_compare_exchange_n(&m->mtx_owner, &expected, td, 0,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
}

#ifndef NO_ADAPTIVE_MUTEXES
/*
 * Adaptive: spin while the owner is running, up to MTX_SPIN_LIMIT
 * times.  1 if we got the mutex, 0 if the caller should sleep.
 */
static int
mtx_spin(struct mtx *m, struct thread *td)
{
	struct thread *owner;
	int spins;

	for (spins = 0; spins < MTX_SPIN_LIMIT; spins++) {
		owner = __atomic_load_n(&m->mtx_owner, __ATOMIC_RELAXED);
		if (owner == NULL) {
			if (mtx_try(m, td))
				return (1);
			continue;
		}
		/* An owner that is not on a vCPU will not let go soon. */
		if (!thread_running(owner))
			return (0);
		stats.spins++;
		arch_spinwait();
	}
	return (0);
}
#endif

void
mtx_lock(struct mtx *m)
{
	struct thread *td = curthread;
	int was, result;

	if (mtx_try(m, td))
		return;
	if (__atomic_load_n(&m->mtx_owner, __ATOMIC_RELAXED) == td)
		panic("mutex %s: recursive lock by %s", m->mtx_name,
		    td->td_name);
	stats.contested++;
#ifndef NO_ADAPTIVE_MUTEXES
	if (mtx_spin(m, td))
		return;
#endif
	for (;;) {
		/*
		 * Test and sleep as one step: with upcalls masked, nothing
		 * can release the mutex and send the wakeup between our
		 * last try and our sleep (see msleep in kern/thread.c).
		 */
		was = intr_disable();
		if (mtx_try(m, td)) {
			intr_restore(was);
			return;
		}
		m->mtx_waiters++;
		stats.sleeps++;
		result = tsleep(m, m->mtx_name, MTX_SLEEP_BOUND_NS);
		m->mtx_waiters--;
		intr_restore(was);
		if (result == SLEEP_TIMEDOUT)
			panic("mutex %s: %s waited over %llu s; owner %s",
			    m->mtx_name, td->td_name,
			    MTX_SLEEP_BOUND_NS / NS_PER_SEC,
			    m->mtx_owner != NULL ? m->mtx_owner->td_name :
			    "none");
		/* Woken: the mutex was released; race for it again. */
	}
}

void
mtx_unlock(struct mtx *m)
{
	int was;

	if (!mtx_owned(m))
		panic("mutex %s: unlocked by %s, which does not own it",
		    m->mtx_name, curthread->td_name);
	was = intr_disable();
	/*
	 * Release ordering: our writes under the lock are visible before
	 * the lock is seen free.  Then wake one sleeper, which retries;
	 * mtx_waiters is read with upcalls masked, as the sleepers wrote it.
	 */
	__atomic_store_n(&m->mtx_owner, NULL, __ATOMIC_RELEASE);
	if (m->mtx_waiters > 0)
		wakeup_one(m);
	intr_restore(was);
}

int
mtx_owned(const struct mtx *m)
{

	return (__atomic_load_n(&m->mtx_owner, __ATOMIC_RELAXED) ==
	    curthread);
}

void
mtx_stats_get(struct mtx_stats *st)
{

	*st = stats;
}

const char *
mtx_policy(void)
{

#ifdef NO_ADAPTIVE_MUTEXES
	return ("no-adaptive");
#else
	return ("adaptive");
#endif
}
