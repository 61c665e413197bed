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
 * One request at a time.  The kernel has one CPU and no threads yet, so
 * a request is sent, then we read messages until its reply comes: watch
 * events that arrive meanwhile are queued for xs_watch_event(), replies
 * to requests we gave up on are dropped.  With threads this needs a lock
 * around a request, or a table of waiters keyed by req_id.
 *
 * Waiting is polling: xs_wait() yields the CPU until xenstored has
 * written or read something, a bounded number of times.  It is the only
 * place that waits; once the kernel delivers events it becomes a sleep
 * on the xenstore event channel (boot_info.store_evtchn) with a timeout,
 * woken by that channel's handler, and nothing else here changes.
 *
 * xenstored is a peer, not a friend: see xs_msg.c for the checks on its
 * bytes; here, a reply of the wrong type fails the request, an unknown
 * req_id is logged and dropped, and a ring whose indices or lengths are
 * impossible is abandoned (every later request fails with -EIO) rather
 * than read on out of step.
 */

#include "xen/xen.h"

#include "kern/arch.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "xen/barrier.h"
#include "xen/evtchn.h"
#include "xen/xenstore.h"
#include "xen/xs_msg.h"

/*
 * Yields of the CPU per millisecond, for turning timeouts into bounds
 * on polling loops until the kernel has a clock.  Measured under QEMU
 * (TCG) with Xen 4.17 and an idle dom0: a SCHEDOP_yield that finds
 * nothing else to run takes about 2.9 us (see walkthroughs/boot-pv.md,
 * "Talking to xenstore").  When another vCPU is runnable a yield lasts
 * longer, so a timeout can only stretch, never shrink.
 */
#define	XS_YIELDS_PER_MS	350

/* How long xenstored may take to read a request or answer it. */
#define	XS_REPLY_TIMEOUT_MS	10000

/*
 * How many unrelated messages (watch events, stray replies) one request
 * may see before its reply.  Bounds the work a flooding peer can make
 * us do; an honest xenstored sends a handful at most.
 */
#define	XS_MAX_UNRELATED	1000

/*
 * How many events xs_wait_for() takes for its path before giving up:
 * each renews the timeout, so a node deleted and re-created forever
 * must not keep us.
 */
#define	XS_WAIT_FOR_EVENTS	64

static struct xenstore_domain_interface *xs_intf;
static uint32_t xs_evtchn;
/* The last request id used; 0 is never sent (see xs_next_req_id). */
static uint32_t xs_req_id;
/* Set when the ring broke the protocol: no further requests. */
static bool xs_broken;
/* The message being received, the body being sent, queued events. */
static struct xs_reader xs_rx;
static char xs_txbody[XENSTORE_PAYLOAD_MAX];
static struct xs_watch_queue xs_watchq;
static struct xs_stats xs_counters;

/*
 * Wait until ready() holds for the ring, spending at most *budget
 * yields (the remainder is left in *budget for the caller's next wait).
 *
 * This is the one place the client waits for xenstored.  With event
 * delivery it becomes: sleep until the xenstore event channel fires or
 * the time is up, then test ready() again.
 */
static int
xs_wait(bool (*ready)(struct xenstore_domain_interface *),
    unsigned long *budget)
{

	while (!ready(xs_intf)) {
		if (*budget == 0)
			return (-ETIMEDOUT);
		(*budget)--;
		xs_counters.yields++;
		arch_yield();
	}
	return (0);
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
xs_ring_connected(struct xenstore_domain_interface *intf)
{

	return (READ_ONCE(intf->connection) == XENSTORE_CONNECTED);
}

int
xs_init(void)
{
	struct xenstore_domain_interface *intf = boot_info.store_ring;
	unsigned long budget = 1000 * XS_YIELDS_PER_MS;
	uint32_t features;

	if (xs_intf != NULL)
		return (0);
	if (intf == NULL) {
		printf("xenstore: no xenstore ring at boot; xenstore is "
		    "unavailable\n");
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
	xs_intf = intf;
	if ((features & XENSTORE_SERVER_FEATURE_RECONNECTION) != 0 &&
	    xs_wait(xs_ring_connected, &budget) != 0) {
		printf("xenstore: ring stays in reconnection (connection %u); "
		    "xenstore is unavailable\n", READ_ONCE(intf->connection));
		xs_intf = NULL;
		return (-EIO);
	}
	xs_evtchn = boot_info.store_evtchn;
	xs_reader_reset(&xs_rx);
	printf("xenstore: ring %p, event channel %u, server features 0x%x\n",
	    (void *)intf, xs_evtchn, features);
	return (0);
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
 * xenstored after each piece.
 */
static int
xs_send(const void *data, size_t len)
{
	unsigned long budget = XS_REPLY_TIMEOUT_MS * XS_YIELDS_PER_MS;
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
		if (xs_wait(xs_ring_req_has_room, &budget) != 0)
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
 * Send one request and wait for its reply.  Returns the reply body's
 * length, with the body in xs_rx.body (NUL-terminated) until the caller
 * calls xs_reply_done(), or a negative error number (nothing to free).
 */
static int
xs_request(uint32_t type, xs_transaction_t tx, const char *s1,
    const char *s2, size_t s2len)
{
	unsigned long budget = XS_REPLY_TIMEOUT_MS * XS_YIELDS_PER_MS;
	struct xsd_sockmsg hdr;
	int err, len, seen;

	if ((err = xs_init()) != 0)
		return (err);
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
	if ((err = xs_send(&hdr, sizeof(hdr))) != 0 ||
	    (err = xs_send(xs_txbody, (size_t)len)) != 0)
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
		/* Nothing (more) for us yet: wait for xenstored. */
		if (!xs_ring_rsp_has_data(xs_intf) &&
		    xs_wait(xs_ring_rsp_has_data, &budget) != 0) {
			printf("xenstore: no reply to request %u (type %u, "
			    "%s) in %u ms\n", hdr.req_id, type, s1,
			    XS_REPLY_TIMEOUT_MS);
			return (-ETIMEDOUT);
		}
	}
	printf("xenstore: request %u: gave up after %d unrelated messages\n",
	    hdr.req_id, seen);
	return (-EIO);
}

/* The caller of xs_request() is done with the reply in xs_rx. */
static void
xs_reply_done(void)
{

	xs_reader_reset(&xs_rx);
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

int
xs_watch(const char *path, const char *token)
{

	/* Both strings travel with their NULs: "path\0token\0". */
	return (xs_request_ok(XS_WATCH, XST_NIL, path, token,
	    strlen(token) + 1));
}

int
xs_unwatch(const char *path, const char *token)
{
	int err;

	err = xs_request_ok(XS_UNWATCH, XST_NIL, path, token,
	    strlen(token) + 1);
	/*
	 * Events sent before xenstored saw the XS_UNWATCH may still be
	 * queued, or even still in the ring (those are queued later and
	 * wait for a token nobody takes until the queue drops them).
	 */
	xs_watch_queue_purge(&xs_watchq, token);
	return (err);
}

int
xs_watch_event(const char *token, char *path, size_t size,
    unsigned int timeout_ms)
{
	unsigned long budget = (unsigned long)timeout_ms * XS_YIELDS_PER_MS;
	int err, seen;

	if ((err = xs_init()) != 0)
		return (err);
	for (seen = 0; seen < XS_MAX_UNRELATED; seen++) {
		err = xs_watch_queue_take(&xs_watchq, token, path, size);
		if (err != -ENOENT)
			return (err);
		if (xs_broken)
			return (-EIO);
		/*
		 * Read what xenstored sent, then look in the queue again;
		 * wait only when the ring is empty.  No request is waiting,
		 * so anything but an event is stray.
		 */
		if (xs_ring_rsp_has_data(xs_intf)) {
			if ((err = xs_process(0, XS_INVALID)) < 0)
				return (err);
		} else if (xs_wait(xs_ring_rsp_has_data, &budget) != 0)
			return (-ETIMEDOUT);
	}
	return (-ETIMEDOUT);
}

int
xs_wait_for(const char *path, unsigned int timeout_ms)
{
	char event[XS_WATCH_PATH_MAX];
	int err, events;

	if (strlen(path) >= XS_WATCH_TOKEN_MAX)
		return (-E2BIG);
	if ((err = xs_watch(path, path)) != 0)
		return (err);
	/*
	 * Read first, then wait: the watch fires once when set, and a node
	 * written before the watch existed is found by the read.  Each
	 * event means "look again"; a bounded number of them.
	 */
	for (events = 0;; events++) {
		if ((err = xs_read(XST_NIL, path, NULL, 0)) != -ENOENT)
			break;
		if (events == XS_WAIT_FOR_EVENTS) {
			err = -ETIMEDOUT;
			break;
		}
		err = xs_watch_event(path, event, sizeof(event), timeout_ms);
		if (err != 0)
			break;
	}
	(void)xs_unwatch(path, path);
	return (err < 0 ? err : 0);
}

void
xs_get_stats(struct xs_stats *st)
{

	*st = xs_counters;
}
