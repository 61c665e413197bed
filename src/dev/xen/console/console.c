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
 * The peer is not trusted: if its index claims more bytes in flight than
 * the ring holds, the ring is corrupt and we stop using it.
 */

#include <stdbool.h>

#include "xen/xen.h"

#include <xen/io/console.h>

#include "dev/xen/console/console.h"
#include "kern/arch.h"
#include "kern/cons.h"
#include "kern/libkern.h"
#include "xen/barrier.h"
#include "xen/evtchn.h"

/*
 * How many times to yield the CPU while waiting for xenconsoled, before
 * giving up.  Each yield is one hypercall; 200000 of them take seconds
 * even under QEMU's emulated CPU, far longer than the daemon needs.
 */
#define	XENCONS_WAIT_TRIES	200000

static struct xencons_interface *ring;
static uint32_t ring_evtchn;
/* Set when dom0's in_prod was impossible: input is ignored from then on. */
static bool input_abandoned;

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

static void
xencons_write(const char *buf, size_t len)
{
	XENCONS_RING_IDX prod;
	size_t n, space;
	long pending;
	int tries = 0;

	while (len > 0 && ring != NULL) {
		if ((pending = xencons_pending()) < 0)
			break;
		space = sizeof(ring->out) - (size_t)pending;
		if (space == 0) {
			/* Full: the daemon has been told; let it run. */
			if (++tries > XENCONS_WAIT_TRIES) {
				static const char msg[] =
				    "console: ring stayed full; output dropped\n";

				arch_early_write(msg, sizeof(msg) - 1);
				return;
			}
			arch_yield();
			continue;
		}
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

static void
xencons_flush(void)
{
	int tries;

	for (tries = 0; ring != NULL && tries < XENCONS_WAIT_TRIES; tries++) {
		if (xencons_pending() <= 0)
			return;
		arch_yield();
	}
}

/*
 * Take one byte of input from the `in` ring, or -1.  Polled for now:
 * with event delivery, xenconsoled's event on ring_evtchn will say when
 * input arrived.
 */
static int
xencons_getc(void)
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
	cons_attach(&xencons_dev);
}
