/*
 * dev/xen/blkfront/blkfront_ring.c - request ids and the validated
 * reading of blkfront's response ring (interface and rules in
 * blkfront_ring.h).
 *
 * Protocol: xen/include/public/io/blkif.h (requests, responses,
 * BLKIF_RSP_*), xen/include/public/io/ring.h (the indices: req_prod and
 * rsp_prod only grow, modulo 2^32; a slot is reused once both sides
 * have passed it).  Compiled into the kernel and, unchanged, into the
 * host unit test tests/unit/blkfront_ring_test.c.
 *
 * Walkthrough: walkthroughs/blkfront.md, "The response".
 */

#include "dev/xen/blkfront/blkfront_ring.h"

void
blkfront_slots_init(struct blkfront_slots *sl, unsigned int n)
{
	unsigned int i;

	if (n > BLKFRONT_MAX_SLOTS)
		n = BLKFRONT_MAX_SLOTS;
	sl->nslots = n;
	sl->inflight = 0;
	/* Free list 0 -> 1 -> ... -> n-1 -> n (the end). */
	for (i = 0; i < n; i++) {
		sl->slot[i].owner = NULL;
		sl->slot[i].next_free = (uint16_t)(i + 1);
	}
	sl->free_head = 0;
}

int
blkfront_slot_get(struct blkfront_slots *sl, void *owner)
{
	unsigned int id = sl->free_head;

	if (id >= sl->nslots)
		return (-1);
	sl->free_head = sl->slot[id].next_free;
	sl->slot[id].owner = owner;
	sl->slot[id].nseg = 0;
	sl->slot[id].indirect = false;
	sl->inflight++;
	return ((int)id);
}

void
blkfront_slot_put(struct blkfront_slots *sl, unsigned int id)
{

	if (id >= sl->nslots || sl->slot[id].owner == NULL)
		return;
	sl->slot[id].owner = NULL;
	sl->slot[id].next_free = sl->free_head;
	sl->free_head = (uint16_t)id;
	sl->inflight--;
}

bool
blkfront_status_known(int16_t status)
{

	return (status == BLKIF_RSP_OKAY || status == BLKIF_RSP_ERROR ||
	    status == BLKIF_RSP_EOPNOTSUPP);
}

/* Note why the ring cannot be believed any more; always -1. */
static int
blkfront_bad_rsp(struct blkfront_bad *bad, const char *why, uint64_t value)
{

	bad->why = why;
	bad->value = value;
	return (-1);
}

int
blkfront_ring_collect(blkif_front_ring_t *ring, struct blkfront_slots *sl,
    blkfront_done_fn *done, void *arg, struct blkfront_bad *bad)
{

	(void)ring;
	(void)sl;
	(void)done;
	(void)arg;
	(void)bad;
	(void)blkfront_bad_rsp;	/* yours to use */
	/* LAB blkfront: BEGIN */
	struct blkfront_slot *s;
	blkif_response_t *rsp;
	RING_IDX prod, cons;
	uint64_t id;
	uint8_t op;
	int16_t status;
	int n = 0;

	/*
	 * The back end writes responses, then (write barrier) rsp_prod.  We
	 * read rsp_prod once; a second read could see a later value than
	 * the one we checked.
	 */
	prod = READ_ONCE(ring->sring->rsp_prod);
	cons = ring->rsp_cons;
	/*
	 * Every index is modulo 2^32, so compare distances from rsp_cons:
	 * the back end may have answered at most what we have put on the
	 * ring and not yet collected (req_prod_pvt - rsp_cons).
	 */
	if ((RING_IDX)(prod - cons) > (RING_IDX)(ring->req_prod_pvt - cons))
		return (blkfront_bad_rsp(bad, "rsp_prod beyond our requests",
		    prod));
	/* The responses' contents only after rsp_prod (pairs its wmb). */
	xen_rmb();
	for (; cons != prod; cons++) {
		rsp = RING_GET_RESPONSE(ring, cons);
		/*
		 * Each field once, into a local: the peer may rewrite it
		 * between two reads, and a check must hold for the value
		 * used.  The 64-bit id through a volatile pointer, since an
		 * i386 has no 8-byte atomic load: it may be read in two
		 * halves, but once; a torn value is just one more number
		 * the range check below judges.
		 */
		id = *(volatile uint64_t *)&rsp->id;
		op = READ_ONCE(rsp->operation);
		status = READ_ONCE(rsp->status);
		if (id >= sl->nslots) {
			ring->rsp_cons = cons;
			return (blkfront_bad_rsp(bad, "id out of range", id));
		}
		s = &sl->slot[id];
		if (s->owner == NULL) {
			ring->rsp_cons = cons;
			return (blkfront_bad_rsp(bad, "id not in flight", id));
		}
		/*
		 * blkback echoes the operation it was given: the ring's
		 * (BLKIF_OP_INDIRECT), or for an indirect request Linux
		 * answers with the inner one; both are the request's.
		 */
		if (op != s->wire_op && op != s->op) {
			ring->rsp_cons = cons;
			return (blkfront_bad_rsp(bad, "operation not the "
			    "request's", op));
		}
		if (!blkfront_status_known(status)) {
			ring->rsp_cons = cons;
			return (blkfront_bad_rsp(bad, "unknown status",
			    (uint64_t)(int64_t)status));
		}
		/*
		 * Consumed: rsp_cons moves past it; done() ends the grants
		 * the slot lists and completes the caller's I/O; only then
		 * is the id free for another request.
		 */
		ring->rsp_cons = cons + 1;
		done(arg, s, status);
		blkfront_slot_put(sl, (unsigned int)id);
		n++;
	}
	return (n);
	/* LAB blkfront: END */
	return (0);
}
