/*
 * dev/xen/blkfront/blkfront_test.c - the blkfront tests, against Linux's
 * blkback in dom0 with file-backed images (tests/boot/blkfront.dom0).
 *
 *   test=blkfront        the guest has three disks:
 *        51712 (xvda)    64 MiB, read-write, zeros
 *        51728 (xvdb)    1 GiB sparse, read-write
 *        51744 (xvdc)    4 MiB read-only, filled by dom0 with the pattern
 *                        (51776, xvde, with blk_ro=xvde: see vbd_ro())
 *     blk-probe      the three disks attach, connect, with their sizes
 *     blk-pattern    the whole of xvda written with the pattern
 *                    (blkfront_pattern.h), mixed request sizes, as many
 *                    in flight as the ring allows; read back with other
 *                    sizes and compared; flushed.  dom0 then compares
 *                    the image byte by byte (tests/boot/blkcheck.c)
 *     blk-sparse     xvdb: both ends read as zeros, a write at the far
 *                    end reads back
 *     blk-readonly   xvdc: a write is refused (-EROFS), reads give the
 *                    pattern
 *     blk-attach     xl block-attach of 51760 at run time: the guest's
 *                    watch on device/vbd attaches it; its pattern reads
 *     blk-detach     xl block-detach: the back end goes Closing, the
 *                    guest closes (Closing, Closed) and forgets the disk
 *     blk-perf       throughput, sequential, largest requests, full ring
 *   test=blkfront_perf   one 64 MiB disk: blk-probe and blk-perf only,
 *                    run with and without indirect descriptors and
 *                    multi-page rings (blkfront.indirect=0
 *                    blkfront.ring_order=0 on the command line)
 *
 * The guest tells dom0 where it is through data/blkfront/<phase> in its
 * home, and serves until dom0 ends it with `xl shutdown` (control(4)
 * records the request; shutdown_wait() in kern/shutdown.h).
 */

#include "xen/xen.h"

#include "dev/xen/blkfront/blkfront.h"
#include "dev/xen/blkfront/blkfront_pattern.h"
#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/cmdline.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/shutdown.h"
#include "kern/test.h"
#include "kern/vm_page.h"
#include "xen/timer.h"
#include "xen/xenbus.h"
#include "xen/xenstore.h"

#define	VBD_A		51712	/* xvda */
#define	VBD_B		51728	/* xvdb */
#define	VBD_RO		51744	/* xvdc */
#define	VBD_RO_HVM	51776	/* xvde: see vbd_ro() */
#define	VBD_HOT		51760	/* xvdd, attached at run time */
#define	IO_MS		30000	/* one I/O */
#define	DOM0_MS		120000	/* dom0's steps */
#define	QMAX		BLKFRONT_MAX_SLOTS

/* I/Os in flight and their pages: QMAX of up to BLKFRONT_MAX_SEGS pages. */
static struct blkfront_io test_io[QMAX];
static void *test_pages[QMAX][BLKFRONT_MAX_SEGS];
static bool test_pages_ok;

/*
 * The pages, once; false when memory is short.  Every page comes from
 * vm_page_alloc(), so it is page-aligned and in the direct map, which
 * is what blkfront grants (arch_virt_to_frame); it need not be next to
 * the others, as each segment of a request names its own page.
 */
static bool
test_alloc(void)
{
	unsigned int q, p;

	if (test_pages_ok)
		return (true);
	for (q = 0; q < QMAX; q++)
		for (p = 0; p < BLKFRONT_MAX_SEGS; p++)
			if ((test_pages[q][p] = vm_page_alloc()) == NULL)
				return (false);
	test_pages_ok = true;
	return (true);
}

/*
 * Sector i of io, as words.  The ring counts 512-byte sectors and a
 * segment covers sectors first_sect..last_sect of one 4 KiB page, so
 * sector i of the I/O is in page i / 8 at offset (i % 8) * 512.
 */
static uint32_t *
io_sector(struct blkfront_io *io, unsigned int i)
{

	return ((uint32_t *)((char *)io->page[i / BLKFRONT_SECTORS_PER_PAGE] +
	    (i % BLKFRONT_SECTORS_PER_PAGE) * BLKFRONT_SECTOR));
}

/* Write the pattern of the sectors io covers into its pages. */
static void
io_fill(struct blkfront_io *io)
{
	unsigned int i, w;
	uint32_t *p;

	for (i = 0; i < io->nsect; i++)
		for (p = io_sector(io, i), w = 0; w < BLK_PATTERN_WORDS; w++)
			p[w] = blk_pattern_word(io->sector + i, w);
}

/*
 * -1 if io holds the pattern (or zeros), else the first bad sector.
 * Every word is compared: a request that put one sector of a page in
 * the wrong place, or a page of another request, shows at once.
 */
static long long
io_check(struct blkfront_io *io, bool zeros)
{
	unsigned int i, w;
	uint32_t *p;

	for (i = 0; i < io->nsect; i++)
		for (p = io_sector(io, i), w = 0; w < BLK_PATTERN_WORDS; w++)
			if (p[w] != (zeros ? 0 :
			    blk_pattern_word(io->sector + i, w)))
				return ((long long)(io->sector + i));
	return (-1);
}

/*
 * Fill in io (queue slot q) for nsect sectors at sector.  Slot q always
 * uses the same pages, test_pages[q], so a slot's I/O may only be
 * prepared again once its previous one is done (run_range waits first).
 */
static struct blkfront_io *
io_prep(unsigned int q, uint8_t op, uint64_t sector, unsigned int nsect)
{
	struct blkfront_io *io = &test_io[q];

	memset(io, 0, sizeof(*io));
	io->op = op;
	io->sector = sector;
	io->nsect = nsect;
	memcpy(io->page, test_pages[q], sizeof(io->page));
	return (io);
}

/* What a run over a range of sectors did. */
struct run {
	unsigned long	 ios;
	int		 err;		/* first error */
	long long	 bad;		/* first sector that did not match */
	uint64_t	 ns;
};

/*
 * Read or write [first, first+count) with requests whose sizes cycle
 * through sizes[] (0 ends the list; clipped to what the disk allows),
 * keeping up to depth of them in flight: wait for the oldest, check it
 * (reads: pattern or zeros), reuse its slot.
 */
static void
run_range(struct blkfront_softc *sc, uint8_t op, uint64_t first,
    uint64_t count, const unsigned int *sizes, unsigned int depth,
    bool zeros, struct run *r)
{
	struct blkfront_info in;
	struct blkfront_io *io;
	uint64_t next = first, end = first + count, start;
	unsigned int q, k = 0, n, busy = 0;
	bool inflight[QMAX] = { false };
	long long bad;
	int err;

	blkfront_get_info(sc, &in);
	memset(r, 0, sizeof(*r));
	r->bad = -1;
	if (depth > in.nslots)
		depth = in.nslots;
	if (depth > QMAX)
		depth = QMAX;
	start = xen_clock_now();
	/*
	 * Round robin over the depth slots: the oldest I/O is the one in
	 * slot q when we come back to it, so waiting for it in order keeps
	 * up to depth requests on the ring while we wait.  An error stops
	 * new submissions, but what is in flight is still waited for: its
	 * pages must not be reused while the back end may write them.
	 */
	for (q = 0; (next < end && r->err == 0) || busy > 0;
	    q = (q + 1) % depth) {
		if (inflight[q]) {
			io = &test_io[q];
			err = blkfront_wait(sc, io, IO_MS);
			inflight[q] = false;
			busy--;
			r->ios++;
			if (err != 0 && r->err == 0)
				r->err = err;
			if (err == 0 && op == BLKIF_OP_READ && r->bad < 0 &&
			    (bad = io_check(io, zeros)) >= 0)
				r->bad = bad;
		}
		if (next >= end || r->err != 0)
			continue;
		/* The next size of the cycle, clipped to the disk's limit. */
		n = sizes[k];
		k = sizes[k + 1] != 0 ? k + 1 : 0;
		if (n > in.max_sectors)
			n = in.max_sectors;
		if (n > end - next)
			n = (unsigned int)(end - next);
		io = io_prep(q, op, next, n);
		if (op == BLKIF_OP_WRITE)
			io_fill(io);
		if ((err = blkfront_submit(sc, io)) != 0) {
			r->err = err;
			continue;
		}
		inflight[q] = true;
		busy++;
		next += n;
	}
	r->ns = xen_clock_now() - start;
}

/*
 * Mixed sizes: single sectors, partial pages (7, 13: a last segment
 * that ends inside its page), exactly 11 segments (88 sectors: the most
 * a plain request holds), 12 (89: the first that needs an indirect
 * page), the most (256, clipped to max_sectors).  Reads use another
 * cycle, so that no read lines up with the write that wrote it.
 */
static const unsigned int mixed_w[] = { 1, 7, 8, 13, 64, 88, 89, 256, 3,
    200, 0 };
static const unsigned int mixed_r[] = { 256, 5, 16, 100, 1, 88, 33, 0 };
static const unsigned int biggest[] = { 1u << 30, 0 };

/* Write data/blkfront/<key> = 1, telling dom0 a phase is done. */
static void
tell_dom0(const char *key)
{
	char path[64];

	snprintf(path, sizeof(path), "data/blkfront/%s", key);
	if (xs_write(XST_NIL, path, "1") != 0)
		printf("blkfront test: cannot write %s\n", path);
}

/* The disk id, connected with the expected size, or NULL (reported). */
static struct blkfront_softc *
need_disk(unsigned long id, uint64_t sectors, bool ro, char *msg, size_t len)
{
	struct blkfront_softc *sc = blkfront_find(id);
	struct blkfront_info in;

	if (sc == NULL || !blkfront_present(id)) {
		snprintf(msg, len, "vbd/%lu not connected", id);
		return (NULL);
	}
	blkfront_get_info(sc, &in);
	if (in.sectors != sectors || in.readonly != ro) {
		snprintf(msg, len, "vbd/%lu: %llu sectors%s, expected %llu%s",
		    id, (unsigned long long)in.sectors,
		    in.readonly ? " read-only" : "",
		    (unsigned long long)sectors, ro ? " read-only" : "");
		return (NULL);
	}
	return (sc);
}

/*
 * blk-pattern: the whole disk written, read back and compared, then a
 * flush.  dom0 compares the image afterwards (blk-dom0-image), so a
 * request that went to the wrong sector and came back from there too
 * cannot pass both.
 */
static void
check_pattern(struct blkfront_softc *sc)
{
	struct blkfront_info in;
	struct blkfront_io *io;
	struct run w, r;
	int err;

	blkfront_get_info(sc, &in);
	run_range(sc, BLKIF_OP_WRITE, 0, in.sectors, mixed_w, QMAX, false, &w);
	if (w.err != 0) {
		report("blk-pattern", FAIL, "writing: error %d after %lu I/Os",
		    w.err, w.ios);
		return;
	}
	run_range(sc, BLKIF_OP_READ, 0, in.sectors, mixed_r, QMAX, false, &r);
	if (r.err != 0 || r.bad >= 0) {
		report("blk-pattern", FAIL, "reading back: error %d, first "
		    "bad sector %lld", r.err, r.bad);
		return;
	}
	io = io_prep(0, BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	err = blkfront_io_sync(sc, io, IO_MS);
	if (in.flush ? err != 0 : err != -EOPNOTSUPP) {
		report("blk-pattern", FAIL, "flush: error %d (feature-flush-"
		    "cache %d)", err, in.flush);
		return;
	}
	report("blk-pattern", PASS, "%llu sectors written in %lu I/Os, read "
	    "back in %lu and matched, %s", (unsigned long long)in.sectors,
	    w.ios, r.ios, in.flush ? "flushed" : "no flush offered");
}

/*
 * blk-sparse: a 1 GiB image, sparse in dom0's tmpfs.  Reading both ends
 * checks the size and the sector arithmetic far from 0; the write at
 * the far end is checked again by dom0 (blk-dom0-sparse).
 */
static void
check_sparse(struct blkfront_softc *sc)
{
	struct blkfront_info in;
	struct run r;
	uint64_t last;

	blkfront_get_info(sc, &in);
	/* The first and last MiB of a sparse file: zeros. */
	run_range(sc, BLKIF_OP_READ, 0, 2048, mixed_r, 8, true, &r);
	if (r.err == 0 && r.bad < 0)
		run_range(sc, BLKIF_OP_READ, in.sectors - 2048, 2048, mixed_r,
		    8, true, &r);
	if (r.err != 0 || r.bad >= 0) {
		report("blk-sparse", FAIL, "reading zeros: error %d, sector "
		    "%lld not zero", r.err, r.bad);
		return;
	}
	last = in.sectors - 64;
	run_range(sc, BLKIF_OP_WRITE, last, 64, mixed_w, 8, false, &r);
	if (r.err == 0)
		run_range(sc, BLKIF_OP_READ, last, 64, mixed_r, 8, false, &r);
	if (r.err != 0 || r.bad >= 0) {
		report("blk-sparse", FAIL, "far end: error %d, bad sector "
		    "%lld", r.err, r.bad);
		return;
	}
	report("blk-sparse", PASS, "%llu sectors; both ends read as zeros; "
	    "sectors %llu.. written and read back",
	    (unsigned long long)in.sectors, (unsigned long long)last);
}

/*
 * blk-readonly: the back end says VDISK_READONLY (xl's access=ro): the
 * write must be refused by blkfront itself, before anything is granted,
 * and the disk must still read, with the pattern dom0 filled it with.
 */
static void
check_readonly(struct blkfront_softc *sc)
{
	struct blkfront_info in;
	struct run r;
	int err;

	blkfront_get_info(sc, &in);
	io_fill(io_prep(0, BLKIF_OP_WRITE, 0, 8));
	if ((err = blkfront_submit(sc, &test_io[0])) != -EROFS) {
		report("blk-readonly", FAIL, "write answered %d, not -EROFS",
		    err);
		if (err == 0)
			(void)blkfront_wait(sc, &test_io[0], IO_MS);
		return;
	}
	run_range(sc, BLKIF_OP_READ, 0, in.sectors, mixed_r, QMAX, false, &r);
	if (r.err != 0 || r.bad >= 0) {
		report("blk-readonly", FAIL, "reading: error %d, first bad "
		    "sector %lld", r.err, r.bad);
		return;
	}
	report("blk-readonly", PASS, "write refused (-EROFS, info 0x%x); "
	    "%llu sectors read, pattern matched", in.vdisk_info,
	    (unsigned long long)in.sectors);
}

/* xl block-attach, then xl block-detach, from dom0; we must notice. */
static void
check_hotplug(void)
{
	struct blkfront_softc *sc;
	unsigned int seen;
	uint64_t deadline;
	struct run r;
	int err;

	/*
	 * The watch on device/vbd fires once at once (for the disks we
	 * have), then for each change the toolstack makes; dom0 attaches
	 * only once we said "attach", so the watch is surely in place.
	 */
	seen = blkfront_hotplug_count();
	if ((err = blkfront_hotplug_start()) != 0) {
		report("blk-attach", FAIL, "cannot watch device/vbd: %d", err);
		return;
	}
	tell_dom0("attach");
	deadline = xen_clock_now() + DOM0_MS * NS_PER_MS;
	while (!blkfront_present(VBD_HOT) && xen_clock_now() < deadline)
		(void)blkfront_hotplug_wait(seen = blkfront_hotplug_count(),
		    1000);
	if ((sc = blkfront_find(VBD_HOT)) == NULL || !blkfront_present(VBD_HOT)) {
		report("blk-attach", FAIL, "vbd/%u never appeared", VBD_HOT);
		return;
	}
	run_range(sc, BLKIF_OP_READ, 0, 2048, mixed_r, QMAX, false, &r);
	if (r.err != 0 || r.bad >= 0) {
		report("blk-attach", FAIL, "vbd/%u: error %d, bad sector %lld",
		    VBD_HOT, r.err, r.bad);
		return;
	}
	report("blk-attach", PASS, "vbd/%u noticed through the device/vbd "
	    "watch, connected, its first MiB read and matched", VBD_HOT);
	tell_dom0("attached");
	/*
	 * xl block-detach moves the back end to Closing; the callback on
	 * its state closes the disk (Closing, Closed) and xl returns.
	 */
	while (blkfront_present(VBD_HOT) && xen_clock_now() < deadline)
		(void)blkfront_hotplug_wait(blkfront_hotplug_count(), 1000);
	if (blkfront_present(VBD_HOT)) {
		report("blk-detach", FAIL, "vbd/%u still connected", VBD_HOT);
		return;
	}
	report("blk-detach", PASS, "back end went Closing; vbd/%u closed "
	    "(Closing, Closed) and forgotten", VBD_HOT);
	tell_dom0("detached");
}

/*
 * Sequential throughput, largest requests, ring full: MiB per second
 * of Xen's system time, through the whole path (grant, ring, event,
 * blkback, loop device, tmpfs).  The write comes first, so that the
 * read finds the pages in dom0's tmpfs rather than holes.
 */
static void
check_perf(struct blkfront_softc *sc)
{
	struct blkfront_info in;
	struct run w, r, w1, r1;
	uint64_t mib;

	unsigned int round;

	blkfront_get_info(sc, &in);
	/*
	 * Two rounds, the faster of each kept: the host's two cores are
	 * shared with dom0, QEMU and other tests, and one slow moment
	 * halves a figure.
	 */
	w.ns = r.ns = UINT64_MAX;
	for (round = 0; round < 2; round++) {
		run_range(sc, BLKIF_OP_WRITE, 0, in.sectors, biggest, QMAX,
		    false, &w1);
		run_range(sc, BLKIF_OP_READ, 0, in.sectors, biggest, QMAX,
		    false, &r1);
		if (w1.err != 0 || r1.err != 0 || r1.bad >= 0 || w1.ns == 0 ||
		    r1.ns == 0) {
			report("blk-perf", FAIL, "errors %d/%d, bad sector "
			    "%lld", w1.err, r1.err, r1.bad);
			return;
		}
		w.ns = w1.ns < w.ns ? w1.ns : w.ns;
		r.ns = r1.ns < r.ns ? r1.ns : r.ns;
	}
	mib = in.sectors / 2048;
	report("blk-perf", PASS, "%llu MiB: write %llu MiB/s, read %llu "
	    "MiB/s; %u KiB requests (%s), ring %u page(s), %u in flight; "
	    "handshake %llu us (InitWait after %llu us)", (unsigned long long)mib,
	    (unsigned long long)(mib * NS_PER_SEC / w.ns),
	    (unsigned long long)(mib * NS_PER_SEC / r.ns),
	    in.max_sectors / 2, in.max_indirect ? "indirect" : "plain",
	    1u << in.ring_order, in.nslots,
	    (unsigned long long)(in.handshake_ns / NS_PER_US),
	    (unsigned long long)(in.initwait_ns / NS_PER_US));
}

/*
 * Probe; the disks of ids[] must all be there, connected, with the
 * sizes and modes dom0's script gave them.  xenbus_probe() attaches
 * blkfront to each vbd, which does the whole handshake there.
 */
static bool
probe(const unsigned long *ids, const uint64_t *sectors, const bool *ro,
    unsigned int n)
{
	char msg[96];
	unsigned int i;
	int found;

	if ((found = xenbus_probe()) < 0) {
		report("blk-probe", FAIL, "xenbus_probe: error %d", found);
		return (false);
	}
	for (i = 0; i < n; i++)
		if (need_disk(ids[i], sectors[i], ro[i], msg,
		    sizeof(msg)) == NULL) {
			report("blk-probe", FAIL, "%s", msg);
			return (false);
		}
	if (!test_alloc()) {
		report("blk-probe", FAIL, "no memory for the test's buffers");
		return (false);
	}
	report("blk-probe", PASS, "%u disk(s) connected with the expected "
	    "sizes", n);
	return (true);
}

/*
 * The read-only disk: xvdc, or xvde with blk_ro=xvde on the command
 * line.  An HVM guest cannot have a read-only xvdc: qemu emulates an HVM
 * guest's first four disks as IDE as well, and refuses a read-only IDE
 * disk, so its test (tests/boot/blkfront.dom0) names xvde, which is PV
 * only.
 */
static unsigned long
vbd_ro(void)
{
	char name[8];

	if (cmdline_get(boot_info.cmdline, "blk_ro", name, sizeof(name)) > 0 &&
	    strcmp(name, "xvde") == 0)
		return (VBD_RO_HVM);
	return (VBD_RO);
}

static void
test_blkfront(void)
{
	const unsigned long ids[] = { VBD_A, VBD_B, vbd_ro() };
	static const uint64_t sectors[] = { 131072, 2097152, 8192 };
	static const bool ro[] = { false, false, true };
	int err;

	if (!probe(ids, sectors, ro, 3))
		return;
	check_pattern(blkfront_find(VBD_A));
	tell_dom0("written");
	check_sparse(blkfront_find(VBD_B));
	check_readonly(blkfront_find(ids[2]));
	check_perf(blkfront_find(VBD_A));
	check_hotplug();
	/* Serve until dom0 says stop. */
	if ((err = shutdown_wait(DOM0_MS)) != 0)
		report("blk-serve", FAIL, "dom0 never ran xl shutdown: "
		    "%d", err);
}

DOMU_TEST(blkfront, "disks through blkback: pattern, sparse, read-only, "
    "hot-plug", test_blkfront, TEST_NEEDS_DOM0);

static void
test_blkfront_perf(void)
{
	static const unsigned long ids[] = { VBD_A };
	static const uint64_t sectors[] = { 131072 };
	static const bool ro[] = { false };

	if (probe(ids, sectors, ro, 1))
		check_perf(blkfront_find(VBD_A));
}

DOMU_TEST(blkfront_perf, "sequential throughput of one disk",
    test_blkfront_perf, TEST_NEEDS_DOM0);
