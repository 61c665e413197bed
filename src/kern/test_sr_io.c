/*
 * kern/test_sr_io.c - the `sr_io` test: `xl save` and `xl restore`
 * while a disk and a network interface are busy (issue 6).
 *
 * dom0's script (tests/boot/sr_io.dom0) starts the guest with a 64 MiB
 * disk xvda, a vif on xenbr0 and ip=169.254.0.2/16; it pings the guest
 * all along, checkpoints it once (`xl save -c`: a cancelled suspend),
 * saves and restores it twice, and ends it with `xl shutdown`.  Meanwhile the guest:
 *
 *   - runs a writer thread that goes over the whole disk again and
 *     again, 32 KiB at a time: write the pattern of the current pass
 *     (blk_pattern_gen_word(), a generation per pass, so that a sector
 *     that kept the previous pass's data is seen), read it back at
 *     once, compare.  Every I/O may be the one in flight when the
 *     domain is suspended; blkfront must post it again on the new ring
 *     (blkfront_reconnect) and the caller must see neither an error nor
 *     wrong data;
 *   - answers pings through netfront and the IPv4 stack (net/net.c),
 *     in netfront's own thread: nothing to do here but wait.
 *
 * At `xl shutdown` the writer finishes its pass, so that the whole disk
 * holds one generation; the guest reads it all once more, and dom0
 * checks the image with build/dom0/blkcheck after the guest is gone.
 * Checks: sr-io-writer (blocks written and verified, 0 I/O errors, 0
 * mismatches), sr-io-resume (control, blkfront and netfront each saw
 * the restores), sr-io-net (pings answered, no protocol error),
 * sr-io-verify (the final full read).
 *
 * Protocols: xen/include/public/io/blkif.h, netif.h; the suspend
 * sequence in dev/xen/control/suspend.c and walkthroughs/control.md.
 */

#include "xen/xen.h"

#include "dev/xen/blkfront/blkfront.h"
#include "dev/xen/blkfront/blkfront_pattern.h"
#include "dev/xen/control/control.h"
#include "dev/xen/netfront/netfront.h"
#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/shutdown.h"
#include "kern/test.h"
#include "kern/thread.h"
#include "kern/vm_page.h"
#include "net/net.h"
#include "xen/timer.h"
#include "xen/xenbus.h"
#include "xen/xenstore.h"

#define	VBD_A		51712	/* xvda */
#define	CHUNK		64	/* sectors per I/O: 32 KiB, 8 pages */
#define	CHUNK_PAGES	(CHUNK / BLKFRONT_SECTORS_PER_PAGE)
/*
 * One I/O's bound.  It must outlast a save and a restore: an I/O in
 * flight then waits for the new domain's ring.
 */
#define	IO_MS		120000
#define	CONNECT_MS	30000
#define	SERVE_MS	540000
#define	STOP_MS		120000	/* the writer's last pass */

/* The writer's state; the test thread reads it once the writer ended. */
static struct {
	struct blkfront_softc	*sc;
	uint64_t		 sectors;	/* the disk's, at most 2^17 */
	void			*wpage[CHUNK_PAGES], *rpage[CHUNK_PAGES];
	volatile bool		 stop;		/* finish the pass, then end */
	unsigned int		 gen;		/* the pass being written */
	unsigned int		 passes;	/* passes completed */
	unsigned long		 written;	/* sectors written and read */
	unsigned long		 ioerrors;
	unsigned long		 mismatches;
	long long		 first_bad;	/* sector, or -1 */
	int			 first_err;
} w;

/* Sector i of a chunk in pages p. */
static uint32_t *
chunk_sector(void **p, unsigned int i)
{

	return ((uint32_t *)((char *)p[i / BLKFRONT_SECTORS_PER_PAGE] +
	    (i % BLKFRONT_SECTORS_PER_PAGE) * BLKFRONT_SECTOR));
}

/* One synchronous I/O of n sectors at sector from or into pages p. */
static int
chunk_io(uint8_t op, uint64_t sector, unsigned int n, void **p)
{
	struct blkfront_io io;
	unsigned int i;

	memset(&io, 0, sizeof(io));
	io.op = op;
	io.sector = sector;
	io.nsect = n;
	for (i = 0; i < (n + BLKFRONT_SECTORS_PER_PAGE - 1) /
	    BLKFRONT_SECTORS_PER_PAGE; i++)
		io.page[i] = p[i];
	return (blkfront_io_sync(w.sc, &io, IO_MS));
}

/* The first sector of the chunk in p not of generation gen, or -1. */
static long long
chunk_check(uint64_t sector, unsigned int n, unsigned int gen, void **p)
{
	unsigned int i, k;
	uint32_t *q;

	for (i = 0; i < n; i++)
		for (q = chunk_sector(p, i), k = 0; k < BLK_PATTERN_WORDS; k++)
			if (q[k] != blk_pattern_gen_word(sector + i, k, gen))
				return ((long long)(sector + i));
	return (-1);
}

/* Note the first failure; count it. */
static void
writer_fail(uint64_t sector, int err, long long bad)
{

	if (err != 0 && w.ioerrors++ == 0)
		w.first_err = err;
	if (bad >= 0 && w.mismatches++ == 0)
		w.first_bad = bad;
	if (w.ioerrors + w.mismatches <= 5)
		printf("sr_io: sector %llu: error %d, first bad sector %lld\n",
		    (unsigned long long)sector, err, bad);
}

/*
 * The writer: passes over the whole disk, each of a new generation,
 * until asked to stop - at the end of a pass, so that the disk is left
 * of one generation.  A failed I/O is counted and the pass goes on.
 */
static void
writer(void *arg)
{
	char val[12];
	uint64_t s;
	unsigned int n, i, k;
	long long bad;
	int err;

	(void)arg;
	while (!w.stop) {
		/*
		 * Generations 1 .. 15, never 0: a sector still zero (never
		 * written) or of the last pass must not match this one.
		 */
		w.gen = 1 + w.passes % (BLK_PATTERN_GENS - 1);
		for (s = 0; s < w.sectors; s += n) {
			n = w.sectors - s < CHUNK ? (unsigned int)(w.sectors -
			    s) : CHUNK;
			for (i = 0; i < n; i++)
				for (k = 0; k < BLK_PATTERN_WORDS; k++)
					chunk_sector(w.wpage, i)[k] =
					    blk_pattern_gen_word(s + i, k,
					    w.gen);
			/*
			 * Synchronous, one I/O at a time: each of them may
			 * be the one a save catches on the ring, and it
			 * must come back done, not failed, after the
			 * restore (blkfront posts it again).
			 */
			if ((err = chunk_io(BLKIF_OP_WRITE, s, n,
			    w.wpage)) != 0) {
				writer_fail(s, err, -1);
				continue;
			}
			/* Stale data from the last look must not pass. */
			for (i = 0; i < CHUNK_PAGES; i++)
				memset(w.rpage[i], 0, VM_PAGE_SIZE);
			if ((err = chunk_io(BLKIF_OP_READ, s, n,
			    w.rpage)) != 0) {
				writer_fail(s, err, -1);
				continue;
			}
			if ((bad = chunk_check(s, n, w.gen, w.rpage)) >= 0)
				writer_fail(s, 0, bad);
			w.written += n;
		}
		/* dom0 may follow the passes in our home (the new one too). */
		w.passes++;
		printf("sr_io: pass %u (generation %u) done, %lu sectors so "
		    "far, %lu I/O errors, %lu mismatches\n", w.passes, w.gen,
		    w.written, w.ioerrors, w.mismatches);
		snprintf(val, sizeof(val), "%u", w.passes);
		(void)xs_write(XST_NIL, "data/sr_io/pass", val);
	}
}

/* The final read of the whole disk: sectors not of generation gen. */
static unsigned long
verify_all(unsigned int gen, long long *first_bad, int *err)
{
	unsigned long bad = 0;
	unsigned int n;
	long long b;
	uint64_t s;

	*first_bad = -1;
	*err = 0;
	for (s = 0; s < w.sectors; s += n) {
		n = w.sectors - s < CHUNK ? (unsigned int)(w.sectors - s) :
		    CHUNK;
		/* An I/O error ends the check: it counts as one bad chunk. */
		if ((*err = chunk_io(BLKIF_OP_READ, s, n, w.rpage)) != 0)
			return (bad + 1);
		if ((b = chunk_check(s, n, gen, w.rpage)) >= 0) {
			if (bad++ == 0)
				*first_bad = b;
		}
	}
	return (bad);
}

/* The disk and the vif connected; false (reported) if not in time. */
static bool
sr_io_setup(void)
{
	struct blkfront_info bi;
	struct netfront_info ni;
	uint64_t deadline = xen_clock_now() + CONNECT_MS * NS_PER_MS;
	unsigned int i;

	if (xenbus_probe() < 0) {
		report("sr-io-setup", FAIL, "xenbus_probe failed");
		return (false);
	}
	while ((!blkfront_present(VBD_A) || netfront_get_info(0, &ni) != 0 ||
	    !ni.connected) && xen_clock_now() < deadline)
		(void)tsleep(&w, "srsetup", 100 * NS_PER_MS);
	if (!blkfront_present(VBD_A) || netfront_get_info(0, &ni) != 0 ||
	    !ni.connected) {
		report("sr-io-setup", FAIL, "xvda %s, vif/0 %s within %u s",
		    blkfront_present(VBD_A) ? "up" : "missing",
		    netfront_get_info(0, &ni) == 0 && ni.connected ? "up" :
		    "missing", CONNECT_MS / 1000);
		return (false);
	}
	w.sc = blkfront_find(VBD_A);
	blkfront_get_info(w.sc, &bi);
	w.sectors = bi.sectors;
	if (w.sectors == 0 || w.sectors > (1u << 17) || bi.readonly) {
		report("sr-io-setup", FAIL, "xvda: %llu sectors%s; want a "
		    "writable disk of at most 64 MiB",
		    (unsigned long long)w.sectors,
		    bi.readonly ? ", read-only" : "");
		return (false);
	}
	for (i = 0; i < CHUNK_PAGES; i++)
		if ((w.wpage[i] = vm_page_alloc()) == NULL ||
		    (w.rpage[i] = vm_page_alloc()) == NULL) {
			report("sr-io-setup", FAIL, "no memory for buffers");
			return (false);
		}
	return (true);
}

static void
test_sr_io(void)
{
	struct control_stats cs;
	struct netfront_info ni;
	struct net_stats ns;
	struct thread *td;
	unsigned long bad;
	long long first_bad;
	unsigned int bres;
	int err;

	/*
	 * The order: the devices up, the writer started, then "ready" for
	 * dom0, which starts pinging and saving only after it.  The pings
	 * are answered by netfront's thread and the stack (net_input), so
	 * this thread only waits for the end.
	 */
	w.first_bad = -1;
	if (!sr_io_setup())
		return;
	if ((td = thread_create("sr_io", writer, NULL)) == NULL) {
		report("sr-io-setup", FAIL, "no thread for the writer");
		return;
	}
	report("sr-io-setup", PASS, "xvda %llu sectors, vif/0 connected; "
	    "writer running", (unsigned long long)w.sectors);
	(void)xs_write(XST_NIL, "data/sr_io/ready", "1");
	if (shutdown_wait(SERVE_MS) != 0)
		report("sr-io-serve", FAIL, "dom0 never asked us to shut down "
		    "in %u s", SERVE_MS / 1000);
	/* The writer finishes its pass: the disk is left of one generation. */
	w.stop = true;
	if (thread_join(td, STOP_MS * NS_PER_MS) != 0) {
		report("sr-io-writer", FAIL, "the writer did not end its pass "
		    "in %u s", STOP_MS / 1000);
		return;
	}

	if (w.ioerrors == 0 && w.mismatches == 0 && w.passes > 0)
		report("sr-io-writer", PASS, "%u passes, %lu sectors (%lu "
		    "KiB) written and verified, 0 I/O errors, 0 mismatches",
		    w.passes, w.written, w.written / 2);
	else
		report("sr-io-writer", FAIL, "%u passes, %lu sectors; %lu I/O "
		    "errors (first %d), %lu mismatches (first sector %lld)",
		    w.passes, w.written, w.ioerrors, w.first_err,
		    w.mismatches, w.first_bad);

	control_get_stats(&cs);
	bres = blkfront_resume_count(w.sc);
	memset(&ni, 0, sizeof(ni));
	(void)netfront_get_info(0, &ni);
	/*
	 * dom0 checkpoints once (xl save -c: cancelled, nothing for the
	 * drivers to redo) and restores twice.
	 */
	if (cs.suspends - cs.cancelled >= 2 && cs.cancelled >= 1 &&
	    bres == cs.suspends - cs.cancelled &&
	    ni.resumes == cs.suspends - cs.cancelled && ni.connected)
		report("sr-io-resume", PASS, "%lu restores (%lu cancelled "
		    "suspends); blkfront reconnected %u times, netfront %u "
		    "times", cs.suspends - cs.cancelled, cs.cancelled, bres,
		    ni.resumes);
	else
		report("sr-io-resume", FAIL, "%lu suspends (%lu cancelled); "
		    "blkfront reconnected %u times, netfront %u times (now "
		    "%s); want 1 cancelled and 2 restores", cs.suspends,
		    cs.cancelled, bres, ni.resumes,
		    ni.connected ? "connected" : "not connected");

	net_get_stats(&ns);
	if (ns.icmp_echo_replies > 0 && !ni.failed)
		report("sr-io-net", PASS, "%lu ICMP echo replies, rx %lu tx "
		    "%lu frames, no protocol error", ns.icmp_echo_replies,
		    ni.rx_packets, ni.tx_packets);
	else
		report("sr-io-net", FAIL, "%lu ICMP echo replies; netfront "
		    "%s", ns.icmp_echo_replies, ni.failed ? "failed" : "ok");

	bad = verify_all(w.gen, &first_bad, &err);
	if (bad == 0)
		report("sr-io-verify", PASS, "all %llu sectors read back of "
		    "generation %u", (unsigned long long)w.sectors, w.gen);
	else
		report("sr-io-verify", FAIL, "%lu chunks wrong (first bad "
		    "sector %lld, I/O error %d); want generation %u", bad,
		    first_bad, err, w.gen);
	printf("sr_io: final generation %u\n", w.gen);
}

DOMU_TEST(sr_io, "xl save and xl restore twice while a blkfront writer "
    "and pings run", test_sr_io, TEST_NEEDS_DOM0);
