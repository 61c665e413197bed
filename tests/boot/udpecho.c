/*
 * tests/boot/udpecho.c - the dom0 side of netfront's UDP echo test
 * (tests/boot/netfront.dom0): send datagrams of mixed sizes to the
 * guest's echo service (port 7, src/net/net.c) and check that each one
 * comes back whole, one at a time, in order.
 *
 *	udpecho ADDR PORT TOTAL_BYTES [MAX_SIZE [WINDOW]]
 *
 * Sizes run from 1 byte to MAX_SIZE (default 1472: a 1500-byte MTU less
 * the IP and UDP headers), in a fixed pseudo-random order that visits
 * both ends; the bytes of datagram n are a pattern of n, so a datagram
 * from another round cannot pass for this one.  Each echo is waited for
 * ECHO_TIMEOUT_MS.  Up to WINDOW (default 8) datagrams are in flight, so
 * that one slow round trip on a busy host does not stall the rest; the
 * echoes must still come back in the order sent, each equal to the
 * oldest one not yet echoed.  On a timeout everything in flight is sent
 * again (go-back-N), at most RETRIES times in a row.
 * Prints one "udpecho:" summary line with the throughput, and exits 0
 * only when every byte came back equal.  Built static on the host
 * (mk/tests.mk), run in dom0 as /domu/build/dom0/udpecho.
 */

#define	_POSIX_C_SOURCE	200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define	ECHO_TIMEOUT_MS	1000
#define	RETRIES		5
#define	WINDOW_MAX	64

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* Datagram n's size: a xorshift walk over 1..max, with both ends. */
static size_t
size_of(unsigned long n, size_t max, uint32_t *state)
{
	uint32_t x = *state;

	if (n % 97 == 0)
		return (1);
	if (n % 89 == 0)
		return (max);
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return (1 + x % max);
}

static void
fill(unsigned char *buf, size_t len, unsigned long n)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(n * 31 + i * 7 + (n >> 8));
}

int
main(int argc, char **argv)
{
	static unsigned char out[65536], in[65536];
	static size_t lens[WINDOW_MAX];
	struct sockaddr_in to;
	struct pollfd pfd;
	unsigned long next = 0, acked = 0, i, retries = 0, stale = 0;
	unsigned long window = 8;
	long long total, queued = 0, echoed = 0;
	size_t max = 1472, len;
	uint32_t state = 0x2545f491;
	double t0, dt;
	ssize_t got;
	int s, timeouts = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: udpecho ADDR PORT TOTAL [MAX [WINDOW]]\n");
		return (2);
	}
	total = atoll(argv[3]);
	if (argc > 4)
		max = (size_t)atol(argv[4]);
	if (argc > 5)
		window = (unsigned long)atol(argv[5]);
	if (max < 1 || max > sizeof(out) || window < 1 ||
	    window > WINDOW_MAX) {
		fprintf(stderr, "udpecho: bad MAX %zu or WINDOW %lu\n", max,
		    window);
		return (2);
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "udpecho: bad address %s\n", argv[1]);
		return (2);
	}
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    connect(s, (struct sockaddr *)&to, sizeof(to)) != 0) {
		perror("udpecho: socket");
		return (1);
	}
	pfd.fd = s;
	pfd.events = POLLIN;
	t0 = now_s();
	while (echoed < total) {
		/* Keep up to `window` datagrams in flight. */
		while (next - acked < window && queued < total) {
			len = size_of(next, max, &state);
			if ((long long)len > total - queued)
				len = (size_t)(total - queued);
			lens[next % WINDOW_MAX] = len;
			fill(out, len, next);
			if (send(s, out, len, 0) != (ssize_t)len) {
				perror("udpecho: send");
				return (1);
			}
			queued += (long long)len;
			next++;
		}
		if (poll(&pfd, 1, ECHO_TIMEOUT_MS) <= 0) {
			/* Lost: send everything not yet echoed again. */
			if (++timeouts > RETRIES) {
				printf("udpecho: FAIL datagram %lu (%zu bytes) "
				    "never came back after %d tries; %lld of "
				    "%lld bytes echoed\n", acked,
				    lens[acked % WINDOW_MAX], RETRIES + 1,
				    echoed, total);
				return (1);
			}
			for (i = acked; i < next; i++) {
				len = lens[i % WINDOW_MAX];
				fill(out, len, i);
				(void)send(s, out, len, 0);
				retries++;
			}
			continue;
		}
		got = recv(s, in, sizeof(in), 0);
		/* It must be the oldest one in flight, byte for byte. */
		len = lens[acked % WINDOW_MAX];
		fill(out, len, acked);
		if (got != (ssize_t)len || memcmp(in, out, len) != 0) {
			stale++;
			continue;
		}
		timeouts = 0;
		echoed += (long long)len;
		acked++;
	}
	dt = now_s() - t0;
	printf("udpecho: PASS %lld bytes in %lu datagrams (1 to %zu bytes, "
	    "%lu in flight) echoed in order in %.2f s: %.1f KiB/s each way, "
	    "%.0f us per datagram; %lu resent, %lu stale or wrong echoes "
	    "dropped\n", echoed, acked, max, window, dt,
	    (double)echoed / 1024 / dt, dt / (double)acked * 1e6, retries,
	    stale);
	close(s);
	/* A wrong echo with nothing resent is corruption, not a late copy. */
	return (stale == 0 || retries > 0 ? 0 : 1);
}
