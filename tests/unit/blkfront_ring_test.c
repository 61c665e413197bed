/*
 * tests/unit/blkfront_ring_test.c - blkfront's reading of its response
 * ring (src/dev/xen/blkfront/blkfront_ring.c) against a back end that
 * lies, on the host.
 *
 * blkfront_ring.c calls no hypercall, so it is compiled here unchanged
 * and given a real blkif ring (DEFINE_RING_TYPES of
 * xen/include/public/io/ring.h, via blkif.h) in ordinary memory.  The
 * test plays blkback with the ring's back-end macros: it takes our
 * requests and writes responses - honest ones, and ones with an id out
 * of range, an id not in flight, an unknown status, an operation that
 * is not the request's, and an rsp_prod that jumps past what we asked.
 * Each lie must stop the collection with -1 and a reason, without
 * calling the completion; honest responses, in any order and across
 * the 2^32 wrap of the indices, must complete the right requests.
 */
#define	_POSIX_C_SOURCE	200809L	/* atf-c.h needs pid_t from POSIX */

#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "dev/xen/blkfront/blkfront_ring.h"

#define	PAGE	4096

/* The ring, both ends of it, and our slots. */
static blkif_sring_t *sring;
static blkif_front_ring_t front;
static blkif_back_ring_t back;
static struct blkfront_slots slots;
/* Owners, and what the completion saw. */
static int owner[BLKFRONT_MAX_SLOTS];
static unsigned int ndone;
static void *done_owner[64];
static int16_t done_status[64];

static void
record(void *arg, struct blkfront_slot *s, int16_t status)
{

	(void)arg;
	if (ndone < 64) {
		done_owner[ndone] = s->owner;
		done_status[ndone] = status;
	}
	ndone++;
}

/* A fresh ring whose indices all start at start (to test the wrap). */
static void
setup(RING_IDX start)
{

	sring = aligned_alloc(PAGE, PAGE);
	ATF_REQUIRE(sring != NULL);
	SHARED_RING_INIT(sring);
	sring->req_prod = sring->rsp_prod = start;
	FRONT_RING_INIT(&front, sring, PAGE);
	front.req_prod_pvt = front.rsp_cons = start;
	BACK_RING_INIT(&back, sring, PAGE);
	back.rsp_prod_pvt = back.req_cons = start;
	blkfront_slots_init(&slots, 8);
	ndone = 0;
}

/* Put a request of op for owner k on the ring, as blkfront does. */
static int
submit(unsigned int k, uint8_t op)
{
	blkif_request_t *req;
	int id;

	id = blkfront_slot_get(&slots, &owner[k]);
	ATF_REQUIRE(id >= 0);
	slots.slot[id].op = op;
	slots.slot[id].wire_op = op;
	req = RING_GET_REQUEST(&front, front.req_prod_pvt);
	req->operation = op;
	req->id = (uint64_t)id;
	front.req_prod_pvt++;
	RING_PUSH_REQUESTS(&front);
	return (id);
}

/* The back end answers id (any id it likes) with op and status. */
static void
answer(uint64_t id, uint8_t op, int16_t status)
{
	blkif_response_t *rsp;

	rsp = RING_GET_RESPONSE(&back, back.rsp_prod_pvt);
	rsp->id = id;
	rsp->operation = op;
	rsp->status = status;
	back.rsp_prod_pvt++;
	RING_PUSH_RESPONSES(&back);
}

static int
collect(struct blkfront_bad *bad)
{

	memset(bad, 0, sizeof(*bad));
	return (blkfront_ring_collect(&front, &slots, record, NULL, bad));
}

ATF_TC_WITHOUT_HEAD(honest_responses_complete_their_requests);
ATF_TC_BODY(honest_responses_complete_their_requests, tc)
{
	struct blkfront_bad bad;
	int a, b, c;

	setup(0);
	a = submit(0, BLKIF_OP_READ);
	b = submit(1, BLKIF_OP_WRITE);
	c = submit(2, BLKIF_OP_READ);
	ATF_CHECK_EQ(slots.inflight, 3);
	/* Out of order, one of them failed: all legitimate. */
	answer((uint64_t)c, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	answer((uint64_t)a, BLKIF_OP_READ, BLKIF_RSP_ERROR);
	answer((uint64_t)b, BLKIF_OP_WRITE, BLKIF_RSP_EOPNOTSUPP);
	ATF_REQUIRE_EQ_MSG(collect(&bad), 3, "stopped: %s",
	    bad.why ? bad.why : "-");
	ATF_CHECK(done_owner[0] == &owner[2] && done_status[0] == 0);
	ATF_CHECK(done_owner[1] == &owner[0] &&
	    done_status[1] == BLKIF_RSP_ERROR);
	ATF_CHECK(done_owner[2] == &owner[1] &&
	    done_status[2] == BLKIF_RSP_EOPNOTSUPP);
	ATF_CHECK_EQ(slots.inflight, 0);
	ATF_CHECK_EQ(front.rsp_cons, front.req_prod_pvt);
	/* Nothing more: collecting again does nothing. */
	ATF_CHECK_EQ(collect(&bad), 0);
	ATF_CHECK_EQ(ndone, 3);
}

ATF_TC_WITHOUT_HEAD(indices_wrap_around_2_to_the_32);
ATF_TC_BODY(indices_wrap_around_2_to_the_32, tc)
{
	struct blkfront_bad bad;
	unsigned int i;
	int id[6];

	setup(0xfffffffcu);
	for (i = 0; i < 6; i++)
		id[i] = submit(i, BLKIF_OP_READ);
	for (i = 0; i < 6; i++)
		answer((uint64_t)id[i], BLKIF_OP_READ, BLKIF_RSP_OKAY);
	ATF_CHECK_EQ(sring->rsp_prod, 2);	/* it wrapped */
	ATF_CHECK_EQ(collect(&bad), 6);
	ATF_CHECK_EQ(slots.inflight, 0);
}

ATF_TC_WITHOUT_HEAD(indirect_request_may_be_answered_with_either_op);
ATF_TC_BODY(indirect_request_may_be_answered_with_either_op, tc)
{
	struct blkfront_bad bad;
	int a, b;

	setup(0);
	a = submit(0, BLKIF_OP_WRITE);
	slots.slot[a].wire_op = BLKIF_OP_INDIRECT;
	b = submit(1, BLKIF_OP_READ);
	slots.slot[b].wire_op = BLKIF_OP_INDIRECT;
	answer((uint64_t)a, BLKIF_OP_INDIRECT, BLKIF_RSP_OKAY);
	answer((uint64_t)b, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	ATF_CHECK_EQ(collect(&bad), 2);
}

ATF_TC_WITHOUT_HEAD(id_out_of_range_is_refused);
ATF_TC_BODY(id_out_of_range_is_refused, tc)
{
	struct blkfront_bad bad;

	setup(0);
	(void)submit(0, BLKIF_OP_READ);
	answer(8, BLKIF_OP_READ, BLKIF_RSP_OKAY);	/* 8 slots: 0..7 */
	ATF_CHECK_EQ(collect(&bad), -1);
	ATF_CHECK_STREQ(bad.why, "id out of range");
	ATF_CHECK_EQ(bad.value, 8);
	ATF_CHECK_EQ(ndone, 0);
	/* A huge id (the high half of the 64-bit field) too. */
	setup(0);
	(void)submit(0, BLKIF_OP_READ);
	answer(0x100000000ull, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	ATF_CHECK_EQ(collect(&bad), -1);
	ATF_CHECK_STREQ(bad.why, "id out of range");
}

ATF_TC_WITHOUT_HEAD(id_not_in_flight_is_refused);
ATF_TC_BODY(id_not_in_flight_is_refused, tc)
{
	struct blkfront_bad bad;
	int a;

	setup(0);
	a = submit(0, BLKIF_OP_READ);
	/* Answered twice: the second answer names a free slot. */
	answer((uint64_t)a, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	answer((uint64_t)a, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	/*
	 * Two responses to one request: rsp_prod is past our requests,
	 * which is caught first.
	 */
	ATF_CHECK_EQ(collect(&bad), -1);
	ATF_CHECK_STREQ(bad.why, "rsp_prod beyond our requests");
	/* With a second request out, the duplicate is caught by its id. */
	setup(0);
	a = submit(0, BLKIF_OP_READ);
	(void)submit(1, BLKIF_OP_READ);
	answer((uint64_t)a, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	answer((uint64_t)a, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	ATF_CHECK_EQ(collect(&bad), -1);
	ATF_CHECK_STREQ(bad.why, "id not in flight");
	ATF_CHECK_EQ(ndone, 1);		/* the first answer was good */
}

ATF_TC_WITHOUT_HEAD(unknown_status_is_refused);
ATF_TC_BODY(unknown_status_is_refused, tc)
{
	struct blkfront_bad bad;
	int a;

	setup(0);
	a = submit(0, BLKIF_OP_WRITE);
	answer((uint64_t)a, BLKIF_OP_WRITE, 7);
	ATF_CHECK_EQ(collect(&bad), -1);
	ATF_CHECK_STREQ(bad.why, "unknown status");
	ATF_CHECK_EQ(ndone, 0);
	ATF_CHECK_EQ(slots.inflight, 1);	/* not completed */
}

ATF_TC_WITHOUT_HEAD(operation_not_the_requests_is_refused);
ATF_TC_BODY(operation_not_the_requests_is_refused, tc)
{
	struct blkfront_bad bad;
	int a;

	setup(0);
	a = submit(0, BLKIF_OP_READ);
	answer((uint64_t)a, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	ATF_CHECK_EQ(collect(&bad), -1);
	ATF_CHECK_STREQ(bad.why, "operation not the request's");
}

ATF_TC_WITHOUT_HEAD(rsp_prod_jumping_ahead_is_refused);
ATF_TC_BODY(rsp_prod_jumping_ahead_is_refused, tc)
{
	struct blkfront_bad bad;

	setup(0);
	(void)submit(0, BLKIF_OP_READ);
	(void)submit(1, BLKIF_OP_READ);
	/* Two requests out; the back end claims five answers. */
	sring->rsp_prod = 5;
	ATF_CHECK_EQ(collect(&bad), -1);
	ATF_CHECK_STREQ(bad.why, "rsp_prod beyond our requests");
	ATF_CHECK_EQ(bad.value, 5);
	ATF_CHECK_EQ(ndone, 0);
	ATF_CHECK_EQ(front.rsp_cons, 0);	/* nothing was read */
	/* Going backwards is as bad: seen as a jump of ~2^32. */
	setup(100);
	(void)submit(0, BLKIF_OP_READ);
	sring->rsp_prod = 99;
	ATF_CHECK_EQ(collect(&bad), -1);
	ATF_CHECK_STREQ(bad.why, "rsp_prod beyond our requests");
}

ATF_TC_WITHOUT_HEAD(slots_run_out_and_come_back);
ATF_TC_BODY(slots_run_out_and_come_back, tc)
{
	unsigned int i;

	setup(0);
	for (i = 0; i < 8; i++)
		ATF_CHECK(blkfront_slot_get(&slots, &owner[i]) >= 0);
	ATF_CHECK_EQ(blkfront_slot_get(&slots, &owner[0]), -1);
	blkfront_slot_put(&slots, 3);
	blkfront_slot_put(&slots, 3);	/* twice: ignored */
	ATF_CHECK_EQ(slots.inflight, 7);
	ATF_CHECK_EQ(blkfront_slot_get(&slots, &owner[0]), 3);
	ATF_CHECK_EQ(blkfront_slot_get(&slots, &owner[0]), -1);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, honest_responses_complete_their_requests);
	ATF_TP_ADD_TC(tp, indices_wrap_around_2_to_the_32);
	ATF_TP_ADD_TC(tp, indirect_request_may_be_answered_with_either_op);
	ATF_TP_ADD_TC(tp, id_out_of_range_is_refused);
	ATF_TP_ADD_TC(tp, id_not_in_flight_is_refused);
	ATF_TP_ADD_TC(tp, unknown_status_is_refused);
	ATF_TP_ADD_TC(tp, operation_not_the_requests_is_refused);
	ATF_TP_ADD_TC(tp, rsp_prod_jumping_ahead_is_refused);
	ATF_TP_ADD_TC(tp, slots_run_out_and_come_back);
	return (atf_no_error());
}
