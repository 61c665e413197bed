/*
 * dev/xen/blkfront/blkfront.c - the block front end (interface in
 * blkfront.h, man page man4/blkfront.4, one read followed end to end in
 * walkthroughs/blkfront.md).
 *
 * Protocol: xen/include/public/io/blkif.h - the xenstore keys of both
 * ends, the requests and responses; the ring itself is Xen's
 * DEFINE_RING_TYPES (xen/include/public/io/ring.h), instantiated for
 * blkif by blkif.h.  The states are xen/include/public/io/xenbus.h's.
 *
 * The handshake, as Linux's blkback (drivers/block/xen-blkback/xenbus.c)
 * expects it:
 *   1. the back end, ready, is InitWait and has written what we need
 *      first: max-ring-page-order;
 *   2. we grant the ring's pages and allocate an event channel, and
 *      write, in one transaction, ring-ref (or ring-page-order and
 *      ring-ref0..N-1), event-channel and protocol; then Initialised;
 *   3. the back end maps the ring, binds the channel, writes sectors,
 *      info, sector-size and its feature-* keys, and goes Connected;
 *   4. we read those and go Connected.
 *
 * I/O.  A request names a slot id (blkfront_ring.h); its data pages are
 * granted to the back end (read-only for a write: blkback only reads
 * them) and named by grant reference in the request's segments, or,
 * for more than BLKIF_MAX_SEGMENTS_PER_REQUEST pages, in an "indirect"
 * page that is itself granted (BLKIF_OP_INDIRECT).  Responses are read
 * by whoever waits (blkfront_wait), never in the event handler: the
 * handler only wakes the waiters (evtchn_wait_bind), and the waiter
 * reads the ring with upcalls masked (evtchn_wait's ready()).  One
 * vCPU and no preemption: the ring is only touched by threads, between
 * sleeps, so it needs no lock.
 *
 * A back end that breaks the protocol (a response for an id not in
 * flight, an unknown status, rsp_prod beyond our requests, a request
 * that never completes) is logged, every I/O in flight fails with -EIO,
 * and the device is closed.  Never a hang: every wait has a deadline.
 */

#include "xen/xen.h"

#include "dev/xen/blkfront/blkfront.h"
#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/cmdline.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/thread.h"
#include "kern/vm_page.h"
#include "xen/evtchn.h"
#include "xen/evtchn_wait.h"
#include "xen/gnttab.h"
#include "xen/timer.h"
#include "xen/xenbus.h"
#include "xen/xenstore.h"
#include "xen/xs_msg.h"

#include <xen/io/protocols.h>

/* Largest ring we ask for: 2^2 pages.  More buys nothing at 64 slots. */
#define	BLKFRONT_MAX_RING_ORDER	2
#define	BLKFRONT_MAX_RING_PAGES	(1u << BLKFRONT_MAX_RING_ORDER)
/* Pages tried when looking for a contiguous run for the ring. */
#define	BLKFRONT_RING_TRIES	16
/* Each step of the handshake, and of the close, gets this long. */
#define	BLKFRONT_STEP_MS	30000
/* Waiting for a slot or grant references to come free. */
#define	BLKFRONT_SLOT_MS	30000
/* A request waiting for a suspend to end (the save and restore included). */
#define	BLKFRONT_RESUME_MS	120000
/* Entries of an indirect page: struct blkif_request_segment, 8 bytes. */
#define	BLKFRONT_SEGS_PER_INDIRECT_PAGE \
	(VM_PAGE_SIZE / sizeof(struct blkif_request_segment))

struct blkfront_softc {
	struct xenbus_device	*dev;
	unsigned long		 vdev;		/* the id in device/vbd/<id> */
	bool			 in_use;	/* this softc is a disk */
	struct blkfront_info	 info;
	/* The ring: 2^ring_order pages, contiguous, each granted. */
	blkif_sring_t		*sring;
	blkif_front_ring_t	 ring;
	grant_ref_t		 ring_ref[BLKFRONT_MAX_RING_PAGES];
	unsigned int		 ring_npages;
	/* The event channel: the back end signals responses on it. */
	struct evtchn_waitq	 waitq;
	bool			 port_bound;
	/* Requests in flight, by id; each id's indirect page. */
	struct blkfront_slots	 slots;
	void			*indirect_page[BLKFRONT_MAX_SLOTS];
	bool			 dead;		/* protocol broken: no more I/O */
	bool			 closed;	/* close sequence done */
	char			 token[XS_WATCH_TOKEN_MAX];	/* state watch */
	bool			 watching;	/* token registered */
	bool			 close_wanted;	/* the back end is closing */
	/*
	 * Suspend and resume (blkfront_suspend, blkfront_resume): from the
	 * suspend until the ring is usable again no request is posted and
	 * the old ring is not read (see blkfront_poll); reconnect_wanted
	 * hands the reconnection to the worker thread.
	 */
	bool			 resuming;
	bool			 reconnect_wanted;
	char			 watch_path[XENBUS_PATH_MAX + 8];
	unsigned int		 resumes;	/* reconnections done */
	unsigned int		 reissued;	/* requests posted again */
};

static struct blkfront_softc blkfront_softcs[BLKFRONT_MAX_DISKS];
/* The tunables, read from the command line by the first attach. */
static bool blkfront_tuned;
static bool blkfront_no_indirect;
static unsigned int blkfront_max_order = BLKFRONT_MAX_RING_ORDER;
/* Attaches and detaches seen by the device/vbd watch. */
static unsigned int blkfront_changes;
static bool blkfront_hotplugging;
/*
 * The work the watch callbacks hand to blkfront's own thread: a rescan
 * of device/vbd, disks to close (their close_wanted).  See
 * blkfront_worker() for why the callbacks do not do it themselves.
 */
static bool blkfront_rescan_wanted;
static unsigned int blkfront_work;	/* a channel, and a count of requests */
static struct thread *blkfront_td;

static void	blkfront_close(struct blkfront_softc *sc, const char *why);
static void	blkfront_state_changed(const char *path, const char *token,
		    void *arg);

/* --- Looking up disks ------------------------------------------------ */

struct blkfront_softc *
blkfront_disk(unsigned int i)
{
	unsigned int k;

	for (k = 0; k < BLKFRONT_MAX_DISKS; k++)
		if (blkfront_softcs[k].in_use && i-- == 0)
			return (&blkfront_softcs[k]);
	return (NULL);
}

struct blkfront_softc *
blkfront_find(unsigned long id)
{
	unsigned int k;

	for (k = 0; k < BLKFRONT_MAX_DISKS; k++)
		if (blkfront_softcs[k].in_use && blkfront_softcs[k].vdev == id)
			return (&blkfront_softcs[k]);
	return (NULL);
}

bool
blkfront_present(unsigned long id)
{
	struct blkfront_softc *sc = blkfront_find(id);

	return (sc != NULL && sc->info.connected);
}

void
blkfront_get_info(const struct blkfront_softc *sc, struct blkfront_info *info)
{

	*info = sc->info;
}

/* --- Reading the back end's keys ------------------------------------- */

/*
 * The decimal number in the back end's node `key` into *v.  The back
 * end is untrusted: anything but digits, or more than 64 bits, is an
 * error.  -ENOENT when the node is absent (callers with a default use
 * it then).
 */
static int
blkfront_read_u64(struct blkfront_softc *sc, const char *key, uint64_t *v)
{
	char path[XENBUS_PATH_MAX + 40], buf[24];
	const char *p;
	uint64_t n = 0;
	int len;

	snprintf(path, sizeof(path), "%s/%s", sc->dev->otherend, key);
	len = xs_read(XST_NIL, path, buf, sizeof(buf));
	if (len < 0)
		return (len);
	if (len == 0 || (size_t)len >= sizeof(buf))
		return (-EINVAL);
	for (p = buf; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > (UINT64_MAX - 9) / 10)
			return (-EINVAL);
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*v = n;
	return (0);
}

/* A number the back end may omit: def when absent; errors logged. */
static uint64_t
blkfront_read_opt(struct blkfront_softc *sc, const char *key, uint64_t def)
{
	uint64_t v;
	int err;

	if ((err = blkfront_read_u64(sc, key, &v)) == 0)
		return (v);
	if (err != -ENOENT)
		printf("blkfront: %s: back end's %s unreadable (error %d); "
		    "taking %llu\n", sc->info.name, key, err,
		    (unsigned long long)def);
	return (def);
}

/* The command line's blkfront.* tunables (blkfront.h). */
static void
blkfront_tune(void)
{
	char buf[8];

	if (blkfront_tuned)
		return;
	blkfront_tuned = true;
	if (cmdline_get(boot_info.cmdline, "blkfront.indirect", buf,
	    sizeof(buf)) >= 0 && strcmp(buf, "0") == 0)
		blkfront_no_indirect = true;
	if (cmdline_get(boot_info.cmdline, "blkfront.ring_order", buf,
	    sizeof(buf)) >= 0 && buf[0] >= '0' &&
	    buf[0] <= '0' + BLKFRONT_MAX_RING_ORDER && buf[1] == '\0')
		blkfront_max_order = (unsigned int)(buf[0] - '0');
}

/* --- The ring's pages ------------------------------------------------ */

/*
 * npages pages that follow each other in the direct map, zeroed, or
 * NULL.  The page allocator hands out single pages; in practice
 * consecutive allocations are neighbours, so a few tries find a run.
 * (A native kernel would ask its contiguous allocator; a multi-page
 * ring only needs contiguous kernel addresses, so mapping the pages
 * into the kva window would do as well.)
 */
static void *
blkfront_ring_alloc(unsigned int npages)
{
	char *got[BLKFRONT_RING_TRIES], *base = NULL;
	unsigned int n, i, j, k;

	for (n = 0; n < BLKFRONT_RING_TRIES && base == NULL; n++) {
		if ((got[n] = vm_page_alloc()) == NULL)
			break;
		/* Does some page start a run of npages among those we hold? */
		for (i = 0; i <= n && base == NULL; i++) {
			for (j = 1; j < npages; j++) {
				for (k = 0; k <= n; k++)
					if (got[k] == got[i] + j * VM_PAGE_SIZE)
						break;
				if (k > n)
					break;
			}
			if (j == npages)
				base = got[i];
		}
	}
	/* Give back every page outside the run. */
	for (i = 0; i < n; i++)
		if (base == NULL || got[i] < base ||
		    got[i] >= base + npages * VM_PAGE_SIZE)
			vm_page_free(got[i]);
	return (base);
}

/*
 * Revoke the ring's grants and free what can be freed.  A page the back
 * end still maps (end_access refuses) is leaked, never reused: the peer
 * could write into whatever we put there next.
 */
static void
blkfront_ring_free(struct blkfront_softc *sc)
{
	unsigned int i;
	bool leak = false;

	for (i = 0; i < sc->ring_npages; i++)
		if (gnttab_end_access(sc->ring_ref[i]) != 0)
			leak = true;
	if (sc->port_bound) {
		(void)evtchn_close(sc->waitq.port);
		sc->port_bound = false;
		sc->waitq.chan = NULL;
	}
	if (sc->sring != NULL) {
		if (leak)
			printf("blkfront: %s: back end still maps the ring; "
			    "its %u pages are not reused\n", sc->info.name,
			    sc->ring_npages);
		else
			for (i = 0; i < sc->ring_npages; i++)
				vm_page_free((char *)sc->sring +
				    i * VM_PAGE_SIZE);
	}
	sc->sring = NULL;
	sc->ring_npages = 0;
}

/* --- The handshake --------------------------------------------------- */

/* What blkfront_publish() writes, in one transaction. */
static int
blkfront_publish(xs_transaction_t tx, void *arg)
{
	struct blkfront_softc *sc = arg;
	char path[XENBUS_PATH_MAX + 24], val[16];
	unsigned int i;
	int err;

	/*
	 * One page: the original key, ring-ref, which every back end
	 * knows.  More: ring-page-order and ring-ref0..N-1 (blkif.h,
	 * "multi-page ring").
	 */
	if (sc->ring_npages == 1) {
		snprintf(path, sizeof(path), "%s/ring-ref", sc->dev->nodename);
		snprintf(val, sizeof(val), "%u", sc->ring_ref[0]);
		if ((err = xs_write(tx, path, val)) != 0)
			return (err);
	} else {
		snprintf(path, sizeof(path), "%s/ring-page-order",
		    sc->dev->nodename);
		snprintf(val, sizeof(val), "%u", sc->info.ring_order);
		if ((err = xs_write(tx, path, val)) != 0)
			return (err);
		for (i = 0; i < sc->ring_npages; i++) {
			snprintf(path, sizeof(path), "%s/ring-ref%u",
			    sc->dev->nodename, i);
			snprintf(val, sizeof(val), "%u", sc->ring_ref[i]);
			if ((err = xs_write(tx, path, val)) != 0)
				return (err);
		}
	}
	snprintf(path, sizeof(path), "%s/event-channel", sc->dev->nodename);
	snprintf(val, sizeof(val), "%u", sc->waitq.port);
	if ((err = xs_write(tx, path, val)) != 0)
		return (err);
	/*
	 * Our layout of the ring's structures.  An i386 kernel says
	 * "x86_32-abi", so that a 64-bit dom0 reads our 4-byte-aligned
	 * uint64_t fields where we put them.
	 */
	snprintf(path, sizeof(path), "%s/protocol", sc->dev->nodename);
	return (xs_write(tx, path, XEN_IO_PROTO_ABI_NATIVE));
}

/*
 * Wait for the back end to reach one of states (bits), re-reading its
 * state every second: xenbus_wait_otherend() sleeps until the state's
 * watch event, and xenstore drops events when its queue is full, so a
 * wait that trusted the event alone could sleep through the change.
 */
static int
blkfront_wait_otherend(struct blkfront_softc *sc, unsigned int states,
    unsigned int timeout_ms)
{
	uint64_t deadline = xen_clock_now() + timeout_ms * NS_PER_MS, now;
	int state;

	for (;;) {
		now = xen_clock_now();
		state = xenbus_wait_otherend(sc->dev, states,
		    deadline - now > NS_PER_SEC || deadline <= now ? 1000 :
		    (unsigned int)((deadline - now) / NS_PER_MS));
		if (state >= 0 || state != -ETIMEDOUT ||
		    xen_clock_now() >= deadline)
			return (state);
	}
}

/*
 * Steps 1 and 2 of the handshake: choose the ring's size, grant it,
 * make the event channel, publish them, go Initialised.
 */
static int
blkfront_setup_ring(struct blkfront_softc *sc)
{
	unsigned int i, order;
	int ref, err;

	/* 1. What the back end offers, written before its InitWait. */
	order = (unsigned int)blkfront_read_opt(sc, "max-ring-page-order", 0);
	if (order > blkfront_max_order)
		order = blkfront_max_order;
	sc->info.ring_order = order;
	sc->ring_npages = 0;
	if ((sc->sring = blkfront_ring_alloc(1u << order)) == NULL &&
	    order > 0) {
		printf("blkfront: %s: no %u contiguous pages; one-page ring\n",
		    sc->info.name, 1u << order);
		sc->info.ring_order = order = 0;
		sc->sring = blkfront_ring_alloc(1);
	}
	if (sc->sring == NULL)
		return (-ENOMEM);
	/* Both indices 0, the pad zeroed: the ring is empty. */
	SHARED_RING_INIT(sc->sring);
	FRONT_RING_INIT(&sc->ring, sc->sring, VM_PAGE_SIZE << order);
	sc->info.ring_size = RING_SIZE(&sc->ring);
	/* 2. Each page granted writable: the back end writes responses. */
	for (i = 0; i < (1u << order); i++) {
		ref = gnttab_grant_access(sc->dev->otherend_id,
		    arch_virt_to_frame((char *)sc->sring + i * VM_PAGE_SIZE),
		    false);
		if (ref < 0) {
			blkfront_ring_free(sc);
			return (ref);
		}
		sc->ring_ref[sc->ring_npages++] = (grant_ref_t)ref;
	}
	/*
	 * An unbound port the back end binds to.  Its handler only wakes
	 * whoever waits on the ring (evtchn_wait_bind); the responses are
	 * read by the waiter.
	 */
	if ((err = evtchn_alloc_unbound(sc->dev->otherend_id,
	    &sc->waitq.port)) != 0) {
		blkfront_ring_free(sc);
		return (err);
	}
	sc->waitq.wmesg = "blkfront";
	if ((err = evtchn_wait_bind(&sc->waitq, sc)) != 0) {
		(void)evtchn_close(sc->waitq.port);
		blkfront_ring_free(sc);
		return (err);
	}
	sc->port_bound = true;
	if ((err = xs_transaction_run(blkfront_publish, sc)) != 0 ||
	    (err = xenbus_switch_state(sc->dev, XenbusStateInitialised)) != 0) {
		blkfront_ring_free(sc);
		return (err);
	}
	return (0);
}

/*
 * Step 4: read what the back end wrote before going Connected, and
 * decide what we use of it.
 */
static int
blkfront_read_details(struct blkfront_softc *sc)
{
	struct blkfront_info *in = &sc->info;
	char path[XENBUS_PATH_MAX + 8], mode[4];
	uint64_t sectors, ssize, ind;
	unsigned int i, segs;
	int err;

	if ((err = blkfront_read_u64(sc, "sectors", &sectors)) != 0) {
		printf("blkfront: %s: back end gave no sectors (error %d)\n",
		    in->name, err);
		return (-EINVAL);
	}
	/* "sectors" counts sector-size units; the ring counts 512 bytes. */
	ssize = blkfront_read_opt(sc, "sector-size", BLKFRONT_SECTOR);
	if (ssize < BLKFRONT_SECTOR || ssize > VM_PAGE_SIZE ||
	    (ssize & (ssize - 1)) != 0 ||
	    sectors > UINT64_MAX / (ssize / BLKFRONT_SECTOR)) {
		printf("blkfront: %s: impossible sector-size %llu or sectors "
		    "%llu\n", in->name, (unsigned long long)ssize,
		    (unsigned long long)sectors);
		return (-EINVAL);
	}
	in->sector_size = (unsigned int)ssize;
	in->sectors = sectors * (ssize / BLKFRONT_SECTOR);
	in->vdisk_info = (unsigned int)blkfront_read_opt(sc, "info", 0);
	snprintf(path, sizeof(path), "%s/mode", sc->dev->otherend);
	in->readonly = (in->vdisk_info & VDISK_READONLY) != 0 ||
	    (xs_read(XST_NIL, path, mode, sizeof(mode)) > 0 &&
	    mode[0] == 'r' && mode[1] == '\0');
	in->flush = blkfront_read_opt(sc, "feature-flush-cache", 0) == 1;
	in->barrier = blkfront_read_opt(sc, "feature-barrier", 0) == 1;
	in->persistent = blkfront_read_opt(sc, "feature-persistent", 0) == 1;
	ind = blkfront_read_opt(sc, "feature-max-indirect-segments", 0);
	/*
	 * Indirect descriptors only pay beyond a plain request's 11
	 * segments; we use up to BLKFRONT_MAX_SEGS of what is offered.
	 */
	in->max_indirect = 0;
	if (!blkfront_no_indirect && ind > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		in->max_indirect = ind < BLKFRONT_MAX_SEGS ?
		    (unsigned int)ind : BLKFRONT_MAX_SEGS;
	segs = in->max_indirect != 0 ? in->max_indirect :
	    BLKIF_MAX_SEGMENTS_PER_REQUEST;
	in->max_sectors = segs * BLKFRONT_SECTORS_PER_PAGE;
	in->nslots = in->ring_size < BLKFRONT_MAX_SLOTS ? in->ring_size :
	    BLKFRONT_MAX_SLOTS;
	/* One indirect page per slot, kept for the disk's life. */
	for (i = 0; in->max_indirect != 0 && i < in->nslots; i++)
		if (sc->indirect_page[i] == NULL &&
		    (sc->indirect_page[i] = vm_page_alloc()) == NULL) {
			printf("blkfront: %s: no memory for indirect pages; "
			    "plain requests only\n", in->name);
			in->max_indirect = 0;
			in->max_sectors = BLKIF_MAX_SEGMENTS_PER_REQUEST *
			    BLKFRONT_SECTORS_PER_PAGE;
		}
	return (0);
}

/*
 * The whole handshake; the ring is fresh (no request on it).  fresh:
 * a new disk, whose slots are set up here; a reconnect keeps its slots,
 * with the requests in flight in them.
 */
static int
blkfront_connect(struct blkfront_softc *sc, bool fresh)
{
	uint64_t start = xen_clock_now();
	int state, err;

	state = blkfront_wait_otherend(sc, 1u << XenbusStateInitWait,
	    BLKFRONT_STEP_MS);
	if (state < 0) {
		printf("blkfront: %s: back end never InitWait (last %s)\n",
		    sc->info.name, xenbus_state_name(sc->dev->otherend_state));
		return (state);
	}
	/*
	 * The handshake proper is timed from here: until InitWait the time
	 * is dom0's hot-plug script's (losetup), not the protocol's.
	 */
	sc->info.initwait_ns = xen_clock_now() - start;
	start = xen_clock_now();
	if ((err = blkfront_setup_ring(sc)) != 0) {
		printf("blkfront: %s: cannot set up the ring (error %d)\n",
		    sc->info.name, err);
		return (err);
	}
	/* 3. The back end maps the ring and says Connected. */
	state = blkfront_wait_otherend(sc, 1u << XenbusStateConnected,
	    BLKFRONT_STEP_MS);
	if (state < 0 || (err = blkfront_read_details(sc)) != 0 ||
	    (err = xenbus_switch_state(sc->dev, XenbusStateConnected)) != 0) {
		printf("blkfront: %s: back end did not connect (state %s)\n",
		    sc->info.name, xenbus_state_name(sc->dev->otherend_state));
		/*
		 * It may have mapped the ring already: the close sequence
		 * makes it unmap, so that the ring's pages can be freed.
		 */
		(void)xenbus_close(sc->dev, BLKFRONT_STEP_MS);
		blkfront_ring_free(sc);
		return (state < 0 ? state : err);
	}
	/*
	 * An id is only a tag: what the ring limits is how many requests
	 * are on it.  So a reconnect keeps its ids even if the new ring is
	 * smaller, as long as what is in flight fits (blkfront_reconnect).
	 */
	if (fresh)
		blkfront_slots_init(&sc->slots, sc->info.nslots);
	sc->info.handshake_ns = xen_clock_now() - start;
	sc->info.connected = true;
	printf("blkfront: %s: %llu sectors of 512 (sector-size %u)%s, ring "
	    "%u page(s) %u slots, %s%u segments per request, flush %s, "
	    "barrier %s, persistent %s; InitWait after %llu us, then "
	    "handshake %llu us\n", sc->info.name,
	    (unsigned long long)sc->info.sectors, sc->info.sector_size,
	    sc->info.readonly ? ", read-only" : "", sc->ring_npages,
	    sc->info.nslots, sc->info.max_indirect ? "indirect, " : "",
	    sc->info.max_sectors / BLKFRONT_SECTORS_PER_PAGE,
	    sc->info.flush ? "yes" : "no", sc->info.barrier ? "yes" : "no",
	    sc->info.persistent ? "offered, unused" : "no",
	    (unsigned long long)(sc->info.initwait_ns / NS_PER_US),
	    (unsigned long long)(sc->info.handshake_ns / NS_PER_US));
	return (0);
}

/* --- Requests -------------------------------------------------------- */

/* End the grants of slot s; false if the back end still maps a page. */
static bool
blkfront_slot_ungrant(struct blkfront_slot *s)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < s->nseg; i++)
		if (gnttab_end_access(s->gref[i]) != 0)
			ok = false;
	if (s->indirect && gnttab_end_access(s->indirect_gref) != 0)
		ok = false;
	s->nseg = 0;
	s->indirect = false;
	return (ok);
}

/*
 * Put the request of slot id (its owner is the io) at req_prod_pvt:
 * grant its pages, fill the request.  The request is not yet visible
 * to the back end: blkfront_push() publishes req_prod.
 * @return 0, or -ENOSPC when grant references ran out (nothing left
 *	granted; the caller may wait and retry)
 */
static int
blkfront_post(struct blkfront_softc *sc, unsigned int id,
    struct blkfront_io *io)
{
	struct blkfront_slot *s = &sc->slots.slot[id];
	struct blkif_request_segment *seg;
	blkif_request_indirect_t *ireq;
	blkif_request_t *req;
	unsigned int i, nseg = (io->nsect + BLKFRONT_SECTORS_PER_PAGE - 1) /
	    BLKFRONT_SECTORS_PER_PAGE;
	/* The back end reads our pages for a write, writes them for a read. */
	bool ro = io->op != BLKIF_OP_READ;
	int ref;

	s->op = io->op;
	s->nseg = 0;
	s->indirect = false;
	for (i = 0; i < nseg; i++) {
		ref = gnttab_grant_access(sc->dev->otherend_id,
		    arch_virt_to_frame(io->page[i]), ro);
		if (ref < 0) {
			(void)blkfront_slot_ungrant(s);
			return (-ENOSPC);
		}
		s->gref[s->nseg++] = (grant_ref_t)ref;
	}
	/*
	 * The request is built in the shared slot itself; the back end
	 * does not look at it before req_prod moves past it.
	 */
	req = RING_GET_REQUEST(&sc->ring, sc->ring.req_prod_pvt);
	if (nseg <= BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		s->wire_op = io->op;
		req->operation = io->op;
		req->nr_segments = (uint8_t)nseg;
		req->handle = (blkif_vdev_t)sc->vdev;
		req->id = id;
		req->sector_number = io->sector;
		seg = req->seg;
	} else {
		/* The segments go in our indirect page, granted read-only. */
		ref = gnttab_grant_access(sc->dev->otherend_id,
		    arch_virt_to_frame(sc->indirect_page[id]), true);
		if (ref < 0) {
			(void)blkfront_slot_ungrant(s);
			return (-ENOSPC);
		}
		s->indirect = true;
		s->indirect_gref = (grant_ref_t)ref;
		s->wire_op = BLKIF_OP_INDIRECT;
		ireq = (blkif_request_indirect_t *)req;
		ireq->operation = BLKIF_OP_INDIRECT;
		ireq->indirect_op = io->op;
		ireq->nr_segments = (uint16_t)nseg;
		ireq->id = id;
		ireq->sector_number = io->sector;
		ireq->handle = (blkif_vdev_t)sc->vdev;
		ireq->indirect_grefs[0] = (grant_ref_t)ref;
		seg = sc->indirect_page[id];
	}
	/* Whole pages, except the last, which holds what is left. */
	for (i = 0; i < nseg; i++) {
		seg[i].gref = s->gref[i];
		seg[i].first_sect = 0;
		seg[i].last_sect = i + 1 < nseg ? BLKFRONT_SECTORS_PER_PAGE - 1 :
		    (uint8_t)((io->nsect - 1) % BLKFRONT_SECTORS_PER_PAGE);
	}
	sc->ring.req_prod_pvt++;
	return (0);
}

/* Publish the requests posted, and kick the back end if it sleeps. */
static void
blkfront_push(struct blkfront_softc *sc)
{
	int notify;

	/*
	 * The macro orders the requests' contents before req_prod (write
	 * barrier), then reads req_event after a full barrier: the back
	 * end asks to be notified only when it has gone idle.
	 */
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&sc->ring, notify);
	if (notify)
		(void)evtchn_send(sc->waitq.port);
}

/* Called by blkfront_ring_collect() for each valid response. */
static void
blkfront_done(void *arg, struct blkfront_slot *s, int16_t status)
{
	struct blkfront_softc *sc = arg;
	struct blkfront_io *io = s->owner;

	if (!blkfront_slot_ungrant(s))
		printf("blkfront: %s: back end still maps a page of a "
		    "completed request\n", sc->info.name);
	io->error = status == BLKIF_RSP_OKAY ? 0 :
	    status == BLKIF_RSP_EOPNOTSUPP ? -EOPNOTSUPP : -EIO;
	io->done = true;
}

/*
 * The back end broke the protocol, or stopped answering: fail every I/O
 * in flight.  Upcalls may be masked (called from a ready() test), so no
 * sleeping here; the close sequence is done later by blkfront_wait().
 */
static void
blkfront_kill(struct blkfront_softc *sc, const char *why, uint64_t value)
{
	struct blkfront_slot *s;
	struct blkfront_io *io;
	unsigned int id;

	if (sc->dead)
		return;
	sc->dead = true;
	printf("blkfront: %s: %s (%llu); failing %u I/Os in flight and "
	    "closing the device\n", sc->info.name, why,
	    (unsigned long long)value, sc->slots.inflight);
	for (id = 0; id < sc->slots.nslots; id++) {
		s = &sc->slots.slot[id];
		if ((io = s->owner) == NULL)
			continue;
		if (!blkfront_slot_ungrant(s))
			printf("blkfront: %s: id %u: back end still maps its "
			    "pages\n", sc->info.name, id);
		io->error = -EIO;
		io->done = true;
		blkfront_slot_put(&sc->slots, id);
	}
}

/* Read every response there is; with upcalls masked or in a thread. */
static void
blkfront_poll(struct blkfront_softc *sc)
{
	struct blkfront_bad bad;
	int more;

	/*
	 * From a suspend until the reconnection, the ring is the old
	 * domain's: after a restore, a response on it may have been saved
	 * before the data page it describes (the save copies pages in no
	 * order we know), so it is never believed.  The request is posted
	 * again on the new ring instead, and answered there.
	 */
	if (sc->dead || sc->sring == NULL || sc->resuming)
		return;
	/*
	 * Read, then set rsp_event and look once more (the FINAL_CHECK):
	 * a response that lands between our last read and rsp_event's
	 * update would otherwise come without an event.
	 */
	do {
		if (blkfront_ring_collect(&sc->ring, &sc->slots, blkfront_done,
		    sc, &bad) < 0) {
			blkfront_kill(sc, bad.why, bad.value);
			return;
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&sc->ring, more);
	} while (more);
}

/* What a waiter waits for; tested by evtchn_wait() with upcalls masked. */
struct blkfront_waiter {
	struct blkfront_softc	*sc;
	struct blkfront_io	*io;	/* NULL: waiting for a free slot */
};

static bool
blkfront_ready(void *arg)
{
	struct blkfront_waiter *w = arg;
	struct blkfront_softc *sc = w->sc;

	blkfront_poll(sc);
	if (sc->dead)
		return (true);
	if (w->io != NULL)
		return (w->io->done);
	/* A slot free, or nothing in flight that could free one. */
	return (sc->slots.inflight < sc->info.nslots ||
	    sc->slots.inflight == 0);
}

/* Wait for w's condition until deadline; -ETIMEDOUT kills the disk. */
static int
blkfront_sleep(struct blkfront_waiter *w, uint64_t deadline)
{
	int err;

	err = evtchn_wait(&w->sc->waitq, NULL, blkfront_ready, w, deadline);
	if (err != 0)
		blkfront_kill(w->sc, "no response in time; last rsp_prod",
		    w->sc->sring != NULL ? READ_ONCE(w->sc->sring->rsp_prod) :
		    0);
	if (w->sc->dead && !w->sc->closed)
		blkfront_close(w->sc, "protocol error");
	return (err);
}

/* Is io acceptable for sc?  Logged when the caller asks the impossible. */
static int
blkfront_check_io(struct blkfront_softc *sc, const struct blkfront_io *io)
{
	unsigned int i;

	if (sc->dead || !sc->info.connected)
		return (-ENXIO);
	if (io->op == BLKIF_OP_FLUSH_DISKCACHE)
		return (sc->info.flush ? 0 : -EOPNOTSUPP);
	if (io->op != BLKIF_OP_READ && io->op != BLKIF_OP_WRITE)
		return (-EINVAL);
	if (io->op == BLKIF_OP_WRITE && sc->info.readonly) {
		printf("blkfront: %s: write to sector %llu refused: the disk "
		    "is read-only\n", sc->info.name,
		    (unsigned long long)io->sector);
		return (-EROFS);
	}
	if (io->nsect == 0 || io->nsect > sc->info.max_sectors ||
	    io->sector >= sc->info.sectors ||
	    io->nsect > sc->info.sectors - io->sector)
		return (-EINVAL);
	for (i = 0; i < (io->nsect + 7) / 8; i++)
		if (io->page[i] == NULL ||
		    ((uintptr_t)io->page[i] & (VM_PAGE_SIZE - 1)) != 0 ||
		    arch_virt_to_frame(io->page[i]) == ARCH_NO_FRAME)
			return (-EFAULT);
	return (0);
}

/*
 * Sleep while sc is suspended or reconnecting, at most
 * BLKFRONT_RESUME_MS; 0 when the ring may be used, -EIO if the
 * reconnection failed or never came.  Cooperative scheduling: the flag
 * cannot change between its test and the sleep.
 */
static int
blkfront_resume_wait(struct blkfront_softc *sc)
{
	uint64_t deadline = xen_clock_now() + BLKFRONT_RESUME_MS * NS_PER_MS;
	uint64_t now;

	while (sc->resuming) {
		now = xen_clock_now();
		if (now >= deadline)
			return (-EIO);
		(void)tsleep(&sc->resuming, "blkresume", deadline - now);
	}
	if (sc->dead)
		return (-EIO);
	return (0);
}

int
blkfront_submit(struct blkfront_softc *sc, struct blkfront_io *io)
{
	struct blkfront_waiter w = { .sc = sc, .io = NULL };
	uint64_t deadline;
	int id, err;

	if ((err = blkfront_check_io(sc, io)) != 0)
		return (err);
	if (io->op == BLKIF_OP_FLUSH_DISKCACHE)
		io->nsect = 0;
	io->done = false;
	io->error = 0;
	deadline = xen_clock_now() + BLKFRONT_SLOT_MS * NS_PER_MS;
	for (;;) {
		/*
		 * Suspended, or reconnecting after a restore: no ring to
		 * post on.  Wait for blkfront_resume's wakeup (bounded: a
		 * reconnection that never ends fails the I/O).
		 */
		if ((err = blkfront_resume_wait(sc)) != 0)
			return (err);
		/* A free id; else wait for a response to free one. */
		if (sc->slots.inflight < sc->info.nslots &&
		    (id = blkfront_slot_get(&sc->slots, io)) >= 0) {
			if ((err = blkfront_post(sc, (unsigned int)id,
			    io)) == 0)
				break;
			blkfront_slot_put(&sc->slots, (unsigned int)id);
		}
		/*
		 * Out of ids or grant references: only a response of ours
		 * gives some back.  With none in flight, none will come.
		 */
		if (sc->slots.inflight == 0)
			return (-ENOSPC);
		if ((err = blkfront_sleep(&w, deadline)) != 0)
			return (err);
		if (sc->dead)
			return (-EIO);
	}
	blkfront_push(sc);
	return (0);
}

int
blkfront_wait(struct blkfront_softc *sc, struct blkfront_io *io,
    unsigned int timeout_ms)
{
	struct blkfront_waiter w = { .sc = sc, .io = io };
	int err;

	err = blkfront_sleep(&w, xen_clock_now() +
	    (uint64_t)timeout_ms * NS_PER_MS);
	if (err != 0)
		return (err);
	return (io->done ? io->error : -EIO);
}

int
blkfront_io_sync(struct blkfront_softc *sc, struct blkfront_io *io,
    unsigned int timeout_ms)
{
	int err;

	if ((err = blkfront_submit(sc, io)) != 0)
		return (err);
	return (blkfront_wait(sc, io, timeout_ms));
}

/* --- Reconnection (resume) ------------------------------------------- */

int
blkfront_reconnect(struct blkfront_softc *sc)
{
	struct blkfront_slot *s;
	unsigned int id;
	int err;

	/*
	 * After a resume the old ring's grants and port mean nothing: the
	 * grant table and event channels are the new domain's.  Forget
	 * them (ending the grants is harmless if they are gone), keeping
	 * the slots: each in-flight id still has its caller's io.  The
	 * old port number is NOT closed: in the new domain that number
	 * may already be someone else's (the console's, xenstore's), and
	 * evtchn_resume() dropped its handler.  waitq.chan is kept, so
	 * that a thread asleep in blkfront_wait() is woken by the new
	 * port's handler.
	 */
	sc->port_bound = false;
	for (id = 0; id < sc->slots.nslots; id++) {
		s = &sc->slots.slot[id];
		if (s->owner != NULL)
			(void)blkfront_slot_ungrant(s);
	}
	blkfront_ring_free(sc);
	sc->info.connected = false;
	if ((err = blkfront_connect(sc, false)) != 0) {
		blkfront_kill(sc, "reconnect failed; error", (uint64_t)-err);
		return (err);
	}
	/* The new ring may be smaller: what was in flight must fit. */
	if (sc->slots.inflight > sc->info.ring_size) {
		blkfront_kill(sc, "new ring too small for the requests in "
		    "flight", sc->slots.inflight);
		return (-EIO);
	}
	for (id = 0; id < sc->slots.nslots; id++) {
		s = &sc->slots.slot[id];
		if (s->owner == NULL)
			continue;
		if (blkfront_post(sc, id, s->owner) != 0) {
			blkfront_kill(sc, "cannot re-issue request", id);
			return (-EIO);
		}
		sc->reissued++;
	}
	blkfront_push(sc);
	return (0);
}

/*
 * The reconnection after a restore, in the worker thread (not in the
 * xenwatch thread that calls blkfront_resume: the handshake waits for
 * the back end's state events, which that thread would have to read).
 * The back end's state watch moves to the new back end's path; then
 * the requests held by blkfront_resume_wait() may go.
 */
static void
blkfront_resume_disk(struct blkfront_softc *sc)
{
	uint64_t t0 = xen_clock_now();
	unsigned int before = sc->reissued;
	int err;

	if (sc->watching) {
		(void)xs_unwatch(sc->watch_path, sc->token);
		sc->watching = false;
	}
	err = blkfront_reconnect(sc);
	if (err == 0) {
		/* As in blkfront_attach: our own watch, not xenbus's. */
		snprintf(sc->watch_path, sizeof(sc->watch_path), "%s/state",
		    sc->dev->otherend);
		(void)xs_unwatch(sc->watch_path, sc->dev->nodename);
		sc->dev->watching = false;
		if (xs_watch_callback(sc->watch_path, sc->token,
		    blkfront_state_changed, sc) == 0)
			sc->watching = true;
		sc->resumes++;
	}
	printf("blkfront: %s: reconnected to %s after restore (%s), %u "
	    "requests re-issued, %llu us\n", sc->info.name, sc->dev->otherend,
	    err == 0 ? "ok" : "FAILED", sc->reissued - before,
	    (unsigned long long)((xen_clock_now() - t0) / NS_PER_US));
	sc->resuming = false;
	wakeup(&sc->resuming);
	/* Waiters on the ring look at the new one (its chan is sc). */
	wakeup(sc);
}

/* --- Attach, close, hot-plug ----------------------------------------- */

/*
 * blkfront's worker thread: attaches disks that appeared and closes
 * those whose back end closes.  Both wait for the back end, through
 * xenstore watch events; the watch callbacks that notice the work run
 * in the xenwatch thread, and if they did it there, the events of
 * every watch with a callback - our own device/vbd watch fires for each
 * key we write during a handshake - would pile up unread meanwhile in
 * xenstore's queue of 8, and the back end's state event we wait for
 * could be dropped.  So the callbacks only note the work and wake us.
 * Its sleep is bounded (a second) only to look again regardless.
 */
static void
blkfront_worker(void *arg)
{
	struct blkfront_softc *sc;
	unsigned int k;
	int n;

	(void)arg;
	for (;;) {
		while (blkfront_work == 0)
			(void)tsleep(&blkfront_work, "blkwork", NS_PER_SEC);
		blkfront_work = 0;
		if (blkfront_rescan_wanted) {
			blkfront_rescan_wanted = false;
			if ((n = xenbus_probe_type("vbd")) > 0) {
				blkfront_changes += (unsigned int)n;
				wakeup(&blkfront_changes);
			}
		}
		for (k = 0; k < BLKFRONT_MAX_DISKS; k++) {
			sc = &blkfront_softcs[k];
			if (sc->in_use && sc->reconnect_wanted) {
				sc->reconnect_wanted = false;
				blkfront_resume_disk(sc);
			}
		}
		for (k = 0; k < BLKFRONT_MAX_DISKS; k++) {
			sc = &blkfront_softcs[k];
			if (!sc->in_use || !sc->close_wanted)
				continue;
			sc->close_wanted = false;
			blkfront_close(sc, "back end closing");
			blkfront_changes++;
			wakeup(&blkfront_changes);
		}
	}
}

/* Hand work to the worker, started on first use. */
static void
blkfront_kick(void)
{

	if (blkfront_td == NULL &&
	    (blkfront_td = thread_create("blkfront", blkfront_worker,
	    NULL)) == NULL) {
		printf("blkfront: no thread for hot-plug work; a disk that "
		    "comes or goes is not followed\n");
		return;
	}
	blkfront_work++;
	wakeup(&blkfront_work);
}

/* The back end's state changed (xenwatch thread): follow a close. */
static void
blkfront_state_changed(const char *path, const char *token, void *arg)
{
	struct blkfront_softc *sc = arg;
	char spath[XENBUS_PATH_MAX + 8];
	enum xenbus_state state;

	(void)path;
	(void)token;
	/* During a resume the old back end's disappearance is expected. */
	if (sc->closed || !sc->info.connected || sc->resuming)
		return;
	snprintf(spath, sizeof(spath), "%s/state", sc->dev->otherend);
	state = xenbus_read_state(spath);
	/* Unknown: the back end's directory is gone (the toolstack's rm). */
	if (state == XenbusStateClosing || state == XenbusStateClosed ||
	    state == XenbusStateUnknown) {
		sc->close_wanted = true;
		blkfront_kick();
	}
}

/*
 * The close sequence (xenbus_close: Closing, the back end follows,
 * Closed), then give back the ring.  I/O still in flight first gets
 * its chance to finish (the back end answers until it sees Closed).
 */
static void
blkfront_close(struct blkfront_softc *sc, const char *why)
{
	struct blkfront_waiter w = { .sc = sc, .io = NULL };
	uint64_t deadline = xen_clock_now() + BLKFRONT_STEP_MS * NS_PER_MS;
	char path[XENBUS_PATH_MAX + 8];
	unsigned int i;
	int err;

	if (sc->closed)
		return;
	sc->closed = true;
	sc->info.connected = false;
	printf("blkfront: %s: closing (%s), %u I/Os in flight\n",
	    sc->info.name, why, sc->slots.inflight);
	while (!sc->dead && sc->slots.inflight > 0 &&
	    xen_clock_now() < deadline)
		if (evtchn_wait(&sc->waitq, NULL, blkfront_ready, &w,
		    deadline) != 0)
			break;
	if (sc->slots.inflight > 0)
		blkfront_kill(sc, "closing with I/Os in flight", 0);
	if ((err = xenbus_close(sc->dev, BLKFRONT_STEP_MS)) != 0)
		printf("blkfront: %s: close sequence: error %d\n",
		    sc->info.name, err);
	blkfront_ring_free(sc);
	for (i = 0; i < BLKFRONT_MAX_SLOTS; i++)
		if (sc->indirect_page[i] != NULL) {
			vm_page_free(sc->indirect_page[i]);
			sc->indirect_page[i] = NULL;
		}
	if (sc->watching) {
		/* Allowed from the callback itself (xenstore.h). */
		snprintf(path, sizeof(path), "%s/state", sc->dev->otherend);
		(void)xs_unwatch(path, sc->token);
		sc->watching = false;
	}
	printf("blkfront: %s: closed\n", sc->info.name);
}

/* xenbus found device/vbd/<id>: take a softc, do the handshake. */
static int
blkfront_attach(struct xenbus_device *dev)
{
	struct blkfront_softc *sc = NULL;
	char path[XENBUS_PATH_MAX + 8];
	const char *id = dev->nodename + sizeof("device/vbd/") - 1;
	unsigned long vdev = 0;
	unsigned int k;
	int err;

	blkfront_tune();
	/* device/vbd/<id>: the id is the virtual device number. */
	if (strncmp(dev->nodename, "device/vbd/", 11) != 0)
		return (-EINVAL);
	for (; *id >= '0' && *id <= '9' && vdev < 0x10000000; id++)
		vdev = vdev * 10 + (unsigned long)(*id - '0');
	if (*id != '\0')
		return (-EINVAL);
	/* A softc never used, or one whose disk was closed. */
	for (k = 0; k < BLKFRONT_MAX_DISKS && sc == NULL; k++)
		if (!blkfront_softcs[k].in_use || blkfront_softcs[k].closed)
			sc = &blkfront_softcs[k];
	if (sc == NULL)
		return (-ENOSPC);
	memset(sc, 0, sizeof(*sc));
	sc->dev = dev;
	sc->vdev = vdev;
	dev->softc = sc;
	snprintf(sc->info.name, sizeof(sc->info.name), "vbd/%lu", vdev);
	sc->in_use = true;
	if ((err = blkfront_connect(sc, true)) != 0) {
		sc->closed = true;
		return (err);
	}
	/*
	 * From now on the back end's state is followed by a callback, so a
	 * detach (xl block-detach: the toolstack moves the back end to
	 * Closing) is noticed even while nobody does I/O.  The xenbus watch
	 * used for the handshake is no longer needed.
	 */
	snprintf(path, sizeof(path), "%s/state", dev->otherend);
	(void)xs_unwatch(path, dev->nodename);
	dev->watching = false;
	strlcpy(sc->watch_path, path, sizeof(sc->watch_path));
	snprintf(sc->token, sizeof(sc->token), "blkfront-%lu", vdev);
	if ((err = xs_watch_callback(path, sc->token,
	    blkfront_state_changed, sc)) == 0)
		sc->watching = true;
	else
		printf("blkfront: %s: cannot watch the back end (error %d); "
		    "a detach will not be noticed\n", sc->info.name, err);
	return (0);
}

/* The back end's state, seen by xenbus_wait_otherend(): nothing to do. */
static void
blkfront_otherend_changed(struct xenbus_device *dev, enum xenbus_state state)
{

	(void)dev;
	(void)state;
}

/*
 * Suspend (xenwatch thread, control(4)): stop posting requests.  What
 * is in flight stays in its slot: answered before the hypercall, it
 * completes as usual; not answered, it is posted again on the new ring
 * after a restore (blkfront_reconnect), with the same id and pages, so
 * its caller never knows.  A write posted twice writes the same data;
 * a read posted twice reads it again.  Linux's blkfront does the same
 * (blkif_recover re-queues its shadow requests).
 */
static int
blkfront_suspend(struct xenbus_device *dev)
{
	struct blkfront_softc *sc = dev->softc;

	if (sc == NULL || !sc->in_use || sc->closed)
		return (0);
	sc->resuming = true;
	return (0);
}

/*
 * Resume (xenwatch thread).  Cancelled (xl save -c): the same ring, the
 * same back end, nothing to redo; responses that came meanwhile are
 * read by the next waiter.  Restored: xenbus has read the new back end's
 * path; the worker reconnects (blkfront_resume_disk).
 */
static int
blkfront_resume(struct xenbus_device *dev, bool new_domain)
{
	struct blkfront_softc *sc = dev->softc;

	if (sc == NULL || !sc->in_use || sc->closed)
		return (0);
	if (!new_domain) {
		sc->resuming = false;
		wakeup(&sc->resuming);
		wakeup(sc);
		return (0);
	}
	sc->reconnect_wanted = true;
	blkfront_kick();
	return (0);
}

XENBUS_DRIVER_SR(blkfront, "vbd", blkfront_attach, blkfront_otherend_changed,
    blkfront_suspend, blkfront_resume);

unsigned int
blkfront_resume_count(const struct blkfront_softc *sc)
{

	return (sc->resumes);
}

/* device/vbd changed (xenwatch thread): attach the disks that appeared. */
static void
blkfront_vbd_changed(const char *path, const char *token, void *arg)
{

	(void)path;
	(void)token;
	(void)arg;
	blkfront_rescan_wanted = true;
	blkfront_kick();
}

int
blkfront_hotplug_start(void)
{
	int err;

	if (blkfront_hotplugging)
		return (0);
	if ((err = xs_watch_callback("device/vbd", "blkfront-vbd",
	    blkfront_vbd_changed, NULL)) != 0)
		return (err);
	blkfront_hotplugging = true;
	return (0);
}

unsigned int
blkfront_hotplug_count(void)
{

	return (blkfront_changes);
}

int
blkfront_hotplug_wait(unsigned int seen, unsigned int timeout_ms)
{
	uint64_t deadline = xen_clock_now() + (uint64_t)timeout_ms * NS_PER_MS;
	uint64_t now;

	/* Cooperative scheduling: the count cannot change between test and sleep. */
	while (blkfront_changes == seen) {
		now = xen_clock_now();
		if (now >= deadline)
			return (-ETIMEDOUT);
		(void)tsleep(&blkfront_changes, "blkhotplug", deadline - now);
	}
	return (0);
}
