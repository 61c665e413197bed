/*
 * tests/boot/evtchn_peer.c - dom0's end of the guest's evtchn_dom0 test
 * (src/kern/test_events.c): a Linux program that talks to a domu guest
 * over an event channel through /dev/xen/evtchn.
 *
 * Where this sits: built static on the host by mk/tests.mk into
 * build/dom0/evtchn_peer, run in dom0 by tests/boot/events.dom0 as
 *	/domu/build/dom0/evtchn_peer DOMID PORT ROUNDS FLOOD
 * once the guest has printed the port it allocated for domain 0.  It
 * binds a local port to the guest's (IOCTL_EVTCHN_BIND_INTERDOMAIN),
 * then ROUNDS times: notifies the guest (IOCTL_EVTCHN_NOTIFY) and waits,
 * with a bound, for the guest's answering event.  Then it sends FLOOD
 * notifications back to back without waiting, so that events reach the
 * guest at arbitrary moments (the guest counts how many arrive while
 * its upcall is on its way out; see src/i386/upcall.S).
 *
 * Protocol: event channels as in xen/include/public/event_channel.h,
 * reached through the Linux driver's interface, declared in
 * /usr/include/xen/sys/evtchn.h (libxen-dev).  A read
 * returns the ports that fired (as unsigned ints); a fired port stays
 * masked until its number is written back.  Output: "domu: evtchn_peer:
 * PASS|FAIL ..." lines, as dom0lib's report() prints them; exit status
 * 0 on PASS.
 */
#define	_POSIX_C_SOURCE	200809L

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/sys/evtchn.h>

#define	REPLY_TIMEOUT_MS	5000	/* bound on one answer */
#define	DRAIN_TIMEOUT_MS	200	/* how long to wait for stray events */
#define	MAX_ROUNDS		100000

static long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1000000000L + ts.tv_nsec);
}

static int
compare_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return ((x > y) - (x < y));
}

/*
 * Wait up to timeout_ms for an event on our port; acknowledge it (write
 * the port back, which unmasks it in the driver).  1 if one came, 0 on
 * timeout, -1 on error.
 */
static int
wait_event(int fd, unsigned int port, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned int fired;
	int n;

	n = poll(&pfd, 1, timeout_ms);
	if (n <= 0)
		return (n);
	if (read(fd, &fired, sizeof(fired)) != (ssize_t)sizeof(fired))
		return (-1);
	if (fired != port) {
		fprintf(stderr, "evtchn_peer: event on port %u, expected %u\n",
		    fired, port);
		return (-1);
	}
	if (write(fd, &fired, sizeof(fired)) != (ssize_t)sizeof(fired))
		return (-1);
	return (1);
}

int
main(int argc, char **argv)
{
	struct ioctl_evtchn_bind_interdomain bind;
	struct ioctl_evtchn_notify notify;
	struct ioctl_evtchn_unbind unbind;
	long *rtt, t0;
	int fd, local, rounds, flood, i, r, stray = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: evtchn_peer DOMID PORT ROUNDS FLOOD\n");
		return (2);
	}
	rounds = atoi(argv[3]);
	flood = atoi(argv[4]);
	if (rounds < 1 || rounds > MAX_ROUNDS || flood < 0) {
		fprintf(stderr, "evtchn_peer: ROUNDS must be 1..%d, FLOOD >= 0\n",
		    MAX_ROUNDS);
		return (2);
	}
	if ((rtt = calloc((size_t)rounds, sizeof(*rtt))) == NULL)
		return (1);
	if ((fd = open("/dev/xen/evtchn", O_RDWR)) < 0) {
		printf("domu: evtchn_peer: FAIL open /dev/xen/evtchn: %s "
		    "(is xen-evtchn loaded?)\n", strerror(errno));
		return (1);
	}
	bind.remote_domain = (unsigned int)atoi(argv[1]);
	bind.remote_port = (unsigned int)atoi(argv[2]);
	if ((local = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind)) < 0) {
		printf("domu: evtchn_peer: FAIL bind to domain %u port %u: %s\n",
		    bind.remote_domain, bind.remote_port, strerror(errno));
		return (1);
	}
	/*
	 * Xen raises one event on a freshly bound interdomain port, in case
	 * the peer notified before we connected.  Take it now, so that it
	 * is not mistaken for the first answer.
	 */
	while ((r = wait_event(fd, (unsigned int)local, DRAIN_TIMEOUT_MS)) > 0)
		stray++;
	notify.port = (unsigned int)local;
	for (i = 0; i < rounds; i++) {
		t0 = now_ns();
		if (ioctl(fd, IOCTL_EVTCHN_NOTIFY, &notify) < 0) {
			printf("domu: evtchn_peer: FAIL notify %d: %s\n", i,
			    strerror(errno));
			return (1);
		}
		if ((r = wait_event(fd, (unsigned int)local,
		    REPLY_TIMEOUT_MS)) <= 0) {
			printf("domu: evtchn_peer: FAIL no answer from domain %u "
			    "to event %d of %d within %d ms (%s)\n",
			    bind.remote_domain, i + 1, rounds, REPLY_TIMEOUT_MS,
			    r == 0 ? "timeout" : strerror(errno));
			return (1);
		}
		rtt[i] = now_ns() - t0;
	}
	/*
	 * The flood: notifications as fast as the ioctl goes.  The guest
	 * answers each event it sees; answers pile up on our port (which
	 * the driver masks after the first) and are drained afterwards.
	 */
	t0 = now_ns();
	for (i = 0; i < flood; i++)
		if (ioctl(fd, IOCTL_EVTCHN_NOTIFY, &notify) < 0)
			break;
	t0 = now_ns() - t0;
	while (wait_event(fd, (unsigned int)local, DRAIN_TIMEOUT_MS) > 0)
		;
	qsort(rtt, (size_t)rounds, sizeof(*rtt), compare_long);
	printf("domu: evtchn_peer: PASS %d round trips with domain %u port %u "
	    "(our port %d, %d stray event at bind): median %ld us, max %ld us; "
	    "then %d notifications in %ld ms\n", rounds, bind.remote_domain,
	    bind.remote_port, local, stray, rtt[rounds / 2] / 1000,
	    rtt[rounds - 1] / 1000, i, t0 / 1000000);
	unbind.port = (unsigned int)local;
	(void)ioctl(fd, IOCTL_EVTCHN_UNBIND, &unbind);
	close(fd);
	free(rtt);
	return (i == flood ? 0 : 1);
}
