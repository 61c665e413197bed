/*
 * xen/xs_msg.c - the xenstore wire protocol as pure data handling
 * (interface and protocol summary in xen/xs_msg.h).
 *
 * Where this sits: below src/xen/xenstore.c, which sends requests and
 * waits; this file only moves bytes between the shared page and our own
 * buffers and makes sense of them.  It uses no hypercall and no kernel
 * service, so tests/unit/xenstore_test.c compiles it for the host and
 * feeds it rings built by hand.
 *
 * Protocol: xen/include/public/io/xs_wire.h; the ring rules (who owns
 * which index, and that a message may straddle the end of a ring and be
 * longer than the ring) in Xen's docs/misc/xenstore-ring.txt.  The
 * barrier rules are those of every Xen ring: read the peer's producer
 * index, then the bytes; write the bytes, then our producer index; and
 * release slots (our consumer index) only after we are done reading
 * them.  See src/xen/barrier.h and walkthroughs/boot-pv.md, "Talking to
 * xenstore".
 */

#include "xen/xen.h"

#include "kern/errno.h"
#include "kern/libkern.h"
#include "xen/barrier.h"
#include "xen/xs_msg.h"

#define	nitems(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The number of slots from ring position idx to the end of the ring
 * array, at most n: a copy of n bytes starting at idx is this run, then
 * (if the run was shorter) the rest from slot 0.
 */
static size_t
ring_run(XENSTORE_RING_IDX idx, size_t n)
{
	size_t run = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(idx);

	return (n < run ? n : run);
}

/* Copy n bytes into a ring starting at index idx, wrapping at its end. */
static void
ring_copy_in(char *ring, XENSTORE_RING_IDX idx, const char *src, size_t n)
{
	size_t first = ring_run(idx, n);

	memcpy(ring + MASK_XENSTORE_IDX(idx), src, first);
	memcpy(ring, src + first, n - first);
}

/* Copy n bytes out of a ring starting at index idx, wrapping at its end. */
static void
ring_copy_out(char *dst, const char *ring, XENSTORE_RING_IDX idx, size_t n)
{
	size_t first = ring_run(idx, n);

	memcpy(dst, ring + MASK_XENSTORE_IDX(idx), first);
	memcpy(dst + first, ring, n - first);
}

int
xs_ring_write(struct xenstore_domain_interface *intf, const void *data,
    size_t len)
{
	XENSTORE_RING_IDX cons, prod;
	size_t space, n;

	/*
	 * req_prod is ours; req_cons is xenstored's, read once into a
	 * local and checked there.  More than a ring's worth in flight is
	 * impossible for an honest peer.
	 */
	prod = intf->req_prod;
	cons = READ_ONCE(intf->req_cons);
	if (prod - cons > XENSTORE_RING_SIZE)
		return (-EIO);
	/*
	 * The slots we are about to fill were freed by the consumption that
	 * req_cons reports.  Our stores into them must not be moved before
	 * that load (a store-after-load order, hence the full barrier).
	 */
	xen_mb();
	space = XENSTORE_RING_SIZE - (prod - cons);
	n = len < space ? len : space;
	ring_copy_in(intf->req, prod, data, n);
	/* The bytes must be visible before the index that covers them. */
	xen_wmb();
	WRITE_ONCE(intf->req_prod, prod + (XENSTORE_RING_IDX)n);
	return ((int)n);
}

bool
xs_ring_req_has_room(struct xenstore_domain_interface *intf)
{

	/* A corrupt index reads as "room" so the writer runs and reports it. */
	return (intf->req_prod - READ_ONCE(intf->req_cons) !=
	    XENSTORE_RING_SIZE);
}

bool
xs_ring_rsp_has_data(struct xenstore_domain_interface *intf)
{

	return (READ_ONCE(intf->rsp_prod) != intf->rsp_cons);
}

void
xs_reader_reset(struct xs_reader *r)
{

	r->have = 0;
}

/* Whether the reader's header is complete, and then the message length. */
static bool
reader_has_header(const struct xs_reader *r)
{

	return (r->have >= sizeof(r->hdr));
}

enum xs_pull_status
xs_reader_pull(struct xs_reader *r, struct xenstore_domain_interface *intf)
{
	enum xs_pull_status status = XS_PULL_MORE;
	XENSTORE_RING_IDX cons, prod;
	size_t want, n;
	char *dst;

	/* A message already complete (or refused) stays so until reset. */
	if (reader_has_header(r)) {
		if (r->hdr.len > XENSTORE_PAYLOAD_MAX)
			return (XS_PULL_TOO_LONG);
		if (r->have == sizeof(r->hdr) + r->hdr.len)
			return (XS_PULL_DONE);
	}

	/* rsp_prod is xenstored's: read it once, check it, then use it. */
	cons = intf->rsp_cons;
	prod = READ_ONCE(intf->rsp_prod);
	if (prod - cons > XENSTORE_RING_SIZE)
		return (XS_PULL_BAD_INDEX);
	/* The index was read before the bytes it says are there. */
	xen_rmb();

	while (status == XS_PULL_MORE && cons != prod) {
		/*
		 * First the 16-byte header, then exactly hdr.len bytes of
		 * body; never past the end of this message, so the next one
		 * stays in the ring for the next call.
		 */
		if (!reader_has_header(r)) {
			want = sizeof(r->hdr) - r->have;
			dst = (char *)&r->hdr + r->have;
		} else {
			want = sizeof(r->hdr) + r->hdr.len - r->have;
			dst = r->body + (r->have - sizeof(r->hdr));
		}
		n = prod - cons < want ? prod - cons : want;
		ring_copy_out(dst, intf->rsp, cons, n);
		cons += (XENSTORE_RING_IDX)n;
		r->have += n;
		if (!reader_has_header(r))
			continue;
		/*
		 * The header is our own copy now, so checking it here means
		 * the value checked is the value used.  A length beyond the
		 * protocol's maximum would overrun body: refuse it.
		 */
		if (r->hdr.len > XENSTORE_PAYLOAD_MAX)
			status = XS_PULL_TOO_LONG;
		else if (r->have == sizeof(r->hdr) + r->hdr.len) {
			r->body[r->hdr.len] = '\0';
			status = XS_PULL_DONE;
		}
	}

	/*
	 * Give the slots back.  Our loads from them must be finished before
	 * xenstored can see the new rsp_cons and overwrite them; a load
	 * followed by a store needs only a compiler barrier on x86, but the
	 * full barrier says what we mean on every architecture.
	 */
	xen_mb();
	WRITE_ONCE(intf->rsp_cons, cons);
	return (status);
}

enum xs_msg_kind
xs_msg_classify(const struct xsd_sockmsg *hdr, uint32_t req_id,
    uint32_t type)
{

	/*
	 * Watch events are not answers: xenstored sends them whenever a
	 * watched node changes, with req_id 0, even between a request and
	 * its reply.
	 */
	if (hdr->type == XS_WATCH_EVENT)
		return (XS_MSG_WATCH_EVENT);
	/*
	 * An answer to another request: one we gave up waiting for, or a
	 * confused peer.  Request ids are never reused soon, so a late
	 * reply cannot be mistaken for the current one.
	 */
	if (hdr->req_id != req_id)
		return (XS_MSG_STRAY);
	if (hdr->type == XS_ERROR)
		return (XS_MSG_ERROR);
	/* Every reply repeats its request's type (docs/misc/xenstore.txt). */
	if (hdr->type != type)
		return (XS_MSG_MISMATCH);
	return (XS_MSG_REPLY);
}

int
xs_msg_pack(char *body, size_t size, const char *s1, const char *s2,
    size_t s2len)
{
	size_t len1 = strlen(s1) + 1;

	if (s2 == NULL)
		s2len = 0;
	if (len1 + s2len > size || len1 + s2len > XENSTORE_PAYLOAD_MAX)
		return (-E2BIG);
	memcpy(body, s1, len1);
	memcpy(body + len1, s2, s2len);
	return ((int)(len1 + s2len));
}

/*
 * The length of the string at s, looking at no more than len bytes: len
 * itself means there is no terminator within the message.
 */
static size_t
bounded_strlen(const char *s, size_t len)
{
	size_t n;

	for (n = 0; n < len && s[n] != '\0'; n++)
		;
	return (n);
}

int
xs_msg_errno(const char *body, size_t len)
{
	size_t i, n;

	/*
	 * xenstored sends the name of the error, not its number, so that
	 * the protocol does not depend on one C library's numbering.
	 */
	n = bounded_strlen(body, len);
	for (i = 0; i < nitems(xsd_errors); i++)
		if (strlen(xsd_errors[i].errstring) == n &&
		    memcmp(body, xsd_errors[i].errstring, n) == 0)
			return (xsd_errors[i].errnum);
	/* What Linux does with a name it does not know. */
	return (EINVAL);
}

int
xs_msg_watch_event(const char *body, size_t len, const char **path,
    const char **token)
{
	size_t pathlen, rest;

	pathlen = bounded_strlen(body, len);
	if (pathlen == len)
		return (-EINVAL);
	rest = len - pathlen - 1;
	if (bounded_strlen(body + pathlen + 1, rest) == rest)
		return (-EINVAL);
	*path = body;
	*token = body + pathlen + 1;
	return (0);
}

int
xs_msg_parse_uint(const char *s, size_t len, unsigned long max,
    unsigned long *value)
{
	unsigned long v = 0, digit;
	size_t i;

	if (len > 0 && s[len - 1] == '\0')
		len--;
	if (len == 0)
		return (-EINVAL);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-EINVAL);
		digit = (unsigned long)(s[i] - '0');
		/* v * 10 + digit <= max, tested without overflowing. */
		if (digit > max || v > (max - digit) / 10)
			return (-EINVAL);
		v = v * 10 + digit;
	}
	*value = v;
	return (0);
}

int
xs_msg_names(const char *body, size_t len, char *out, size_t size)
{
	size_t i, start = 0;
	int count = 0;

	/* Every name ends with a NUL, so the body must too (or be empty). */
	if (len > 0 && body[len - 1] != '\0')
		return (-EINVAL);
	for (i = 0; i < len; i++) {
		if (body[i] != '\0')
			continue;
		/* Two NULs in a row would end the caller's list early. */
		if (i == start)
			return (-EINVAL);
		count++;
		start = i + 1;
	}
	if (len + 1 > size)
		return (-E2BIG);
	memcpy(out, body, len);
	out[len] = '\0';
	return (count);
}

enum xs_queue_status
xs_watch_queue_push(struct xs_watch_queue *q, const char *path,
    const char *token)
{
	struct xs_watch_event *ev;
	size_t pathlen = strlen(path), tokenlen = strlen(token);
	unsigned int i;

	if (pathlen >= sizeof(ev->path) || tokenlen >= sizeof(ev->token))
		return (XS_QUEUE_TOO_LONG);
	/*
	 * An event says only "look at this node again"; a second copy of a
	 * waiting event adds nothing, and folding them keeps a chatty node
	 * from filling the queue.
	 */
	for (i = 0; i < q->count; i++)
		if (strcmp(q->ev[i].path, path) == 0 &&
		    strcmp(q->ev[i].token, token) == 0)
			return (XS_QUEUED_ALREADY);
	if (q->count == XS_WATCH_QUEUE_LEN)
		return (XS_QUEUE_FULL);
	ev = &q->ev[q->count++];
	memcpy(ev->path, path, pathlen + 1);
	memcpy(ev->token, token, tokenlen + 1);
	return (XS_QUEUED);
}

/* Remove entry i, keeping the others in order. */
static void
watch_queue_remove(struct xs_watch_queue *q, unsigned int i)
{

	for (; i + 1 < q->count; i++)
		q->ev[i] = q->ev[i + 1];
	q->count--;
}

int
xs_watch_queue_take(struct xs_watch_queue *q, const char *token, char *path,
    size_t size)
{
	unsigned int i;
	size_t len;

	for (i = 0; i < q->count; i++) {
		if (strcmp(q->ev[i].token, token) != 0)
			continue;
		/* Left queued if the caller cannot hold it whole. */
		len = strlen(q->ev[i].path);
		if (len >= size)
			return (-E2BIG);
		memcpy(path, q->ev[i].path, len + 1);
		watch_queue_remove(q, i);
		return (0);
	}
	return (-ENOENT);
}

void
xs_watch_queue_purge(struct xs_watch_queue *q, const char *token)
{
	unsigned int i = 0;

	while (i < q->count) {
		if (strcmp(q->ev[i].token, token) == 0)
			watch_queue_remove(q, i);
		else
			i++;
	}
}
