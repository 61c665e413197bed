/*
 * dev/xen/control/control_test.c - the `control` test: the control
 * driver advertises its features, counts boots, and ends the domain the
 * way dom0 asks.
 *
 * Where this sits: a built-in test (kern/test.h), run only by name
 * (test=control) since dom0 must act: tests/boot/control.dom0 starts the
 * guest, waits for data/control/ready, then runs `xl shutdown`,
 * `xl reboot`, `xl destroy`, or writes "halt", "crash" or nonsense into
 * control/shutdown by hand.  The guest meanwhile "serves": it writes a
 * heartbeat into xenstore every HEARTBEAT_MS, so that a destroy finds it
 * busy, and sleeps in shutdown_wait() (kern/shutdown.h) between beats.
 * When the request comes it prints its verdict and returns; kernel_main()
 * then ends the domain as asked.
 *
 * Counting boots across `xl reboot`: a reboot is a new domain (new domid,
 * new memory, a fresh home in xenstore built from the same config), so
 * nothing of ours survives it.  What survives is what dom0 keeps: the
 * config (its command line names a node, boots=PATH) and that node,
 * made by dom0 outside any domain's home and writable by every domain.
 * The guest reads it, adds one and writes it back.
 *
 * Protocol: docs/misc/xenstore-paths.pandoc (~/control/, ~/data/); see
 * control(4) and walkthroughs/control.md.
 */

#include "xen/xen.h"

#include "dev/xen/control/control.h"
#include "dev/xen/control/suspend.h"
#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/cmdline.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/shutdown.h"
#include "kern/test.h"
#include "kern/thread.h"
#include "xen/timer.h"
#include "xen/xenstore.h"

/* Between two heartbeats (and two checks for a request). */
#define	HEARTBEAT_MS	500
/* How long the guest serves before it gives up on dom0. */
#define	SERVE_MAX_MS	(180 * 1000)
/* More boots than any test makes: a larger count is a stale node. */
#define	BOOTS_MAX	1000

/*
 * xs_read() (value NULL) or xs_write() of value, tried again when
 * xenstored did not answer in time.  Under QEMU on a host shared with
 * other emulators, dom0's vCPU was seen descheduled for over 30 s (its
 * kernel reported a soft lockup in xenstored); the answer then comes
 * late, is dropped, and a second request succeeds.  Both are safe to
 * repeat: a read changes nothing, a write writes the same value.
 * Bounded: XS_TRIES requests.
 */
#define	XS_TRIES	3
static int
xs_patiently(const char *path, char *buf, size_t size, const char *value)
{
	int i, rc = -ETIMEDOUT;

	for (i = 0; i < XS_TRIES && rc == -ETIMEDOUT; i++)
		rc = value == NULL ? xs_read(XST_NIL, path, buf, size) :
		    xs_write(XST_NIL, path, value);
	return (rc);
}
#define	read_patiently(p, b, s)	xs_patiently((p), (b), (s), NULL)

/* The three features must read what control_init() wrote. */
static void
check_features(void)
{
	char pw[4], rb[4], su[4];
	const char *want_su;

	want_su = control_can_suspend() ? "1" : "";
	if (read_patiently(CONTROL_FEATURE_POWEROFF, pw, sizeof(pw)) < 0 ||
	    read_patiently(CONTROL_FEATURE_REBOOT, rb, sizeof(rb)) < 0) {
		report("control-features", FAIL, "feature nodes unreadable");
		return;
	}
	/* feature-suspend may be absent when we do not write it. */
	if (read_patiently(CONTROL_FEATURE_SUSPEND, su, sizeof(su)) < 0)
		su[0] = '\0';
	if (strcmp(pw, "1") != 0 || strcmp(rb, "1") != 0 ||
	    strcmp(su, want_su) != 0) {
		report("control-features", FAIL, "feature-poweroff=\"%s\" "
		    "feature-reboot=\"%s\" feature-suspend=\"%s\"", pw, rb, su);
		return;
	}
	report("control-features", PASS, "feature-poweroff=1 "
	    "feature-reboot=1 feature-suspend=%s", su[0] ? su : "(unset)");
}

/* Count this boot in the node the command line names (boots=PATH). */
static void
count_boot(void)
{
	char path[96], num[16];
	unsigned long boots;
	int err, i, len;

	len = cmdline_get(boot_info.cmdline, "boots", path, sizeof(path));
	if (len < 0) {
		report("control-boot", SKIP, "no boots= on the command line");
		return;
	}
	if ((size_t)len >= sizeof(path) || path[0] != '/') {
		report("control-boot", FAIL, "boots= must be an absolute "
		    "path shorter than %zu", sizeof(path));
		return;
	}
	for (i = 0; i < XS_TRIES; i++)
		if ((err = xs_read_uint(XST_NIL, path, BOOTS_MAX, &boots)) !=
		    -ETIMEDOUT)
			break;
	if (err == -ENOENT)
		boots = 0;
	else if (err != 0) {
		report("control-boot", FAIL, "read %s: error %d", path, err);
		return;
	}
	boots++;
	snprintf(num, sizeof(num), "%lu", boots);
	if ((err = xs_patiently(path, NULL, 0, num)) != 0) {
		report("control-boot", FAIL, "write %s: error %d", path, err);
		return;
	}
	report("control-boot", PASS, "boot %lu (counted in %s)", boots, path);
}

/*
 * The guest was suspended and has resumed (the driver's count moved):
 * prove that what the restore invalidated works again - the timer (a
 * sleep ends, on time), xenstore (our domid, which a restore changes;
 * a write into the new home) and, by these very lines, the console.
 */
static void
check_resumed(const struct control_stats *st)
{
	unsigned long domid;
	uint64_t t0, slept;
	char num[16];
	int err;

	t0 = xen_clock_now();
	pause("resumed", 50 * NS_PER_MS);
	slept = xen_clock_now() - t0;
	if ((err = xs_read_uint(XST_NIL, "domid", DOMID_FIRST_RESERVED - 1,
	    &domid)) != 0) {
		report("control-resume", FAIL, "after suspend %lu: read "
		    "domid: error %d", st->suspends, err);
		return;
	}
	snprintf(num, sizeof(num), "%lu", st->suspends);
	if ((err = xs_write(XST_NIL, "data/control/resumed", num)) != 0) {
		report("control-resume", FAIL, "after suspend %lu: write: "
		    "error %d", st->suspends, err);
		return;
	}
	if (slept < 50 * NS_PER_MS || slept > 2000 * NS_PER_MS) {
		report("control-resume", FAIL, "after suspend %lu: a 50 ms "
		    "sleep took %llu us", st->suspends,
		    (unsigned long long)(slept / 1000));
		return;
	}
	report("control-resume", PASS, "suspend %lu (%lu cancelled): domid "
	    "%lu, 50 ms sleep took %llu us, %llu ms from request to running",
	    st->suspends, st->cancelled, domid,
	    (unsigned long long)(slept / 1000),
	    (unsigned long long)((st->resume_ns - st->suspend_ns) / NS_PER_MS));
}

static void
test_control(void)
{
	struct control_stats st;
	uint64_t start, now;
	unsigned long beats, seen;
	char num[16];
	int err;

	check_features();
	count_boot();
	if ((err = xs_patiently("data/control/ready", NULL, 0, "1")) != 0) {
		report("control-serve", FAIL, "write data/control/ready: "
		    "error %d", err);
		return;
	}
	/*
	 * Serve: beat, then wait for a request for one beat's time.  The
	 * wait sleeps; the watch callback that records the request runs in
	 * the xenwatch thread meanwhile and wakes us.
	 */
	start = xen_clock_now();
	control_get_stats(&st);
	seen = st.suspends;
	for (beats = 0;; beats++) {
		control_get_stats(&st);
		if (st.suspends != seen) {
			seen = st.suspends;
			check_resumed(&st);
			/* The serving time starts again in the new domain. */
			start = xen_clock_now();
		}
		snprintf(num, sizeof(num), "%lu", beats);
		(void)xs_write(XST_NIL, "data/control/beat", num);
		if (shutdown_wait(HEARTBEAT_MS) == 0)
			break;
		now = xen_clock_now();
		if (now - start >= (uint64_t)SERVE_MAX_MS * NS_PER_MS) {
			report("control-shutdown", FAIL, "no request from dom0 "
			    "in %u s", SERVE_MAX_MS / 1000);
			return;
		}
	}
	now = xen_clock_now();
	control_get_stats(&st);
	report("control-shutdown", PASS, "orderly %s after %llu ms serving, "
	    "%lu heartbeats; woken %llu us after the request was read, "
	    "%lu ignored", shutdown_name(shutdown_requested()),
	    (unsigned long long)((now - start) / NS_PER_MS), beats,
	    (unsigned long long)((now - st.last_request_ns) / 1000),
	    st.ignored);
}

DOMU_TEST(control, "serve dom0 until it asks to power off, reboot, halt, "
    "crash or suspend (needs control.dom0)", test_control, TEST_NEEDS_DOM0);
