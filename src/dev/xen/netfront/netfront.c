/*
 * dev/xen/netfront/netfront.c - netfront: a network interface imported
 * from a back end domain (Linux's netback in dom0), over the two rings
 * of xen/include/public/io/netif.h.
 *
 * A NATIVE NIC driver fills a receive ring of DMA descriptors with
 * buffer addresses and a transmit ring with frames, and the device
 * interrupts when it has used them.  netfront does the same with
 * shared-memory rings (xen/include/public/io/ring.h) whose "device" is
 * netback:
 *
 *   rx ring  we post requests {id, gref}: a page granted to the back
 *            end.  With request-rx-copy=1 netback copies each frame
 *            for us into such a page with a grant copy (Xen checks
 *            our grant) and answers {id, offset, flags, status=size}.
 *   tx ring  we post requests {gref, offset, flags, id, size}: the
 *            frame in a page granted read-only.  netback copies or maps
 *            it, and answers {id, status} when done with the page.
 *
 * One event channel carries both directions' notifications.  The
 * xenbus handshake (netif.h, "xenstore keys"; xen/include/public/io/
 * xenbus.h):
 *
 *   back end  InitWait; has written feature-rx-copy, feature-sg, ...
 *   us        write tx-ring-ref, rx-ring-ref, event-channel,
 *             request-rx-copy=1, feature-rx-notify=1, feature-sg=1,
 *             feature-no-csum-offload=0; then Connected (as Linux's
 *             netfront does: netback connects on seeing it)
 *   back end  Connected: frames flow
 *   back end  Closing (xl network-detach, or its error): we stop, go
 *             Closed; once it is Closed it has unmapped everything
 *             and we take our grants back.
 *
 * Threads: the back end's state changes are handled in xenstore's
 * "xenwatch" thread (a watch callback per device, netfront_step); one
 * service thread per device waits for the event channel, takes rx
 * and tx responses, refills the rx ring and hands each frame to the
 * IPv4 stack (net/net.h) with no lock held; the stack's answers come
 * back through netfront_output() in that thread, or in a test's.
 * sc->lock covers the rings, the buffers and the state.
 *
 * The back end is not trusted: every response field is read ONCE from
 * the shared ring into a local (READ_ONCE) and checked before use - id
 * in range and outstanding, status, offset+size inside the page,
 * rsp_prod no further ahead than our requests.  A bad response is
 * logged and the device closed; never a hang or crash.  Frame bytes are
 * copied out of the shared page once, before anyone parses them: the
 * back end keeps write access to the page and could change it under a
 * parser (a double fetch).
 *
 * Manual: man4/netfront.4.  Walkthrough: walkthroughs/netfront.md.
 */

#include "xen/xen.h"

#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/mutex.h"
#include "kern/thread.h"
#include "kern/vm_page.h"
#include "net/net.h"
#include "xen/barrier.h"
#include "xen/evtchn.h"
#include "xen/evtchn_wait.h"
#include "xen/gnttab.h"
#include "xen/timer.h"
#include "xen/xenbus.h"
#include "xen/xenstore.h"
#include "dev/xen/netfront/netfront.h"
#include "dev/xen/netfront/netfront_rx.h"

#include <xen/io/ring.h>
#include <xen/io/netif.h>

#define	NF_PAGE			GNTTAB_PAGE_SIZE
/* Entries of each ring in one page: 256 for both (ring.h rounds down). */
#define	NF_RX_RING_SIZE		__CONST_RING_SIZE(netif_rx, NF_PAGE)
#define	NF_TX_RING_SIZE		__CONST_RING_SIZE(netif_tx, NF_PAGE)
/* tx buffers (one page each); fewer than ring entries, so never full. */
#define	NF_TX_SLOTS		64
/* The largest frame, and the pages (ring slots) it may take. */
#define	NF_FRAME_MAX		NET_FRAME_MAX
#define	NF_FRAME_SLOTS		((NF_FRAME_MAX + NF_PAGE - 1) / NF_PAGE)
/* How long the service thread sleeps without an event (it re-checks). */
#define	NF_IDLE_MS		250
/* How often it reads the back end's state, in case a watch event was lost. */
#define	NF_RECHECK_MS		1000
#define	NF_NO_GREF		(-1)

_Static_assert(NF_RX_RING_SIZE == 256 && NF_TX_RING_SIZE == 256,
    "netif rings of 256 entries in a 4 KiB page");
_Static_assert(NF_TX_SLOTS < NF_TX_RING_SIZE, "tx ids fit the ring");

/*
 * A device's life, in sc->state:
 *   IDLE        nothing shared with a back end (also after release)
 *   CONNECTING  rings granted and published; waiting for Connected
 *   UP          frames flow
 *   STOPPED     we stopped using the rings, but the back end may still
 *               map them: grants are taken back when it is Closed
 *   FAILED      a bad response was seen: like STOPPED, and we ask the
 *               back end to close
 */
enum nf_state {
	NF_IDLE,
	NF_CONNECTING,
	NF_UP,
	NF_STOPPED,
	NF_FAILED,
};

struct nf_buf {
	uint8_t		*page;		/* our page; NULL: allocate one */
	int		 gref;		/* its grant, or NF_NO_GREF */
	bool		 inflight;	/* tx: the back end owes a response */
};

struct netfront_softc {
	bool			 used;
	unsigned int		 unit;
	struct xenbus_device	 xdev;		/* our copy of the device */
	char			 token[16];	/* the state watch's token */
	struct mtx		 lock;		/* rings, buffers, state */
	struct mtx		 step_lock;	/* one netfront_step at a time */
	enum nf_state		 state;
	bool			 close_asked;	/* FAILED: Closing written */
	/*
	 * From the suspend hook to the resume hook: netfront_step() leaves
	 * the state alone, since the back end it would read is the old
	 * domain's (gone after a restore).  Under step_lock.
	 */
	bool			 suspended;

	netif_tx_front_ring_t	 tx;
	netif_rx_front_ring_t	 rx;
	struct nf_buf		 tx_ring, rx_ring;	/* the ring pages */
	evtchn_port_t		 port;
	bool			 port_open;
	struct evtchn_waitq	 wq;

	struct nf_buf		 rxb[NF_RX_RING_SIZE];
	struct nf_buf		 txb[NF_TX_SLOTS];
	uint16_t		 tx_free[NF_TX_SLOTS];
	unsigned int		 tx_nfree;

	/* The frame being put together from rx slots (service thread). */
	uint8_t			 frame[NF_FRAME_MAX];
	size_t			 frame_len;
	unsigned int		 frame_flags;	/* the first slot's NETRXF_* */
	unsigned int		 frame_slots;
	bool			 frame_bad;	/* drop it when complete */
	bool			 rx_extra;	/* next slot: netif_extra_info */

	struct ifnet		 ifnet;
	bool			 sg;		/* back end offers feature-sg */
	uint64_t		 t_connect;	/* netfront_connect began */
	struct thread		*td;
	struct netfront_info	 info;
};

static struct netfront_softc netfront_softc[NETFRONT_MAX_UNITS];
static bool netfront_inited;
static struct mtx netfront_scan_lock;	/* one netfront_scan() at a time */
/* Connects and disconnects, for netfront_wait_change(), under
   netfront_changes_lock; waiters sleep on netfront_changes. */
static unsigned int netfront_changes;
static struct mtx netfront_changes_lock;

static void	netfront_step(struct netfront_softc *sc);
static void	netfront_scan(void);

/* Count a connect or disconnect and wake anyone waiting for one. */
static void
netfront_changed(void)
{

	mtx_lock(&netfront_changes_lock);
	netfront_changes++;
	wakeup(&netfront_changes);
	mtx_unlock(&netfront_changes_lock);
}

/*
 * Grant the back end access to buf's page (allocating the page the
 * first time): read-only for tx buffers, writable for the rings and the
 * rx buffers it copies frames into.
 */
static int
netfront_grant(struct netfront_softc *sc, struct nf_buf *buf, bool readonly)
{
	int ref;

	if (buf->page == NULL && (buf->page = vm_page_alloc()) == NULL)
		return (-ENOMEM);
	ref = gnttab_grant_access(sc->xdev.otherend_id,
	    arch_virt_to_frame(buf->page), readonly);
	if (ref < 0)
		return (ref);
	buf->gref = ref;
	return (0);
}

/*
 * Take a grant back.  The back end must have unmapped the page (it is
 * Closed, or answered for the buffer); if it still has it mapped, the
 * page is left to it for good - we forget it and allocate another -
 * since reusing it would hand our next frame to the peer.
 * @return 1 when the page had to be abandoned
 */
static int
netfront_ungrant(struct nf_buf *buf)
{
	int err;

	if (buf->gref == NF_NO_GREF)
		return (0);
	err = gnttab_end_access((grant_ref_t)buf->gref);
	buf->gref = NF_NO_GREF;
	if (err == -EBUSY) {
		buf->page = NULL;
		return (1);
	}
	return (0);
}

/*
 * The back end broke the protocol: say what was seen, stop using the
 * rings and let the service thread ask for the close (it may write to
 * xenstore; our caller holds sc->lock).  Called with sc->lock held.
 */
static void
netfront_fail(struct netfront_softc *sc, const char *fmt, ...)
{
	va_list ap;

	printf("netfront: %s: bad response from the back end: ",
	    sc->xdev.nodename);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("; closing the device\n");
	if (sc->state == NF_UP || sc->state == NF_CONNECTING)
		net_detach(&sc->ifnet);
	sc->state = NF_FAILED;
	sc->info.failed = true;
	sc->info.connected = false;
	wakeup(&sc->wq);
}

/*
 * Take the tx responses: each frees the buffer (slot) whose id it
 * carries.  Called with sc->lock held.
 * @return 0, or -EPROTO-like -EINVAL after netfront_fail()
 */
static int
netfront_txeof(struct netfront_softc *sc)
{
	netif_tx_response_t *rsp;
	RING_IDX cons, prod;
	uint16_t id;
	int16_t status;
	int more;

	do {
		/*
		 * rsp_prod is written by the back end: read it once, then
		 * a read barrier so that no response is read before the
		 * index that says it is there.  It may not run ahead of
		 * the requests we made.
		 */
		prod = READ_ONCE(sc->tx.sring->rsp_prod);
		xen_rmb();
		cons = sc->tx.rsp_cons;
		if (prod - cons > sc->tx.req_prod_pvt - cons) {
			netfront_fail(sc, "tx rsp_prod %u with %u requests "
			    "outstanding from %u", prod,
			    sc->tx.req_prod_pvt - cons, cons);
			return (-EINVAL);
		}
		for (; cons != prod; cons++) {
			rsp = RING_GET_RESPONSE(&sc->tx, cons);
			/* Each field once, into a local, then checked. */
			id = READ_ONCE(rsp->id);
			status = READ_ONCE(rsp->status);
			if (id >= NF_TX_SLOTS || !sc->txb[id].inflight) {
				netfront_fail(sc, "tx response %u for id %u, "
				    "which is not outstanding", cons, id);
				return (-EINVAL);
			}
			/* NULL answers extra-info slots: we send none. */
			if (status != NETIF_RSP_OKAY &&
			    status != NETIF_RSP_ERROR &&
			    status != NETIF_RSP_DROPPED) {
				netfront_fail(sc, "tx response %u: status %d",
				    cons, status);
				return (-EINVAL);
			}
			if (status != NETIF_RSP_OKAY)
				sc->info.tx_errors++;
			sc->txb[id].inflight = false;
			sc->tx_free[sc->tx_nfree++] = id;
		}
		sc->tx.rsp_cons = cons;
		/*
		 * Ask for an event at the next response (rsp_event), then
		 * look once more: a response that came between our read
		 * of rsp_prod and the new rsp_event would send no event.
		 */
		RING_FINAL_CHECK_FOR_RESPONSES(&sc->tx, more);
	} while (more);
	return (0);
}

/*
 * Give rx slot (its page) back to the back end: the request at
 * req_prod_pvt.  The rx ring is always full, so that index is the
 * slot's own: request i always carries buffer i % 256, and response i
 * must name it.
 */
static void
netfront_rx_repost(struct netfront_softc *sc, unsigned int slot)
{
	netif_rx_request_t *req;

	req = RING_GET_REQUEST(&sc->rx, sc->rx.req_prod_pvt);
	req->id = (uint16_t)slot;
	req->gref = (grant_ref_t)sc->rxb[slot].gref;
	sc->rx.req_prod_pvt++;
}

/* Start the next frame. */
static void
netfront_rx_reset(struct netfront_softc *sc)
{

	sc->frame_len = 0;
	sc->frame_slots = 0;
	sc->frame_flags = 0;
	sc->frame_bad = false;
}

/*
 * Take rx responses until a whole frame is in sc->frame.  Called with
 * sc->lock held, by the service thread only (it owns sc->frame).
 * @return 1: a frame is ready (sc->frame_len bytes); 0: no more
 *	responses for now; -EINVAL: the back end broke the protocol
 */
static int
netfront_rx_next(struct netfront_softc *sc)
{
	netif_rx_response_t *rsp;
	netif_extra_info_t *extra;
	struct netfront_rx_rsp r;
	RING_IDX cons, prod;
	unsigned int slot;
	uint16_t offset, flags;
	int16_t status;
	int more;

	for (;;) {
		prod = READ_ONCE(sc->rx.sring->rsp_prod);
		xen_rmb();		/* the index before the responses */
		cons = sc->rx.rsp_cons;
		if (prod == cons) {
			RING_FINAL_CHECK_FOR_RESPONSES(&sc->rx, more);
			if (!more)
				return (0);
			continue;
		}
		/* Every rx request is outstanding: at most a ring's worth. */
		if (prod - cons > sc->rx.req_prod_pvt - cons) {
			netfront_fail(sc, "rx rsp_prod %u with %u requests "
			    "outstanding from %u", prod,
			    sc->rx.req_prod_pvt - cons, cons);
			return (-EINVAL);
		}
		rsp = RING_GET_RESPONSE(&sc->rx, cons);
		slot = cons % NF_RX_RING_SIZE;
		if (sc->rx_extra) {
			/*
			 * This slot holds a netif_extra_info (GSO, hash),
			 * not a response: we asked for none, so it is
			 * skipped (its frame was marked bad when its first
			 * slot announced it).  Its buffer is the request's
			 * at this index.
			 */
			extra = (netif_extra_info_t *)rsp;
			sc->rx_extra = (READ_ONCE(extra->flags) &
			    XEN_NETIF_EXTRA_FLAG_MORE) != 0;
			sc->rx.rsp_cons = cons + 1;
			netfront_rx_repost(sc, slot);
			continue;
		}
		/* Each field read once into r, then checked (lab 06). */
		memset(&r, 0, sizeof(r));
		switch (netfront_rx_read(rsp, slot, &r)) {
		case NETFRONT_RX_OK:
			break;
		case NETFRONT_RX_BADID:
			netfront_fail(sc, "rx response %u has id %u; the "
			    "buffer posted there is %u", cons, r.id, slot);
			return (-EINVAL);
		default:
			netfront_fail(sc, "rx response %u: %d bytes at "
			    "offset %u do not fit a page", cons, r.status,
			    r.offset);
			return (-EINVAL);
		}
		offset = r.offset;
		flags = r.flags;
		status = r.status;
		if (sc->frame_slots == 0)
			sc->frame_flags = flags;
		sc->frame_slots++;
		if (status < 0) {
			/* NETIF_RSP_ERROR or DROPPED: no data for us. */
			sc->frame_bad = true;
		} else if (sc->frame_len + (size_t)status > NF_FRAME_MAX) {
			sc->frame_bad = true;
		} else if (!sc->frame_bad) {
			/*
			 * The one read of the frame's bytes from the
			 * shared page, into our private buffer: parsers
			 * never see the page the back end can write.
			 */
			memcpy(sc->frame + sc->frame_len,
			    sc->rxb[slot].page + offset, (size_t)status);
			sc->frame_len += (size_t)status;
		}
		/*
		 * Extra-info slots follow: the frame is dropped, and the
		 * extras are skipped even if the frame ends with this slot.
		 */
		if (flags & NETRXF_extra_info) {
			sc->rx_extra = true;
			sc->frame_bad = true;
		}
		/* The data is ours now: the buffer can go back at once. */
		sc->rx.rsp_cons = cons + 1;
		netfront_rx_repost(sc, slot);
		if (flags & NETRXF_more_data) {
			/* Without feature-sg the back end owes us one slot. */
			if (!sc->sg)
				sc->frame_bad = true;
			continue;
		}
		if (sc->frame_slots > 1)
			sc->info.rx_multislot++;
		if (sc->frame_bad || sc->frame_len == 0) {
			sc->info.rx_errors++;
			netfront_rx_reset(sc);
			continue;
		}
		return (1);
	}
}

/* Push new rx requests and notify the back end if it asked (req_event). */
static void
netfront_rx_push(struct netfront_softc *sc)
{
	int notify;

	/* The macro's write barrier: requests before req_prod. */
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&sc->rx, notify);
	if (notify)
		(void)evtchn_send(sc->port);
}

/*
 * The stack's output: copy the frame into free tx buffers (one page
 * each; several, chained with NETTXF_more_data, for a frame larger than
 * a page when the back end offers feature-sg) and post them.
 */
static int
netfront_output(struct ifnet *ifp, const uint8_t *frame, size_t len,
    unsigned int flags)
{
	struct netfront_softc *sc = ifp->if_softc;
	netif_tx_request_t *req;
	unsigned int i, nslots, id;
	size_t off, chunk;
	uint16_t txflags = 0;
	int notify, err = 0;

	if (len == 0 || len > NF_FRAME_MAX)
		return (-EMSGSIZE);
	nslots = (unsigned int)((len + NF_PAGE - 1) / NF_PAGE);
	/*
	 * csum_blank: the UDP checksum field holds the pseudo-header sum
	 * and netback (or the stack behind it) completes it; data_validated
	 * goes with it, as Linux's netfront sends CHECKSUM_PARTIAL.
	 */
	if (flags & NET_CSUM_BLANK)
		txflags = NETTXF_csum_blank | NETTXF_data_validated;
	mtx_lock(&sc->lock);
	if (sc->state != NF_UP)
		err = -ENOTCONN;
	else if (nslots > 1 && !sc->sg)
		err = -EMSGSIZE;
	else if ((err = netfront_txeof(sc)) == 0 && sc->tx_nfree < nslots) {
		/* A full queue drops, as a NIC's does. */
		sc->info.tx_dropped++;
		err = -ENOBUFS;
	}
	if (err != 0) {
		mtx_unlock(&sc->lock);
		return (err);
	}
	for (i = 0, off = 0; i < nslots; i++, off += chunk) {
		chunk = len - off < NF_PAGE ? len - off : NF_PAGE;
		id = sc->tx_free[--sc->tx_nfree];
		memcpy(sc->txb[id].page, frame + off, chunk);
		sc->txb[id].inflight = true;
		req = RING_GET_REQUEST(&sc->tx, sc->tx.req_prod_pvt);
		req->gref = (grant_ref_t)sc->txb[id].gref;
		req->offset = 0;
		req->id = (uint16_t)id;
		/* The first slot's size is the whole frame's (netif.h). */
		req->size = (uint16_t)(i == 0 ? len : chunk);
		req->flags = (uint16_t)((i == 0 ? txflags : 0) |
		    (i + 1 < nslots ? NETTXF_more_data : 0));
		sc->tx.req_prod_pvt++;
	}
	/* Requests visible before req_prod; an event if netback sleeps. */
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&sc->tx, notify);
	if (notify)
		(void)evtchn_send(sc->port);
	sc->info.tx_packets++;
	sc->info.tx_bytes += len;
	if (nslots > 1)
		sc->info.tx_multislot++;
	mtx_unlock(&sc->lock);
	return (0);
}

/* evtchn_wait()'s condition: responses to take, or a state to act on. */
static bool
netfront_has_work(void *arg)
{
	struct netfront_softc *sc = arg;

	if (sc->state != NF_UP)
		return (true);
	/* A hint only: netfront_rx_next() reads and checks rsp_prod. */
	return (RING_HAS_UNCONSUMED_RESPONSES(&sc->rx) ||
	    RING_HAS_UNCONSUMED_RESPONSES(&sc->tx));
}

/*
 * Take everything the back end has answered: tx responses, then rx
 * frames, each handed to the stack with sc->lock released (the stack
 * answers through netfront_output, which takes it).
 */
static void
netfront_poll(struct netfront_softc *sc)
{
	unsigned int flags;
	size_t len;
	int r;

	mtx_lock(&sc->lock);
	if (sc->state != NF_UP || netfront_txeof(sc) != 0) {
		mtx_unlock(&sc->lock);
		return;
	}
	while (sc->state == NF_UP && (r = netfront_rx_next(sc)) == 1) {
		len = sc->frame_len;
		/*
		 * NETRXF_csum_blank: the sender left the transport
		 * checksum to offload; the packet has NO valid checksum
		 * yet and must not be dropped for it (net/inet.c).
		 * NETRXF_data_validated: netback checked it.
		 */
		flags = netfront_rx_csum((uint16_t)sc->frame_flags);
		if (flags & NET_CSUM_BLANK)
			sc->info.rx_csum_blank++;
		if (flags & NET_CSUM_VALIDATED)
			sc->info.rx_data_validated++;
		sc->info.rx_packets++;
		sc->info.rx_bytes += len;
		netfront_rx_reset(sc);
		netfront_rx_push(sc);
		mtx_unlock(&sc->lock);
		net_input(&sc->ifnet, sc->frame, len, flags);
		mtx_lock(&sc->lock);
	}
	if (sc->state == NF_UP)
		netfront_rx_push(sc);
	mtx_unlock(&sc->lock);
}

/*
 * The service thread: one per device, for the kernel's lifetime.  Also
 * the safety net of the state machine: xenstore queues at most 8 watch
 * events, and a burst of writes under device/vif (the toolstack's, at
 * attach and detach) can drop the one that said the back end moved; so
 * every NF_RECHECK_MS the thread runs netfront_step() itself, which
 * reads both states afresh and is idempotent.
 */
static void
netfront_service(void *arg)
{
	struct netfront_softc *sc = arg;
	uint64_t recheck = 0;
	bool ask_close;

	for (;;) {
		if (xen_clock_now() >= recheck) {
			netfront_step(sc);
			netfront_scan();
			recheck = xen_clock_now() +
			    (uint64_t)NF_RECHECK_MS * NS_PER_MS;
		}
		mtx_lock(&sc->lock);
		ask_close = sc->state == NF_FAILED && !sc->close_asked;
		if (ask_close)
			sc->close_asked = true;
		if (sc->state != NF_UP && !ask_close)
			(void)msleep(&sc->wq, &sc->lock, "nfidle",
			    (uint64_t)NF_IDLE_MS * NS_PER_MS);
		mtx_unlock(&sc->lock);
		if (ask_close) {
			/* netfront_step finishes the close with netback. */
			(void)xenbus_switch_state(&sc->xdev,
			    XenbusStateClosing);
			continue;
		}
		if (sc->state != NF_UP)
			continue;
		/* Sleep until the back end's event, or re-check anyway. */
		(void)evtchn_wait(&sc->wq, NULL, netfront_has_work, sc,
		    xen_clock_now() + (uint64_t)NF_IDLE_MS * NS_PER_MS);
		netfront_poll(sc);
	}
}

/* Parse "00:16:3e:xx:xx:xx". */
static int
netfront_parse_mac(const char *s, uint8_t *mac)
{
	unsigned int i, j, v, c;

	for (i = 0; i < ETHER_ADDR_LEN; i++) {
		for (v = 0, j = 0; j < 2; j++) {
			c = (unsigned char)*s++;
			if (c >= '0' && c <= '9')
				v = v * 16 + c - '0';
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				v = v * 16 + (c | 0x20) - 'a' + 10;
			else
				return (-EINVAL);
		}
		mac[i] = (uint8_t)v;
		if (*s != (i == ETHER_ADDR_LEN - 1 ? '\0' : ':'))
			return (-EINVAL);
		s++;
	}
	return (0);
}

/* Read a 0/1 feature key of the back end; absent is 0. */
static bool
netfront_backend_feature(struct netfront_softc *sc, const char *key)
{
	char path[XENBUS_PATH_MAX + 32];
	unsigned long v;

	snprintf(path, sizeof(path), "%s/%s", sc->xdev.otherend, key);
	return (xs_read_uint(XST_NIL, path, 1, &v) == 0 && v == 1);
}

/*
 * What we tell the back end, in one transaction (all or none visible).
 */
static int
netfront_publish(xs_transaction_t tx, void *arg)
{
	struct netfront_softc *sc = arg;
	static const char *const fixed[][2] = {
		{ "request-rx-copy", "1" },	/* copy into our pages */
		{ "feature-rx-notify", "1" },	/* we kick on rx refills */
		{ "feature-sg", "1" },		/* we take more_data chains */
		{ "feature-no-csum-offload", "0" }, /* csum_blank rx is ok */
	};
	char path[XENBUS_PATH_MAX + 32], value[16];
	unsigned int i;
	int err;

	snprintf(path, sizeof(path), "%s/tx-ring-ref", sc->xdev.nodename);
	snprintf(value, sizeof(value), "%d", sc->tx_ring.gref);
	if ((err = xs_write(tx, path, value)) != 0)
		return (err);
	snprintf(path, sizeof(path), "%s/rx-ring-ref", sc->xdev.nodename);
	snprintf(value, sizeof(value), "%d", sc->rx_ring.gref);
	if ((err = xs_write(tx, path, value)) != 0)
		return (err);
	snprintf(path, sizeof(path), "%s/event-channel", sc->xdev.nodename);
	snprintf(value, sizeof(value), "%u", sc->port);
	if ((err = xs_write(tx, path, value)) != 0)
		return (err);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", sc->xdev.nodename,
		    fixed[i][0]);
		if ((err = xs_write(tx, path, fixed[i][1])) != 0)
			return (err);
	}
	return (0);
}

/* Our MAC: the toolstack writes it in our node and the back end's. */
static int
netfront_read_mac(struct netfront_softc *sc)
{
	char path[XENBUS_PATH_MAX + 8], value[24];
	int len;

	snprintf(path, sizeof(path), "%s/mac", sc->xdev.nodename);
	len = xs_read(XST_NIL, path, value, sizeof(value));
	if (len < 0) {
		snprintf(path, sizeof(path), "%s/mac", sc->xdev.otherend);
		len = xs_read(XST_NIL, path, value, sizeof(value));
	}
	if (len < 0 || (size_t)len >= sizeof(value) ||
	    netfront_parse_mac(value, sc->ifnet.if_addr) != 0) {
		printf("netfront: %s: no usable mac (%d)\n",
		    sc->xdev.nodename, len);
		return (len < 0 ? len : -EINVAL);
	}
	memcpy(sc->info.mac, sc->ifnet.if_addr, ETHER_ADDR_LEN);
	return (0);
}

/*
 * Take back everything shared with the back end (it is Closed, or gone,
 * or - after a resume - never knew our old grants): the event channel,
 * the grants of the rings and of every buffer.  Pages are kept for the
 * next connect.  Called from netfront_step with sc->lock held.
 */
static void
netfront_release(struct netfront_softc *sc)
{
	unsigned int i, lost = 0;

	if (sc->port_open) {
		(void)evtchn_close(sc->port);
		sc->port_open = false;
	}
	lost += (unsigned int)netfront_ungrant(&sc->tx_ring);
	lost += (unsigned int)netfront_ungrant(&sc->rx_ring);
	for (i = 0; i < NF_RX_RING_SIZE; i++)
		lost += (unsigned int)netfront_ungrant(&sc->rxb[i]);
	for (i = 0; i < NF_TX_SLOTS; i++) {
		lost += (unsigned int)netfront_ungrant(&sc->txb[i]);
		sc->txb[i].inflight = false;
	}
	if (lost != 0)
		printf("netfront: %s: %u pages still mapped by the back "
		    "end; abandoned to it\n", sc->xdev.nodename, lost);
	sc->state = NF_IDLE;
}

/*
 * The connect half of the handshake, when the back end waits in
 * InitWait: grant the two ring pages and every buffer, fill the rx ring,
 * open the event channel, publish the keys, go Connected.  This is also
 * the path a resume takes (netfront_resume_dev): nothing in it assumes a
 * first time.  Called from netfront_step (xenwatch thread).
 */
static int
netfront_connect(struct netfront_softc *sc)
{
	netif_tx_sring_t *txs;
	netif_rx_sring_t *rxs;
	unsigned int i;
	int err;

	sc->t_connect = xen_clock_now();
	/* We only speak copy mode: netback's page flipping is long gone. */
	if (!netfront_backend_feature(sc, "feature-rx-copy")) {
		printf("netfront: %s: back end lacks feature-rx-copy\n",
		    sc->xdev.nodename);
		return (-ENODEV);
	}
	sc->sg = netfront_backend_feature(sc, "feature-sg");
	/*
	 * tx checksum offload (NETTXF_csum_blank) is on unless the other
	 * end says feature-no-csum-offload=1 (netif.h: absent means on).
	 */
	sc->ifnet.if_csum_offload =
	    !netfront_backend_feature(sc, "feature-no-csum-offload");
	if ((err = netfront_read_mac(sc)) != 0)
		return (err);
	/* MTU 1500 (netif.h, "MTU"); a frame past a page needs sg. */
	sc->ifnet.if_mtu = 1500;
	if (sc->sg)
		sc->ifnet.if_mtu = NF_FRAME_MAX - ETHER_HDR_LEN;

	mtx_lock(&sc->lock);
	if ((err = netfront_grant(sc, &sc->tx_ring, false)) != 0 ||
	    (err = netfront_grant(sc, &sc->rx_ring, false)) != 0)
		goto fail;
	for (i = 0; i < NF_RX_RING_SIZE; i++)
		if ((err = netfront_grant(sc, &sc->rxb[i], false)) != 0)
			goto fail;
	for (i = 0; i < NF_TX_SLOTS; i++) {
		if ((err = netfront_grant(sc, &sc->txb[i], true)) != 0)
			goto fail;
		sc->tx_free[i] = (uint16_t)(NF_TX_SLOTS - 1 - i);
	}
	sc->tx_nfree = NF_TX_SLOTS;
	/* Fresh rings: indices 0, event thresholds 1 (ring.h). */
	txs = (netif_tx_sring_t *)sc->tx_ring.page;
	rxs = (netif_rx_sring_t *)sc->rx_ring.page;
	SHARED_RING_INIT(txs);
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&sc->tx, txs, NF_PAGE);
	FRONT_RING_INIT(&sc->rx, rxs, NF_PAGE);
	/* Every rx buffer posted: request i carries buffer i. */
	for (i = 0; i < NF_RX_RING_SIZE; i++)
		netfront_rx_repost(sc, i);
	RING_PUSH_REQUESTS(&sc->rx);
	netfront_rx_reset(sc);
	sc->rx_extra = false;
	/* The channel netback binds to; our handler wakes the thread. */
	if ((err = evtchn_alloc_unbound(sc->xdev.otherend_id, &sc->port)) != 0)
		goto fail;
	sc->port_open = true;
	sc->wq.port = sc->port;
	sc->wq.wmesg = "netfront";
	if ((err = evtchn_wait_bind(&sc->wq, &sc->wq)) != 0)
		goto fail;
	sc->state = NF_CONNECTING;
	sc->close_asked = false;
	mtx_unlock(&sc->lock);

	if ((err = xs_transaction_run(netfront_publish, sc)) != 0 ||
	    (err = xenbus_switch_state(&sc->xdev, XenbusStateConnected)) != 0) {
		mtx_lock(&sc->lock);
		goto fail;
	}
	return (0);
fail:
	printf("netfront: %s: cannot connect (error %d)\n",
	    sc->xdev.nodename, err);
	netfront_release(sc);
	mtx_unlock(&sc->lock);
	return (err);
}

/*
 * Stop using the rings (the back end is going, or - why "restore" - the
 * domain was restored and the rings are the old domain's); grants stay
 * for now.
 */
static void
netfront_stop(struct netfront_softc *sc, const char *why)
{

	mtx_lock(&sc->lock);
	if (sc->state == NF_UP || sc->state == NF_CONNECTING) {
		net_detach(&sc->ifnet);
		sc->state = NF_STOPPED;
		sc->info.connected = false;
		sc->info.disconnects++;
		printf("netfront: %s: disconnected (%s)\n",
		    sc->xdev.nodename, why);
		mtx_unlock(&sc->lock);
		netfront_changed();
		return;
	}
	if (sc->state == NF_FAILED)
		sc->state = NF_STOPPED;
	mtx_unlock(&sc->lock);
}

/*
 * Follow the back end's state (netif.h and xenbus.h); called for every
 * change of it.  Reads both states afresh: a watch event says only that
 * something changed, and two changes may come as one event.
 */
static void
netfront_step(struct netfront_softc *sc)
{
	char path[XENBUS_PATH_MAX + 8];
	enum xenbus_state bstate, fstate;

	mtx_lock(&sc->step_lock);
	if (sc->suspended) {
		mtx_unlock(&sc->step_lock);
		return;
	}
	snprintf(path, sizeof(path), "%s/state", sc->xdev.otherend);
	bstate = xenbus_read_state(path);
	snprintf(path, sizeof(path), "%s/state", sc->xdev.nodename);
	fstate = xenbus_read_state(path);
	sc->xdev.otherend_state = bstate;
	switch (bstate) {
	case XenbusStateInitWait:
		/*
		 * Ready for our details.  Connect unless we are already
		 * sharing something, or our own node is closed or gone
		 * (a device being removed).
		 */
		if (sc->state == NF_IDLE && fstate != XenbusStateUnknown &&
		    fstate < XenbusStateClosing && netfront_connect(sc) != 0)
			(void)xenbus_switch_state(&sc->xdev,
			    XenbusStateClosing);
		/*
		 * Back to InitWait while we use the rings: a state jumping
		 * backwards, which no back end may do without closing
		 * first.  The rings are no longer trusted.
		 */
		mtx_lock(&sc->lock);
		if (sc->state == NF_UP)
			netfront_fail(sc, "back end went back to InitWait "
			    "while Connected");
		mtx_unlock(&sc->lock);
		break;
	case XenbusStateConnected:
		mtx_lock(&sc->lock);
		if (sc->state == NF_CONNECTING) {
			sc->state = NF_UP;
			sc->info.connected = true;
			sc->info.connects++;
			sc->info.sg = sc->sg;
			sc->info.csum_offload = sc->ifnet.if_csum_offload;
			sc->info.handshake_ns = xen_clock_now() - sc->t_connect;
			net_attach(&sc->ifnet);
			wakeup(&sc->wq);
			mtx_unlock(&sc->lock);
			printf("netfront: %s: connected, mac %02x:%02x:%02x:"
			    "%02x:%02x:%02x, mtu %u%s%s, %lu us\n",
			    sc->xdev.nodename, sc->info.mac[0],
			    sc->info.mac[1], sc->info.mac[2], sc->info.mac[3],
			    sc->info.mac[4], sc->info.mac[5],
			    sc->ifnet.if_mtu, sc->sg ? ", sg" : "",
			    sc->ifnet.if_csum_offload ? ", tx csum offload" :
			    "", (unsigned long)(sc->info.handshake_ns / 1000));
			netfront_changed();
			break;
		}
		mtx_unlock(&sc->lock);
		break;
	case XenbusStateClosing:
		/* Detach, or the back end's own error: follow it down. */
		netfront_stop(sc, "back end closing");
		if (fstate != XenbusStateUnknown && fstate != XenbusStateClosed)
			(void)xenbus_switch_state(&sc->xdev, XenbusStateClosed);
		break;
	case XenbusStateClosed:
	case XenbusStateUnknown:
		/*
		 * Closed: netback has unmapped our rings and buffers, so
		 * the grants can be taken back.  Unknown: its directory is
		 * gone (the toolstack removed the device).
		 */
		netfront_stop(sc, "back end closed");
		mtx_lock(&sc->lock);
		if (sc->state != NF_IDLE)
			netfront_release(sc);
		mtx_unlock(&sc->lock);
		if (fstate != XenbusStateUnknown && fstate != XenbusStateClosed)
			(void)xenbus_switch_state(&sc->xdev, XenbusStateClosed);
		break;
	default:
		break;
	}
	mtx_unlock(&sc->step_lock);
}

/* The watch callback on <backend>/state (xenwatch thread). */
static void
netfront_state_cb(const char *path, const char *token, void *arg)
{

	(void)path;
	(void)token;
	netfront_step(arg);
}

static int	netfront_attach(struct xenbus_device *dev);

/*
 * Look for devices added at run time (xl network-attach under a new
 * id): each gets a unit.  A device that comes back under a name we know
 * is picked up by its unit's own watch, which sees the back end's new
 * directory move to InitWait.  Called by the service threads every
 * NF_RECHECK_MS rather than from a watch on device/vif: such a watch
 * fires for every node written below it (the toolstack writes some 15
 * per device, we write 7), and xenstore's one queue of 8 events, shared
 * with every other driver, would overflow and drop their events too.
 */
static void
netfront_scan(void)
{
	static char ids[128];
	char name[XENBUS_PATH_MAX];
	struct xenbus_device dev;
	const char *id;
	unsigned int i;
	bool known;
	int n;

	mtx_lock(&netfront_scan_lock);
	n = xs_directory(XST_NIL, "device/vif", ids, sizeof(ids));
	for (id = ids; n > 0 && *id != '\0'; id += strlen(id) + 1) {
		snprintf(name, sizeof(name), "device/vif/%s", id);
		for (i = 0, known = false; i < NETFRONT_MAX_UNITS; i++)
			if (netfront_softc[i].used &&
			    strcmp(netfront_softc[i].xdev.nodename, name) == 0)
				known = true;
		if (!known && xenbus_device_init(&dev, "vif", id) == 0)
			(void)netfront_attach(&dev);
	}
	mtx_unlock(&netfront_scan_lock);
}

/*
 * A vif was found (by xenbus_probe, or hot-plugged): give it a unit,
 * a service thread, and a watch on its back end's state - whose first
 * event, at once, starts the handshake.
 */
static int
netfront_attach(struct xenbus_device *dev)
{
	struct netfront_softc *sc = NULL;
	char path[XENBUS_PATH_MAX + 8];
	unsigned int i;
	int err;

	if (!netfront_inited) {
		mtx_init(&netfront_changes_lock, "nfchanges");
		mtx_init(&netfront_scan_lock, "nfscan");
		netfront_inited = true;
	}
	for (i = 0; i < NETFRONT_MAX_UNITS && sc == NULL; i++)
		if (!netfront_softc[i].used)
			sc = &netfront_softc[i];
	if (sc == NULL) {
		printf("netfront: %s: no free unit (%d in use)\n",
		    dev->nodename, NETFRONT_MAX_UNITS);
		return (-ENOSPC);
	}
	memset(sc, 0, sizeof(*sc));
	sc->used = true;
	sc->unit = (unsigned int)(sc - netfront_softc);
	sc->xdev = *dev;
	dev->softc = sc;
	sc->tx_ring.gref = sc->rx_ring.gref = NF_NO_GREF;
	for (i = 0; i < NF_RX_RING_SIZE; i++)
		sc->rxb[i].gref = NF_NO_GREF;
	for (i = 0; i < NF_TX_SLOTS; i++)
		sc->txb[i].gref = NF_NO_GREF;
	mtx_init(&sc->lock, "netfront");
	mtx_init(&sc->step_lock, "nfstep");
	snprintf(sc->ifnet.if_name, sizeof(sc->ifnet.if_name), "xn%u",
	    sc->unit);
	sc->ifnet.if_output = netfront_output;
	sc->ifnet.if_softc = sc;
	strlcpy(sc->info.nodename, dev->nodename, sizeof(sc->info.nodename));
	if ((sc->td = thread_create("netfront", netfront_service, sc)) ==
	    NULL) {
		printf("netfront: %s: no thread\n", dev->nodename);
		sc->used = false;
		return (-ENOMEM);
	}
	printf("netfront: %s: unit xn%u, back end %s\n", dev->nodename,
	    sc->unit, dev->otherend);
	snprintf(sc->token, sizeof(sc->token), "netfront%u", sc->unit);
	snprintf(path, sizeof(path), "%s/state", sc->xdev.otherend);
	/* Without the watch, the service thread's re-check still works. */
	if ((err = xs_watch_callback(path, sc->token, netfront_state_cb,
	    sc)) != 0)
		printf("netfront: %s: cannot watch %s (error %d); following "
		    "it once a second\n", dev->nodename, path, err);
	return (0);
}


int
netfront_get_info(unsigned int unit, struct netfront_info *info)
{
	struct netfront_softc *sc;

	if (unit >= NETFRONT_MAX_UNITS || !netfront_softc[unit].used)
		return (-ENOENT);
	sc = &netfront_softc[unit];
	mtx_lock(&sc->lock);
	*info = sc->info;
	if (sc->port_open)
		info->events = evtchn_port_count(sc->port);
	mtx_unlock(&sc->lock);
	return (0);
}

unsigned int
netfront_wait_change(unsigned int seen, unsigned int timeout_ms)
{
	uint64_t deadline = xen_clock_now() + (uint64_t)timeout_ms * NS_PER_MS;
	uint64_t now;
	unsigned int changes;

	if (!netfront_inited)
		return (0);	/* nothing ever attached */
	mtx_lock(&netfront_changes_lock);
	while (netfront_changes == seen && (now = xen_clock_now()) < deadline)
		(void)msleep(&netfront_changes, &netfront_changes_lock,
		    "nfchange", deadline - now);
	changes = netfront_changes;
	mtx_unlock(&netfront_changes_lock);
	return (changes);
}

/*
 * Suspend hook (xenwatch thread, control(4)): hold netfront_step()
 * until the resume.  Frames still flow on the old rings until the
 * hypercall; what the back end answers after it is lost, as a wire
 * loses frames, and IP does not mind.
 */
static int
netfront_suspend(struct xenbus_device *dev)
{
	struct netfront_softc *sc = dev->softc;

	if (sc == NULL)
		return (0);
	mtx_lock(&sc->step_lock);
	sc->suspended = true;
	mtx_unlock(&sc->step_lock);
	return (0);
}

/*
 * Resume hook (xenwatch thread).  Cancelled: the same rings and back
 * end; just let netfront_step() run again.  Restored: the rings, the
 * buffers' grants and the port are the old domain's.  Forget them -
 * without closing the old port number, which in the new domain may be
 * another driver's - and follow the new back end, whose path xenbus has
 * read again: our state watch moves there, and netfront_step() connects
 * as soon as the back end is in InitWait (now, or at its watch event),
 * re-granting the rings and re-posting every rx buffer.
 */
static int
netfront_resume_dev(struct xenbus_device *dev, bool new_domain)
{
	struct netfront_softc *sc = dev->softc;
	char path[XENBUS_PATH_MAX + 8];
	int err;

	if (sc == NULL)
		return (0);
	mtx_lock(&sc->step_lock);
	if (new_domain) {
		snprintf(path, sizeof(path), "%s/state", sc->xdev.otherend);
		(void)xs_unwatch(path, sc->token);
		strlcpy(sc->xdev.otherend, dev->otherend,
		    sizeof(sc->xdev.otherend));
		sc->xdev.otherend_id = dev->otherend_id;
		sc->xdev.otherend_state = dev->otherend_state;
		netfront_stop(sc, "restored in a new domain");
		mtx_lock(&sc->lock);
		sc->port_open = false;
		netfront_release(sc);
		sc->info.resumes++;
		mtx_unlock(&sc->lock);
		snprintf(path, sizeof(path), "%s/state", sc->xdev.otherend);
		if ((err = xs_watch_callback(path, sc->token, netfront_state_cb,
		    sc)) != 0)
			printf("netfront: %s: cannot watch %s after resume "
			    "(error %d); following it once a second\n",
			    sc->xdev.nodename, path, err);
	}
	sc->suspended = false;
	mtx_unlock(&sc->step_lock);
	if (new_domain)
		netfront_step(sc);
	return (0);
}

XENBUS_DRIVER_SR(netfront, "vif", netfront_attach, NULL, netfront_suspend,
    netfront_resume_dev);
