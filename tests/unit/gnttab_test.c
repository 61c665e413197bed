/*
 * tests/unit/gnttab_test.c - what the grant-reference allocator and the
 * version-1 entry code promise (src/xen/gnttab_v1.h), on the host.
 *
 * src/xen/gnttab_v1.c calls no hypercall, so it is compiled here
 * unchanged.  The free list must hand out each usable reference once,
 * never a reserved one, and refuse double and foreign frees; an entry
 * must carry its frame, domid and flags; and revoking must refuse, and
 * leave the entry untouched, while Xen's GTF_reading or GTF_writing bit
 * says the peer has the page (we set the bits by hand, as Xen would).
 */
#define	_POSIX_C_SOURCE	200809L	/* atf-c.h needs pid_t from POSIX */

#include <errno.h>
#include <string.h>

#include <atf-c.h>

#include "xen/gnttab_v1.h"

static struct gnttab_refs refs;

ATF_TC_WITHOUT_HEAD(every_usable_reference_is_handed_out_once);
ATF_TC_BODY(every_usable_reference_is_handed_out_once, tc)
{
	static bool seen[GNTTAB_MAX_REFS];
	grant_ref_t ref;
	unsigned int n = 0;

	gnttab_refs_init(&refs, GNTTAB_NR_RESERVED_ENTRIES, GNTTAB_MAX_REFS);
	ATF_CHECK_EQ(refs.nr_free, GNTTAB_MAX_REFS - GNTTAB_NR_RESERVED_ENTRIES);
	/* The lowest usable reference comes first. */
	ATF_CHECK_EQ(gnttab_refs_alloc(&refs), GNTTAB_NR_RESERVED_ENTRIES);
	n++;
	seen[GNTTAB_NR_RESERVED_ENTRIES] = true;
	while ((ref = gnttab_refs_alloc(&refs)) != GNTTAB_REF_NONE) {
		ATF_REQUIRE_MSG(ref >= GNTTAB_NR_RESERVED_ENTRIES &&
		    ref < GNTTAB_MAX_REFS, "handed out reference %u, outside "
		    "[%u, %zu)", ref, GNTTAB_NR_RESERVED_ENTRIES,
		    GNTTAB_MAX_REFS);
		ATF_REQUIRE_MSG(!seen[ref], "reference %u handed out twice",
		    ref);
		seen[ref] = true;
		n++;
	}
	ATF_CHECK_EQ_MSG(n, GNTTAB_MAX_REFS - GNTTAB_NR_RESERVED_ENTRIES,
	    "handed out %u references before running out", n);
	ATF_CHECK_EQ(refs.nr_free, 0);
	/* Empty stays empty. */
	ATF_CHECK_EQ(gnttab_refs_alloc(&refs), GNTTAB_REF_NONE);
}

ATF_TC_WITHOUT_HEAD(freed_reference_is_reused);
ATF_TC_BODY(freed_reference_is_reused, tc)
{
	grant_ref_t a, b;

	gnttab_refs_init(&refs, 8, 12);
	a = gnttab_refs_alloc(&refs);
	b = gnttab_refs_alloc(&refs);
	ATF_CHECK(gnttab_refs_in_use(&refs, a));
	ATF_CHECK_EQ(gnttab_refs_free(&refs, a), 0);
	ATF_CHECK(!gnttab_refs_in_use(&refs, a));
	ATF_CHECK_EQ(gnttab_refs_alloc(&refs), a);
	ATF_CHECK(gnttab_refs_in_use(&refs, b));
	ATF_CHECK_EQ(refs.nr_free, 2);
}

ATF_TC_WITHOUT_HEAD(double_reserved_and_foreign_frees_are_refused);
ATF_TC_BODY(double_reserved_and_foreign_frees_are_refused, tc)
{
	grant_ref_t a;

	gnttab_refs_init(&refs, 8, 16);
	a = gnttab_refs_alloc(&refs);
	ATF_CHECK_EQ(gnttab_refs_free(&refs, a), 0);
	ATF_CHECK_EQ_MSG(gnttab_refs_free(&refs, a), -EINVAL,
	    "second free of %u accepted", a);
	/* Reserved, never handed out, beyond the table, "none". */
	ATF_CHECK_EQ(gnttab_refs_free(&refs, 1), -EINVAL);
	ATF_CHECK_EQ(gnttab_refs_free(&refs, 15), -EINVAL);
	ATF_CHECK_EQ(gnttab_refs_free(&refs, 16), -EINVAL);
	ATF_CHECK_EQ(gnttab_refs_free(&refs, GNTTAB_REF_NONE), -EINVAL);
	/* None of that corrupted the list: exactly 8 to hand out. */
	ATF_CHECK_EQ(refs.nr_free, 8);
	for (int i = 0; i < 8; i++)
		ATF_CHECK(gnttab_refs_alloc(&refs) != GNTTAB_REF_NONE);
	ATF_CHECK_EQ(gnttab_refs_alloc(&refs), GNTTAB_REF_NONE);
}

ATF_TC_WITHOUT_HEAD(entry_carries_frame_domid_and_access);
ATF_TC_BODY(entry_carries_frame_domid_and_access, tc)
{
	grant_entry_v1_t e;

	memset(&e, 0, sizeof(e));
	gnttab_entry_grant(&e, 0, 0x12345, false);
	ATF_CHECK_EQ(e.frame, 0x12345);
	ATF_CHECK_EQ(e.domid, 0);
	ATF_CHECK_EQ(e.flags, GTF_permit_access);

	memset(&e, 0, sizeof(e));
	gnttab_entry_grant(&e, 7, 42, true);
	ATF_CHECK_EQ(e.domid, 7);
	ATF_CHECK_EQ(e.flags, GTF_permit_access | GTF_readonly);
}

ATF_TC_WITHOUT_HEAD(revoke_clears_an_idle_grant);
ATF_TC_BODY(revoke_clears_an_idle_grant, tc)
{
	grant_entry_v1_t e;

	memset(&e, 0, sizeof(e));
	gnttab_entry_grant(&e, 0, 99, false);
	ATF_CHECK_EQ(gnttab_entry_revoke(&e), 0);
	ATF_CHECK_EQ_MSG(e.flags, 0, "flags 0x%x after revoke", e.flags);
}

ATF_TC_WITHOUT_HEAD(revoke_refuses_while_the_peer_has_the_page);
ATF_TC_BODY(revoke_refuses_while_the_peer_has_the_page, tc)
{
	grant_entry_v1_t e;
	uint16_t busy[] = { GTF_reading, GTF_writing,
	    GTF_reading | GTF_writing };

	for (size_t i = 0; i < sizeof(busy) / sizeof(busy[0]); i++) {
		memset(&e, 0, sizeof(e));
		gnttab_entry_grant(&e, 0, 99, false);
		/* What Xen does when the peer maps the grant. */
		e.flags |= busy[i];
		ATF_CHECK_EQ_MSG(gnttab_entry_revoke(&e), -EBUSY,
		    "revoke with flags 0x%x did not refuse", e.flags);
		ATF_CHECK_EQ_MSG(e.flags, GTF_permit_access | busy[i],
		    "a refused revoke changed flags to 0x%x", e.flags);
		/* The peer unmaps: now it goes. */
		e.flags &= (uint16_t)~busy[i];
		ATF_CHECK_EQ(gnttab_entry_revoke(&e), 0);
		ATF_CHECK_EQ(e.flags, 0);
	}
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, every_usable_reference_is_handed_out_once);
	ATF_TP_ADD_TC(tp, freed_reference_is_reused);
	ATF_TP_ADD_TC(tp, double_reserved_and_foreign_frees_are_refused);
	ATF_TP_ADD_TC(tp, entry_carries_frame_domid_and_access);
	ATF_TP_ADD_TC(tp, revoke_clears_an_idle_grant);
	ATF_TP_ADD_TC(tp, revoke_refuses_while_the_peer_has_the_page);
	return (atf_no_error());
}
