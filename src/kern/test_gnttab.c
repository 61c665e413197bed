/*
 * kern/test_gnttab.c - the `gnttab` and `gnttab_dom0` tests: grant
 * tables (src/xen/gnttab.c) against Xen, and against dom0.
 *
 * `gnttab` needs no peer: it grants a page to itself and asks Xen to
 * copy from it by reference (GNTTABOP_copy), which Xen does only if it
 * finds our entry - frame, domid, flags - in the table we mapped; after
 * gnttab_end_access() the same copy must fail.  It also hands out every
 * reference and checks the refusals of gnttab_end_access().
 *
 * `gnttab_dom0` is the real thing (tests/boot/xenstore.dom0 and
 * tools/dom0/gntmap.c): the guest grants dom0 a page holding a pattern
 * and publishes the reference in xenstore; dom0 maps it through Linux's
 * gntdev, checks the pattern, writes a reply into the page and says so
 * in xenstore; while dom0 still has it mapped, gnttab_end_access() must
 * refuse (Xen has set GTF_writing); once dom0 has unmapped, it succeeds.
 *
 * Protocol: xen/include/public/grant_table.h; walkthrough:
 * walkthroughs/boot-pv.md, "A grant".
 */

#include "xen/xen.h"

#include <xen/grant_table.h>

#include "kern/arch.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/test.h"
#include "xen/gnttab.h"
#include "xen/hypercall.h"
#include "xen/xenstore.h"

/* Where dom0 writes its reply in the granted page (tools/dom0/gntmap.c). */
#define	DOM0_REPLY	"dom0 was here"

/* How long each step of dom0's may take. */
#define	DOM0_TIMEOUT_MS	60000

static char page_src[GNTTAB_PAGE_SIZE]
    __attribute__((aligned(GNTTAB_PAGE_SIZE)));
static char page_dst[GNTTAB_PAGE_SIZE]
    __attribute__((aligned(GNTTAB_PAGE_SIZE)));

/* Byte i of the test pattern; tools/dom0/gntmap.c computes the same. */
static char
pattern(unsigned int i)
{

	return ((char)(i * 7 + 3));
}

/* Fill page with the pattern. */
static void
pattern_fill(char *page)
{
	unsigned int i;

	for (i = 0; i < GNTTAB_PAGE_SIZE; i++)
		page[i] = pattern(i);
}

/* How many bytes of page, from byte `from` on, still hold the pattern. */
static unsigned int
pattern_matches(const char *page, unsigned int from)
{
	unsigned int i, n = 0;

	for (i = from; i < GNTTAB_PAGE_SIZE; i++)
		n += page[i] == pattern(i);
	return (n);
}

/*
 * Ask Xen to copy the page granted as gref by domain `owner` into
 * page_dst, as a back end would (GNTTABOP_copy).  Returns the status
 * (GNTST_*) or the hypercall's error.
 */
static int
copy_from_grant(domid_t owner, grant_ref_t gref)
{
	struct gnttab_copy op;
	long rc;

	/*
	 * The source is named by grant: Xen looks up entry gref in the
	 * owner's table and checks that it permits us, the copying domain,
	 * to read the frame it names; it sets GTF_reading for the length
	 * of the copy.
	 */
	memset(&op, 0, sizeof(op));
	op.source.u.ref = gref;
	op.source.domid = owner;
	/* The destination is named by frame: our own page, no grant. */
	op.dest.u.gmfn = arch_virt_to_frame(page_dst);
	op.dest.domid = DOMID_SELF;
	op.len = GNTTAB_PAGE_SIZE;
	op.flags = GNTCOPY_source_gref;
	rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, &op, 1);
	return (rc != 0 ? (int)rc : op.status);
}

/* Grant a page to ourselves; Xen must copy it, and not after revoking. */
static void
check_self_copy(void)
{
	unsigned long domid;
	int gref, st, err;

	if ((err = xs_read_uint(XST_NIL, "domid", DOMID_FIRST_RESERVED - 1,
	    &domid)) != 0) {
		report("gnttab-copy", FAIL, "cannot read our domid: %d", err);
		return;
	}
	/*
	 * The grant names our own domid: the domain allowed to use it is
	 * the one that will ask Xen to copy, which is us.
	 */
	pattern_fill(page_src);
	memset(page_dst, 0, sizeof(page_dst));
	gref = gnttab_grant_access((domid_t)domid,
	    arch_virt_to_frame(page_src), true);
	if (gref < 0) {
		report("gnttab-copy", FAIL, "grant: error %d", gref);
		return;
	}
	st = copy_from_grant((domid_t)domid, (grant_ref_t)gref);
	if (st != GNTST_okay ||
	    pattern_matches(page_dst, 0) != GNTTAB_PAGE_SIZE) {
		report("gnttab-copy", FAIL, "copy through gref %d: status %d, "
		    "%u of %u bytes right", gref, st,
		    pattern_matches(page_dst, 0), GNTTAB_PAGE_SIZE);
		(void)gnttab_end_access((grant_ref_t)gref);
		return;
	}
	if ((err = gnttab_end_access((grant_ref_t)gref)) != 0) {
		report("gnttab-copy", FAIL, "end_access: error %d", err);
		return;
	}
	/* Revoked: Xen must now refuse the very same copy. */
	st = copy_from_grant((domid_t)domid, (grant_ref_t)gref);
	if (st == GNTST_okay) {
		report("gnttab-copy", FAIL, "Xen still copies through gref %d "
		    "after end_access", gref);
		return;
	}
	report("gnttab-copy", PASS, "Xen copied 4096 bytes through gref %d, "
	    "refused after end_access (status %d)", gref, st);
}

/* Every usable reference once, then none; all come back. */
static void
check_references(void)
{
	static grant_ref_t refs[GNTTAB_NR_FRAMES * GNTTAB_PAGE_SIZE /
	    sizeof(grant_entry_v1_t)];
	struct gnttab_info info;
	unsigned int n = 0, i, before;
	xen_pfn_t frame = arch_virt_to_frame(page_src);
	int ref, last;

	/*
	 * Grant the same page read-only to dom0 until the references run
	 * out; nobody maps them, so each end_access succeeds at once.
	 */
	gnttab_get_info(&info);
	before = info.nr_free;
	while (n < sizeof(refs) / sizeof(refs[0]) &&
	    (ref = gnttab_grant_access(0, frame, true)) >= 0)
		refs[n++] = (grant_ref_t)ref;
	last = gnttab_grant_access(0, frame, true);
	for (i = 0; i < n; i++)
		(void)gnttab_end_access(refs[i]);
	gnttab_get_info(&info);
	if (n != before || last != -ENOSPC || info.nr_free != before) {
		report("gnttab-refs", FAIL, "granted %u of %u free, then %d "
		    "(expected -ENOSPC); %u free after ending all", n, before,
		    last, info.nr_free);
		return;
	}
	/* Ended twice, and never granted (reserved): both refused. */
	if (gnttab_end_access(refs[0]) != -EINVAL ||
	    gnttab_end_access(GNTTAB_RESERVED_XENSTORE) != -EINVAL) {
		report("gnttab-refs", FAIL, "end_access accepted a reference "
		    "that is not a current grant");
		return;
	}
	report("gnttab-refs", PASS, "%u references granted, then ENOSPC; "
	    "all ended; bad ends refused", n);
}

static void
test_gnttab(void)
{
	struct gnttab_info info;
	int err;

	if ((err = gnttab_init()) != 0) {
		report("gnttab-setup", FAIL, "gnttab_init: error %d", err);
		return;
	}
	gnttab_get_info(&info);
	report("gnttab-setup", PASS, "%u frames of %u allowed, %u references",
	    info.nr_frames, info.max_frames, info.nr_entries);
	check_self_copy();
	check_references();
}

DOMU_TEST(gnttab, "grant a page, Xen copies through it, revoke, refs",
    test_gnttab, 0);

static void
test_gnttab_dom0(void)
{
	char gref_text[16];
	int gref, err, flags;

	/*
	 * Writable, to dom0: dom0 will write its reply into the page.  The
	 * frame is the page's machine frame on PV (arch_virt_to_frame).
	 */
	pattern_fill(page_src);
	gref = gnttab_grant_access(0, arch_virt_to_frame(page_src), false);
	if (gref < 0) {
		report("gnttab-dom0", FAIL, "grant: error %d", gref);
		return;
	}
	snprintf(gref_text, sizeof(gref_text), "%d", gref);
	if ((err = xs_write(XST_NIL, "data/gnttab/gref", gref_text)) != 0) {
		report("gnttab-dom0", FAIL, "publish gref: error %d", err);
		return;
	}
	printf("gnttab_dom0: granted page to dom0 as gref %d\n", gref);
	if ((err = xs_wait_for("data/gnttab/mapped", DOM0_TIMEOUT_MS)) != 0) {
		report("gnttab-dom0", FAIL, "dom0 never said mapped: %d", err);
		return;
	}
	/* dom0 wrote its reply over the start; the rest is our pattern. */
	if (memcmp(page_src, DOM0_REPLY, sizeof(DOM0_REPLY)) != 0 ||
	    pattern_matches(page_src, sizeof(DOM0_REPLY)) !=
	    GNTTAB_PAGE_SIZE - sizeof(DOM0_REPLY)) {
		char start[sizeof(DOM0_REPLY)];

		/* Whatever dom0 left there, printed as a bounded string. */
		memcpy(start, page_src, sizeof(start) - 1);
		start[sizeof(start) - 1] = '\0';
		report("gnttab-dom0", FAIL, "page after dom0's write starts "
		    "\"%s\", expected \"" DOM0_REPLY "\"", start);
		return;
	}
	/*
	 * Still mapped in dom0: Xen marked the entry; we must refuse.  Our
	 * answer goes to xenstore, where dom0 waits for it before it
	 * unmaps, so the order is fixed: refuse, then unmap, then succeed.
	 */
	flags = gnttab_query_flags((grant_ref_t)gref);
	err = gnttab_end_access((grant_ref_t)gref);
	(void)xs_write(XST_NIL, "data/gnttab/busy", err == -EBUSY ? "refused" :
	    "accepted");
	if (err != -EBUSY) {
		report("gnttab-dom0", FAIL, "end_access while dom0 maps the "
		    "page returned %d (flags 0x%x), expected -EBUSY", err,
		    flags);
		return;
	}
	if ((err = xs_wait_for("data/gnttab/unmapped", DOM0_TIMEOUT_MS)) != 0) {
		report("gnttab-dom0", FAIL, "dom0 never said unmapped: %d",
		    err);
		return;
	}
	/* Unmapped: Xen has cleared GTF_reading and GTF_writing. */
	if ((err = gnttab_end_access((grant_ref_t)gref)) != 0) {
		report("gnttab-dom0", FAIL, "end_access after dom0 unmapped: "
		    "error %d", err);
		return;
	}
	report("gnttab-dom0", PASS, "dom0 read the pattern and replied; "
	    "end_access refused while mapped (flags 0x%x), then succeeded",
	    flags);
}

DOMU_TEST(gnttab_dom0, "dom0 maps a granted page through gntdev",
    test_gnttab_dom0, TEST_NEEDS_DOM0);
