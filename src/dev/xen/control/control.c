/*
 * dev/xen/control/control.c - the control driver: the toolstack's
 * requests to power off, reboot, halt, crash or suspend the domain.
 *
 * Where this sits: started by kernel_main() (kern/main.c) before the
 * tests run, under `device control`; afterwards it lives in the xenwatch
 * thread of the xenstore client (xen/xenstore.c), which calls
 * control_watch() whenever control/shutdown changes.  Requests to end the
 * domain are recorded in kern/shutdown.c; kernel_main() carries them out
 * after the running test has printed its result line.
 *
 * Protocol (Xen's docs/misc/xenstore-paths.pandoc, the ~/control/ nodes; the
 * toolstack's side is libxl_domain.c and libxl_dom_suspend.c):
 *
 *  1. At domain creation libxl makes our control/shutdown and the
 *     control/feature-{poweroff,reboot,suspend} nodes, empty and
 *     writable by us.  We write "1" into the features we support, so
 *     that tools can tell a guest that will listen from one that will
 *     not (FreeBSD's driver never wrote them; Linux does).
 *  2. `xl shutdown` writes "poweroff" into control/shutdown (`xl reboot`
 *     "reboot", `xl save` "suspend") and waits, 60 s at most, for the
 *     node to become empty again: that is the acknowledgement
 *     (pvcontrol_acked() in libxl_domain.c: absent or "").
 *  3. We read the node and write "" in one xenstore transaction, so
 *     that a request cannot be acknowledged twice nor a new one wiped
 *     unseen; then act.  For suspend, libxl then waits, another 60 s,
 *     for Xen to report the domain shut down with SHUTDOWN_suspend.
 *
 * An unknown value is logged and left in the node, unacknowledged, as
 * Linux does (drivers/xen/manage.c): the toolstack then times out and
 * says the guest did not acknowledge, which is the truth.
 *
 * A NATIVE kernel gets these events from ACPI (power button) or a
 * management controller, not from a shared database.
 */

#include "xen/xen.h"

#include "dev/xen/control/control.h"
#include "dev/xen/control/suspend.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/shutdown.h"
#include "xen/timer.h"
#include "xen/xenstore.h"

/* Reads of control/shutdown tried before an event is given up. */
#define	CONTROL_TRIES	3

/* The token of our watch; unique among the kernel's watches. */
#define	CONTROL_TOKEN	"control"

static struct control_stats control_stats;

/* One read of control/shutdown, made inside a transaction. */
struct control_req {
	char	value[CONTROL_REQ_MAX];
	bool	cut;		/* longer than value holds */
	bool	acked;		/* we wrote "" in the same transaction */
};

/*
 * The transaction of step 3: read the request and, if it is one we
 * know, clear the node.  Run by xs_transaction_run(), possibly several
 * times: each run starts afresh, so everything is set on every path.
 */
static int
control_take(xs_transaction_t tx, void *arg)
{
	struct control_req *req = arg;

	req->value[0] = '\0';
	req->cut = false;
	req->acked = false;
	(void)tx;
	/* LAB control: BEGIN */
	enum shutdown_how how;
	int len;

	len = xs_read(tx, CONTROL_SHUTDOWN, req->value, sizeof(req->value));
	if (len == -ENOENT)
		return (0);	/* removed: nothing asked */
	if (len < 0)
		return (len);
	/* xs_read() always terminates; a cut value is no request of ours. */
	if ((size_t)len >= sizeof(req->value)) {
		req->cut = true;
		return (0);
	}
	if (req->value[0] == '\0' || shutdown_parse(req->value, &how) != 0)
		return (0);
	/* Suspend is acknowledged only when this kernel can do it. */
	if (how == SHUTDOWN_HOW_SUSPEND && !control_can_suspend())
		return (0);
	req->acked = true;
	return (xs_write(tx, CONTROL_SHUTDOWN, ""));
	/* LAB control: END */
	return (0);
}

/*
 * control/shutdown changed (or the watch was just set: the first event
 * comes at once).  Runs in the xenwatch thread, which may sleep and make
 * xenstore requests; other watch callbacks wait meanwhile, so suspend -
 * which must reconnect xenstore itself - is careful not to need them.
 */
static void
control_watch(const char *path, const char *token, void *arg)
{
	struct control_req req;
	enum shutdown_how how;
	int err, i;

	(void)path;
	(void)token;
	(void)arg;
	/*
	 * A request not read now is not read until the node changes again,
	 * so a xenstored too slow to answer (dom0 starved of CPU: seen for
	 * over 30 s under QEMU) gets CONTROL_TRIES chances.
	 */
	for (i = 0; i < CONTROL_TRIES; i++)
		if ((err = xs_transaction_run(control_take, &req)) !=
		    -ETIMEDOUT)
			break;
	if (err != 0) {
		printf("control: cannot read %s: error %d\n", CONTROL_SHUTDOWN,
		    err);
		return;
	}
	if (req.value[0] == '\0' && !req.cut)
		return;		/* empty: our own acknowledgement, or idle */
	if (!req.acked) {
		/* The value is dom0's: print it only once it is known short. */
		printf("control: ignoring request \"%s%s\" (%s)\n", req.value,
		    req.cut ? "..." : "", shutdown_parse(req.value, &how) == 0 ?
		    "this kernel cannot suspend" : "unknown");
		control_stats.ignored++;
		return;
	}
	(void)shutdown_parse(req.value, &how);
	control_stats.requests++;
	control_stats.last_request_ns = xen_clock_now();
	printf("control: request \"%s\" acknowledged\n", req.value);
	if (how == SHUTDOWN_HOW_SUSPEND) {
		control_do_suspend(&control_stats);
		return;
	}
	shutdown_request(how);
}

int
control_advertise(void)
{
	int err;

	/*
	 * The nodes exist (libxl made them); writing creates them when
	 * some other toolstack did not.
	 */
	if ((err = xs_write(XST_NIL, CONTROL_FEATURE_POWEROFF, "1")) != 0 ||
	    (err = xs_write(XST_NIL, CONTROL_FEATURE_REBOOT, "1")) != 0 ||
	    (control_can_suspend() &&
	    (err = xs_write(XST_NIL, CONTROL_FEATURE_SUSPEND, "1")) != 0))
		printf("control: cannot write the feature nodes: error %d\n",
		    err);
	return (err);
}

int
control_init(void)
{
	int err;

	if ((err = xs_init()) != 0) {
		printf("control: no xenstore (error %d); shutdown requests "
		    "will not be heard\n", err);
		return (err);
	}
	/*
	 * Features first, then the watch: once the watch is set a request
	 * may be acted on, and a tool reading the features at that moment
	 * should find them.
	 */
	if ((err = control_advertise()) != 0)
		return (err);
	if ((err = xs_watch_callback(CONTROL_SHUTDOWN, CONTROL_TOKEN,
	    control_watch, NULL)) != 0) {
		printf("control: cannot watch %s: error %d\n",
		    CONTROL_SHUTDOWN, err);
		return (err);
	}
	printf("control: watching %s; features poweroff reboot%s\n",
	    CONTROL_SHUTDOWN, control_can_suspend() ? " suspend" : "");
	return (0);
}

void
control_get_stats(struct control_stats *st)
{

	*st = control_stats;
}
