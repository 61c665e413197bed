/*
 * xen/xenbus.c - device discovery and the xenbus state machine, for
 * front-end drivers (interface and the states' rules in xen/xenbus.h).
 *
 * Where this sits: above the xenstore client (xen/xenstore.c), below
 * the split drivers of src/dev/xen.  xenbus_probe() lists device/<type>
 * in our home, reads each device's `backend` and `backend-id`, and
 * hands it to the driver registered for its type (XENBUS_DRIVER).  A
 * driver then steps through the handshake with xenbus_switch_state()
 * (our end) and xenbus_wait_otherend() (the back end's), and leaves with
 * xenbus_close().
 *
 * Protocol: xen/include/public/io/xenbus.h (the states) and the
 * per-device headers (xen/include/public/io/blkif.h, netif.h ...) for
 * the nodes of each device; Xen's docs/misc/xenstore-paths.pandoc for
 * where the toolstack puts them.  A NATIVE kernel would scan PCI here.
 *
 * Everything read from xenstore is the toolstack's or the back end's
 * word, and checked: a backend path must lie in the home of the
 * backend-id domain, a state must be one of the enum, names must fit.
 * Waits sleep on the back end's state watch (xs_watch_event_until: the
 * thread sleeps until xenstored's event) and are bounded by one
 * deadline on Xen's clock for the whole wait, however many changes the
 * back end goes through on the way.
 */

#include "xen/xen.h"

#include "kern/callout.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "xen/timer.h"
#include "xen/xenbus.h"
#include "xen/xenstore.h"
#include "xen/xs_msg.h"

#define	nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* The registered drivers, gathered by the linker script. */
LINKER_SET_DECLARE(domu_xenbus, const struct xenbus_driver);

static struct xenbus_device xenbus_devices[XENBUS_MAX_DEVICES];
static unsigned int xenbus_ndevices;
static bool xenbus_probed;

static const char *const xenbus_state_names[] = {
	[XenbusStateUnknown] = "Unknown",
	[XenbusStateInitialising] = "Initialising",
	[XenbusStateInitWait] = "InitWait",
	[XenbusStateInitialised] = "Initialised",
	[XenbusStateConnected] = "Connected",
	[XenbusStateClosing] = "Closing",
	[XenbusStateClosed] = "Closed",
	[XenbusStateReconfiguring] = "Reconfiguring",
	[XenbusStateReconfigured] = "Reconfigured",
};

const char *
xenbus_state_name(enum xenbus_state state)
{

	if ((unsigned int)state < nitems(xenbus_state_names))
		return (xenbus_state_names[state]);
	return ("invalid");
}

enum xenbus_state
xenbus_read_state(const char *path)
{
	unsigned long value;
	int err;

	err = xs_read_uint(XST_NIL, path, XenbusStateReconfigured, &value);
	if (err == 0)
		return ((enum xenbus_state)value);
	/* A missing node is normal: the other end has gone, or not come. */
	if (err != -ENOENT)
		printf("xenbus: %s does not hold a state (error %d)\n", path,
		    err);
	return (XenbusStateUnknown);
}

/* The registered driver for devices of this type, or NULL. */
static const struct xenbus_driver *
xenbus_find_driver(const char *type)
{
	const struct xenbus_driver *const *d;

	LINKER_SET_FOREACH(d, domu_xenbus)
		if (strcmp((*d)->type, type) == 0)
			return (*d);
	return (NULL);
}

/*
 * Read where the back end of dev (nodename set) is: `backend-id` and
 * `backend`, written by the toolstack.  The path must lie in the
 * back-end domain's home: a front end that followed a path anywhere
 * else would watch and trust nodes the back end does not own.
 */
static int
xenbus_read_otherend(struct xenbus_device *dev)
{
	char path[XENBUS_PATH_MAX + 16], prefix[32];
	unsigned long id;
	int err, len, n;

	snprintf(path, sizeof(path), "%s/backend-id", dev->nodename);
	err = xs_read_uint(XST_NIL, path, DOMID_FIRST_RESERVED - 1, &id);
	if (err != 0) {
		printf("xenbus: %s: no usable backend-id (error %d)\n",
		    dev->nodename, err);
		return (err);
	}
	snprintf(path, sizeof(path), "%s/backend", dev->nodename);
	len = xs_read(XST_NIL, path, dev->otherend, sizeof(dev->otherend));
	if (len < 0 || (size_t)len >= sizeof(dev->otherend)) {
		printf("xenbus: %s: no usable backend path (%d)\n",
		    dev->nodename, len);
		return (len < 0 ? len : -E2BIG);
	}
	n = snprintf(prefix, sizeof(prefix), "/local/domain/%lu/", id);
	if (strncmp(dev->otherend, prefix, (size_t)n) != 0) {
		printf("xenbus: %s: backend %s is not in domain %lu's home\n",
		    dev->nodename, dev->otherend, id);
		return (-EINVAL);
	}
	dev->otherend_id = (domid_t)id;
	return (0);
}

/*
 * Add device/<type>/<id> to the table, unless it is malformed or the
 * table is full.
 */
int
xenbus_device_init(struct xenbus_device *dev, const char *type,
    const char *id)
{
	char path[XENBUS_PATH_MAX + 8];
	int n, err;

	memset(dev, 0, sizeof(*dev));
	n = snprintf(dev->nodename, sizeof(dev->nodename), "device/%s/%s",
	    type, id);
	if (strlen(type) >= sizeof(dev->type) ||
	    (size_t)n >= sizeof(dev->nodename)) {
		printf("xenbus: device/%s/%s: name too long; ignored\n", type,
		    id);
		return (-E2BIG);
	}
	strlcpy(dev->type, type, sizeof(dev->type));
	if ((err = xenbus_read_otherend(dev)) != 0)
		return (err);
	snprintf(path, sizeof(path), "%s/state", dev->otherend);
	dev->otherend_state = xenbus_read_state(path);
	dev->driver = xenbus_find_driver(type);
	return (0);
}

static void
xenbus_add_device(const char *type, const char *id)
{
	struct xenbus_device *dev = &xenbus_devices[xenbus_ndevices];

	if (xenbus_ndevices == XENBUS_MAX_DEVICES) {
		printf("xenbus: more than %d devices; device/%s/%s ignored\n",
		    XENBUS_MAX_DEVICES, type, id);
		return;
	}
	if (xenbus_device_init(dev, type, id) != 0)
		return;
	xenbus_ndevices++;
	printf("xenbus: %s: back end %s (domain %u), %s; %s\n", dev->nodename,
	    dev->otherend, dev->otherend_id,
	    xenbus_state_name(dev->otherend_state),
	    dev->driver != NULL ? "driver found" : "no driver");
}

int
xenbus_probe(void)
{
	static char types[256], ids[256];
	char path[XENBUS_PATH_MAX];
	const char *type, *id;
	unsigned int i;
	int n, err;

	if (xenbus_probed)
		return ((int)xenbus_ndevices);
	/* device/ is made by the toolstack, even for a guest with none. */
	n = xs_directory(XST_NIL, "device", types, sizeof(types));
	if (n < 0 && n != -ENOENT)
		return (n);
	for (type = types; n > 0 && *type != '\0'; type += strlen(type) + 1) {
		/*
		 * device/suspend/event-channel is no device: it is where the
		 * toolstack looks for our suspend event channel
		 * (docs/misc/xenstore-paths.pandoc).
		 */
		if (strcmp(type, "suspend") == 0)
			continue;
		snprintf(path, sizeof(path), "device/%s", type);
		if ((err = xs_directory(XST_NIL, path, ids, sizeof(ids))) < 0) {
			printf("xenbus: cannot list %s (error %d)\n", path, err);
			continue;
		}
		for (id = ids; *id != '\0'; id += strlen(id) + 1)
			xenbus_add_device(type, id);
	}
	xenbus_probed = true;
	/*
	 * Attach once everything is listed, so that the list is complete
	 * even if a driver fails.
	 */
	for (i = 0; i < xenbus_ndevices; i++) {
		struct xenbus_device *dev = &xenbus_devices[i];

		if (dev->driver == NULL || dev->driver->attach == NULL)
			continue;
		if ((err = dev->driver->attach(dev)) != 0)
			printf("xenbus: %s: attach failed (error %d)\n",
			    dev->nodename, err);
	}
	return ((int)xenbus_ndevices);
}

/*
 * Devices that came after the probe (a hot-plug): the toolstack has
 * written device/<type>/<id> for us.  Known node names are skipped, so
 * a watch that fires for any change under device/<type> may call this
 * each time.  The driver attaches in the caller's thread.
 */
int
xenbus_probe_type(const char *type)
{
	static char ids[256];
	char path[XENBUS_PATH_MAX];
	struct xenbus_device *dev;
	const char *id;
	unsigned int i, before, added = 0;
	bool known;
	int n, err;

	snprintf(path, sizeof(path), "device/%s", type);
	if ((n = xs_directory(XST_NIL, path, ids, sizeof(ids))) < 0)
		return (n == -ENOENT ? 0 : n);
	for (id = ids; n > 0 && *id != '\0'; id += strlen(id) + 1) {
		snprintf(path, sizeof(path), "device/%s/%s", type, id);
		known = false;
		for (i = 0; i < xenbus_ndevices; i++)
			if (strcmp(xenbus_devices[i].nodename, path) == 0)
				known = true;
		before = xenbus_ndevices;
		if (known || (xenbus_add_device(type, id),
		    xenbus_ndevices == before))
			continue;
		added++;
		dev = &xenbus_devices[before];
		if (dev->driver != NULL && dev->driver->attach != NULL &&
		    (err = dev->driver->attach(dev)) != 0)
			printf("xenbus: %s: attach failed (error %d)\n",
			    dev->nodename, err);
	}
	return ((int)added);
}

struct xenbus_device *
xenbus_device(unsigned int i)
{

	return (i < xenbus_ndevices ? &xenbus_devices[i] : NULL);
}

/* What xenbus_switch_tx() is to do. */
struct xenbus_switch {
	struct xenbus_device	*dev;
	enum xenbus_state	 state;
};

/* The transaction of xenbus_switch_state(). */
static int
xenbus_switch_tx(xs_transaction_t tx, void *arg)
{
	struct xenbus_switch *sw = arg;
	char path[XENBUS_PATH_MAX + 8], value[4];
	int err;

	/*
	 * The node must still be there.  A write creates missing nodes and
	 * their parents, so writing the state of a device the toolstack
	 * has just removed (hot-unplug) would bring its directory back,
	 * empty, for good.  Reading it in the same transaction makes the
	 * test and the write one step: if the toolstack removes it in
	 * between, the commit fails with EAGAIN and we look again.
	 */
	snprintf(path, sizeof(path), "%s/state", sw->dev->nodename);
	if ((err = xs_read(tx, path, NULL, 0)) < 0)
		return (err);
	snprintf(value, sizeof(value), "%d", (int)sw->state);
	return (xs_write(tx, path, value));
}

int
xenbus_switch_state(struct xenbus_device *dev, enum xenbus_state state)
{
	struct xenbus_switch sw = { .dev = dev, .state = state };
	int err;

	if ((err = xs_transaction_run(xenbus_switch_tx, &sw)) != 0)
		printf("xenbus: %s: cannot switch to %s (error %d)\n",
		    dev->nodename, xenbus_state_name(state), err);
	return (err);
}

int
xenbus_watch_otherend(struct xenbus_device *dev)
{
	char path[XENBUS_PATH_MAX + 8];
	int err;

	if (dev->watching)
		return (0);
	/* Our node name is unique among our devices: it is the token. */
	if (strlen(dev->nodename) >= XS_WATCH_TOKEN_MAX)
		return (-E2BIG);
	snprintf(path, sizeof(path), "%s/state", dev->otherend);
	if ((err = xs_watch(path, dev->nodename)) != 0)
		return (err);
	dev->watching = true;
	return (0);
}

int
xenbus_wait_otherend(struct xenbus_device *dev, unsigned int states,
    unsigned int timeout_ms)
{
	uint64_t deadline = xen_clock_now() + (uint64_t)timeout_ms * NS_PER_MS;
	char path[XENBUS_PATH_MAX + 8], event[XS_WATCH_PATH_MAX];
	enum xenbus_state state;
	int err;

	if ((err = xenbus_watch_otherend(dev)) != 0)
		return (err);
	snprintf(path, sizeof(path), "%s/state", dev->otherend);
	/*
	 * One deadline for the whole wait: a back end that keeps changing
	 * state without reaching one we want cannot keep us past it.
	 */
	for (;;) {
		/*
		 * An event only says "look again": read the node itself,
		 * and test the state we read, not the one we expected.
		 */
		state = xenbus_read_state(path);
		if (state != dev->otherend_state) {
			dev->otherend_state = state;
			if (dev->driver != NULL &&
			    dev->driver->otherend_changed != NULL)
				dev->driver->otherend_changed(dev, state);
		}
		if (states & (1u << state))
			return ((int)state);
		/* Asleep until the state node's watch fires, or the deadline. */
		err = xs_watch_event_until(dev->nodename, event, sizeof(event),
		    deadline);
		if (err != 0)
			return (err);
	}
}

int
xenbus_close(struct xenbus_device *dev, unsigned int timeout_ms)
{
	const unsigned int gone = 1u << XenbusStateUnknown;
	char path[XENBUS_PATH_MAX + 8];
	int state, err;

	/*
	 * 1. Closing: we are going away.  The back end stops taking
	 *    requests, unmaps our ring and goes to Closing (or straight
	 *    to Closed).  A back end whose node is gone (Unknown) has left
	 *    already.
	 */
	if ((err = xenbus_switch_state(dev, XenbusStateClosing)) != 0)
		return (err);
	state = xenbus_wait_otherend(dev, gone | (1u << XenbusStateClosing) |
	    (1u << XenbusStateClosed), timeout_ms);
	if (state < 0)
		goto out;
	/*
	 * 2. The back end no longer uses what we shared; the driver's
	 *    otherend_changed has ended its grants on seeing it.  Closed:
	 *    we have released everything.
	 */
	if ((err = xenbus_switch_state(dev, XenbusStateClosed)) != 0)
		return (err);
	/* 3. The back end tears down its side and reaches Closed too. */
	state = xenbus_wait_otherend(dev, gone | (1u << XenbusStateClosed),
	    timeout_ms);
out:
	snprintf(path, sizeof(path), "%s/state", dev->otherend);
	(void)xs_unwatch(path, dev->nodename);
	dev->watching = false;
	if (state < 0)
		printf("xenbus: %s: back end stuck in %s while closing\n",
		    dev->nodename, xenbus_state_name(dev->otherend_state));
	return (state < 0 ? state : 0);
}

int
xenbus_suspend(void)
{
	struct xenbus_device *dev;
	unsigned int i;
	int err, failed = 0;

	for (i = 0; i < xenbus_ndevices; i++) {
		dev = &xenbus_devices[i];
		if (dev->driver == NULL || dev->driver->suspend == NULL)
			continue;
		if ((err = dev->driver->suspend(dev)) != 0) {
			printf("xenbus: %s: suspend failed (error %d)\n",
			    dev->nodename, err);
			failed++;
		}
	}
	return (failed);
}

void
xenbus_resume(bool new_domain)
{
	struct xenbus_device *dev;
	char path[XENBUS_PATH_MAX + 8];
	unsigned int i;
	int err;

	for (i = 0; i < xenbus_ndevices; i++) {
		dev = &xenbus_devices[i];
		if (new_domain) {
			/*
			 * The back end's directory names our domid, which
			 * the restore changed: drop the watch on the old
			 * path (xs_resume() set it again) and read where
			 * the back end is now.  Drivers watch it again.
			 */
			if (dev->watching) {
				snprintf(path, sizeof(path), "%s/state",
				    dev->otherend);
				(void)xs_unwatch(path, dev->nodename);
				dev->watching = false;
			}
			if (xenbus_read_otherend(dev) != 0)
				continue;
			snprintf(path, sizeof(path), "%s/state", dev->otherend);
			dev->otherend_state = xenbus_read_state(path);
		}
		if (dev->driver == NULL || dev->driver->resume == NULL)
			continue;
		if ((err = dev->driver->resume(dev, new_domain)) != 0)
			printf("xenbus: %s: resume failed (error %d)\n",
			    dev->nodename, err);
	}
}
