/*
 * dev/xen/blkfront/blkfront_ring.h - the slots of blkfront's ring and
 * the reading of its responses: the part of the block front end that
 * trusts nothing the back end writes.
 *
 * Where this sits: blkfront.c puts requests on the shared ring
 * (xen/include/public/io/blkif.h, laid out by DEFINE_RING_TYPES of
 * xen/include/public/io/ring.h) and gives each one an id, the index of
 * a slot here that remembers what the request was (its grants, its
 * caller's I/O).  When the back end's event comes, blkfront_ring_collect()
 * reads the responses: each is read from shared memory once, checked
 * against the slot its id names, and only then acted on.  This file has
 * no hypercalls and no kernel services, so the host unit test
 * (tests/unit/blkfront_ring_test.c) drives it with a ring in ordinary
 * memory playing a hostile back end.
 *
 * A NATIVE disk driver reads a completion queue the device wrote by DMA;
 * it trusts the device more than we may trust dom0's blkback, which is a
 * separate, possibly buggy or malicious, domain.
 *
 * Man page: man4/blkfront.4; walkthrough: walkthroughs/blkfront.md.
 */

#ifndef _DEV_XEN_BLKFRONT_RING_H_
#define _DEV_XEN_BLKFRONT_RING_H_

#include <stdbool.h>
#include <stdint.h>

#include "xen/xen.h"
#include "xen/barrier.h"	/* xen_mb() and friends, which ring.h uses */

#include <xen/grant_table.h>
#include <xen/io/blkif.h>

/*
 * The most segments (pages) one request of ours carries.  With indirect
 * descriptors the back end may offer far more (Linux: 256); 32 pages,
 * 128 KiB, already amortise a request's cost, and keep the grant
 * references of a full ring (BLKFRONT_MAX_SLOTS * 33) inside the
 * 2048 that the kernel's grant table holds (xen/gnttab.h) - nearly:
 * 64 slots of 33 would be 2112, so a request that finds no grant
 * reference free waits for a response to give some back.
 */
#define	BLKFRONT_MAX_SEGS	32

/*
 * The most requests in flight at once, whatever the ring's size: a
 * two-page ring's worth on i386 (a one-page ring holds 32).
 */
#define	BLKFRONT_MAX_SLOTS	64

/* What a slot remembers of the request that holds its id. */
struct blkfront_slot {
	void		*owner;		/* the caller's I/O; NULL when free */
	uint8_t		 op;		/* BLKIF_OP_* asked (not INDIRECT) */
	uint8_t		 wire_op;	/* operation on the ring (INDIRECT) */
	uint16_t	 nseg;		/* segments granted */
	grant_ref_t	 gref[BLKFRONT_MAX_SEGS];	/* data pages */
	grant_ref_t	 indirect_gref;	/* the indirect page, if used */
	bool		 indirect;	/* went as BLKIF_OP_INDIRECT */
	uint16_t	 next_free;	/* free list link */
};

/* The slots of one ring, and the ids free. */
struct blkfront_slots {
	struct blkfront_slot slot[BLKFRONT_MAX_SLOTS];
	unsigned int	 nslots;	/* ids 0 .. nslots-1 are usable */
	unsigned int	 inflight;	/* slots with an owner */
	uint16_t	 free_head;	/* first free id, or nslots */
};

/* Why blkfront_ring_collect() stopped: the back end broke the protocol. */
struct blkfront_bad {
	const char	*why;		/* a fixed string, for the log */
	uint64_t	 value;		/* the offending id, status or index */
};

/* Called once per valid response, the slot already taken off the ring. */
typedef void	blkfront_done_fn(void *arg, struct blkfront_slot *s,
		    int16_t status);

/**
 * @brief Make ids 0 .. n-1 free (n at most BLKFRONT_MAX_SLOTS).
 */
void	blkfront_slots_init(struct blkfront_slots *sl, unsigned int n);

/**
 * @brief Take a free id for a request of owner.
 * @return the id, or -1 when every slot is in flight
 */
int	blkfront_slot_get(struct blkfront_slots *sl, void *owner);

/**
 * @brief Give id back (its response came, or it was abandoned).
 */
void	blkfront_slot_put(struct blkfront_slots *sl, unsigned int id);

/**
 * @brief Is status one a back end may answer (BLKIF_RSP_OKAY, _ERROR,
 *	_EOPNOTSUPP)?
 */
bool	blkfront_status_known(int16_t status);

/**
 * @brief Read every response the back end has produced, validate it
 *	and hand it to done.
 *
 * rsp_prod is read once; it may not run ahead of the requests we gave
 * (req_prod_pvt): a back end answering what was never asked is lying.
 * After a read barrier each response's id, operation and status are
 * read once into locals; the id must name a slot in flight, the
 * operation must be the one that slot sent, the status one we know.
 * The slot is freed after done returns.  A response that fails a
 * check stops the collection: the ring can no longer be believed.
 * @param ring our front ring (rsp_cons advanced past what was read)
 * @param bad filled in when a check fails
 * @return responses handled (>= 0), or -1 with *bad filled in
 */
int	blkfront_ring_collect(blkif_front_ring_t *ring,
	    struct blkfront_slots *sl, blkfront_done_fn *done, void *arg,
	    struct blkfront_bad *bad);

#endif /* !_DEV_XEN_BLKFRONT_RING_H_ */
