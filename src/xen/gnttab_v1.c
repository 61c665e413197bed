/*
 * xen/gnttab_v1.c - grant references and version-1 grant entries, as
 * pure memory operations (interface in xen/gnttab_v1.h).
 *
 * Where this sits: src/xen/gnttab.c sets the table up with hypercalls
 * and calls these to hand out references and to write and revoke
 * entries.  Nothing here calls Xen, so tests/unit/gnttab_test.c runs
 * this very file on the host, playing Xen's part by setting the GTF_*
 * bits Xen would set.
 *
 * Protocol: xen/include/public/grant_table.h, "struct grant_entry_v1"
 * and the GTF_* flags.  An entry is shared with Xen: we write frame,
 * domid and the GTF_permit_access/GTF_readonly flags ([GST] in the
 * header); Xen sets and clears GTF_reading and GTF_writing ([XEN]) while
 * the peer has the page mapped or is copying it.  Both sides change the
 * same 16-bit flags word, so it is only ever changed with atomic
 * operations.  Walkthrough: walkthroughs/boot-pv.md, "A grant".
 */

#include "kern/errno.h"
#include "xen/barrier.h"
#include "xen/gnttab_v1.h"

/*
 * How many times gnttab_entry_revoke() retries a compare-and-swap that
 * lost to Xen.  Each loss means the peer mapped or unmapped in the few
 * instructions between our load and our swap; a peer doing that this
 * many times in a row is toying with us, and we report busy.
 */
#define	REVOKE_TRIES	64

void
gnttab_refs_init(struct gnttab_refs *r, grant_ref_t first, grant_ref_t limit)
{
	grant_ref_t ref;

	if (limit > GNTTAB_MAX_REFS)
		limit = GNTTAB_MAX_REFS;
	r->first = first;
	r->limit = limit;
	r->head = GNTTAB_REF_NONE;
	r->nr_free = 0;
	/*
	 * Link from the top down so the list hands out the lowest
	 * references first: easier to read in a trace.
	 */
	for (ref = 0; ref < GNTTAB_MAX_REFS; ref++)
		r->next[ref] = GNTTAB_REF_INUSE;
	for (ref = limit; ref > first; ref--) {
		r->next[ref - 1] = r->head;
		r->head = ref - 1;
		r->nr_free++;
	}
}

grant_ref_t
gnttab_refs_alloc(struct gnttab_refs *r)
{
	grant_ref_t ref = r->head;

	if (ref == GNTTAB_REF_NONE)
		return (GNTTAB_REF_NONE);
	r->head = r->next[ref];
	r->next[ref] = GNTTAB_REF_INUSE;
	r->nr_free--;
	return (ref);
}

bool
gnttab_refs_in_use(const struct gnttab_refs *r, grant_ref_t ref)
{

	return (ref >= r->first && ref < r->limit &&
	    r->next[ref] == GNTTAB_REF_INUSE);
}

int
gnttab_refs_free(struct gnttab_refs *r, grant_ref_t ref)
{

	/*
	 * Freeing a reference twice would put it on the list twice, and
	 * two grants would one day share one entry: refuse instead.
	 */
	if (!gnttab_refs_in_use(r, ref))
		return (-EINVAL);
	r->next[ref] = r->head;
	r->head = ref;
	r->nr_free++;
	return (0);
}

void
gnttab_entry_grant(grant_entry_v1_t *e, domid_t domid, uint32_t frame,
    bool readonly)
{

	/*
	 * Xen reads an entry the moment the peer asks, and trusts frame
	 * and domid only because GTF_permit_access is set.  So the order
	 * is: frame and domid, a write barrier, then the flags.  With the
	 * flags first, a peer racing us could map whatever frame the entry
	 * held before.  (The entry is unused, flags 0, when we get here.)
	 */
	WRITE_ONCE(e->frame, frame);
	WRITE_ONCE(e->domid, domid);
	xen_wmb();
	WRITE_ONCE(e->flags, (uint16_t)(GTF_permit_access |
	    (readonly ? GTF_readonly : 0)));
}

int
gnttab_entry_revoke(grant_entry_v1_t *e)
{
	uint16_t flags;
	int try;

	/*
	 * The race: when the peer maps the grant, Xen reads flags, checks
	 * GTF_permit_access and the domid, and sets GTF_reading or
	 * GTF_writing with a compare-and-swap on this same word.  Were we
	 * to test the busy bits and then simply store 0, the peer's map
	 * could land between our test and our store: Xen's swap succeeds
	 * (access was still permitted), our store then wipes GTF_writing,
	 * and the peer keeps a writable mapping of a page we believe is
	 * ours again.
	 *
	 * So we swap too: replace exactly the value we tested with 0.  If
	 * Xen changed the word since we read it, our swap fails, hands us
	 * the new value, and we look again; if ours wins, Xen's swap fails
	 * and it re-reads flags 0 and refuses the map.  Either way the two
	 * never both succeed.  The __atomic built-in is a locked cmpxchg
	 * on x86; sequentially consistent, so it is also a full barrier.
	 */
	flags = READ_ONCE(e->flags);
	for (try = 0; try < REVOKE_TRIES; try++) {
		if (flags & (GTF_reading | GTF_writing))
			return (-EBUSY);
		if (__atomic_compare_exchange_n(&e->flags, &flags, 0, false,
		    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return (0);
	}
	return (-EBUSY);
}
