/*
 * xen/gnttab_v1.h - the parts of the grant-table code that are pure
 * memory operations: the free list of grant references, and writing and
 * revoking one version-1 entry.  Private to src/xen/gnttab.c; kept apart
 * so that tests/unit/gnttab_test.c runs src/xen/gnttab_v1.c on the host.
 *
 * Protocol: struct grant_entry_v1 and the GTF_* flags in
 * xen/include/public/grant_table.h.
 */
#ifndef _XEN_GNTTAB_V1_H_
#define _XEN_GNTTAB_V1_H_

#include <stdbool.h>

#include "xen/xen.h"

#include <xen/grant_table.h>

#include "xen/gnttab.h"

/* Version-1 entries in one frame: 512 of 8 bytes. */
#define	GNTTAB_ENTRIES_PER_FRAME \
	(GNTTAB_PAGE_SIZE / sizeof(grant_entry_v1_t))
#define	GNTTAB_MAX_REFS	(GNTTAB_NR_FRAMES * GNTTAB_ENTRIES_PER_FRAME)

/* "No reference": the end of the free list, or an empty list. */
#define	GNTTAB_REF_NONE	((grant_ref_t)~0u)
/* Marks a reference that is handed out (its link is then unused). */
#define	GNTTAB_REF_INUSE ((grant_ref_t)~1u)

/*
 * The free references [first, limit), as a singly linked list threaded
 * through next[]: next[ref] is the free reference after ref, or
 * GNTTAB_REF_INUSE while ref is handed out.  Allocation and release are
 * O(1) and a double free is detected.
 */
struct gnttab_refs {
	grant_ref_t	next[GNTTAB_MAX_REFS];
	grant_ref_t	head;		/* first free, or GNTTAB_REF_NONE */
	grant_ref_t	first;		/* lowest reference we manage */
	grant_ref_t	limit;		/* one past the highest */
	unsigned int	nr_free;
};

/**
 * @brief Put references [first, limit) on the free list; every other
 *	reference is never handed out.  limit is at most GNTTAB_MAX_REFS.
 */
void	gnttab_refs_init(struct gnttab_refs *r, grant_ref_t first,
	    grant_ref_t limit);

/**
 * @brief Take a free reference.
 * @return the reference, or GNTTAB_REF_NONE when none is free
 */
grant_ref_t gnttab_refs_alloc(struct gnttab_refs *r);

/**
 * @brief Whether ref is one of ours and currently handed out.
 */
bool	gnttab_refs_in_use(const struct gnttab_refs *r, grant_ref_t ref);

/**
 * @brief Return a reference to the free list.
 * @return 0, or -EINVAL when ref is not handed out (never was, freed
 *	twice, reserved, out of range): the list is left unchanged
 */
int	gnttab_refs_free(struct gnttab_refs *r, grant_ref_t ref);

/**
 * @brief Fill an unused entry: domid may access frame, read-only or not.
 *	frame and domid are written before the flags that make the entry
 *	valid.
 */
void	gnttab_entry_grant(grant_entry_v1_t *e, domid_t domid, uint32_t frame,
	    bool readonly);

/**
 * @brief Clear an entry's flags atomically, unless Xen has marked it
 *	in use by the peer (GTF_reading or GTF_writing).
 * @return 0 (the peer can no longer map it), or -EBUSY (untouched)
 */
int	gnttab_entry_revoke(grant_entry_v1_t *e);

#endif /* !_XEN_GNTTAB_V1_H_ */
