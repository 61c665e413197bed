/*
 * kern/test_xenbus.c - the `xenbus` test: device discovery and the
 * xenbus state machine (src/xen/xenbus.c) against real and scripted
 * back ends.
 *
 * The guest is started (tests/boot/xenstore.dom0) with a vif and a
 * file-backed disk, served by Linux's netback and blkback in dom0, and
 * with the devices it must find on its command line:
 *	xenbus=domutest/0,vbd/51712,vif/0
 * "domutest" is a device type no real driver has: dom0's script writes
 * its nodes by hand and plays its back end, moving the back end's state
 * when it sees ours move.  This file registers a driver for it, so the
 * driver registry, attach, the handshake and the close sequence are all
 * exercised:
 *
 *   xb-probe      the devices found are exactly those expected
 *   xb-driver     the domutest driver was attached, once
 *   xb-handshake  with the scripted back end: it waits in InitWait; we
 *                 write a detail node and go Initialised; it goes
 *                 Connected; we go Connected; then the close sequence
 *   xb-close      the close sequence with Linux's back ends for vif and
 *                 vbd, which follow us to Closing and Closed
 *
 * Protocol: xen/include/public/io/xenbus.h; the rules as used are
 * written in src/xen/xenbus.h.  Walkthrough: walkthroughs/boot-pv.md.
 */

#include "xen/xen.h"

#include "kern/arch.h"
#include "kern/cmdline.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/test.h"
#include "xen/xenbus.h"
#include "xen/xenstore.h"

/* How long dom0's script, or a Linux back end, gets for each step. */
#define	STEP_TIMEOUT_MS	30000

/* What the domutest driver saw. */
static int domutest_attached;
static enum xenbus_state domutest_seen[16];
static unsigned int domutest_nseen;

static int
domutest_attach(struct xenbus_device *dev)
{

	(void)dev;
	domutest_attached++;
	return (0);
}

/* Record the back end's states, in order, for xb-handshake to check. */
static void
domutest_changed(struct xenbus_device *dev, enum xenbus_state state)
{

	(void)dev;
	if (domutest_nseen < sizeof(domutest_seen) / sizeof(domutest_seen[0]))
		domutest_seen[domutest_nseen++] = state;
}

XENBUS_DRIVER(domutest, "domutest", domutest_attach, domutest_changed);

/* The device whose node name is "device/<item>" (item "vif/0"), or NULL. */
static struct xenbus_device *
find_device(const char *item, size_t len)
{
	struct xenbus_device *dev;
	unsigned int i;

	/* nodename is "device/" (7 characters) followed by the item. */
	for (i = 0; (dev = xenbus_device(i)) != NULL; i++)
		if (strlen(dev->nodename) == len + 7 &&
		    strncmp(dev->nodename + 7, item, len) == 0)
			return (dev);
	return (NULL);
}

/*
 * Every item of the comma-separated list `want` must name a device
 * found, and there must be no other.
 */
static void
check_probe(const char *want, int found)
{
	const char *item, *end;
	char name[32];
	int expected = 0;
	size_t len;

	for (item = want; *item != '\0'; item = *end != '\0' ? end + 1 : end) {
		for (end = item; *end != ',' && *end != '\0'; end++)
			;
		len = (size_t)(end - item);
		if (find_device(item, len) == NULL) {
			/* The item, cut to fit, for the message. */
			len = len < sizeof(name) ? len : sizeof(name) - 1;
			memcpy(name, item, len);
			name[len] = '\0';
			report("xb-probe", FAIL, "expected device %s not found",
			    name);
			return;
		}
		expected++;
	}
	if (found != expected) {
		report("xb-probe", FAIL, "found %d devices, expected %d (%s)",
		    found, expected, want);
		return;
	}
	report("xb-probe", PASS, "found %s", want);
}

/* The handshake and close with the back end dom0's script plays. */
static void
check_handshake(struct xenbus_device *dev)
{
	static const enum xenbus_state want[] = { XenbusStateConnected,
	    XenbusStateClosing, XenbusStateClosed };
	char path[XENBUS_PATH_MAX + 16];
	unsigned int i;
	int state, err;

	/* The back end is ready and waits for our details. */
	state = xenbus_wait_otherend(dev, 1u << XenbusStateInitWait,
	    STEP_TIMEOUT_MS);
	if (state < 0) {
		report("xb-handshake", FAIL, "back end never in InitWait "
		    "(last %s)", xenbus_state_name(dev->otherend_state));
		return;
	}
	/* Details first, then the state that announces them. */
	snprintf(path, sizeof(path), "%s/ring-ref", dev->nodename);
	if ((err = xs_write(XST_NIL, path, "42")) != 0 ||
	    (err = xenbus_switch_state(dev, XenbusStateInitialised)) != 0) {
		report("xb-handshake", FAIL, "publishing our details: %d", err);
		return;
	}
	state = xenbus_wait_otherend(dev, 1u << XenbusStateConnected,
	    STEP_TIMEOUT_MS);
	if (state < 0 ||
	    (err = xenbus_switch_state(dev, XenbusStateConnected)) != 0) {
		report("xb-handshake", FAIL, "back end not Connected (last "
		    "%s)", xenbus_state_name(dev->otherend_state));
		return;
	}
	if ((err = xenbus_close(dev, STEP_TIMEOUT_MS)) != 0) {
		report("xb-handshake", FAIL, "close sequence: error %d (back "
		    "end %s)", err, xenbus_state_name(dev->otherend_state));
		return;
	}
	/* The driver must have been told of each step, in order. */
	for (i = 0; i < 3; i++)
		if (i >= domutest_nseen || domutest_seen[i] != want[i]) {
			report("xb-handshake", FAIL, "driver saw %u changes; "
			    "change %u was %s, expected %s", domutest_nseen, i,
			    i < domutest_nseen ?
			    xenbus_state_name(domutest_seen[i]) : "none",
			    xenbus_state_name(want[i]));
			return;
		}
	report("xb-handshake", PASS, "InitWait, Initialised, Connected, "
	    "Closing, Closed with the scripted back end");
}

/* Close every device with a real back end; each must follow us. */
static void
check_close_real(void)
{
	struct xenbus_device *dev;
	unsigned int i, closed = 0;
	int err;

	/*
	 * Devices with a driver (domutest) were handled above; the others
	 * are the vif and the disk, whose back ends are Linux's.  Never
	 * connected, they still must follow Closing and Closed.
	 */
	for (i = 0; (dev = xenbus_device(i)) != NULL; i++) {
		if (dev->driver != NULL)
			continue;
		if ((err = xenbus_close(dev, STEP_TIMEOUT_MS)) != 0) {
			report("xb-close", FAIL, "%s: error %d, back end %s",
			    dev->nodename, err,
			    xenbus_state_name(dev->otherend_state));
			return;
		}
		printf("xenbus test: %s closed; back end %s\n", dev->nodename,
		    xenbus_state_name(dev->otherend_state));
		closed++;
	}
	report("xb-close", PASS, "%u devices closed, their back ends followed",
	    closed);
}

static void
test_xenbus(void)
{
	struct xenbus_device *dev;
	char want[128];
	int found, err;

	if (cmdline_get(boot_info.cmdline, "xenbus", want, sizeof(want)) < 0) {
		report("xb-probe", SKIP, "no xenbus= list of expected devices");
		return;
	}
	/* dom0 writes data/xenbus/go once the domutest nodes are there. */
	if ((err = xs_wait_for("data/xenbus/go", STEP_TIMEOUT_MS)) != 0) {
		report("xb-probe", FAIL, "dom0 never wrote data/xenbus/go: %d",
		    err);
		return;
	}
	if ((found = xenbus_probe()) < 0) {
		report("xb-probe", FAIL, "xenbus_probe: error %d", found);
		return;
	}
	check_probe(want, found);

	dev = find_device("domutest/0", 10);
	if (dev == NULL || dev->driver == NULL || domutest_attached != 1) {
		report("xb-driver", FAIL, "domutest/0 %s, attached %d times",
		    dev == NULL ? "missing" : "present", domutest_attached);
		return;
	}
	report("xb-driver", PASS, "domutest/0 attached once, back end in "
	    "domain %u", dev->otherend_id);
	check_handshake(dev);
	check_close_real();
}

DOMU_TEST(xenbus, "find devices, attach drivers, handshake and close",
    test_xenbus, TEST_NEEDS_DOM0);
