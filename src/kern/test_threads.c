/*
 * kern/test_threads.c - the `threads` test: kernel threads, the context
 * switch, mutexes and sleep/wakeup.
 *
 * What reaching PASS proves:
 *   pingpong          two threads take turns PINGPONG_ROUNDS times each
 *                     through a mutex-protected turn variable and
 *                     msleep/wakeup on it: every round is two context
 *                     switches (src/i386/switch.S), a wakeup and a
 *                     mutex hand-over, and none may be lost (a lost
 *                     wakeup would show as a timeout);
 *   mutex_contention  a thread asking for a mutex held by a sleeping
 *                     thread waits until it is released, and not less;
 *                     the line says which policy the kernel was built
 *                     with (adaptive, or options NO_ADAPTIVE_MUTEXES);
 *   thread_join       joining a thread that is still running honours the
 *                     timeout, and joining it after it exits succeeds.
 *
 * Walkthrough: walkthroughs/boot-pv.md, "The first event".
 */

#include "kern/libkern.h"
#include "kern/mutex.h"
#include "kern/report.h"
#include "kern/test.h"
#include "kern/thread.h"
#include "xen/timer.h"

#define	PINGPONG_ROUNDS		10000
#define	TURN_WAIT_NS		NS_PER_SEC	/* bound on one turn */
#define	JOIN_WAIT_NS		(60 * NS_PER_SEC) /* bound on a test thread */
#define	HOLD_NS			(20 * NS_PER_MS) /* contention: hold time */
#define	JOIN_SHORT_NS		(10 * NS_PER_MS)
#define	JOIN_WORK_NS		(50 * NS_PER_MS)

/* The ping-pong state, all under pp_lock. */
struct pingpong {
	struct mtx	 pp_lock;
	int		 pp_turn;	/* whose turn: 0 or 1 */
	unsigned int	 pp_rounds[2];	/* turns taken by each */
	unsigned int	 pp_timeouts;	/* turns that never came */
};

/* What each player thread is given. */
struct player {
	struct pingpong	*pl_game;
	int		 pl_me;
};

/*
 * One player: PINGPONG_ROUNDS times, wait for our turn, take it, hand
 * the turn to the other player and wake it.  The turn variable is only
 * read and written with the mutex held; msleep releases the mutex while
 * sleeping, which is what lets the other player take its turn at all.
 */
static void
pingpong_player(void *arg)
{
	struct player *pl = arg;
	struct pingpong *pp = pl->pl_game;
	int i;

	for (i = 0; i < PINGPONG_ROUNDS; i++) {
		mtx_lock(&pp->pp_lock);
		/* Re-check after every wakeup: the classic sleep loop. */
		while (pp->pp_turn != pl->pl_me) {
			if (msleep(&pp->pp_turn, &pp->pp_lock, "pingpong",
			    TURN_WAIT_NS) == SLEEP_TIMEDOUT) {
				pp->pp_timeouts++;
				mtx_unlock(&pp->pp_lock);
				return;
			}
		}
		pp->pp_rounds[pl->pl_me]++;
		pp->pp_turn = !pl->pl_me;
		wakeup(&pp->pp_turn);
		mtx_unlock(&pp->pp_lock);
	}
}

/*
 * Start both players and wait for them.  The pass condition is exact:
 * each took exactly PINGPONG_ROUNDS turns and no turn timed out.  Turns
 * strictly alternate, so a lost wakeup stalls both players and shows as
 * a timeout; a broken mutex (both inside at once) could double a turn
 * and shows as a wrong count.
 */
static void
check_pingpong(void)
{
	static struct pingpong pp;
	struct player players[2];
	struct thread *td[2];
	uint64_t start, elapsed;
	unsigned long switches;
	int i, joined = 1;

	/* Static: the players use it after this frame could be reused. */
	memset(&pp, 0, sizeof(pp));
	mtx_init(&pp.pp_lock, "pingpong");
	start = xen_clock_now();
	for (i = 0; i < 2; i++) {
		players[i].pl_game = &pp;
		players[i].pl_me = i;
		td[i] = thread_create(i == 0 ? "ping" : "pong",
		    pingpong_player, &players[i]);
		if (td[i] == NULL) {
			report("pingpong", FAIL, "thread_create failed: pool "
			    "of %d used up", THREAD_POOL);
			return;
		}
	}
	switches = 0;
	for (i = 0; i < 2; i++) {
		if (thread_join(td[i], JOIN_WAIT_NS) != 0)
			joined = 0;
		/*
		 * Read after the join: the count is final once the thread
		 * has exited, and a freed slot keeps its contents until
		 * thread_create() reuses it, which nothing does meanwhile.
		 */
		switches += td[i]->td_switches;
	}
	elapsed = xen_clock_now() - start;
	if (!joined || pp.pp_timeouts != 0 ||
	    pp.pp_rounds[0] != PINGPONG_ROUNDS ||
	    pp.pp_rounds[1] != PINGPONG_ROUNDS) {
		report("pingpong", FAIL, "rounds %u and %u of %d, %u turn "
		    "timeouts, players %s", pp.pp_rounds[0], pp.pp_rounds[1],
		    PINGPONG_ROUNDS, pp.pp_timeouts,
		    joined ? "exited" : "still running after 60 s");
		return;
	}
	/* One round is both players' turns: two switches. */
	report("pingpong", PASS, "%d rounds each in %llu ms (%llu rounds/s, "
	    "%lu switches to the players)", PINGPONG_ROUNDS,
	    elapsed / NS_PER_MS,
	    (uint64_t)PINGPONG_ROUNDS * NS_PER_SEC / (elapsed + 1), switches);
}

/* Contention: a holder that sleeps with the mutex, and a waiter. */
struct contention {
	struct mtx	 ct_lock;
	int		 ct_held;	/* holder has it */
	int		 ct_released;	/* holder let it go */
	int		 ct_in_order;	/* waiter got it after the release */
	uint64_t	 ct_waited;	/* ns the waiter waited */
};

/* Take the mutex and keep it across a sleep of HOLD_NS. */
static void
contention_holder(void *arg)
{
	struct contention *ct = arg;

	mtx_lock(&ct->ct_lock);
	ct->ct_held = 1;
	/* Sleep with the mutex held: the waiter must not get it now. */
	pause("holding", HOLD_NS);
	ct->ct_released = 1;
	mtx_unlock(&ct->ct_lock);
}

/*
 * Ask for the mutex while the holder sleeps with it.  mtx_lock must not
 * return before the holder's mtx_unlock: ct_released is set just before
 * it, so reading it once we own the mutex tells which came first.
 */
static void
contention_waiter(void *arg)
{
	struct contention *ct = arg;
	uint64_t start;

	/* The holder was created first and has run; check anyway. */
	while (!ct->ct_held)
		thread_yield();
	start = xen_clock_now();
	mtx_lock(&ct->ct_lock);
	ct->ct_waited = xen_clock_now() - start;
	ct->ct_in_order = ct->ct_released;
	mtx_unlock(&ct->ct_lock);
}

/*
 * The holder runs first (created first, FIFO run queue), so the waiter
 * finds the mutex owned by a sleeping thread.  An adaptive mutex must
 * not spin on a sleeping owner, and neither policy may let the waiter in
 * early; a waiter that got in after less than half the hold time would
 * mean the sleep or the wakeup is wrong.
 */
static void
check_contention(void)
{
	static struct contention ct;
	struct mtx_stats before, after;
	struct thread *holder, *waiter;
	int joined;

	memset(&ct, 0, sizeof(ct));
	mtx_init(&ct.ct_lock, "contention");
	mtx_stats_get(&before);
	holder = thread_create("holder", contention_holder, &ct);
	waiter = thread_create("waiter", contention_waiter, &ct);
	if (holder == NULL || waiter == NULL) {
		report("mutex_contention", FAIL, "thread_create failed");
		return;
	}
	joined = thread_join(holder, JOIN_WAIT_NS) == 0;
	joined = thread_join(waiter, JOIN_WAIT_NS) == 0 && joined;
	mtx_stats_get(&after);
	if (!joined || !ct.ct_in_order || ct.ct_waited < HOLD_NS / 2 ||
	    after.contested == before.contested) {
		report("mutex_contention", FAIL, "waiter got the mutex %s the "
		    "holder released it, after %llu us (holder slept %llu us); "
		    "contested %lu times; threads %s", ct.ct_in_order ?
		    "after" : "BEFORE", ct.ct_waited / NS_PER_US,
		    HOLD_NS / NS_PER_US, after.contested - before.contested,
		    joined ? "exited" : "stuck");
		return;
	}
	report("mutex_contention", PASS, "%s mutexes: waiter blocked %llu us "
	    "until the holder released; %lu spins, %lu sleeps",
	    mtx_policy(), ct.ct_waited / NS_PER_US,
	    after.spins - before.spins, after.sleeps - before.sleeps);
}

/* A thread that outlives a short join timeout. */
static void
join_worker(void *arg)
{

	(void)arg;
	pause("working", JOIN_WORK_NS);
}

/*
 * thread_join's bound: a join that times out must leave the thread
 * alone (still running, slot not freed), and a second join must then
 * collect it.  Freeing the slot of a running thread would let
 * thread_create hand out a stack that is still in use.
 */
static void
check_join(void)
{
	struct thread *td;
	int early, late;

	td = thread_create("worker", join_worker, NULL);
	if (td == NULL) {
		report("thread_join", FAIL, "thread_create failed");
		return;
	}
	early = thread_join(td, JOIN_SHORT_NS);
	late = thread_join(td, JOIN_WAIT_NS);
	if (early != SLEEP_TIMEDOUT || late != 0) {
		report("thread_join", FAIL, "join with %llu ms timeout on a "
		    "%llu ms thread returned %d (want %d), then %d (want 0)",
		    JOIN_SHORT_NS / NS_PER_MS, JOIN_WORK_NS / NS_PER_MS, early,
		    SLEEP_TIMEDOUT, late);
		return;
	}
	report("thread_join", PASS, "timed out after %llu ms while the thread "
	    "ran, joined it once it exited", JOIN_SHORT_NS / NS_PER_MS);
}

static void
test_threads(void)
{

	check_pingpong();
	check_contention();
	check_join();
}

DOMU_TEST(threads, "two threads ping-pong through a mutex and "
    "sleep/wakeup; contention; join", test_threads, 0);
