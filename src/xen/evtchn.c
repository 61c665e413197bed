/*
 * xen/evtchn.c - event channels shared by both kernels: the pending
 * scan that the upcall runs, per-port handlers, and the EVTCHNOP_*
 * operations.  Interface and handler rules in xen/evtchn.h.
 *
 * Where this sits: Xen enters the kernel at the architecture's upcall
 * entry (src/i386/upcall.S for PV), which saves the registers and calls
 * evtchn_upcall() here with upcalls masked.  We find the pending ports,
 * call their handlers (the timer's, a driver's), and return; the entry
 * code re-enables upcalls on its way out.
 *
 * The "2-level" event ABI (xen/include/public/xen.h, struct shared_info
 * and struct vcpu_info; xen/common/event_2l.c is Xen's side).  With
 * W = bits in an xen_ulong_t (32 on i386, 64 on amd64) there are W * W
 * ports, EVTCHN_2L_NR_CHANNELS (1024 on i386).  Port p is bit p % W of word p / W of:
 *	shared_info.evtchn_pending[]	set by Xen when an event arrives
 *	shared_info.evtchn_mask[]	set by us to hold a port back
 * and, to avoid scanning all W words, one selector per vCPU:
 *	vcpu_info.evtchn_pending_sel	bit w: word w may have pending ports
 *	vcpu_info.evtchn_upcall_pending	"look at the selector"
 * When port p fires Xen does, in this order:
 *	1. set pending[p / W] bit p % W (if it was set already, stop);
 *	2. if the port is not masked, set selector bit p / W, and if that
 *	   bit was clear, set upcall_pending and upcall the vCPU (unless
 *	   vcpu_info.evtchn_upcall_mask says not now: xen/intr.h).
 * We undo those in the reverse order, which is what makes the scan safe
 * against events arriving during it (see evtchn_upcall()).
 *
 * All three bitmaps are written by Xen on other CPUs while we run, so
 * every read-modify-write of them is a locked atomic operation, and every
 * plain read is READ_ONCE: we test the value we read, not a later one.
 */

#include "xen/xen.h"

#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/sched.h>

#include "kern/arch.h"
#include "kern/libkern.h"
#include "xen/barrier.h"
#include "xen/evtchn.h"
#include "xen/hypercall.h"
#include "xen/intr.h"

/* Bits in one word of the bitmaps, and so words in the selector. */
#define	EVTCHN_WORD_BITS	(sizeof(xen_ulong_t) * 8)
/* Ports of the 2-level ABI (xen/include/public/event_channel.h). */
#define	EVTCHN_NR_PORTS		EVTCHN_2L_NR_CHANNELS

/* What we know about each port: who handles it, and a count. */
struct evtchn_port_state {
	evtchn_handler_t	*handler;	/* NULL: nobody listens */
	void			*arg;
	unsigned long		 count;		/* events dispatched */
};

static struct evtchn_port_state ports[EVTCHN_NR_PORTS];
static unsigned long upcalls;		/* evtchn_upcall() entries */

static inline struct shared_info *
shared(void)
{

	return (boot_info.shared_info);
}

/*
 * The three atomic bit operations, on one word shared with Xen.  The
 * compiler's __atomic built-ins give `lock and`, `lock or` and
 * `lock bts`-like instructions; on x86 a locked instruction is also a
 * full memory barrier, which evtchn_unmask() relies on.
 */
static inline void
word_clear_bit(xen_ulong_t *word, unsigned int bit)
{

	(void)__atomic_fetch_and(word, ~((xen_ulong_t)1 << bit),
	    __ATOMIC_SEQ_CST);
}

static inline void
word_set_bit(xen_ulong_t *word, unsigned int bit)
{

	(void)__atomic_fetch_or(word, (xen_ulong_t)1 << bit,
	    __ATOMIC_SEQ_CST);
}

static inline int
word_test_bit(xen_ulong_t *word, unsigned int bit)
{

	return ((READ_ONCE(*word) >> bit) & 1);
}

/*
 * Steps 2 to 4 of the upcall: take the selector, and serve every port of
 * the words it names that is pending and not masked.  Serving port p:
 * clear its pending bit, then call ports[p].handler(p, ports[p].arg) and
 * count the event in ports[p].count; a port with no handler is masked
 * instead, so that a peer we never listened to cannot keep us busy with
 * upcalls (it stays pending, and is delivered if someone binds a handler
 * and unmasks it later).  Called by evtchn_upcall() with upcalls masked,
 * after it cleared upcall_pending; the order of the steps is what makes
 * the scan safe against events that arrive during it.
 */
static void
evtchn_scan(void)
{
	/* LAB pv-boot: BEGIN */
	struct shared_info *s = shared();
	struct vcpu_info *v = &s->vcpu_info[0];
	struct evtchn_port_state *p;
	evtchn_port_t port;
	xen_ulong_t sel, pending;
	unsigned int word, bit;

	/*
	 * 2. Take the whole selector and leave 0 in one atomic step: Xen
	 * may set other bits of it at any moment.  It is cleared BEFORE the
	 * port bits below: an event that arrives after this point finds its
	 * selector bit clear, sets it again and raises upcall_pending, so it
	 * is seen on the next pass.  Clearing the port bits first, then the
	 * selector, would lose an event arriving in between: Xen would find
	 * the selector bit still set, raise nothing, and we would then clear
	 * the bit that announced it.  The exchange is a locked instruction,
	 * so the caller's store to upcall_pending is visible before it.
	 */
	sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel != 0) {
		word = (unsigned int)__builtin_ctzl(sel);
		sel &= sel - 1;
		/*
		 * 3. The ports of this word that are pending and not masked:
		 * one snapshot, read once each.  Masked ports stay pending
		 * for evtchn_unmask() to raise.
		 */
		pending = READ_ONCE(s->evtchn_pending[word]) &
		    ~READ_ONCE(s->evtchn_mask[word]);
		while (pending != 0) {
			bit = (unsigned int)__builtin_ctzl(pending);
			pending &= pending - 1;
			/*
			 * 4. Clear the port's pending bit BEFORE calling its
			 * handler: an event sent while the handler runs sets
			 * the bit again and is not lost.  Atomic: Xen may be
			 * setting other bits of this word.
			 */
			word_clear_bit(&s->evtchn_pending[word], bit);
			port = word * EVTCHN_WORD_BITS + bit;
			p = &ports[port];
			if (p->handler == NULL) {
				word_set_bit(&s->evtchn_mask[word], bit);
				continue;
			}
			p->count++;
			p->handler(port, p->arg);
		}
	}
	/* LAB pv-boot: END */
}

void
evtchn_upcall(void)
{
	struct vcpu_info *v = &shared()->vcpu_info[0];

	upcalls++;
	do {
		/*
		 * 1. Clear upcall_pending before taking the selector.  Xen
		 * sets the selector bit and then upcall_pending; an event
		 * that lands after this store sets upcall_pending again and
		 * the loop goes round once more.  (The other order could
		 * clear the flag of an event whose selector bit we had not
		 * taken, and that event would wait for the next one.)
		 */
		WRITE_ONCE(v->evtchn_upcall_pending, 0);
		/* 2 to 4: serve the pending ports. */
		evtchn_scan();
		/*
		 * 5. Anything that arrived while we scanned raised
		 * upcall_pending again (upcalls are masked, so Xen did not
		 * enter us for it): go round until it stays clear.  An
		 * endless storm of events would keep us here, as an
		 * interrupt storm keeps a NATIVE kernel in its handler.
		 */
	} while (READ_ONCE(v->evtchn_upcall_pending) != 0);
}

void
evtchn_init(void)
{
	struct shared_info *s = shared();
	unsigned int word;

	/* Xen starts us masked; make sure, before touching anything. */
	(void)intr_disable();
	/*
	 * Mask every port.  Ports Xen created for us (the console's, the
	 * xenstore's) must not upcall before a driver binds a handler;
	 * binding one unmasks the port (evtchn_bind_handler).
	 */
	for (word = 0; word < EVTCHN_WORD_BITS; word++)
		(void)__atomic_fetch_or(&s->evtchn_mask[word], ~(xen_ulong_t)0,
		    __ATOMIC_SEQ_CST);
	/* Tell Xen where the upcall entry is; then upcalls may come. */
	arch_events_init();
	intr_enable();
}

void
evtchn_resume(void)
{
	struct shared_info *s = shared();
	unsigned int word;
	int was;

	/*
	 * A restored domain has none of our ports: the toolstack made the
	 * console's and xenstore's again (their numbers are in boot_info
	 * now) and nothing else.  Forget every handler, so that a stale
	 * one never runs for a port number reused by someone else, and
	 * mask everything, as evtchn_init() did at boot; each driver binds
	 * its port again, which unmasks it.  The counts start again too.
	 */
	was = intr_disable();
	memset(ports, 0, sizeof(ports));
	for (word = 0; word < EVTCHN_WORD_BITS; word++)
		(void)__atomic_fetch_or(&s->evtchn_mask[word], ~(xen_ulong_t)0,
		    __ATOMIC_SEQ_CST);
	intr_restore(was);
}

int
evtchn_bind_handler(evtchn_port_t port, evtchn_handler_t *fn, void *arg)
{
	int was;

	if (port >= EVTCHN_NR_PORTS || fn == NULL)
		return (-XEN_EINVAL);
	/*
	 * The handler and its argument change together: no upcall may see
	 * one without the other.
	 */
	was = intr_disable();
	ports[port].handler = fn;
	ports[port].arg = arg;
	ports[port].count = 0;
	intr_restore(was);
	evtchn_unmask(port);
	return (0);
}

int
evtchn_bind_virq(uint32_t virq, evtchn_handler_t *fn, void *arg,
    evtchn_port_t *portp)
{
	/* Virtual IRQs are per vCPU; we run vCPU 0 only. */
	struct evtchn_bind_virq op = { .virq = virq, .vcpu = 0 };
	int error;

	error = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);
	if (error != 0)
		return (error);
	*portp = op.port;
	return (evtchn_bind_handler(op.port, fn, arg));
}

int
evtchn_alloc_unbound(domid_t remote, evtchn_port_t *portp)
{
	struct evtchn_alloc_unbound op = {
		.dom = DOMID_SELF,
		.remote_dom = remote,
	};
	int error;

	error = (int)HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);
	if (error == 0)
		*portp = op.port;
	return (error);
}

int
evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port,
    evtchn_port_t *portp)
{
	struct evtchn_bind_interdomain op = {
		.remote_dom = remote,
		.remote_port = remote_port,
	};
	int error;

	error = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain,
	    &op);
	if (error == 0)
		*portp = op.local_port;
	return (error);
}

int
evtchn_close(evtchn_port_t port)
{
	struct evtchn_close op = { .port = port };
	int error, was;

	if (port >= EVTCHN_NR_PORTS)
		return (-XEN_EINVAL);
	/*
	 * Mask and forget the handler first, so that no upcall calls it
	 * once the caller believes the port is gone; then close; then drop
	 * a pending bit left behind, so that the next user of this port
	 * number does not get a stale event.
	 */
	evtchn_mask(port);
	was = intr_disable();
	ports[port].handler = NULL;
	ports[port].arg = NULL;
	intr_restore(was);
	error = (int)HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
	word_clear_bit(&shared()->evtchn_pending[port / EVTCHN_WORD_BITS],
	    port % EVTCHN_WORD_BITS);
	return (error);
}

void
evtchn_mask(evtchn_port_t port)
{

	if (port >= EVTCHN_NR_PORTS)
		return;
	word_set_bit(&shared()->evtchn_mask[port / EVTCHN_WORD_BITS],
	    port % EVTCHN_WORD_BITS);
}

/*
 * Unmasking must re-raise.  While the port was masked, Xen set its
 * pending bit but stopped at step 2 of the list at the top of this file:
 * no selector bit, no upcall_pending, no upcall.  Clearing the mask bit
 * does not make Xen look again.  So we finish Xen's job ourselves: clear
 * the mask, then, if the port is pending, set its selector bit and
 * upcall_pending as Xen would have, and let intr_restore() enter Xen to
 * get the upcall delivered (or, inside a handler, the running upcall's
 * loop sees upcall_pending and scans again).
 *
 * The order matters: mask first, pending second.  An event after the
 * mask is cleared is raised by Xen in full; one before it is seen by our
 * test.  Both may happen: then the port is scanned twice, and the second
 * scan finds its pending bit already cleared, which is harmless.  The
 * locked instruction that clears the mask is a full barrier, so the read
 * of pending cannot be performed before it.
 *
 * EVTCHNOP_unmask asks Xen to do the same; Linux and FreeBSD use it for
 * ports bound to another vCPU, whose vcpu_info we must not write.  With
 * one vCPU, doing it here saves a hypercall per unmask.
 */
void
evtchn_unmask(evtchn_port_t port)
{
	struct shared_info *s = shared();
	unsigned int word = port / EVTCHN_WORD_BITS;
	unsigned int bit = port % EVTCHN_WORD_BITS;
	int was;

	if (port >= EVTCHN_NR_PORTS)
		return;
	was = intr_disable();
	word_clear_bit(&s->evtchn_mask[word], bit);
	if (word_test_bit(&s->evtchn_pending[word], bit)) {
		word_set_bit(&s->vcpu_info[0].evtchn_pending_sel, word);
		WRITE_ONCE(s->vcpu_info[0].evtchn_upcall_pending, 1);
	}
	intr_restore(was);
}

int
evtchn_send(uint32_t port)
{
	struct evtchn_send send = { .port = port };

	return ((int)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send));
}

int
evtchn_is_pending(evtchn_port_t port)
{

	if (port >= EVTCHN_NR_PORTS)
		return (0);
	return (word_test_bit(&shared()->evtchn_pending[port /
	    EVTCHN_WORD_BITS], port % EVTCHN_WORD_BITS));
}

int
evtchn_clear_pending(evtchn_port_t port)
{
	xen_ulong_t bit = (xen_ulong_t)1 << (port % EVTCHN_WORD_BITS);

	if (port >= EVTCHN_NR_PORTS)
		return (0);
	/* Test and clear in one locked step: Xen may set it meanwhile. */
	return ((__atomic_fetch_and(&shared()->evtchn_pending[port /
	    EVTCHN_WORD_BITS], ~bit, __ATOMIC_SEQ_CST) & bit) != 0);
}

/*
 * SCHEDOP_poll is SCHEDOP_block narrowed to a list of ports, with a
 * timeout, and without touching the upcall mask.  Xen marks the vCPU
 * blocked, then returns at once if one of the ports is pending (or an
 * upcall is due: pending and not masked), else deschedules it; sending
 * on a polled port wakes it whether or not the port is masked
 * (evtchn_check_pollers in Xen's xen/common/event_channel.c, called
 * from every "set pending").  Xen sets the pending bit and then checks
 * for pollers, and only on a bit that was clear: hence the caller's
 * order clear, test, poll.  A NATIVE kernel spinning on a device
 * register would use `pause` or `mwait` here.
 */
int
evtchn_poll(evtchn_port_t port, uint64_t deadline)
{
	struct sched_poll poll = {
		.nr_ports = 1,
		.timeout = deadline,
	};

	set_xen_guest_handle(poll.ports, &port);
	return ((int)HYPERVISOR_sched_op(SCHEDOP_poll, &poll));
}

unsigned long
evtchn_upcall_count(void)
{

	return (READ_ONCE(upcalls));
}

unsigned long
evtchn_port_count(evtchn_port_t port)
{

	if (port >= EVTCHN_NR_PORTS)
		return (0);
	return (READ_ONCE(ports[port].count));
}
