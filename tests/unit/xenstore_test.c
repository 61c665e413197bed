/*
 * tests/unit/xenstore_test.c - what the xenstore wire layer promises
 * (src/xen/xs_msg.h), tested on the host with hand-made rings.
 *
 * src/xen/xs_msg.c is plain memory code, compiled here unchanged.  Each
 * test builds a struct xenstore_domain_interface (the shared page of
 * xen/include/public/io/xs_wire.h) in ordinary memory and plays
 * xenstored's part by writing bytes and moving its indices: whole and
 * truncated messages, messages that straddle the end of the ring or the
 * 2^32 wrap of the indices, bodies longer than the ring, a length beyond
 * XENSTORE_PAYLOAD_MAX, impossible indices, error replies and watch
 * events.  The kernel runs the same file against the real xenstored.
 */
#define	_POSIX_C_SOURCE	200809L	/* atf-c.h needs pid_t from POSIX */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <atf-c.h>

#include "xen/xs_msg.h"

static struct xenstore_domain_interface intf;
static struct xs_reader reader;

/* Start from an empty page whose indices all stand at start. */
static void
ring_reset(XENSTORE_RING_IDX start)
{

	memset(&intf, 0, sizeof(intf));
	intf.req_cons = intf.req_prod = start;
	intf.rsp_cons = intf.rsp_prod = start;
	xs_reader_reset(&reader);
}

/* Play xenstored: append n bytes to the rsp ring, then publish them. */
static void
peer_put(const void *data, size_t n)
{
	const char *p = data;
	size_t i;

	ATF_REQUIRE_MSG(intf.rsp_prod - intf.rsp_cons + n <=
	    XENSTORE_RING_SIZE, "test bug: peer_put of %zu bytes overfills "
	    "the ring", n);
	for (i = 0; i < n; i++)
		intf.rsp[MASK_XENSTORE_IDX(intf.rsp_prod + i)] = p[i];
	intf.rsp_prod += (XENSTORE_RING_IDX)n;
}

/* A message as xenstored would lay it out: header, then body. */
static size_t
make_msg(char *buf, uint32_t type, uint32_t req_id, const char *body,
    size_t len)
{
	struct xsd_sockmsg hdr = {
		.type = type, .req_id = req_id, .tx_id = 0,
		.len = (uint32_t)len,
	};

	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), body, len);
	return (sizeof(hdr) + len);
}

/* Pull once and require status; say what came back otherwise. */
static void
expect_pull(enum xs_pull_status want)
{
	enum xs_pull_status got = xs_reader_pull(&reader, &intf);

	ATF_REQUIRE_MSG(got == want, "xs_reader_pull returned %d, expected %d",
	    got, want);
}

/*
 * With every index at start, let the peer send one whole message and
 * require the reader to deliver it intact and consume exactly it.
 */
static void
deliver(XENSTORE_RING_IDX start, uint32_t type, uint32_t req_id,
    const char *body, size_t len)
{
	char msg[64];
	size_t n;

	ring_reset(start);
	n = make_msg(msg, type, req_id, body, len);
	peer_put(msg, n);
	expect_pull(XS_PULL_DONE);
	ATF_CHECK_EQ(reader.hdr.type, type);
	ATF_CHECK_EQ(reader.hdr.req_id, req_id);
	ATF_CHECK_EQ(reader.hdr.len, len);
	ATF_CHECK_MSG(memcmp(reader.body, body, len) == 0 &&
	    reader.body[len] == '\0', "body differs from what was sent, or "
	    "is not terminated");
	ATF_CHECK_EQ_MSG(intf.rsp_cons, (XENSTORE_RING_IDX)(start + n),
	    "rsp_cons %u, expected %u", intf.rsp_cons,
	    (XENSTORE_RING_IDX)(start + n));
}

ATF_TC_WITHOUT_HEAD(whole_reply_is_read_and_terminated);
ATF_TC_BODY(whole_reply_is_read_and_terminated, tc)
{

	deliver(0, XS_READ, 7, "value", 5);
	ATF_CHECK_STREQ(reader.body, "value");
	/* Pulling again without a reset keeps the same message. */
	expect_pull(XS_PULL_DONE);
}

ATF_TC_WITHOUT_HEAD(message_split_across_the_ring_end_is_reassembled);
ATF_TC_BODY(message_split_across_the_ring_end_is_reassembled, tc)
{

	/* 1020 leaves 4 slots before the end: the header itself is split. */
	deliver(1020, XS_DIRECTORY, 3, "a\0bb\0", 5);
	/* 1000: the header fits, the body is split. */
	deliver(1000, XS_READ, 4, "0123456789", 10);
}

ATF_TC_WITHOUT_HEAD(indices_wrapping_at_2_to_the_32_still_work);
ATF_TC_BODY(indices_wrapping_at_2_to_the_32_still_work, tc)
{

	deliver(0xfffffff8u, XS_WRITE, 9, "OK", 3);
}

ATF_TC_WITHOUT_HEAD(truncated_message_waits_for_the_rest);
ATF_TC_BODY(truncated_message_waits_for_the_rest, tc)
{
	char msg[64];
	size_t n;

	ring_reset(0);
	n = make_msg(msg, XS_READ, 1, "hello", 5);
	/* Half a header, then the rest of the header, then the body. */
	peer_put(msg, 10);
	expect_pull(XS_PULL_MORE);
	ATF_CHECK_EQ_MSG(intf.rsp_cons, 10, "consumed %u of the 10 bytes "
	    "offered", intf.rsp_cons);
	peer_put(msg + 10, 6);
	expect_pull(XS_PULL_MORE);
	peer_put(msg + 16, n - 16 - 2);
	expect_pull(XS_PULL_MORE);
	peer_put(msg + n - 2, 2);
	expect_pull(XS_PULL_DONE);
	ATF_CHECK_STREQ(reader.body, "hello");
}

ATF_TC_WITHOUT_HEAD(body_longer_than_the_ring_arrives_in_pieces);
ATF_TC_BODY(body_longer_than_the_ring_arrives_in_pieces, tc)
{
	static char msg[sizeof(struct xsd_sockmsg) + 3000];
	static char body[3000];
	size_t n, sent = 0, chunk;
	enum xs_pull_status st = XS_PULL_MORE;
	int pulls = 0;

	ring_reset(100);
	memset(body, 'x', sizeof(body));
	body[sizeof(body) - 1] = '\0';
	n = make_msg(msg, XS_READ, 2, body, sizeof(body));
	while (st == XS_PULL_MORE) {
		/* The peer fills whatever room we left, as xenstored does. */
		chunk = XENSTORE_RING_SIZE - (intf.rsp_prod - intf.rsp_cons);
		if (chunk > n - sent)
			chunk = n - sent;
		peer_put(msg + sent, chunk);
		sent += chunk;
		st = xs_reader_pull(&reader, &intf);
		ATF_REQUIRE_MSG(++pulls < 10, "still incomplete after %d pulls",
		    pulls);
	}
	ATF_REQUIRE_EQ(st, XS_PULL_DONE);
	ATF_CHECK_EQ(reader.hdr.len, sizeof(body));
	ATF_CHECK(memcmp(reader.body, body, sizeof(body)) == 0);
}

ATF_TC_WITHOUT_HEAD(length_beyond_payload_max_is_refused);
ATF_TC_BODY(length_beyond_payload_max_is_refused, tc)
{
	struct xsd_sockmsg hdr = {
		.type = XS_READ, .req_id = 1, .len = XENSTORE_PAYLOAD_MAX + 1,
	};

	ring_reset(0);
	peer_put(&hdr, sizeof(hdr));
	expect_pull(XS_PULL_TOO_LONG);
	/* The refusal sticks: nothing is ever copied past body[]. */
	peer_put("junk", 4);
	expect_pull(XS_PULL_TOO_LONG);

	/* Exactly the maximum is allowed. */
	ring_reset(0);
	hdr.len = XENSTORE_PAYLOAD_MAX;
	peer_put(&hdr, sizeof(hdr));
	expect_pull(XS_PULL_MORE);
}

ATF_TC_WITHOUT_HEAD(producer_index_beyond_the_ring_is_refused);
ATF_TC_BODY(producer_index_beyond_the_ring_is_refused, tc)
{

	ring_reset(500);
	/* 1025 bytes "in flight" in a 1024-byte ring: a lie. */
	intf.rsp_prod = 500 + XENSTORE_RING_SIZE + 1;
	expect_pull(XS_PULL_BAD_INDEX);
	ATF_CHECK_EQ_MSG(intf.rsp_cons, 500, "rsp_cons moved to %u on a bad "
	    "index", intf.rsp_cons);
	/* A producer behind the consumer is the same lie, wrapped. */
	intf.rsp_prod = 499;
	expect_pull(XS_PULL_BAD_INDEX);
}

ATF_TC_WITHOUT_HEAD(next_message_stays_in_the_ring);
ATF_TC_BODY(next_message_stays_in_the_ring, tc)
{
	char msg[128];
	size_t n1, n2;

	ring_reset(0);
	n1 = make_msg(msg, XS_WATCH_EVENT, 0, "data/x\0tok\0", 11);
	n2 = make_msg(msg + n1, XS_READ, 5, "v", 1);
	peer_put(msg, n1 + n2);
	expect_pull(XS_PULL_DONE);
	ATF_CHECK_EQ(reader.hdr.type, XS_WATCH_EVENT);
	ATF_CHECK_EQ_MSG(intf.rsp_cons, n1, "rsp_cons %u: consumed past the "
	    "first message (%zu bytes)", intf.rsp_cons, n1);
	xs_reader_reset(&reader);
	expect_pull(XS_PULL_DONE);
	ATF_CHECK_EQ(reader.hdr.type, XS_READ);
	ATF_CHECK_STREQ(reader.body, "v");
}

ATF_TC_WITHOUT_HEAD(replies_are_matched_by_req_id_and_type);
ATF_TC_BODY(replies_are_matched_by_req_id_and_type, tc)
{
	struct xsd_sockmsg h = { .type = XS_READ, .req_id = 4 };

	ATF_CHECK_EQ(xs_msg_classify(&h, 4, XS_READ), XS_MSG_REPLY);
	ATF_CHECK_EQ(xs_msg_classify(&h, 5, XS_READ), XS_MSG_STRAY);
	ATF_CHECK_EQ(xs_msg_classify(&h, 4, XS_WRITE), XS_MSG_MISMATCH);
	h.type = XS_ERROR;
	ATF_CHECK_EQ(xs_msg_classify(&h, 4, XS_WRITE), XS_MSG_ERROR);
	ATF_CHECK_EQ(xs_msg_classify(&h, 3, XS_WRITE), XS_MSG_STRAY);
	/* A watch event is one whatever its req_id. */
	h.type = XS_WATCH_EVENT;
	ATF_CHECK_EQ(xs_msg_classify(&h, 4, XS_READ), XS_MSG_WATCH_EVENT);
	h.req_id = 0;
	ATF_CHECK_EQ(xs_msg_classify(&h, 4, XS_READ), XS_MSG_WATCH_EVENT);
}

ATF_TC_WITHOUT_HEAD(error_names_map_to_errno_values);
ATF_TC_BODY(error_names_map_to_errno_values, tc)
{

	ATF_CHECK_EQ(xs_msg_errno("ENOENT", 7), ENOENT);
	ATF_CHECK_EQ(xs_msg_errno("EACCES", 7), EACCES);
	ATF_CHECK_EQ(xs_msg_errno("EAGAIN", 7), EAGAIN);
	ATF_CHECK_EQ(xs_msg_errno("EEXIST", 7), EEXIST);
	ATF_CHECK_EQ(xs_msg_errno("E2BIG", 6), E2BIG);
	/* Without its NUL too: the length is what counts. */
	ATF_CHECK_EQ(xs_msg_errno("EACCES", 6), EACCES);
	ATF_CHECK_EQ(xs_msg_errno("EINVAL", 6), EINVAL);
	/* Unknown, prefixed, extended and empty names are EINVAL. */
	ATF_CHECK_EQ(xs_msg_errno("EWHATEVER", 10), EINVAL);
	ATF_CHECK_EQ(xs_msg_errno("ENOENTX", 8), EINVAL);
	ATF_CHECK_EQ(xs_msg_errno("ENOEN", 6), EINVAL);
	ATF_CHECK_EQ(xs_msg_errno("", 0), EINVAL);
}

ATF_TC_WITHOUT_HEAD(watch_event_body_is_split_and_checked);
ATF_TC_BODY(watch_event_body_is_split_and_checked, tc)
{
	const char *path = NULL, *token = NULL;

	ATF_REQUIRE_EQ(xs_msg_watch_event("data/ready\0tok\0", 15, &path,
	    &token), 0);
	ATF_CHECK_STREQ(path, "data/ready");
	ATF_CHECK_STREQ(token, "tok");
	/* Missing the token's terminator, or the token altogether. */
	ATF_CHECK_EQ(xs_msg_watch_event("data/ready\0tok", 14, &path, &token),
	    -EINVAL);
	ATF_CHECK_EQ(xs_msg_watch_event("data/ready\0", 11, &path, &token),
	    -EINVAL);
	ATF_CHECK_EQ(xs_msg_watch_event("data/ready", 10, &path, &token),
	    -EINVAL);
	ATF_CHECK_EQ(xs_msg_watch_event("", 0, &path, &token), -EINVAL);
}

ATF_TC_WITHOUT_HEAD(watch_events_queue_by_token_without_loss);
ATF_TC_BODY(watch_events_queue_by_token_without_loss, tc)
{
	static struct xs_watch_queue q;
	char path[XS_WATCH_PATH_MAX], longpath[XS_WATCH_PATH_MAX + 1];
	unsigned int i;

	ATF_CHECK_EQ(xs_watch_queue_push(&q, "a/1", "t1"), XS_QUEUED);
	ATF_CHECK_EQ(xs_watch_queue_push(&q, "b/1", "t2"), XS_QUEUED);
	ATF_CHECK_EQ(xs_watch_queue_push(&q, "a/2", "t1"), XS_QUEUED);
	/* The same event again is folded into the waiting one. */
	ATF_CHECK_EQ(xs_watch_queue_push(&q, "a/1", "t1"), XS_QUEUED_ALREADY);
	ATF_CHECK_EQ(q.count, 3);

	/* Taking by token skips other tokens and keeps the order. */
	ATF_REQUIRE_EQ(xs_watch_queue_take(&q, "t1", path, sizeof(path)), 0);
	ATF_CHECK_STREQ(path, "a/1");
	ATF_REQUIRE_EQ(xs_watch_queue_take(&q, "t1", path, sizeof(path)), 0);
	ATF_CHECK_STREQ(path, "a/2");
	ATF_CHECK_EQ(xs_watch_queue_take(&q, "t1", path, sizeof(path)),
	    -ENOENT);
	ATF_REQUIRE_EQ(xs_watch_queue_take(&q, "t2", path, sizeof(path)), 0);
	ATF_CHECK_STREQ(path, "b/1");
	ATF_CHECK_EQ(q.count, 0);

	/* Full: the event is refused, not written over another. */
	for (i = 0; i < XS_WATCH_QUEUE_LEN; i++) {
		snprintf(path, sizeof(path), "n/%u", i);
		ATF_CHECK_EQ(xs_watch_queue_push(&q, path, "t"), XS_QUEUED);
	}
	ATF_CHECK_EQ(xs_watch_queue_push(&q, "n/x", "t"), XS_QUEUE_FULL);
	ATF_REQUIRE_EQ(xs_watch_queue_take(&q, "t", path, sizeof(path)), 0);
	ATF_CHECK_STREQ(path, "n/0");

	/* Purge drops one token's events only. */
	ATF_CHECK_EQ(xs_watch_queue_push(&q, "k", "keep"), XS_QUEUED);
	xs_watch_queue_purge(&q, "t");
	ATF_CHECK_EQ(q.count, 1);
	ATF_CHECK_EQ(xs_watch_queue_take(&q, "keep", path, sizeof(path)), 0);

	/* A path that cannot be held is refused whole. */
	memset(longpath, 'p', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	ATF_CHECK_EQ(xs_watch_queue_push(&q, longpath, "t"),
	    XS_QUEUE_TOO_LONG);
}

ATF_TC_WITHOUT_HEAD(requests_are_written_in_pieces_around_the_ring);
ATF_TC_BODY(requests_are_written_in_pieces_around_the_ring, tc)
{
	static char req[1500], seen[1500];
	size_t i;
	int n;

	for (i = 0; i < sizeof(req); i++)
		req[i] = (char)(i * 7);
	ring_reset(1000);
	/* The ring takes 1024 bytes; the rest must wait. */
	n = xs_ring_write(&intf, req, sizeof(req));
	ATF_REQUIRE_EQ_MSG(n, XENSTORE_RING_SIZE, "wrote %d into an empty "
	    "ring", n);
	ATF_CHECK(!xs_ring_req_has_room(&intf));
	ATF_CHECK_EQ(xs_ring_write(&intf, req + n, sizeof(req) - n), 0);
	/* xenstored consumes 600 bytes; the remaining 476 then fit. */
	for (i = 0; i < 600; i++)
		seen[i] = intf.req[MASK_XENSTORE_IDX(intf.req_cons + i)];
	intf.req_cons += 600;
	ATF_CHECK(xs_ring_req_has_room(&intf));
	ATF_CHECK_EQ(xs_ring_write(&intf, req + n, sizeof(req) - n),
	    (int)sizeof(req) - n);
	for (i = 600; i < sizeof(req); i++)
		seen[i] = intf.req[MASK_XENSTORE_IDX(intf.req_cons + i - 600)];
	ATF_CHECK(memcmp(req, seen, sizeof(req)) == 0);
	ATF_CHECK_EQ(intf.req_prod, 1000 + sizeof(req));

	/* A consumer index ahead of our producer is refused. */
	intf.req_cons = intf.req_prod + 1;
	ATF_CHECK_EQ(xs_ring_write(&intf, req, 1), -EIO);
}

ATF_TC_WITHOUT_HEAD(numbers_names_and_requests_are_checked);
ATF_TC_BODY(numbers_names_and_requests_are_checked, tc)
{
	char out[16], body[16];
	unsigned long v = 99;

	ATF_CHECK_EQ(xs_msg_parse_uint("4", 2, 8, &v), 0);
	ATF_CHECK_EQ(v, 4);
	ATF_CHECK_EQ(xs_msg_parse_uint("65535", 5, 65535, &v), 0);
	ATF_CHECK_EQ(v, 65535);
	ATF_CHECK_EQ(xs_msg_parse_uint("65536", 5, 65535, &v), -EINVAL);
	ATF_CHECK_EQ(xs_msg_parse_uint("99999999999999999999999", 23,
	    (unsigned long)-1, &v), -EINVAL);
	ATF_CHECK_EQ(xs_msg_parse_uint("", 1, 8, &v), -EINVAL);
	ATF_CHECK_EQ(xs_msg_parse_uint("-1", 2, 8, &v), -EINVAL);
	ATF_CHECK_EQ(xs_msg_parse_uint("4\0" "5", 3, 99, &v), -EINVAL);

	ATF_CHECK_EQ(xs_msg_names("vif\0vbd\0", 8, out, sizeof(out)), 2);
	ATF_CHECK(memcmp(out, "vif\0vbd\0", 9) == 0);
	ATF_CHECK_EQ(xs_msg_names("", 0, out, sizeof(out)), 0);
	ATF_CHECK_EQ(out[0], '\0');
	ATF_CHECK_EQ(xs_msg_names("vif\0vbd", 7, out, sizeof(out)), -EINVAL);
	ATF_CHECK_EQ(xs_msg_names("vif\0\0", 5, out, sizeof(out)), -EINVAL);
	ATF_CHECK_EQ(xs_msg_names("vif\0vbd\0", 8, out, 8), -E2BIG);

	ATF_CHECK_EQ(xs_msg_pack(body, sizeof(body), "a/b", "xy", 2), 6);
	ATF_CHECK(memcmp(body, "a/b\0xy", 6) == 0);
	ATF_CHECK_EQ(xs_msg_pack(body, sizeof(body), "", NULL, 5), 1);
	ATF_CHECK_EQ(xs_msg_pack(body, 5, "a/b", "xy", 2), -E2BIG);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, whole_reply_is_read_and_terminated);
	ATF_TP_ADD_TC(tp, message_split_across_the_ring_end_is_reassembled);
	ATF_TP_ADD_TC(tp, indices_wrapping_at_2_to_the_32_still_work);
	ATF_TP_ADD_TC(tp, truncated_message_waits_for_the_rest);
	ATF_TP_ADD_TC(tp, body_longer_than_the_ring_arrives_in_pieces);
	ATF_TP_ADD_TC(tp, length_beyond_payload_max_is_refused);
	ATF_TP_ADD_TC(tp, producer_index_beyond_the_ring_is_refused);
	ATF_TP_ADD_TC(tp, next_message_stays_in_the_ring);
	ATF_TP_ADD_TC(tp, replies_are_matched_by_req_id_and_type);
	ATF_TP_ADD_TC(tp, error_names_map_to_errno_values);
	ATF_TP_ADD_TC(tp, watch_event_body_is_split_and_checked);
	ATF_TP_ADD_TC(tp, watch_events_queue_by_token_without_loss);
	ATF_TP_ADD_TC(tp, requests_are_written_in_pieces_around_the_ring);
	ATF_TP_ADD_TC(tp, numbers_names_and_requests_are_checked);
	return (atf_no_error());
}
