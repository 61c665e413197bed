/*
 * xen/xenstore.c - the xenstore client (interface in xen/xenstore.h).
 *
 * Where this sits: drivers and xenbus (src/xen/xenbus.c) call xs_read(),
 * xs_write(), xs_watch() ...; each call becomes one request message in
 * the xenstore page that the domain builder gave us (boot_info.store_ring,
 * from start_info on PV, HVM_PARAM_STORE_PFN on HVM), and one reply from
 * xenstored in dom0.  The byte-level work (rings, headers, parsing) is
 * in xen/xs_msg.c; this file adds request ids, waiting, error mapping,
 * transactions and the watch-event queue.
 *
 * Protocol: xen/include/public/io/xs_wire.h, Xen's docs/misc/xenstore.txt
 * (the messages) and docs/misc/xenstore-ring.txt (the page, including
 * server_features and the connection field).  A NATIVE kernel has no
 * such thing: its devices are found on buses and in firmware tables.
 *
 * Threads and locking.  Any thread may call the client.  One mutex,
 * xs_lock, guards everything here - the ring, the receive buffer xs_rx,
 * the queue of watch events, the table of watch callbacks - and is
 * released whenever a thread waits for xenstored (xs_wait), so it is
 * held only for moments.  The ring carries one request at a time:
 * xs_busy, set under xs_lock, says a request is on it, and from then on
 * only that request's thread reads the rsp ring, until its reply has
 * been read and used (xs_reply_done clears xs_busy).  Other requesters
 * sleep until the ring is theirs, within their own request's deadline.
 * (FreeBSD holds a sleepable request lock the same way; Linux lets
 * several requests be in flight and matches replies by req_id, with a
 * reader thread.)
 *
 * Waiting.  xenstored sends an event on boot_info.store_evtchn whenever
 * it has written a reply or watch event, and whenever it has consumed a
 * request.  The handler bound to that port (evtchn_wait_bind) wakes
 * the threads asleep on the ring page's address; so does every change
 * of xs_busy and of the event queue.  Every wait goes through xs_wait(), that is
 * evtchn_wait() (xen/evtchn_wait.h): with xs_lock held, test the
 * condition with upcalls masked, sleep (releasing xs_lock) until a
 * wake-up or a deadline on Xen's clock, take xs_lock and test again.
 *
 * Watches.  Events arrive whenever xenstored likes, even between a
 * request and its reply, so whoever reads one puts it in a bounded queue
 * (struct xs_watch_queue, XS_WATCH_QUEUE_LEN events).  Two kinds of
 * watchers take them, by token: a thread waiting in xs_watch_event(),
 * and callbacks registered with xs_watch_callback(), which the
 * "xenwatch" thread (xs_watch_thread) runs one at a time, without
 * xs_lock held - so that a callback may itself make requests, as every
 * xenbus driver's does.  The xenwatch thread also reads the ring while
 * nobody else does, so that events are seen even when no request is
 * made.
 *
 * xenstored is a peer, not a friend: see xs_msg.c for the checks on its
 * bytes; here, a reply of the wrong type fails the request, an unknown
 * req_id is logged and dropped, and a ring whose indices or lengths are
 * impossible is abandoned (every later request fails with -EIO) rather
 * than read on out of step.
 */

#include "xen/xen.h"

#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/mutex.h"
#include "kern/thread.h"
#include "xen/barrier.h"
#include "xen/evtchn.h"
#include "xen/evtchn_wait.h"
#include "xen/timer.h"
#include "xen/xenstore.h"
#include "xen/xs_msg.h"

/*
 * How long a request may take, from waiting for the ring to be free to
 * its reply: one deadline for the whole of it.  Replies take a fraction
 * of a millisecond (walkthroughs/boot-pv.md, "Talking to xenstore"), but
 * dom0 is a guest too: under QEMU on a busy host, xenstored's own trace
 * (xenstore-control log on) showed it doing nothing at all for 10.4 s,
 * with our request unread in the ring and dom0's own clients waiting as
 * well.  A guest must outwait that; Linux's client waits for ever.
 */
#define	XS_REPLY_TIMEOUT_NS	(30 * NS_PER_SEC)

/* How long a resumed ring may stay in reconnection (xs_connect). */
#define	XS_CONNECT_TIMEOUT_NS	NS_PER_SEC

/*
 * How many unrelated messages (watch events, stray replies) one wait
 * may read before its own.  Bounds the work a flooding peer can make
 * us do; an honest xenstored sends a handful at most.
 */
#define	XS_MAX_UNRELATED	1000

/* Watches remembered for a resume (xs_watches). */
#define	XS_WATCHES_MAX		32

/* Watch callbacks that may be registered at once (xs_watch_callback). */
#define	XS_WATCH_CALLBACKS	8

/* How long xs_unwatch() waits for the callback it removes to return. */
#define	XS_UNWATCH_WAIT_NS	(5 * NS_PER_SEC)

/* A registered watch callback; token[0] == '\0' marks a free slot. */
struct xs_watch_cb {
	char		 token[XS_WATCH_TOKEN_MAX];
	xs_watch_fn	*fn;
	void		*arg;
};

/*
 * Everything below is guarded by xs_lock (see the top of the file),
 * except xs_intf, set once by xs_connect() and never changed after.
 */
static struct mtx xs_lock;
static bool xs_lock_ready;
static struct xenstore_domain_interface *xs_intf;
static uint32_t xs_evtchn;
/* The port to wait on, and the channel its handler wakes: the ring page. */
static struct evtchn_waitq xs_waitq;
/* The last request id used; 0 is never sent (see xs_next_req_id). */
static uint32_t xs_req_id;
/* Set when the ring broke the protocol: no further requests. */
static bool xs_broken;
/* A request is on the ring; only its thread reads the rsp ring. */
static bool xs_busy;
/* Requesters waiting for the ring to be free. */
static unsigned int xs_ring_waiters;
/* The message being received, the body being sent, queued events. */
static struct xs_reader xs_rx;
static char xs_txbody[XENSTORE_PAYLOAD_MAX];
static struct xs_watch_queue xs_watchq;
/* Counts the events queued, so that a waiter can tell the queue moved. */
static unsigned long xs_queue_gen;
static struct xs_watch_cb xs_callbacks[XS_WATCH_CALLBACKS];
/* The xenwatch thread, once started, and the callback it is running. */
static struct thread *xs_watch_td;
static const struct xs_watch_cb *xs_dispatching;
static struct xs_stats xs_counters;

/*
 * Every watch set and not yet removed, so that xs_resume() can set them
 * again: a restored domain is new to xenstored, which knows none of its
 * watches.  (Linux keeps the same list, watches, for the same reason.)
 * path[0] == '\0' marks a free slot.
 */
struct xs_watch_rec {
	char	path[XS_WATCH_PATH_MAX];
	char	token[XS_WATCH_TOKEN_MAX];
};
static struct xs_watch_rec xs_watches[XS_WATCHES_MAX];

/*
 * Wait until ready(arg) holds or the deadline passes (0: no bound, for
 * the xenwatch thread only); with unlock, xs_lock is released while
 * asleep (only xs_connect() keeps it).  This is the one place the
 * client waits; evtchn_wait() explains the order of the test and the
 * sleep that keeps the handler's wake-up from being lost.
 */
static int
xs_wait(bool (*ready)(void *), void *arg, uint64_t deadline, bool unlock)
{

	if (ready(arg))
		return (0);
	xs_counters.waits++;
	return (evtchn_wait(&xs_waitq, unlock ? &xs_lock : NULL, ready, arg,
	    deadline));
}

/* Conditions for xs_wait(): the rings' state, read by xs_msg.c. */
static bool
xs_rsp_ready(void *arg)
{

	return (xs_ring_rsp_has_data(arg));
}

static bool
xs_req_ready(void *arg)
{

	return (xs_ring_req_has_room(arg));
}

/* For requesters: no other request is on the ring. */
static bool
xs_ring_free(void *arg)
{

	(void)arg;
	return (!xs_busy);
}

/*
 * For watchers: a message they may read, or an event queued since the
 * waiter noted xs_queue_gen in *arg.  While a request is on the ring,
 * its messages are its thread's to read; a broken ring's are never read
 * again.  Either way they count as nothing to read (or the xenwatch
 * thread would never sleep).
 */
static bool
xs_rsp_or_queued(void *arg)
{
	const unsigned long *gen = arg;

	return ((!xs_broken && !xs_busy && xs_ring_rsp_has_data(xs_intf)) ||
	    xs_queue_gen != *gen);
}

/*
 * The request is done with the ring: let the next one, and watchers, in,
 * and release xs_lock.  Scheduling is cooperative, so a thread making
 * requests in a loop would take the ring again before any thread woken
 * here had run, for as long as its loop lasted: when some wait, it
 * yields, and the first of them gets the ring.
 */
static void
xs_request_end(void)
{
	bool others = xs_ring_waiters > 0;

	xs_busy = false;
	wakeup(xs_waitq.chan);
	mtx_unlock(&xs_lock);
	if (others && thread_can_sleep())
		thread_yield();
}

/* Give up on a ring that broke the protocol; every request fails after. */
static int
xs_abandon(const char *why)
{

	xs_broken = true;
	printf("xenstore: %s (req_prod %u req_cons %u rsp_prod %u "
	    "rsp_cons %u); ring abandoned\n", why, xs_intf->req_prod,
	    READ_ONCE(xs_intf->req_cons), READ_ONCE(xs_intf->rsp_prod),
	    xs_intf->rsp_cons);
	/*
	 * A server with FEATURE_ERROR says in `error` what it thinks went
	 * wrong (XENSTORE_ERROR_* in xs_wire.h): worth a line when it
	 * does.
	 */
	if ((READ_ONCE(xs_intf->server_features) &
	    XENSTORE_SERVER_FEATURE_ERROR) != 0)
		printf("xenstore: the server's error field holds %u\n",
		    READ_ONCE(xs_intf->error));
	return (-EIO);
}

/* Whether the server has finished (re)connecting the ring. */
static bool
xs_ring_connected(void *arg)
{
	struct xenstore_domain_interface *intf = arg;

	return (READ_ONCE(intf->connection) == XENSTORE_CONNECTED);
}

/*
 * Attach to the ring, once: bind the handler, wait out a reconnection.
 * xs_lock held; xs_intf is set last, as the sign that all is done.
 */
static int
xs_connect(void)
{
	struct xenstore_domain_interface *intf = boot_info.store_ring;
	uint32_t features;
	int err;

	if (intf == NULL) {
		printf("xenstore: no xenstore ring at boot; xenstore is "
		    "unavailable\n");
		return (-ENXIO);
	}
	xs_evtchn = boot_info.store_evtchn;
	xs_waitq.port = xs_evtchn;
	xs_waitq.wmesg = "xenstore";
	/*
	 * The handler first, so that no event from here on is missed;
	 * binding unmasks the port, which evtchn_init() had masked.  It
	 * wakes the threads asleep on the ring page's address.
	 */
	if ((err = evtchn_wait_bind(&xs_waitq, intf)) != 0) {
		printf("xenstore: cannot bind event channel %u (error %d); "
		    "xenstore is unavailable\n", xs_evtchn, err);
		return (-ENXIO);
	}
	/*
	 * server_features says what xenstored implements beyond the
	 * original protocol (xs_wire.h).  With RECONNECTION, `connection`
	 * is XENSTORE_RECONNECT while the server resets the ring (after a
	 * resume, say); requests written then would be lost, so wait for
	 * XENSTORE_CONNECTED, a bounded time.
	 */
	features = READ_ONCE(intf->server_features);
	if ((features & XENSTORE_SERVER_FEATURE_RECONNECTION) != 0 &&
	    xs_wait(xs_ring_connected, intf, xen_clock_now() +
	    XS_CONNECT_TIMEOUT_NS, false) != 0) {
		printf("xenstore: ring stays in reconnection (connection %u); "
		    "xenstore is unavailable\n", READ_ONCE(intf->connection));
		return (-EIO);
	}
	xs_reader_reset(&xs_rx);
	printf("xenstore: ring %p, event channel %u, server features 0x%x\n",
	    (void *)intf, xs_evtchn, features);
	xs_intf = intf;
	return (0);
}

int
xs_init(void)
{
	int err;

	if (xs_intf != NULL)
		return (0);
	/*
	 * The first caller makes the mutex.  No thread can run between
	 * the test and the store: scheduling is cooperative and nothing
	 * here sleeps.
	 */
	if (!xs_lock_ready) {
		mtx_init(&xs_lock, "xenstore");
		xs_lock_ready = true;
	}
	mtx_lock(&xs_lock);
	err = xs_intf != NULL ? 0 : xs_connect();
	mtx_unlock(&xs_lock);
	return (err);
}

/*
 * Request ids only need to differ from those of requests still
 * unanswered; a counter does, for 2^32 requests.  0 is skipped: watch
 * events carry req_id 0, and xs_process() uses 0 for "no request".
 */
static uint32_t
xs_next_req_id(void)
{

	if (++xs_req_id == 0)
		xs_req_id = 1;
	return (xs_req_id);
}

/*
 * Copy len bytes of a request into the req ring, in as many pieces as
 * the ring needs (a request may be four times its size), telling
 * xenstored after each piece.  xs_lock held, the ring ours (xs_busy).
 */
static int
xs_send(const void *data, size_t len, uint64_t deadline)
{
	const char *p = data;
	int n;

	while (len > 0) {
		n = xs_ring_write(xs_intf, p, len);
		if (n < 0)
			return (xs_abandon("xenstored's req_cons is out of "
			    "range"));
		if (n > 0) {
			(void)evtchn_send(xs_evtchn);
			p += n;
			len -= (size_t)n;
			continue;
		}
		/*
		 * A request left half written would put the stream out of
		 * step for good: xenstored would read our next header as
		 * the rest of this body.
		 */
		if (xs_wait(xs_req_ready, xs_intf, deadline, true) != 0)
			return (xs_abandon("xenstored stopped reading "
			    "requests"));
	}
	return (0);
}

/* Queue the watch event in xs_rx for xs_watch_event(). */
static void
xs_queue_event(void)
{
	const char *path, *token;

	if (xs_msg_watch_event(xs_rx.body, xs_rx.hdr.len, &path, &token) != 0) {
		printf("xenstore: malformed watch event (%u bytes) dropped\n",
		    xs_rx.hdr.len);
		return;
	}
	switch (xs_watch_queue_push(&xs_watchq, path, token)) {
	case XS_QUEUED:
		xs_counters.events++;
		/*
		 * Tell the watchers: a thread in xs_watch_event() or the
		 * xenwatch thread may be asleep on the ring, waiting for
		 * this very event, which we read in their place.
		 */
		xs_queue_gen++;
		wakeup(xs_waitq.chan);
		break;
	case XS_QUEUED_ALREADY:
		break;
	case XS_QUEUE_FULL:
	case XS_QUEUE_TOO_LONG:
		xs_counters.events_dropped++;
		printf("xenstore: watch event for %s (token %s) dropped: "
		    "queue full or path too long\n", path, token);
		break;
	}
}

/* What xs_process() found for its caller. */
enum xs_outcome {
	XS_NOTHING = 0,		/* nothing (more) for the caller yet */
	XS_GOT_REPLY = 1,	/* the reply is in xs_rx */
	XS_GOT_ERROR = 2,	/* an XS_ERROR reply is in xs_rx */
};

/*
 * Handle one message from xenstored, if a whole one is there, on behalf
 * of the request (req_id, type) waiting for its reply, or of nobody
 * (req_id 0).  Returns an xs_outcome (with the message left in xs_rx
 * for a reply), or -EIO when the ring broke.
 */
static int
xs_process(uint32_t req_id, uint32_t type)
{
	XENSTORE_RING_IDX before = xs_intf->rsp_cons;
	enum xs_pull_status st;
	enum xs_msg_kind kind;

	st = xs_reader_pull(&xs_rx, xs_intf);
	/*
	 * We freed slots: xenstored may be waiting for room to write the
	 * rest of a long message.
	 */
	if (xs_intf->rsp_cons != before)
		(void)evtchn_send(xs_evtchn);
	if (st == XS_PULL_BAD_INDEX)
		return (xs_abandon("xenstored's rsp_prod is out of range"));
	if (st == XS_PULL_TOO_LONG) {
		printf("xenstore: message length %u exceeds %u\n",
		    xs_rx.hdr.len, XENSTORE_PAYLOAD_MAX);
		return (xs_abandon("message too long"));
	}
	if (st == XS_PULL_MORE)
		return (XS_NOTHING);

	kind = xs_msg_classify(&xs_rx.hdr, req_id, type);
	if (kind == XS_MSG_WATCH_EVENT)
		xs_queue_event();
	else if (req_id == 0 || kind == XS_MSG_STRAY) {
		xs_counters.stray++;
		printf("xenstore: reply type %u req_id %u matches no request "
		    "(waiting for %u); dropped\n", xs_rx.hdr.type,
		    xs_rx.hdr.req_id, req_id);
	} else if (kind == XS_MSG_MISMATCH)
		printf("xenstore: reply to request %u has type %u, expected "
		    "%u; dropped\n", req_id, xs_rx.hdr.type, type);
	else
		return (kind == XS_MSG_ERROR ? XS_GOT_ERROR : XS_GOT_REPLY);
	xs_reader_reset(&xs_rx);
	/* A mismatched reply still answered our request: fail it. */
	return (kind == XS_MSG_MISMATCH ? -EIO : XS_NOTHING);
}

/*
 * Send one request and wait for its reply, by deadline; xs_lock held,
 * the ring ours (xs_busy).  Returns the reply body's length, with the
 * body in xs_rx.body (NUL-terminated), or a negative error number.
 */
static int
xs_request_locked(uint32_t type, xs_transaction_t tx, const char *s1,
    const char *s2, size_t s2len, uint64_t deadline)
{
	struct xsd_sockmsg hdr;
	int err, len, seen;

	if (xs_broken)
		return (-EIO);
	len = xs_msg_pack(xs_txbody, sizeof(xs_txbody), s1, s2, s2len);
	if (len < 0)
		return (len);
	hdr.type = type;
	hdr.req_id = xs_next_req_id();
	hdr.tx_id = tx;
	hdr.len = (uint32_t)len;
	xs_counters.requests++;
	if ((err = xs_send(&hdr, sizeof(hdr), deadline)) != 0 ||
	    (err = xs_send(xs_txbody, (size_t)len, deadline)) != 0)
		return (err);

	for (seen = 0; seen < XS_MAX_UNRELATED; seen++) {
		err = xs_process(hdr.req_id, type);
		if (err < 0)
			return (err);
		if (err == XS_GOT_ERROR) {
			err = -xs_msg_errno(xs_rx.body, xs_rx.hdr.len);
			xs_reader_reset(&xs_rx);
			return (err);
		}
		if (err == XS_GOT_REPLY)
			return ((int)xs_rx.hdr.len);
		/*
		 * Nothing (more) for us yet: sleep until xenstored's event.
		 * xs_lock is released meanwhile, but xs_busy keeps every
		 * other thread off the ring: the reply will be ours to read.
		 */
		if (xs_wait(xs_rsp_ready, xs_intf, deadline, true) != 0) {
			/* The indices say whose turn it was. */
			printf("xenstore: no reply to request %u (type %u, "
			    "%s) in %llu ms (req_prod %u req_cons %u rsp_prod "
			    "%u rsp_cons %u)\n", hdr.req_id, type, s1,
			    XS_REPLY_TIMEOUT_NS / NS_PER_MS, xs_intf->req_prod,
			    READ_ONCE(xs_intf->req_cons),
			    READ_ONCE(xs_intf->rsp_prod), xs_intf->rsp_cons);
			return (-ETIMEDOUT);
		}
	}
	printf("xenstore: request %u: gave up after %d unrelated messages\n",
	    hdr.req_id, seen);
	return (-EIO);
}

/*
 * Send one request and wait for its reply.  On success (a length >= 0)
 * the reply body is in xs_rx.body, and xs_lock and the ring are still
 * ours: the caller uses the body, then calls xs_reply_done(), which
 * releases both.  On failure (a negative error number) nothing is held.
 */
static int
xs_request(uint32_t type, xs_transaction_t tx, const char *s1,
    const char *s2, size_t s2len)
{
	uint64_t deadline = xen_clock_now() + XS_REPLY_TIMEOUT_NS;
	int len;

	if ((len = xs_init()) != 0)
		return (len);
	mtx_lock(&xs_lock);
	/* Our turn on the ring, within the request's own deadline. */
	if (xs_busy)
		xs_counters.queued++;
	xs_ring_waiters++;
	len = xs_wait(xs_ring_free, NULL, deadline, true);
	xs_ring_waiters--;
	if (len != 0) {
		mtx_unlock(&xs_lock);
		printf("xenstore: request type %u (%s) never got the ring in "
		    "%llu ms\n", type, s1, XS_REPLY_TIMEOUT_NS / NS_PER_MS);
		return (-ETIMEDOUT);
	}
	xs_busy = true;
	len = xs_request_locked(type, tx, s1, s2, s2len, deadline);
	if (len < 0)
		xs_request_end();
	return (len);
}

/* The caller of xs_request() is done with the reply in xs_rx. */
static void
xs_reply_done(void)
{

	xs_reader_reset(&xs_rx);
	xs_request_end();
}

/* Send a request whose reply carries nothing we need ("OK"). */
static int
xs_request_ok(uint32_t type, xs_transaction_t tx, const char *s1,
    const char *s2, size_t s2len)
{
	int len;

	if ((len = xs_request(type, tx, s1, s2, s2len)) < 0)
		return (len);
	xs_reply_done();
	return (0);
}

int
xs_read(xs_transaction_t tx, const char *path, char *buf, size_t size)
{
	int len;
	size_t n;

	if ((len = xs_request(XS_READ, tx, path, NULL, 0)) < 0)
		return (len);
	/* Values are bytes; the copy is cut to fit and terminated. */
	if (size > 0) {
		n = (size_t)len < size - 1 ? (size_t)len : size - 1;
		memcpy(buf, xs_rx.body, n);
		buf[n] = '\0';
	}
	xs_reply_done();
	return (len);
}

int
xs_read_uint(xs_transaction_t tx, const char *path, unsigned long max,
    unsigned long *value)
{
	char buf[24];
	int len;

	if ((len = xs_read(tx, path, buf, sizeof(buf))) < 0)
		return (len);
	if ((size_t)len >= sizeof(buf))
		return (-EINVAL);
	return (xs_msg_parse_uint(buf, (size_t)len, max, value));
}

int
xs_write(xs_transaction_t tx, const char *path, const char *value)
{

	/* The value travels without its NUL: a node holds bytes. */
	return (xs_request_ok(XS_WRITE, tx, path, value, strlen(value)));
}

int
xs_mkdir(xs_transaction_t tx, const char *path)
{

	return (xs_request_ok(XS_MKDIR, tx, path, NULL, 0));
}

int
xs_rm(xs_transaction_t tx, const char *path)
{

	return (xs_request_ok(XS_RM, tx, path, NULL, 0));
}

int
xs_directory(xs_transaction_t tx, const char *path, char *buf, size_t size)
{
	int count, len;

	if ((len = xs_request(XS_DIRECTORY, tx, path, NULL, 0)) < 0)
		return (len);
	count = xs_msg_names(xs_rx.body, (size_t)len, buf, size);
	if (count == -EINVAL)
		printf("xenstore: malformed directory listing of %s\n", path);
	xs_reply_done();
	return (count);
}

int
xs_transaction_start(xs_transaction_t *tx)
{
	unsigned long id;
	int err, len;

	/* The body is one empty string; the reply is the id in decimal. */
	if ((len = xs_request(XS_TRANSACTION_START, XST_NIL, "", NULL, 0)) < 0)
		return (len);
	err = xs_msg_parse_uint(xs_rx.body, (size_t)len, UINT32_MAX, &id);
	xs_reply_done();
	if (err != 0 || id == XST_NIL) {
		printf("xenstore: bad transaction id from xenstored\n");
		return (-EIO);
	}
	*tx = (xs_transaction_t)id;
	return (0);
}

int
xs_transaction_end(xs_transaction_t tx, bool abort)
{

	/* "T" commits, "F" throws the transaction away. */
	return (xs_request_ok(XS_TRANSACTION_END, tx, abort ? "F" : "T", NULL,
	    0));
}

int
xs_transaction_run(int (*fn)(xs_transaction_t, void *), void *arg)
{
	xs_transaction_t tx;
	int err, try;

	/*
	 * xenstored does not lock: a transaction works on a snapshot, and
	 * the commit fails with EAGAIN if a node it read or wrote was
	 * changed by someone else meanwhile.  Then nothing happened and the
	 * whole function must run again on fresh values - a bounded number
	 * of times, in case another writer keeps winning.
	 */
	for (try = 0; try < XS_TRANSACTION_TRIES; try++) {
		if ((err = xs_transaction_start(&tx)) != 0)
			return (err);
		if ((err = fn(tx, arg)) != 0) {
			(void)xs_transaction_end(tx, true);
			return (err);
		}
		err = xs_transaction_end(tx, false);
		if (err != -EAGAIN)
			return (err);
	}
	printf("xenstore: transaction still conflicting after %d tries\n",
	    try);
	return (-EAGAIN);
}

/*
 * Remember (path, token) for xs_resume(), or forget it (path NULL).
 * Only a lost record is reported: that watch would not survive a resume.
 */
static void
xs_watch_record(const char *path, const char *token)
{
	struct xs_watch_rec *w, *slot = NULL;
	unsigned int i;

	mtx_lock(&xs_lock);
	for (i = 0; i < XS_WATCHES_MAX; i++) {
		w = &xs_watches[i];
		if (w->path[0] != '\0' && strcmp(w->token, token) == 0) {
			w->path[0] = '\0';	/* replaced or removed */
			slot = w;
		} else if (w->path[0] == '\0' && slot == NULL)
			slot = w;
	}
	if (path != NULL) {
		if (slot == NULL || strlen(path) >= sizeof(slot->path) ||
		    strlen(token) >= sizeof(slot->token))
			printf("xenstore: watch %s (%s) will not be set again "
			    "after a resume\n", path, token);
		else {
			strlcpy(slot->token, token, sizeof(slot->token));
			strlcpy(slot->path, path, sizeof(slot->path));
		}
	}
	mtx_unlock(&xs_lock);
}

int
xs_watch(const char *path, const char *token)
{
	int err;

	/* Both strings travel with their NULs: "path\0token\0". */
	err = xs_request_ok(XS_WATCH, XST_NIL, path, token, strlen(token) + 1);
	if (err == 0)
		xs_watch_record(path, token);
	return (err);
}

int
xs_suspend(void)
{
	uint64_t deadline = xen_clock_now() + XS_REPLY_TIMEOUT_NS;
	int err;

	if ((err = xs_init()) != 0)
		return (err);
	/*
	 * Take the ring as a request would, and keep it: whoever asks
	 * for it until xs_resume() waits, within its own deadline.  No
	 * request is then half done when the domain stops, which matters
	 * after a restore: the new connection has no memory of it.
	 */
	mtx_lock(&xs_lock);
	xs_ring_waiters++;
	err = xs_wait(xs_ring_free, NULL, deadline, true);
	xs_ring_waiters--;
	if (err == 0)
		xs_busy = true;
	mtx_unlock(&xs_lock);
	return (err != 0 ? -ETIMEDOUT : 0);
}

/* Attach to the ring of a restored domain; xs_lock held, ring ours. */
static void
xs_reattach(void)
{
	struct xenstore_domain_interface *intf = xs_intf;
	XENSTORE_RING_IDX prod;
	int err;

	xs_evtchn = boot_info.store_evtchn;
	xs_waitq.port = xs_evtchn;
	if ((err = evtchn_wait_bind(&xs_waitq, intf)) != 0)
		printf("xenstore: cannot bind event channel %u after resume "
		    "(error %d)\n", xs_evtchn, err);
	if ((READ_ONCE(intf->server_features) &
	    XENSTORE_SERVER_FEATURE_RECONNECTION) != 0 &&
	    xs_wait(xs_ring_connected, intf, xen_clock_now() +
	    XS_CONNECT_TIMEOUT_NS, false) != 0)
		printf("xenstore: ring still in reconnection after resume\n");
	/*
	 * The page came with us, indices and all.  Our requests were all
	 * answered before the suspend (xs_suspend); what the old
	 * xenstored had written and we had not read - watch events for
	 * watches the new one does not have - is dropped, as Linux does.
	 * rsp_prod is read once; rsp_cons is ours to write.
	 */
	prod = READ_ONCE(intf->rsp_prod);
	if (prod != intf->rsp_cons) {
		printf("xenstore: %u unread bytes dropped at resume\n",
		    (unsigned int)(prod - intf->rsp_cons));
		intf->rsp_cons = prod;
	}
	if (READ_ONCE(intf->req_cons) != intf->req_prod)
		printf("xenstore: request ring not empty at resume "
		    "(%u, %u)\n", intf->req_prod, READ_ONCE(intf->req_cons));
	xs_reader_reset(&xs_rx);
	xs_broken = false;
}

void
xs_resume(bool new_domain)
{
	struct xs_watch_rec w;
	unsigned int i;
	int err;

	mtx_lock(&xs_lock);
	if (new_domain)
		xs_reattach();
	/* Let the waiting requesters in (this releases xs_lock). */
	xs_request_end();
	if (!new_domain)
		return;
	/*
	 * Set every watch again.  xenstored fires each once at once, so
	 * every watcher re-reads what it watches - which is what a driver
	 * wants after a restore anyway.  The record is copied: xs_watch()
	 * rewrites the slot.
	 */
	for (i = 0; i < XS_WATCHES_MAX; i++) {
		mtx_lock(&xs_lock);
		w = xs_watches[i];
		mtx_unlock(&xs_lock);
		if (w.path[0] == '\0')
			continue;
		if ((err = xs_watch(w.path, w.token)) != 0)
			printf("xenstore: cannot set watch %s again after "
			    "resume (error %d)\n", w.path, err);
	}
}

/* The registered callback with this token, or NULL; xs_lock held. */
static struct xs_watch_cb *
xs_callback_find(const char *token)
{
	unsigned int i;

	for (i = 0; i < XS_WATCH_CALLBACKS; i++)
		if (xs_callbacks[i].token[0] != '\0' &&
		    strcmp(xs_callbacks[i].token, token) == 0)
			return (&xs_callbacks[i]);
	return (NULL);
}

/*
 * Forget the callback of token, if any, and make sure it is not running
 * when we return: the xenwatch thread may be inside it right now, and
 * the caller may be about to free what its argument points to.  The
 * callback itself may unwatch its own token (it runs in the xenwatch
 * thread, which must not wait for itself).  xs_lock held.
 */
static void
xs_callback_remove(const char *token)
{
	struct xs_watch_cb *cb = xs_callback_find(token);
	uint64_t deadline = xen_clock_now() + XS_UNWATCH_WAIT_NS, now;

	if (cb == NULL)
		return;
	cb->token[0] = '\0';
	/*
	 * The xenwatch thread clears xs_dispatching and wakes us with
	 * xs_lock held, and msleep() releases it only once we are asleep:
	 * the wake-up cannot come between our test and our sleep.
	 */
	while (xs_dispatching == cb && curthread != xs_watch_td) {
		now = xen_clock_now();
		if (now >= deadline) {
			printf("xenstore: watch %s: its callback is still "
			    "running after %llu ms\n", token,
			    XS_UNWATCH_WAIT_NS / NS_PER_MS);
			break;
		}
		(void)msleep(&xs_dispatching, &xs_lock, "xsunwatch",
		    deadline - now);
	}
}

int
xs_unwatch(const char *path, const char *token)
{
	int err;

	if ((err = xs_init()) != 0)
		return (err);
	mtx_lock(&xs_lock);
	xs_callback_remove(token);
	mtx_unlock(&xs_lock);
	xs_watch_record(NULL, token);
	err = xs_request_ok(XS_UNWATCH, XST_NIL, path, token,
	    strlen(token) + 1);
	/*
	 * Events sent before xenstored saw the XS_UNWATCH may still be
	 * queued, or even still in the ring (those are queued later and
	 * wait for a token nobody takes until the queue drops them).
	 */
	mtx_lock(&xs_lock);
	xs_watch_queue_purge(&xs_watchq, token);
	mtx_unlock(&xs_lock);
	return (err);
}

/*
 * Take an event of token from the queue, reading the ring for more
 * when there is none, until deadline; xs_lock held, and released while
 * asleep.
 */
static int
xs_watch_event_locked(const char *token, char *path, size_t size,
    uint64_t deadline)
{
	unsigned long gen;
	int err, seen = 0;

	for (;;) {
		err = xs_watch_queue_take(&xs_watchq, token, path, size);
		if (err != -ENOENT)
			return (err);
		if (xs_broken)
			return (-EIO);
		/*
		 * Read what xenstored sent, then look in the queue again -
		 * unless a request is on the ring: its thread reads it, and
		 * queues what is ours.  With none, anything but an event is
		 * stray.
		 */
		if (!xs_busy && xs_ring_rsp_has_data(xs_intf)) {
			if (++seen > XS_MAX_UNRELATED)
				return (-ETIMEDOUT);
			if ((err = xs_process(0, XS_INVALID)) < 0)
				return (err);
			continue;
		}
		/*
		 * Sleep until there is something we may read, or another
		 * thread has queued an event (it may be ours).
		 */
		gen = xs_queue_gen;
		if ((err = xs_wait(xs_rsp_or_queued, &gen, deadline,
		    true)) != 0)
			return (err);
	}
}

int
xs_watch_event_until(const char *token, char *path, size_t size,
    uint64_t deadline)
{
	int err;

	if ((err = xs_init()) != 0)
		return (err);
	mtx_lock(&xs_lock);
	err = xs_watch_event_locked(token, path, size, deadline);
	mtx_unlock(&xs_lock);
	return (err);
}

int
xs_watch_event(const char *token, char *path, size_t size,
    unsigned int timeout_ms)
{

	return (xs_watch_event_until(token, path, size, xen_clock_now() +
	    (uint64_t)timeout_ms * NS_PER_MS));
}

/*
 * The next event that has a callback, with its path in path, or NULL
 * when there is none and nothing more to read; xs_lock held.  Reads
 * the ring on the way, when no request is on it.
 */
static const struct xs_watch_cb *
xs_callback_next(char *path, size_t size)
{
	unsigned int i, seen;

	for (seen = 0; seen <= XS_MAX_UNRELATED; seen++) {
		for (i = 0; i < XS_WATCH_CALLBACKS; i++)
			if (xs_callbacks[i].token[0] != '\0' &&
			    xs_watch_queue_take(&xs_watchq,
			    xs_callbacks[i].token, path, size) == 0)
				return (&xs_callbacks[i]);
		if (xs_broken || xs_busy || !xs_ring_rsp_has_data(xs_intf) ||
		    xs_process(0, XS_INVALID) < 0)
			break;
	}
	return (NULL);
}

/*
 * The xenwatch thread: run the callback of each event, one at a time,
 * in the order found.  The callback runs without xs_lock, so that it
 * may make requests; what it needs of its registration (function,
 * argument, token) is copied first, since xs_unwatch() may free the
 * slot meanwhile - and then waits for xs_dispatching to clear.
 *
 * Its sleep has no deadline: waiting for events is all this thread
 * does, and nobody waits for it.  A bounded wait would only wake it for
 * nothing.  The events it waits for are the ring's (evtchn_wait_bind) and those
 * other threads queue while they read the ring (xs_queue_event).
 */
static void
xs_watch_thread(void *arg)
{
	char path[XS_WATCH_PATH_MAX], token[XS_WATCH_TOKEN_MAX];
	const struct xs_watch_cb *cb;
	xs_watch_fn *fn;
	unsigned long gen;
	void *fnarg;

	(void)arg;
	for (;;) {
		mtx_lock(&xs_lock);
		if ((cb = xs_callback_next(path, sizeof(path))) == NULL) {
			gen = xs_queue_gen;
			(void)xs_wait(xs_rsp_or_queued, &gen, 0, true);
			mtx_unlock(&xs_lock);
		} else {
			fn = cb->fn;
			fnarg = cb->arg;
			strlcpy(token, cb->token, sizeof(token));
			xs_dispatching = cb;
			xs_counters.dispatched++;
			mtx_unlock(&xs_lock);
			fn(path, token, fnarg);
			mtx_lock(&xs_lock);
			xs_dispatching = NULL;
			wakeup(&xs_dispatching);
			mtx_unlock(&xs_lock);
		}
		/*
		 * Scheduling is cooperative: without this, a peer that
		 * keeps sending events would keep this thread running, and
		 * the threads it woke (a requester waiting for the ring)
		 * would never get the vCPU.
		 */
		thread_yield();
	}
}

int
xs_watch_callback(const char *path, const char *token, xs_watch_fn *fn,
    void *arg)
{
	struct xs_watch_cb *cb = NULL;
	unsigned int i;
	int err;

	if (strlen(token) >= XS_WATCH_TOKEN_MAX || fn == NULL)
		return (-EINVAL);
	if ((err = xs_init()) != 0)
		return (err);
	mtx_lock(&xs_lock);
	/* The thread starts with the first callback: most guests need none. */
	if (xs_watch_td == NULL &&
	    (xs_watch_td = thread_create("xenwatch", xs_watch_thread,
	    NULL)) == NULL)
		err = -ENOMEM;
	else if (xs_callback_find(token) != NULL)
		err = -EEXIST;
	for (i = 0; err == 0 && cb == NULL && i < XS_WATCH_CALLBACKS; i++)
		if (xs_callbacks[i].token[0] == '\0')
			cb = &xs_callbacks[i];
	if (err == 0 && cb == NULL)
		err = -ENOSPC;
	/*
	 * Registered before the watch is set: xenstored fires it once at
	 * once, and that first event must find its callback.
	 */
	if (err == 0) {
		strlcpy(cb->token, token, sizeof(cb->token));
		cb->fn = fn;
		cb->arg = arg;
	}
	mtx_unlock(&xs_lock);
	if (err != 0) {
		printf("xenstore: cannot add a callback for watch %s (error "
		    "%d)\n", token, err);
		return (err);
	}
	if ((err = xs_watch(path, token)) != 0) {
		mtx_lock(&xs_lock);
		xs_callback_remove(token);
		mtx_unlock(&xs_lock);
	}
	return (err);
}

int
xs_wait_for(const char *path, unsigned int timeout_ms)
{
	uint64_t deadline = xen_clock_now() + (uint64_t)timeout_ms * NS_PER_MS;
	char event[XS_WATCH_PATH_MAX];
	int err;

	if (strlen(path) >= XS_WATCH_TOKEN_MAX)
		return (-E2BIG);
	if ((err = xs_watch(path, path)) != 0)
		return (err);
	/*
	 * Read first, then wait: the watch fires once when set, and a node
	 * written before the watch existed is found by the read.  Each
	 * event means "look again"; one deadline bounds them all, so a
	 * node deleted and re-created forever cannot keep us.
	 */
	for (;;) {
		if ((err = xs_read(XST_NIL, path, NULL, 0)) != -ENOENT)
			break;
		err = xs_watch_event_until(path, event, sizeof(event),
		    deadline);
		if (err != 0)
			break;
	}
	(void)xs_unwatch(path, path);
	return (err < 0 ? err : 0);
}

void
xs_get_stats(struct xs_stats *st)
{

	/*
	 * Without xs_lock, so that a test may read them while a request
	 * waits: with one vCPU and no preemption, no thread changes them
	 * while we copy, and handlers never do.
	 */
	*st = xs_counters;
}
