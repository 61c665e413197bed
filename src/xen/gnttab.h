/*
 * xen/gnttab.h - grant tables: letting another domain map or copy one
 * of our pages.
 *
 * A NATIVE kernel hands a device the physical address of a buffer; a
 * Xen guest hands its back end a grant reference instead, the index of
 * an entry in its grant table that says "domain D may access frame F,
 * read-only or not".  Xen checks every map and copy the peer asks for
 * against that entry, and marks in it whether the page is mapped.  Every
 * split driver (blkfront, netfront, the console and xenstore rings the
 * toolstack sets up) rests on this.
 *
 * Protocol: xen/include/public/grant_table.h (version 1 entries,
 * GNTTABOP_query_size, GNTTABOP_setup_table).  Implementation:
 * src/xen/gnttab.c, with the pure parts in src/xen/gnttab_v1.c; the
 * table's mapping is the architecture's (arch_map_grant_frames in
 * kern/arch.h).  See walkthroughs/boot-pv.md, "A grant".
 */
#ifndef _XEN_GNTTAB_H_
#define _XEN_GNTTAB_H_

#include <stdbool.h>

#include "xen/xen.h"

#include <xen/grant_table.h>

/*
 * The table's size in frames, fixed at first use: 4 frames of 512
 * version-1 entries, 2048 references (the first 8 are reserved for the
 * toolstack).  The architecture reserves room for this many frames.
 */
#define	GNTTAB_NR_FRAMES	4

/* Grant-table frames and granted pages are Xen's 4 KiB pages. */
#define	GNTTAB_PAGE_SIZE	4096

/**
 * @brief Set up the grant table: ask Xen for its size, grow it to
 *	GNTTAB_NR_FRAMES (or Xen's maximum), map it.  The first grant
 *	calls it; later calls do nothing.
 * @return 0, or a negative error number (the table is unusable)
 */
int	gnttab_init(void);

/**
 * @brief Before a suspend: unmap the table (arch_unmap_grant_frames);
 *	no grant may be made or ended until gnttab_resume().
 */
void	gnttab_suspend(void);

/**
 * @brief After a suspend: set the table up and map it again, at the
 *	same address.  After a restore it is empty: drivers grant again.
 * @return 0, or -errno (the table is then unusable)
 */
int	gnttab_resume(void);

/**
 * @brief Allow domain domid to map or copy frame (a frame number from
 *	arch_virt_to_frame()), read-only if readonly is set.
 * @return the grant reference to give the peer, or -ENOSPC (no free
 *	reference), -ERANGE (frame does not fit a version-1 entry), or the
 *	error of gnttab_init()
 */
int	gnttab_grant_access(domid_t domid, xen_pfn_t frame, bool readonly);

/**
 * @brief Revoke a grant and free its reference, unless the peer still
 *	has the page mapped (or is copying it).
 * @return 0; -EBUSY while the peer uses the page (the grant stays,
 *	try again after the peer unmaps); -EINVAL for a reference that is
 *	not a current grant of ours
 */
int	gnttab_end_access(grant_ref_t ref);

/**
 * @brief The flags word of a current grant (GTF_*), as Xen last left
 *	it: GTF_reading or GTF_writing while the peer has it mapped.
 * @return the flags, or -EINVAL for a reference that is not a current
 *	grant of ours
 */
int	gnttab_query_flags(grant_ref_t ref);

/* Sizes, for messages and tests. */
struct gnttab_info {
	unsigned int	nr_frames;	/* frames set up */
	unsigned int	max_frames;	/* Xen's limit for this domain */
	unsigned int	nr_entries;	/* references, reserved ones included */
	unsigned int	nr_free;	/* references free now */
};

/**
 * @brief Fill *info (all zero before gnttab_init() succeeded).
 */
void	gnttab_get_info(struct gnttab_info *info);

#endif /* !_XEN_GNTTAB_H_ */
