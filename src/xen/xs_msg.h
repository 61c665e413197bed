/*
 * xen/xs_msg.h - the xenstore wire protocol as pure data handling: the
 * two byte rings of the xenstore page, message headers, reply bodies,
 * and the queue of watch events.
 *
 * Where this sits: src/xen/xenstore.c is the client (requests, waiting,
 * the API drivers call); everything it does to bytes is here, in code
 * that touches no hypercall and no kernel service, so that the host unit
 * tests (tests/unit/xenstore_test.c) run this very file against
 * hand-made rings: truncated, oversized and wrapped messages, error
 * replies and watch events.
 *
 * Protocol: xen/include/public/io/xs_wire.h (struct xsd_sockmsg, the
 * XS_* message types, struct xenstore_domain_interface) and Xen's
 * docs/misc/xenstore.txt and docs/misc/xenstore-ring.txt.  A message is
 * a 16-byte header {type, req_id, tx_id, len} followed by len bytes of
 * payload, at most XENSTORE_PAYLOAD_MAX (4096), mostly NUL-terminated
 * strings.  The page holds two 1 KiB rings, `req` (we produce, xenstored
 * consumes) and `rsp` (replies and watch events, xenstored produces);
 * each has free-running 32-bit producer and consumer indices, reduced to
 * a slot with MASK_XENSTORE_IDX.  A message may be longer than a ring,
 * so both directions move it in pieces.
 *
 * Everything read from the ring is untrusted: indices are checked, the
 * header is copied before it is checked, lengths are bounded, strings
 * are checked for their terminator before use.
 */
#ifndef _XEN_XS_MSG_H_
#define _XEN_XS_MSG_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/xen.h"

#include <xen/io/xs_wire.h>

/*
 * The rings.
 */

/**
 * @brief Copy up to len bytes of a request into the req ring.
 *
 * Copies what fits, publishes it (bytes first, then req_prod) and
 * returns how much that was; 0 means the ring is full and the caller
 * must wait for xenstored to consume.
 * @return bytes copied, or -EIO if xenstored's req_cons is impossible
 */
int	xs_ring_write(struct xenstore_domain_interface *intf,
	    const void *data, size_t len);

/**
 * @brief Whether the req ring has room for at least one byte.
 */
bool	xs_ring_req_has_room(struct xenstore_domain_interface *intf);

/**
 * @brief Whether xenstored has produced rsp bytes we have not consumed.
 */
bool	xs_ring_rsp_has_data(struct xenstore_domain_interface *intf);

/*
 * A message being read from the rsp ring, possibly over several calls:
 * its header, then its body.  One more byte than the largest body, so
 * the body is always NUL-terminated for the string helpers.
 */
struct xs_reader {
	struct xsd_sockmsg	hdr;
	char			body[XENSTORE_PAYLOAD_MAX + 1];
	size_t			have;	/* bytes of hdr + body read so far */
};

enum xs_pull_status {
	XS_PULL_MORE = 0,	/* consumed what there was; message incomplete */
	XS_PULL_DONE = 1,	/* a whole message is in the reader */
	XS_PULL_BAD_INDEX = -1,	/* rsp_prod - rsp_cons exceeds the ring */
	XS_PULL_TOO_LONG = -2,	/* the header's len exceeds XENSTORE_PAYLOAD_MAX */
};

/**
 * @brief Start reading a new message (forget the one in the reader).
 */
void	xs_reader_reset(struct xs_reader *r);

/**
 * @brief Move bytes of the current message from the rsp ring into r.
 *
 * Stops at the end of the message, so the next message stays in the
 * ring; advances rsp_cons past what it consumed.  After XS_PULL_DONE,
 * r->hdr and r->body (r->hdr.len bytes, then a NUL) hold the message
 * until xs_reader_reset().  After an error the ring must be abandoned:
 * the byte stream has no way to find the next header.
 */
enum xs_pull_status xs_reader_pull(struct xs_reader *r,
	    struct xenstore_domain_interface *intf);

/*
 * Messages.
 */

/* What a complete message from xenstored is, to the request waiting. */
enum xs_msg_kind {
	XS_MSG_REPLY,		/* the answer to our request */
	XS_MSG_ERROR,		/* our request failed: body is "EFOO" */
	XS_MSG_WATCH_EVENT,	/* asynchronous: body is "path\0token\0" */
	XS_MSG_STRAY,		/* a req_id we are not waiting for */
	XS_MSG_MISMATCH,	/* our req_id, but not our request's type */
};

/**
 * @brief Decide what a received message is, given the request waiting
 *	for its answer (req_id and type as sent).
 */
enum xs_msg_kind xs_msg_classify(const struct xsd_sockmsg *hdr,
	    uint32_t req_id, uint32_t type);

/**
 * @brief Lay out a request body: s1 and its NUL, then s2len bytes of s2
 *	(if s2 is not NULL).  A value written with XS_WRITE has no NUL;
 *	a watch token does (pass strlen + 1).
 * @return the body length, or -E2BIG if it exceeds size or
 *	XENSTORE_PAYLOAD_MAX
 */
int	xs_msg_pack(char *body, size_t size, const char *s1, const char *s2,
	    size_t s2len);

/**
 * @brief The error number named by an XS_ERROR body ("ENOENT\0"),
 *	from xs_wire.h's xsd_errors.  An unknown or malformed name gives
 *	EINVAL (positive).
 */
int	xs_msg_errno(const char *body, size_t len);

/**
 * @brief Split a watch event body "path\0token\0" in place.
 * @return 0, or -EINVAL if either string is missing its terminator
 */
int	xs_msg_watch_event(const char *body, size_t len, const char **path,
	    const char **token);

/**
 * @brief Parse a decimal unsigned number that is the whole of the first
 *	len bytes of s (an optional trailing NUL allowed), as xenstore
 *	holds domids, states, transaction ids.
 * @return 0, or -EINVAL (empty, not digits, above max)
 */
int	xs_msg_parse_uint(const char *s, size_t len, unsigned long max,
	    unsigned long *value);

/**
 * @brief Check an XS_DIRECTORY body (names, each NUL-terminated) and
 *	copy it to out followed by one more NUL, so the list ends with an
 *	empty name.
 * @return the number of names, -EINVAL if a name is empty or
 *	unterminated, -E2BIG if out is too small
 */
int	xs_msg_names(const char *body, size_t len, char *out, size_t size);

/*
 * Watch events that arrived while we were waiting for something else.
 * Small fixed-size slots: the kernel has no allocator yet, and the
 * paths we watch are short.
 */
#define	XS_WATCH_QUEUE_LEN	8
#define	XS_WATCH_PATH_MAX	256
#define	XS_WATCH_TOKEN_MAX	64

struct xs_watch_event {
	char	path[XS_WATCH_PATH_MAX];
	char	token[XS_WATCH_TOKEN_MAX];
};

struct xs_watch_queue {
	struct xs_watch_event	ev[XS_WATCH_QUEUE_LEN];	/* oldest first */
	unsigned int		count;
};

enum xs_queue_status {
	XS_QUEUED = 0,		/* added at the tail */
	XS_QUEUED_ALREADY = 1,	/* the same (path, token) was waiting */
	XS_QUEUE_FULL = -1,	/* dropped */
	XS_QUEUE_TOO_LONG = -2,	/* path or token does not fit: dropped */
};

/**
 * @brief Queue a watch event, unless the same one is already queued.
 */
enum xs_queue_status xs_watch_queue_push(struct xs_watch_queue *q,
	    const char *path, const char *token);

/**
 * @brief Take the oldest event with this token, copying its path.
 * @return 0, -ENOENT when none is queued, -E2BIG when the path does not
 *	fit in size bytes (the event stays queued; XS_WATCH_PATH_MAX fits
 *	every path)
 */
int	xs_watch_queue_take(struct xs_watch_queue *q, const char *token,
	    char *path, size_t size);

/**
 * @brief Drop every queued event with this token (after XS_UNWATCH).
 */
void	xs_watch_queue_purge(struct xs_watch_queue *q, const char *token);

#endif /* !_XEN_XS_MSG_H_ */
