/*
 * dev/xen/console/console.c - the console driver of xen(4): kernel output
 * and input through the console ring.
 *
 * Where this sits: printf() (kern/printf.c) hands whole lines to the
 * console layer (kern/cons.c), which calls xencons_write() here.  We
 * copy the bytes into the shared ring page and send an event; in dom0,
 * xenconsoled reads the ring, appends to /var/log/xen/guest-NAME.log
 * and feeds `xl console`.  The other way, what is typed into `xl
 * console` (or written to the pty named in xenstore at console/tty)
 * goes into the ring's `in` half, and cons_getc() takes it from there
 * through xencons_getc().
 *
 * Protocol: struct xencons_interface in xen/include/public/io/console.h.
 * The page holds two byte rings, `in` (dom0 to us) and `out` (us to
 * dom0), each with a producer and a consumer index that only ever grow
 * (they wrap at 2^32, and MASK_XENCONS_IDX reduces them to a slot).  For
 * `out` we own out_prod and dom0 owns out_cons; for `in` dom0 owns
 * in_prod and we own in_cons.  A side writes only the indices it owns.
 * Where the page and its event channel are found is the architecture's
 * business (start_info for PV, HVM parameters for HVM); we get them
 * from boot_info.
 *
 * Waiting.  Whenever xenconsoled moves the ring - it consumed output,
 * or copied input in - it sends an event on the console's channel.
 * From the moment events are up (xencons_intr_init), the channel's
 * handler wakes whoever waits: a writer that found the ring full, the
 * flush before power-off, a reader waiting for a line.  All waits go
 * through evtchn_wait() (xen/evtchn_wait.h) with a deadline on Xen's
 * clock.  The console is also used where no thread may sleep - before
 * threads exist, with upcalls masked, in a panic - and there
 * evtchn_wait() blocks the vCPU on the port with SCHEDOP_poll instead:
 * the same event ends the wait, without a handler.  That is the one
 * polling fallback, and it still sleeps in Xen rather than spin.
 *
 * The peer is not trusted: if its index claims more bytes in flight than
 * the ring holds, the ring is corrupt and we stop using it.  If it stops
 * reading for XENCONS_WAIT_NS, we stop waiting for it (output that does
 * not fit is dropped) until it reads again.
 */

#include <stdbool.h>

#include "xen/xen.h"

#include <xen/io/console.h>

#include "dev/xen/console/console.h"
#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/cons.h"
#include "kern/libkern.h"
#include "kern/thread.h"
#include "xen/barrier.h"
#include "xen/evtchn.h"
#include "xen/evtchn_wait.h"
#include "xen/timer.h"

/*
 * How long to wait for xenconsoled to make room or to drain the ring.
 * It normally answers within milliseconds; this bounds a wait for a
 * daemon that died or hangs, so that output is dropped, not the kernel.
 */
#define	XENCONS_WAIT_NS		(2 * NS_PER_SEC)

static struct xencons_interface *ring;
static uint32_t ring_evtchn;
/* Set when dom0's in_prod was impossible: input is ignored from then on. */
static bool input_abandoned;
/*
 * Set when a wait for room timed out: xenconsoled is not reading.  Until
 * it reads again, writes take what room there is without waiting, so
 * that every later line does not cost another XENCONS_WAIT_NS.
 */
static bool out_stalled;
/*
 * Where console waiters wait: the ring's port (set by xencons_init),
 * and the ring page's address as the channel they sleep on, once the
 * handler that wakes them is bound (xencons_intr_init); until then
 * evtchn_wait() polls the port.
 */
static struct evtchn_waitq xencons_waitq;

/* Said on the early console when a write gives up (console.4). */
static const char xencons_full_msg[] =
    "console: ring stayed full; output dropped\n";

/* Stop using a ring the peer corrupted; later output goes to the early console. */
static void
xencons_detach(const char *why, XENCONS_RING_IDX prod, XENCONS_RING_IDX cons)
{
	char msg[96];
	int len;

	ring = NULL;
	cons_attach(NULL);
	len = snprintf(msg, sizeof(msg),
	    "console: %s (out_prod %u, out_cons %u); ring abandoned\n",
	    why, prod, cons);
	arch_early_write(msg, (size_t)len < sizeof(msg) ? (size_t)len :
	    sizeof(msg) - 1);
}

/*
 * Bytes the console daemon has not consumed yet, or -1 if the ring is
 * corrupt.  out_cons is dom0's: read it once, and check it before use.
 */
static long
xencons_pending(void)
{
	XENCONS_RING_IDX prod, cons;

	prod = ring->out_prod;
	cons = READ_ONCE(ring->out_cons);
	if (prod - cons > sizeof(ring->out)) {
		xencons_detach("peer's out_cons is out of range", prod, cons);
		return (-1);
	}
	return ((long)(prod - cons));
}

/*
 * The conditions waiters test (evtchn_wait calls them with upcalls
 * masked).  Each is also true when the ring was abandoned meanwhile, so
 * that the waiter stops waiting for a ring nobody uses.
 */
static bool
xencons_out_has_room(void *arg)
{

	(void)arg;
	return (ring == NULL || xencons_pending() < (long)sizeof(ring->out));
}

static bool
xencons_out_empty(void *arg)
{

	(void)arg;
	return (ring == NULL || xencons_pending() <= 0);
}

static bool
xencons_in_has_data(void *arg)
{

	(void)arg;
	return (ring == NULL || input_abandoned ||
	    READ_ONCE(ring->in_prod) != ring->in_cons);
}

/* Wait, a bounded time, until ready(); -ETIMEDOUT marks a stall. */
static int
xencons_wait(bool (*ready)(void *))
{
	int error;

	error = evtchn_wait(&xencons_waitq, NULL, ready, NULL,
	    xen_clock_now() + XENCONS_WAIT_NS);
	if (error != 0)
		out_stalled = true;
	return (error);
}

static void
xencons_write(const char *buf, size_t len)
{
	XENCONS_RING_IDX prod;
	size_t n, space;
	long pending;

	while (len > 0 && ring != NULL) {
		if ((pending = xencons_pending()) < 0)
			break;
		space = sizeof(ring->out) - (size_t)pending;
		if (space == 0) {
			if (out_stalled)
				return;		/* dropped: see out_stalled */
			/* Full: the daemon has been told; await its event. */
			if (xencons_wait(xencons_out_has_room) == 0)
				continue;
			/* Said once: out_stalled is set from now on. */
			arch_early_write(xencons_full_msg,
			    sizeof(xencons_full_msg) - 1);
			return;
		}
		out_stalled = false;		/* room: the daemon reads */
		/*
		 * We read out_cons before writing into the slots it freed;
		 * the full barrier keeps our stores from being moved ahead
		 * of that load.
		 */
		xen_mb();
		n = len < space ? len : space;
		prod = ring->out_prod;
		for (size_t i = 0; i < n; i++)
			ring->out[MASK_XENCONS_IDX(prod + i, ring->out)] =
			    buf[i];
		/* The bytes must be visible before the index that covers them. */
		xen_wmb();
		WRITE_ONCE(ring->out_prod, prod + (XENCONS_RING_IDX)n);
		(void)evtchn_send(ring_evtchn);
		buf += n;
		len -= n;
	}
	/* A corrupt ring was abandoned: the rest goes to the early console. */
	if (len > 0)
		arch_early_write(buf, len);
}

/* Wait until xenconsoled has everything (before power-off, in panics). */
static void
xencons_flush(void)
{

	if (ring != NULL && !out_stalled)
		(void)xencons_wait(xencons_out_empty);
}

/*
 * Take one byte of input from the `in` ring, or -1 if there is none.
 */
static int
xencons_take(void)
{
	XENCONS_RING_IDX cons, prod;
	unsigned char c;

	if (ring == NULL || input_abandoned)
		return (-1);
	/* in_cons is ours; in_prod is dom0's: read it once, check it. */
	cons = ring->in_cons;
	prod = READ_ONCE(ring->in_prod);
	if (prod == cons)
		return (-1);
	if (prod - cons > sizeof(ring->in)) {
		input_abandoned = true;
		printf("console: peer's in_prod is out of range (in_prod %u, "
		    "in_cons %u); input ignored\n", prod, cons);
		return (-1);
	}
	/* in_prod was read before the byte it says is there. */
	xen_rmb();
	c = (unsigned char)ring->in[MASK_XENCONS_IDX(cons, ring->in)];
	/*
	 * Our load of the byte must be done before dom0 sees the slot
	 * free (the new in_cons) and writes the next byte there.
	 */
	xen_mb();
	WRITE_ONCE(ring->in_cons, cons + 1);
	/* xenconsoled may be holding input back for want of room. */
	(void)evtchn_send(ring_evtchn);
	return (c);
}

/*
 * One byte of input, waiting up to timeout_ns for it: xenconsoled's
 * event on the port says that input arrived.
 */
static int
xencons_getc(uint64_t timeout_ns)
{
	uint64_t deadline = xen_clock_now() + timeout_ns;
	int c;

	while ((c = xencons_take()) < 0) {
		if (ring == NULL || input_abandoned ||
		    evtchn_wait(&xencons_waitq, NULL, xencons_in_has_data,
		    NULL, deadline) != 0)
			break;
	}
	return (c);
}

static const struct consdev xencons_dev = {
	.name = "xencons",
	.write = xencons_write,
	.flush = xencons_flush,
	.getc = xencons_getc,
};

void
xencons_init(void)
{

	if (boot_info.console_ring == NULL) {
		printf("console: no console ring; using the early console\n");
		return;
	}
	ring = boot_info.console_ring;
	ring_evtchn = boot_info.console_evtchn;
	xencons_waitq.port = ring_evtchn;
	xencons_waitq.wmesg = "xencons";
	cons_attach(&xencons_dev);
}

/*
 * Until now waits polled the port (evtchn_init masked it with all the
 * others, which SCHEDOP_poll does not mind).  Binding the handler
 * unmasks it, and an event already pending is delivered at once: it
 * only wakes nobody.  From then on a thread that waits sleeps.
 */
void
xencons_resume(void)
{

	if (ring == NULL)
		return;
	/*
	 * The ring page is the same (same pfn); its port is the one the
	 * toolstack made for the restored domain, in boot_info now.  Bytes
	 * we wrote before the suspend and xenconsoled had not read are
	 * still in the ring: the new connection reads them first.
	 */
	ring_evtchn = boot_info.console_evtchn;
	xencons_waitq.port = ring_evtchn;
	xencons_intr_init();
}

void
xencons_intr_init(void)
{
	int error;

	if (ring == NULL)
		return;
	error = evtchn_wait_bind(&xencons_waitq, ring);
	if (error != 0)
		printf("console: cannot bind event channel %u (error %d); "
		    "waits poll the port\n", ring_evtchn, error);
}
