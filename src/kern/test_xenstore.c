/*
 * kern/test_xenstore.c - the `xenstore` and `xenstore_dom0` tests: the
 * xenstore client (src/xen/xenstore.c) against the real xenstored.
 *
 * `xenstore` needs nothing from dom0 beyond xenstored itself, so it runs
 * in the default boot (`make run`): it reads the keys the toolstack
 * wrote for us (name, domid), writes, lists and removes keys under our
 * data/ directory (the one part of our home the guest may write), gets
 * the errors xenstored names, runs a transaction that is forced to
 * conflict once and must be retried, and watches a key it changes
 * itself - the watch event arrives between two replies and must be
 * queued, not lost.  A watch with a callback must run it in the
 * xenwatch thread, where the callback itself reads the node; three
 * threads using xenstore at once must each get their own replies.  It
 * ends with a burst of reads timed on the PV clock.
 *
 * `xenstore_dom0` waits for dom0 to write a key it watches
 * (tests/boot/xenstore.dom0): the guest writes data/ready once its
 * watch is set, and dom0 writes only after seeing it, and after a
 * pause.  The guest asks Xen where its vCPU's time went meanwhile: a
 * wait that sleeps leaves it blocked, not running.
 *
 * Protocol: xen/include/public/io/xs_wire.h; walkthrough:
 * walkthroughs/boot-pv.md, "Talking to xenstore".
 */

#include "xen/xen.h"

#include <xen/vcpu.h>

#include "kern/callout.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/test.h"
#include "kern/thread.h"
#include "xen/intr.h"
#include "xen/timer.h"
#include "xen/xenstore.h"
#include "xen/xs_msg.h"

/* Our scratch directory, under the guest-writable data/. */
#define	TESTDIR	"data/domu-xs"

/* Reads in the round-trip burst. */
#define	BENCH_READS	1000

/* How long dom0 gets to write the key xenstore_dom0 watches. */
#define	DOM0_TIMEOUT_MS	60000

/*
 * Read path and compare it with want; on a mismatch report check as a
 * FAIL saying what was read, and return false.
 */
static bool
expect_value(const char *check, xs_transaction_t tx, const char *path,
    const char *want)
{
	char buf[128];
	int len;

	len = xs_read(tx, path, buf, sizeof(buf));
	if (len < 0) {
		report(check, FAIL, "read %s: error %d, expected \"%s\"", path,
		    len, want);
		return (false);
	}
	if (strcmp(buf, want) != 0) {
		report(check, FAIL, "read %s: \"%s\", expected \"%s\"", path,
		    buf, want);
		return (false);
	}
	return (true);
}

/* Report check as FAIL unless err is want; returns whether it was. */
static bool
expect_error(const char *check, const char *what, int err, int want)
{

	if (err == want)
		return (true);
	report(check, FAIL, "%s: returned %d, expected %d", what, err, want);
	return (false);
}

/* The toolstack wrote our name and domid; both paths must agree. */
static void
check_identity(void)
{
	char name[64], path[64];
	unsigned long domid;
	int err;

	/*
	 * libxl writes both at domain creation.  A domid is below
	 * DOMID_FIRST_RESERVED (0x7FF0): the ids above are Xen's own
	 * (DOMID_SELF, DOMID_IO ...), never a real domain's.
	 */
	err = xs_read_uint(XST_NIL, "domid", DOMID_FIRST_RESERVED - 1, &domid);
	if (err != 0) {
		report("xs-identity", FAIL, "read domid: error %d", err);
		return;
	}
	if ((err = xs_read(XST_NIL, "name", name, sizeof(name))) < 0) {
		report("xs-identity", FAIL, "read name: error %d", err);
		return;
	}
	/* "name" is relative to our home, /local/domain/<domid>. */
	snprintf(path, sizeof(path), "/local/domain/%lu/name", domid);
	if (!expect_value("xs-identity", XST_NIL, path, name))
		return;
	report("xs-identity", PASS, "domid %lu name %s", domid, name);
}

/* Write, read back, remove; then the key must be gone. */
static void
check_read_write(void)
{
	int err;

	if ((err = xs_write(XST_NIL, TESTDIR "/value", "hello xenstore")) != 0) {
		report("xs-readwrite", FAIL, "write " TESTDIR "/value: error %d",
		    err);
		return;
	}
	if (!expect_value("xs-readwrite", XST_NIL, TESTDIR "/value",
	    "hello xenstore"))
		return;
	if (!expect_error("xs-readwrite", "rm " TESTDIR "/value",
	    xs_rm(XST_NIL, TESTDIR "/value"), 0) ||
	    !expect_error("xs-readwrite", "read after rm",
	    xs_read(XST_NIL, TESTDIR "/value", NULL, 0), -ENOENT))
		return;
	report("xs-readwrite", PASS, "write, read back, rm, then ENOENT");
}

/* xenstored's error names arrive as our errno values. */
static void
check_errors(void)
{

	/*
	 * Each request fails in xenstored for a different reason, and the
	 * name it sends back ("ENOENT" ...) must arrive as that error:
	 * a missing node; a node in dom0's home, which only dom0 may write
	 * (the permissions libxl set); a path below a missing node; a
	 * transaction id xenstored never gave out.
	 */
	if (!expect_error("xs-errors", "read of a missing key",
	    xs_read(XST_NIL, TESTDIR "/no-such-key", NULL, 0), -ENOENT) ||
	    !expect_error("xs-errors", "write into dom0's home",
	    xs_write(XST_NIL, "/local/domain/0/domu-xs", "x"), -EACCES) ||
	    !expect_error("xs-errors", "rm of a missing key",
	    xs_rm(XST_NIL, TESTDIR "/no-such-key/below"), -ENOENT) ||
	    !expect_error("xs-errors", "end of a transaction never started",
	    xs_transaction_end(4242, false), -ENOENT))
		return;
	report("xs-errors", PASS, "ENOENT, EACCES, ENOENT, ENOENT as named");
}

/* mkdir, three children, and the listing must name exactly those. */
static void
check_directory(void)
{
	static const char *const want[] = { "a", "b", "c" };
	char list[64], path[64];
	unsigned int i, found = 0;
	const char *p;
	int n;

	/*
	 * Set-up steps are not checked one by one: a failure shows in the
	 * listing, which is the check.
	 */
	(void)xs_mkdir(XST_NIL, TESTDIR "/dir");
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), TESTDIR "/dir/%s", want[i]);
		(void)xs_write(XST_NIL, path, want[i]);
	}
	n = xs_directory(XST_NIL, TESTDIR "/dir", list, sizeof(list));
	/* Order is xenstored's business: match each name to the set. */
	for (p = list; n > 0 && *p != '\0'; p += strlen(p) + 1)
		for (i = 0; i < 3; i++)
			if (strcmp(p, want[i]) == 0)
				found |= 1u << i;
	(void)xs_rm(XST_NIL, TESTDIR "/dir");
	if (n != 3 || found != 7) {
		report("xs-directory", FAIL, "listed %d children (found mask "
		    "0x%x), expected a, b, c", n, found);
		return;
	}
	report("xs-directory", PASS, "mkdir, 3 children listed, rm");
}

/* State of the transaction function below, one run of it per try. */
struct tx_test {
	int	tries;		/* times the function ran */
	int	err;		/* first error seen, for the report */
};

/*
 * Inside the transaction: read tx/c, write tx/a and tx/b.  The first
 * time, change tx/c from outside the transaction as another domain
 * could; xenstored must then refuse the commit with EAGAIN.
 */
static int
tx_body(xs_transaction_t tx, void *arg)
{
	struct tx_test *t = arg;
	char buf[16];
	int err;

	t->tries++;
	/* The read puts tx/c in the transaction's set of nodes it saw. */
	(void)xs_read(tx, TESTDIR "/tx/c", buf, sizeof(buf));
	if (t->tries == 1 &&
	    (err = xs_write(XST_NIL, TESTDIR "/tx/c", "changed")) != 0)
		return (t->err = err);
	if ((err = xs_write(tx, TESTDIR "/tx/a", "1")) != 0 ||
	    (err = xs_write(tx, TESTDIR "/tx/b", "2")) != 0)
		return (t->err = err);
	/* Not committed yet: outside the transaction, nothing is there. */
	if (xs_read(XST_NIL, TESTDIR "/tx/a", NULL, 0) != -ENOENT)
		return (t->err = -EEXIST);
	return (0);
}

static void
check_transaction(void)
{
	struct tx_test t = { 0, 0 };
	int err;

	/* Start from a known tree: tx/c only, so tx/a and tx/b are new. */
	(void)xs_rm(XST_NIL, TESTDIR "/tx");
	(void)xs_write(XST_NIL, TESTDIR "/tx/c", "initial");
	err = xs_transaction_run(tx_body, &t);
	if (err != 0) {
		report("xs-transaction", FAIL, "error %d after %d tries "
		    "(first error %d)", err, t.tries, t.err);
		return;
	}
	if (!expect_value("xs-transaction", XST_NIL, TESTDIR "/tx/a", "1") ||
	    !expect_value("xs-transaction", XST_NIL, TESTDIR "/tx/b", "2"))
		return;
	if (t.tries != 2) {
		report("xs-transaction", FAIL, "committed after %d tries, "
		    "expected 2 (one EAGAIN, one success)", t.tries);
		return;
	}
	(void)xs_rm(XST_NIL, TESTDIR "/tx");
	report("xs-transaction", PASS, "EAGAIN on a conflict, committed on "
	    "the retry");
}

/*
 * Watch a key, change it ourselves, make one more request, and only
 * then look for the event: it came in while we waited for replies.
 */
static void
check_watch_queue(void)
{
	struct xs_stats before, after;
	char path[XS_WATCH_PATH_MAX];
	int err;

	(void)xs_write(XST_NIL, TESTDIR "/w", "0");
	if ((err = xs_watch(TESTDIR "/w", "xs-self")) != 0) {
		report("xs-watch", FAIL, "watch " TESTDIR "/w: error %d", err);
		return;
	}
	/* A new watch fires once at once, for the state before it. */
	err = xs_watch_event("xs-self", path, sizeof(path), 5000);
	if (err != 0 || strcmp(path, TESTDIR "/w") != 0) {
		report("xs-watch", FAIL, "first event: error %d path %s", err,
		    err == 0 ? path : "-");
		goto out;
	}
	/*
	 * xenstored fires the watch while it handles our write, so the
	 * event is in the ring before the reply to the read that follows:
	 * the client must have queued it by the time that read returns.
	 * The counters tell how many events went into the queue.
	 */
	xs_get_stats(&before);
	(void)xs_write(XST_NIL, TESTDIR "/w", "1");
	(void)xs_read(XST_NIL, "domid", NULL, 0);
	xs_get_stats(&after);
	if (after.events != before.events + 1) {
		report("xs-watch", FAIL, "%lu events queued during two "
		    "requests, expected 1", after.events - before.events);
		goto out;
	}
	/* Timeout 0: the event must already be here, not on its way. */
	err = xs_watch_event("xs-self", path, sizeof(path), 0);
	if (err != 0 || strcmp(path, TESTDIR "/w") != 0) {
		report("xs-watch", FAIL, "queued event: error %d path %s", err,
		    err == 0 ? path : "-");
		goto out;
	}
	report("xs-watch", PASS, "event queued between replies, then taken");
out:
	(void)xs_unwatch(TESTDIR "/w", "xs-self");
}

/* What the watch callback of xs-watch-thread saw. */
struct cb_seen {
	int		 calls;		/* callbacks run */
	int		 read_err;	/* its own xs_read of the node */
	char		 value[32];	/* what that read returned */
	const char	*thread;	/* the thread it ran in */
};

/*
 * The callback (in the xenwatch thread): read the node that changed -
 * a xenstore request from inside a callback - and wake the test.
 */
static void
watch_cb(const char *path, const char *token, void *arg)
{
	struct cb_seen *seen = arg;

	(void)token;
	seen->read_err = xs_read(XST_NIL, path, seen->value,
	    sizeof(seen->value));
	seen->thread = curthread->td_name;
	seen->calls++;
	wakeup(seen);
}

/*
 * Sleep until the callback has run `calls` times, at most timeout_ns.
 * The count is changed by another thread, which cannot run between our
 * test and our sleep (one vCPU, no preemption; upcalls masked so no
 * handler wakes it either).  1 if it got there.
 */
static int
cb_wait(struct cb_seen *seen, int calls, uint64_t timeout_ns)
{
	uint64_t deadline = xen_clock_now() + timeout_ns, now;
	int was, ok;

	was = intr_disable();
	while (seen->calls < calls && (now = xen_clock_now()) < deadline)
		(void)tsleep(seen, "xscb", deadline - now);
	ok = seen->calls >= calls;
	intr_restore(was);
	return (ok);
}

/*
 * A watch with a callback: it runs in the xenwatch thread, may make a
 * request itself (it reads the node), and stops after xs_unwatch().
 */
static void
check_watch_thread(void)
{
	struct cb_seen seen = { 0, 0, "", NULL };
	int err, calls;

	(void)xs_rm(XST_NIL, TESTDIR "/cb");
	err = xs_watch_callback(TESTDIR "/cb", "xs-cb", watch_cb, &seen);
	if (err != 0) {
		report("xs-watch-thread", FAIL, "xs_watch_callback: error %d",
		    err);
		return;
	}
	/* The event for the watch's creation: the node is not there yet. */
	if (!cb_wait(&seen, 1, 5 * NS_PER_SEC) || seen.read_err != -ENOENT) {
		report("xs-watch-thread", FAIL, "first callback: %d calls, "
		    "its read returned %d, expected ENOENT", seen.calls,
		    seen.read_err);
		goto out;
	}
	(void)xs_write(XST_NIL, TESTDIR "/cb", "from a callback");
	if (!cb_wait(&seen, 2, 5 * NS_PER_SEC) || seen.read_err < 0 ||
	    strcmp(seen.value, "from a callback") != 0) {
		report("xs-watch-thread", FAIL, "after a write: %d calls, its "
		    "read returned %d \"%s\"", seen.calls, seen.read_err,
		    seen.value);
		goto out;
	}
	if (seen.thread == NULL || strcmp(seen.thread, "xenwatch") != 0) {
		report("xs-watch-thread", FAIL, "callback ran in thread %s, "
		    "expected xenwatch", seen.thread);
		goto out;
	}
	/* Unwatched: a change must call nobody. */
	(void)xs_unwatch(TESTDIR "/cb", "xs-cb");
	calls = seen.calls;
	(void)xs_write(XST_NIL, TESTDIR "/cb", "unwatched");
	(void)xs_read(XST_NIL, "domid", NULL, 0);
	pause("xscbgone", 20 * NS_PER_MS);
	if (seen.calls != calls) {
		report("xs-watch-thread", FAIL, "%d callbacks after "
		    "xs_unwatch", seen.calls - calls);
		return;
	}
	report("xs-watch-thread", PASS, "callback ran in the xenwatch thread "
	    "%d times, read the node itself, none after unwatch", calls);
	return;
out:
	(void)xs_unwatch(TESTDIR "/cb", "xs-cb");
}

/* Threads of xs-threads, and what each does. */
#define	XS_THREADS		3
#define	XS_THREAD_ROUNDS	50

struct xs_worker {
	int	id;
	int	done;		/* rounds that read back what they wrote */
	int	err;		/* first error, 0 if none */
};

/*
 * Write our own key and read it back, XS_THREAD_ROUNDS times, while the
 * other workers do the same: each request sleeps for its reply, so the
 * others run meanwhile and find the client busy.
 */
static void
xs_worker_run(void *arg)
{
	struct xs_worker *w = arg;
	char path[48], want[16], got[16];
	int i, err;

	snprintf(path, sizeof(path), TESTDIR "/thread/%d", w->id);
	for (i = 0; i < XS_THREAD_ROUNDS; i++) {
		snprintf(want, sizeof(want), "%d.%d", w->id, i);
		if ((err = xs_write(XST_NIL, path, want)) != 0 ||
		    (err = xs_read(XST_NIL, path, got, sizeof(got))) < 0) {
			w->err = err;
			return;
		}
		if (strcmp(got, want) != 0) {
			w->err = -EIO;
			return;
		}
		w->done++;
	}
}

/*
 * Several threads use xenstore at once: every request must get its own
 * reply (a second request written into the ring while the first waits
 * would get the first one's), and some requests must have found the
 * ring taken by another's - that is, the threads really overlapped.
 */
static void
check_threads(void)
{
	struct xs_worker w[XS_THREADS];
	struct thread *td[XS_THREADS];
	struct xs_stats before, after;
	int i, started = 0, done = 0, err = 0;

	xs_get_stats(&before);
	for (i = 0; i < XS_THREADS; i++) {
		w[i] = (struct xs_worker){ .id = i };
		if ((td[i] = thread_create("xsworker", xs_worker_run,
		    &w[i])) != NULL)
			started++;
	}
	for (i = 0; i < XS_THREADS; i++) {
		if (td[i] == NULL)
			continue;
		if (thread_join(td[i], 30 * NS_PER_SEC) != 0)
			err = -ETIMEDOUT;
		done += w[i].done;
		if (w[i].err != 0 && err == 0)
			err = w[i].err;
	}
	xs_get_stats(&after);
	(void)xs_rm(XST_NIL, TESTDIR "/thread");
	if (started != XS_THREADS || err != 0 ||
	    done != XS_THREADS * XS_THREAD_ROUNDS) {
		report("xs-threads", FAIL, "%d of %d threads started, %d of %d "
		    "rounds read back what they wrote, error %d", started,
		    XS_THREADS, done, XS_THREADS * XS_THREAD_ROUNDS, err);
		return;
	}
	if (after.queued == before.queued) {
		report("xs-threads", FAIL, "%d rounds, but no request ever "
		    "found the ring busy: the threads did not overlap", done);
		return;
	}
	report("xs-threads", PASS, "%d threads x %d write+read rounds, each "
	    "read its own value; %lu requests waited for another's reply",
	    XS_THREADS, XS_THREAD_ROUNDS, after.queued - before.queued);
}

/* The round trips of the burst, in microseconds, for the percentiles. */
static uint32_t rt_us[BENCH_READS];

/* Sort n values in place (insertion sort: 1000 values, once). */
static void
sort_u32(uint32_t *v, int n)
{
	uint32_t x;
	int i, j;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * A burst of reads, each timed with the PV clock: what one round trip
 * costs - our request, the event to xenstored, its reply, the event back
 * and the wait for it - and how often the client had to wait.
 */
static void
check_round_trips(void)
{
	struct xs_stats before, after;
	uint64_t start, total = 0;
	char buf[16];
	int i, err = 0;

	xs_get_stats(&before);
	for (i = 0; i < BENCH_READS && err >= 0; i++) {
		start = xen_clock_now();
		err = xs_read(XST_NIL, "domid", buf, sizeof(buf));
		rt_us[i] = (uint32_t)((xen_clock_now() - start) / NS_PER_US);
		total += rt_us[i];
	}
	xs_get_stats(&after);
	if (err < 0) {
		report("xs-roundtrips", FAIL, "read %d failed: error %d", i,
		    err);
		return;
	}
	/*
	 * The median says what a round trip costs; the mean and the
	 * maximum say how much the host (other QEMUs on the same cores)
	 * held up dom0 or us meanwhile.
	 */
	sort_u32(rt_us, BENCH_READS);
	report("xs-roundtrips", PASS, "%d reads: median %u us, 90%% within "
	    "%u us, max %u us, mean %llu us; %lu waits for xenstored",
	    BENCH_READS, rt_us[BENCH_READS / 2], rt_us[BENCH_READS * 9 / 10],
	    rt_us[BENCH_READS - 1], (unsigned long long)(total / BENCH_READS),
	    after.waits - before.waits);
}

static void
test_xenstore(void)
{

	if (xs_init() != 0) {
		report("xs-identity", FAIL, "no xenstore ring");
		return;
	}
	check_identity();
	check_read_write();
	check_errors();
	check_directory();
	check_transaction();
	check_watch_queue();
	check_watch_thread();
	check_threads();
	check_round_trips();
	/* Leave our home as we found it. */
	(void)xs_rm(XST_NIL, TESTDIR);
}

DOMU_TEST(xenstore, "read, write, list, transactions, watches with xenstored",
    test_xenstore, 0);

/*
 * Dom0 writes TESTDIR/from-dom0 once it sees data/ready; the watch set
 * before data/ready must see it.
 */
static void
test_xenstore_dom0(void)
{
	struct vcpu_runstate_info rs0, rs1;
	char path[XS_WATCH_PATH_MAX];
	uint64_t start, waited, running;
	int err;

	if ((err = xs_watch(TESTDIR "/from-dom0", "xs-dom0")) != 0) {
		report("xs-dom0-watch", FAIL, "watch: error %d", err);
		return;
	}
	/* The event for the watch's creation: the key is not there yet. */
	(void)xs_watch_event("xs-dom0", path, sizeof(path), 5000);
	if ((err = xs_write(XST_NIL, "data/ready", "1")) != 0) {
		report("xs-dom0-watch", FAIL, "write data/ready: error %d",
		    err);
		goto out;
	}
	printf("xenstore_dom0: watching " TESTDIR "/from-dom0; data/ready "
	    "written\n");
	(void)xen_vcpu_runstate(&rs0);
	start = xen_clock_now();
	err = xs_watch_event("xs-dom0", path, sizeof(path), DOM0_TIMEOUT_MS);
	waited = xen_clock_now() - start;
	(void)xen_vcpu_runstate(&rs1);
	if (err != 0) {
		report("xs-dom0-watch", FAIL, "no event within %u ms: error "
		    "%d", DOM0_TIMEOUT_MS, err);
		goto out;
	}
	if (!expect_value("xs-dom0-watch", XST_NIL, TESTDIR "/from-dom0",
	    "hello from dom0"))
		goto out;
	/*
	 * Dom0 lets us wait about 2 s.  A guest that sleeps until the
	 * event spends that time blocked in Xen; one that polled would be
	 * running (or runnable) throughout.
	 */
	running = XEN_RUNSTATE_MS(rs0, rs1, RUNSTATE_running);
	if (running * 2 > waited / NS_PER_MS) {
		report("xs-dom0-watch", FAIL, "waited %llu ms for dom0's "
		    "write, but the vCPU ran %llu ms of it: the wait polls",
		    (unsigned long long)(waited / NS_PER_MS), (unsigned long long)running);
		goto out;
	}
	report("xs-dom0-watch", PASS, "event for %s, value written by dom0; "
	    "waited %llu ms, vCPU running %llu ms, runnable %llu ms, blocked "
	    "%llu ms meanwhile", path, (unsigned long long)(waited / NS_PER_MS),
	    (unsigned long long)running,
	    (unsigned long long)XEN_RUNSTATE_MS(rs0, rs1, RUNSTATE_runnable),
	    (unsigned long long)XEN_RUNSTATE_MS(rs0, rs1, RUNSTATE_blocked));
out:
	(void)xs_unwatch(TESTDIR "/from-dom0", "xs-dom0");
}

DOMU_TEST(xenstore_dom0, "a watch fires when dom0 writes the key",
    test_xenstore_dom0, TEST_NEEDS_DOM0);
