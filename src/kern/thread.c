/*
 * kern/thread.c - kernel threads, the run queue, sleep/wakeup and the
 * idle loop (kern/thread.h).
 *
 * Where this sits: kernel_main() calls thread_init() once events and
 * timers work; from then on the boot code is thread 0 and tests may
 * start threads.  The machine-dependent part of a switch is
 * arch_switch() (src/i386/switch.S) and of a new thread
 * arch_thread_stack_init() (src/i386/vm_machdep.c); the rest is here and
 * is the same in both kernels.  Walkthrough: walkthroughs/boot-pv.md,
 * "The first event".
 *
 * Mutual exclusion: the run queue and thread states are changed by
 * threads and by event handlers (wakeup() from a callout), so they are
 * only touched with upcalls masked (intr_disable, xen/intr.h).  With one
 * vCPU and no preemption that is enough; an SMP kernel would add a
 * spin lock.  Every switch happens with upcalls masked, and the thread
 * switched to restores its own interrupt state on its way out of
 * sched_switch() (or in thread_start() the first time it runs).
 */

#include "kern/libkern.h"
#include "kern/mutex.h"
#include "kern/thread.h"
#include "xen/intr.h"
#include "xen/timer.h"

/*
 * A word written at the bottom of every pool stack.  Stacks grow down;
 * a thread that overflows its 8 KiB writes over it first, and the next
 * switch away from that thread notices.  (Without a guard page - the
 * page allocator will bring those - this is the best we can do.)
 */
#define	STACK_CANARY	0x57ac4a11U

struct thread *curthread;

/* Thread 0: the boot code, on the boot stack of the architecture. */
static struct thread thread0;
/* The pool, and its stacks. */
static struct thread pool[THREAD_POOL];
static uint32_t pool_stacks[THREAD_POOL][THREAD_STACK_SIZE / 4]
    __attribute__((aligned(16)));
static struct thread *idle_thread;

/* The run queue: runnable threads, first in first out. */
static struct thread *runq_head, *runq_tail;

/* Append td to the run queue.  Upcalls masked. */
static void
runq_add(struct thread *td)
{

	td->td_state = TD_RUNNABLE;
	td->td_runq_next = NULL;
	if (runq_tail != NULL)
		runq_tail->td_runq_next = td;
	else
		runq_head = td;
	runq_tail = td;
}

/* Take the first runnable thread, or NULL.  Upcalls masked. */
static struct thread *
runq_take(void)
{
	struct thread *td = runq_head;

	if (td != NULL) {
		runq_head = td->td_runq_next;
		if (runq_head == NULL)
			runq_tail = NULL;
		td->td_runq_next = NULL;
	}
	return (td);
}

/*
 * Give the vCPU to the next runnable thread.  Upcalls masked; the
 * caller has already set curthread's new state (and queued it, if it is
 * merely yielding).  Returns when curthread is switched back to.
 */
static void
sched_switch(void)
{
	struct thread *old = curthread, *new;

	new = runq_take();
	if (new == NULL) {
		/* Nothing runnable: the idle thread, unless that is us. */
		if (old == idle_thread)
			return;
		new = idle_thread;
	}
	if (old->td_stack != NULL && old->td_stack[0] != STACK_CANARY)
		panic("thread %s overflowed its %d-byte stack", old->td_name,
		    THREAD_STACK_SIZE);
	new->td_state = TD_RUNNING;
	new->td_switches++;
	if (new == old)
		return;
	curthread = new;
	arch_switch(&old->td_sp, new->td_sp);
	/* Some thread switched back to us: we are curthread again. */
}

/*
 * The first code of every pool thread, called by the architecture's
 * trampoline.  It arrives here from another thread's sched_switch(),
 * with upcalls masked, and must unmask them itself.
 */
static void
thread_start(void *arg)
{
	struct thread *td = arg;

	intr_enable();
	td->td_func(td->td_arg);
	thread_exit();
}

/*
 * Set up pool slot td to run func(arg): a clean structure, the canary at
 * the bottom of its stack, and the first frame at the top, so that the
 * first switch to it enters thread_start(td).  The caller decides
 * whether it goes on the run queue.  Upcalls masked.
 */
static void
thread_setup(struct thread *td, const char *name, void (*func)(void *),
    void *arg)
{
	uint32_t *stack = pool_stacks[td - pool];

	memset(td, 0, sizeof(*td));
	td->td_name = name;
	td->td_func = func;
	td->td_arg = arg;
	td->td_stack = stack;
	stack[0] = STACK_CANARY;
	callout_init(&td->td_timeout);
	td->td_sp = arch_thread_stack_init(stack, THREAD_STACK_SIZE,
	    thread_start, td);
}

/*
 * A free pool slot, or NULL.  A slot is free once thread_join() has
 * collected its thread (TD_DEAD is not free: the exiting thread was
 * still on its stack when it died).  Upcalls masked.
 */
static struct thread *
thread_alloc(void)
{
	int i;

	for (i = 0; i < THREAD_POOL; i++)
		if (pool[i].td_state == TD_FREE)
			return (&pool[i]);
	return (NULL);
}

/*
 * The idle thread: runs when no other thread can.  It blocks the vCPU in
 * Xen until an event arrives, and then lets whatever the event's handler
 * woke run.  The test and the block are one atomic step, because
 * upcalls are masked across both and intr_enable_and_wait() allows them
 * as part of the wait (PV: SCHEDOP_block unmasks inside Xen; HVM:
 * `sti; hlt`).  src/i386/intr_machdep.c explains the lost wake-up this
 * avoids, and why the upcall entry must be registered before the first
 * block.
 */
static void
idle_loop(void *arg)
{

	(void)arg;
	for (;;) {
		(void)intr_disable();
		if (runq_head == NULL)
			intr_enable_and_wait();	/* returns unmasked */
		(void)intr_disable();
		curthread->td_state = TD_IDLE;
		sched_switch();
		intr_enable();
	}
}

/*
 * The code running now - kernel_main() on the architecture's boot stack -
 * becomes thread 0 simply by having a struct thread: its registers will
 * be saved into it the first time it switches away.  The idle thread
 * gets a pool slot but is never put on the run queue: sched_switch()
 * picks it when the queue is empty.
 */
void
thread_init(void)
{
	int was;

	thread0.td_name = "main";
	thread0.td_state = TD_RUNNING;
	callout_init(&thread0.td_timeout);
	/* td_stack NULL: the boot stack has no canary of ours. */
	curthread = &thread0;

	was = intr_disable();
	idle_thread = thread_alloc();
	thread_setup(idle_thread, "idle", idle_loop, NULL);
	idle_thread->td_state = TD_IDLE;	/* never on the run queue */
	intr_restore(was);
}

/*
 * The new thread goes to the tail of the run queue and the caller goes
 * on running: with no preemption, it runs when the caller next sleeps,
 * yields or exits.
 */
struct thread *
thread_create(const char *name, void (*func)(void *), void *arg)
{
	struct thread *td;
	int was;

	was = intr_disable();
	td = thread_alloc();
	if (td != NULL) {
		thread_setup(td, name, func, arg);
		runq_add(td);
	}
	intr_restore(was);
	return (td);
}

/* A sleep's timeout: make the sleeper runnable.  Upcall context. */
static void
sleep_timeout(void *arg)
{
	struct thread *td = arg;

	/*
	 * It may have been woken already and be waiting to run; then the
	 * wakeup won and there is nothing to do.
	 */
	if (td->td_state != TD_SLEEPING)
		return;
	td->td_timed_out = 1;
	td->td_wchan = NULL;
	runq_add(td);
}

/*
 * Sleep on chan until woken or until the deadline (0: none).  Upcalls
 * masked by the caller: nothing can wake us between the caller's test
 * of its condition and our state change, because wakers are threads
 * (not running: we are) or handlers (held off by the mask).
 */
static int
sleep_locked(const void *chan, const char *wmesg, uint64_t deadline)
{
	struct thread *td = curthread;

	if (td == idle_thread)
		panic("the idle thread may not sleep");
	td->td_wchan = chan;
	td->td_wmesg = wmesg;
	td->td_timed_out = 0;
	td->td_state = TD_SLEEPING;
	if (deadline != 0)
		callout_reset_at(&td->td_timeout, deadline, sleep_timeout, td);
	sched_switch();
	/* Woken or timed out; either way the timeout is no longer wanted. */
	if (deadline != 0)
		(void)callout_stop(&td->td_timeout);
	td->td_wmesg = NULL;
	return (td->td_timed_out ? SLEEP_TIMEDOUT : SLEEP_WOKEN);
}

void
thread_exit(void)
{
	struct thread *td = curthread;

	(void)intr_disable();
	if (td == &thread0 || td == idle_thread)
		panic("thread %s may not exit", td->td_name);
	td->td_state = TD_DEAD;
	/* Joiners sleep on the thread itself. */
	wakeup(td);
	sched_switch();
	panic("dead thread %s was switched to", td->td_name);
}

int
thread_join(struct thread *td, uint64_t timeout_ns)
{
	uint64_t deadline = 0;
	int was, error = 0;

	if (timeout_ns != 0)
		deadline = xen_clock_now() + timeout_ns;
	was = intr_disable();
	/*
	 * One deadline for the whole wait, computed once: a spurious
	 * wakeup must not restart the clock.
	 */
	while (td->td_state != TD_DEAD && error == 0)
		error = sleep_locked(td, "join", deadline);
	if (td->td_state == TD_DEAD) {
		td->td_state = TD_FREE;
		error = 0;
	}
	intr_restore(was);
	return (error);
}

/*
 * To the tail of the run queue, behind every thread already runnable;
 * with nothing else runnable, sched_switch() picks us again at once.
 */
void
thread_yield(void)
{
	int was;

	was = intr_disable();
	runq_add(curthread);
	sched_switch();
	intr_restore(was);
}

/*
 * "On a vCPU now".  With one vCPU, only curthread is; on several, the
 * owner of a mutex could be running elsewhere (kern/mutex.c), though Xen
 * may have descheduled that vCPU without our knowing.
 */
int
thread_running(const struct thread *td)
{

	return (READ_ONCE(td->td_state) == TD_RUNNING);
}

int
thread_can_sleep(void)
{

	return (curthread != NULL && curthread != idle_thread &&
	    !intr_disabled());
}

int
msleep(const void *chan, struct mtx *mtx, const char *wmesg,
    uint64_t timeout_ns)
{
	uint64_t deadline = 0;
	int was, result;

	if (timeout_ns != 0)
		deadline = xen_clock_now() + timeout_ns;
	/*
	 * Mask first, then release the mutex: from the unlock to the
	 * switch, no other thread runs (we hold the vCPU) and no handler
	 * runs (masked), so a wakeup(chan) sent by the next holder of mtx
	 * cannot come before we are asleep on chan.  This is the
	 * "interlock" that makes msleep(9) safe.
	 */
	was = intr_disable();
	if (mtx != NULL)
		mtx_unlock(mtx);
	result = sleep_locked(chan, wmesg, deadline);
	intr_restore(was);
	if (mtx != NULL)
		mtx_lock(mtx);
	return (result);
}

int
tsleep(const void *chan, const char *wmesg, uint64_t timeout_ns)
{

	return (msleep(chan, NULL, wmesg, timeout_ns));
}

void
pause(const char *wmesg, uint64_t ns)
{

	/* A NULL channel: wakeup() never matches it, only the timeout. */
	(void)msleep(NULL, NULL, wmesg, ns == 0 ? 1 : ns);
}

/*
 * Wake sleepers on chan: all of them, or the first found.  A woken
 * thread only joins the run queue; nobody is switched to here, which is
 * what makes wakeup() safe from event handlers and callouts.
 */
static void
wakeup_some(const void *chan, int all)
{
	struct thread *td;
	int i, was;

	if (chan == NULL)
		return;
	was = intr_disable();
	/*
	 * A scan of the whole table (thread 0 and the pool): with nine
	 * threads it is shorter than the hash of sleep queues FreeBSD keeps.
	 */
	for (i = -1; i < THREAD_POOL; i++) {
		td = i < 0 ? &thread0 : &pool[i];
		if (td->td_state != TD_SLEEPING || td->td_wchan != chan)
			continue;
		td->td_wchan = NULL;
		runq_add(td);
		if (!all)
			break;
	}
	intr_restore(was);
}

void
wakeup(const void *chan)
{

	wakeup_some(chan, 1);
}

void
wakeup_one(const void *chan)
{

	wakeup_some(chan, 0);
}
