/*
 * xen/gnttab.c - the grant table (interface in xen/gnttab.h).
 *
 * Where this sits: a split driver grants its back end access to a ring
 * page or a data buffer with gnttab_grant_access() and writes the
 * reference it gets into xenstore (ring-ref) or into a ring request; the
 * back end maps or copies the page through Xen; when the I/O is done,
 * the driver takes the page back with gnttab_end_access().
 *
 * Set-up, done once at the first grant: GNTTABOP_query_size tells how
 * many frames the table has and may grow to; GNTTABOP_setup_table grows
 * it to GNTTAB_NR_FRAMES and lists its frames; the architecture maps
 * them (arch_map_grant_frames, kern/arch.h), since how a guest maps a
 * frame Xen owns differs between PV and HVM.  The table then lives in
 * our address space: granting is an ordinary memory write, with no
 * hypercall at all, which is what makes grants cheap.
 *
 * We use version 1 of the entry format, the one every domain starts
 * with (version 2 exists, for sub-page and transitive grants).  Entry
 * writes, the free list and the revoke race are in gnttab_v1.c.
 *
 * Protocol: xen/include/public/grant_table.h.  A NATIVE kernel has no
 * equivalent: a device it drives can reach all of memory, unless an
 * IOMMU says otherwise.  See walkthroughs/boot-pv.md, "A grant".
 */

#include "xen/xen.h"

#include <xen/grant_table.h>

#include "kern/arch.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "xen/barrier.h"
#include "xen/gnttab.h"
#include "xen/gnttab_v1.h"
#include "xen/hypercall.h"

static grant_entry_v1_t *gnttab_table;
static struct gnttab_refs gnttab_refs;
static struct gnttab_info gnttab_sizes;

/*
 * One grant-table operation on ourselves; a failure of the hypercall
 * (rc) or of the operation (its status, GNTST_* in grant_table.h) is
 * reported and turned into an error number.
 */
static int
gnttab_op_self(unsigned int cmd, void *arg, const int16_t *status,
    const char *what)
{
	long rc;

	rc = HYPERVISOR_grant_table_op(cmd, arg, 1);
	if (rc == 0 && *status == GNTST_okay)
		return (0);
	printf("gnttab: %s failed: hypercall %ld, status %d\n", what, rc,
	    *status);
	return (rc < 0 ? (int)rc : -EIO);
}

/*
 * Have Xen make our table n frames long and map them; NULL on failure.
 * At boot, and again after a resume: a restored domain's table is new
 * (and empty: grants do not survive a save), in new frames.
 */
static grant_entry_v1_t *
gnttab_setup(unsigned int n)
{
	static xen_pfn_t frames[GNTTAB_NR_FRAMES];
	struct gnttab_setup_table setup = { .dom = DOMID_SELF };
	grant_entry_v1_t *table;

	/*
	 * setup_table grows the table to nr_frames (it never shrinks it)
	 * and writes one frame number per frame into our array, through a
	 * guest handle: Xen copies to our virtual address.
	 */
	setup.nr_frames = n;
	set_xen_guest_handle(setup.frame_list, frames);
	if (gnttab_op_self(GNTTABOP_setup_table, &setup, &setup.status,
	    "GNTTABOP_setup_table") != 0)
		return (NULL);
	if ((table = arch_map_grant_frames(frames, n)) == NULL)
		printf("gnttab: cannot map the %u grant-table frames\n", n);
	return (table);
}

void
gnttab_suspend(void)
{

	if (gnttab_table != NULL)
		arch_unmap_grant_frames(gnttab_sizes.nr_frames);
}

int
gnttab_resume(void)
{

	if (gnttab_table == NULL)
		return (0);
	/*
	 * Same size, same addresses (the architecture maps at pages it
	 * reserved), so gnttab_table stays valid.  The references our
	 * drivers hold are still "in use" in gnttab_refs: each driver ends
	 * them as it reconnects, which is harmless on an empty entry.
	 */
	if (gnttab_setup(gnttab_sizes.nr_frames) != gnttab_table) {
		printf("gnttab: cannot set the table up again after resume\n");
		return (-EIO);
	}
	return (0);
}

int
gnttab_init(void)
{
	struct gnttab_query_size query = { .dom = DOMID_SELF };
	grant_entry_v1_t *table;
	unsigned int n;
	int err;

	if (gnttab_table != NULL)
		return (0);
	if ((err = gnttab_op_self(GNTTABOP_query_size, &query, &query.status,
	    "GNTTABOP_query_size")) != 0)
		return (err);
	n = query.max_nr_frames < GNTTAB_NR_FRAMES ? query.max_nr_frames :
	    GNTTAB_NR_FRAMES;
	if (n == 0) {
		printf("gnttab: Xen allows this domain no grant frames\n");
		return (-ENOSPC);
	}
	if ((table = gnttab_setup(n)) == NULL)
		return (-ENOMEM);
	/*
	 * The first GNTTAB_NR_RESERVED_ENTRIES references belong to the
	 * toolstack (0: console ring, 1: xenstore ring, for a guest it
	 * built that way); we never hand them out.
	 */
	gnttab_refs_init(&gnttab_refs, GNTTAB_NR_RESERVED_ENTRIES,
	    (grant_ref_t)(n * GNTTAB_ENTRIES_PER_FRAME));
	gnttab_sizes.nr_frames = n;
	gnttab_sizes.max_frames = query.max_nr_frames;
	gnttab_sizes.nr_entries = n * GNTTAB_ENTRIES_PER_FRAME;
	gnttab_table = table;
	printf("gnttab: %u frames mapped at %p (Xen allows %u), %u "
	    "references\n", n, (void *)table, query.max_nr_frames,
	    gnttab_sizes.nr_entries);
	return (0);
}

int
gnttab_grant_access(domid_t domid, xen_pfn_t frame, bool readonly)
{
	grant_ref_t ref;
	int err;

	if ((err = gnttab_init()) != 0)
		return (err);
	/* A version-1 entry holds a 32-bit frame number. */
	if (frame != (uint32_t)frame)
		return (-ERANGE);
	if ((ref = gnttab_refs_alloc(&gnttab_refs)) == GNTTAB_REF_NONE)
		return (-ENOSPC);
	gnttab_entry_grant(&gnttab_table[ref], domid, (uint32_t)frame,
	    readonly);
	return ((int)ref);
}

int
gnttab_end_access(grant_ref_t ref)
{
	int err;

	if (gnttab_table == NULL || !gnttab_refs_in_use(&gnttab_refs, ref))
		return (-EINVAL);
	/*
	 * Only once the entry is revoked may the reference be reused: a
	 * reference freed while the peer still has the page mapped would
	 * let the next grant's page be reached through the old mapping's
	 * owner believing it is the old page.
	 */
	if ((err = gnttab_entry_revoke(&gnttab_table[ref])) != 0)
		return (err);
	return (gnttab_refs_free(&gnttab_refs, ref));
}

int
gnttab_query_flags(grant_ref_t ref)
{

	if (gnttab_table == NULL || !gnttab_refs_in_use(&gnttab_refs, ref))
		return (-EINVAL);
	/* Xen may change it any time; this is one reading of it. */
	return (READ_ONCE(gnttab_table[ref].flags));
}

void
gnttab_get_info(struct gnttab_info *info)
{

	*info = gnttab_sizes;
	info->nr_free = gnttab_table != NULL ? gnttab_refs.nr_free : 0;
}
