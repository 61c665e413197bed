/*
 * kern/test_netfront.c - the `netfront` test: a network interface from
 * Linux's netback in dom0, the IPv4 stack on it, and the device going
 * away and coming back while the guest runs.
 *
 * dom0's script (tests/boot/netfront.dom0) starts the guest with
 *	vif = [ "bridge=xenbr0" ]   and   ip=169.254.0.2/16 peer=169.254.0.1
 * after giving xenbr0 the peer address.  The guest's checks:
 *
 *   nf-connect    netfront attached vif/0 and both ends are Connected:
 *                 the handshake of netif.h (time measured)
 *   nf-ping-out   the guest pings dom0 (ICMP echo requests it builds),
 *                 20 small and 5 full-MTU, every reply seen
 *   (then it writes data/netfront/ready and serves: dom0 pings it 200
 *   times, runs a 4 MiB UDP echo, detaches and re-attaches the vif)
 *   nf-reattach   it saw the vif go (back end Closing, our close) and
 *                 come back (a new handshake), and pings dom0 again
 *   nf-serve      what it answered while serving: ICMP echo replies,
 *                 UDP echoes; csum_blank frames taken, not dropped;
 *                 no protocol error from the back end
 *
 * The serve loop ends when dom0 runs `xl shutdown` (bounded by
 * SERVE_MS), which control(4) records (kern/shutdown.h).
 * Protocol: xen/include/public/io/netif.h.  Manual: man4/netfront.4.
 */

#include "xen/xen.h"

#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/cmdline.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/shutdown.h"
#include "kern/test.h"
#include "net/net.h"
#include "xen/timer.h"
#include "xen/xenbus.h"
#include "xen/xenstore.h"
#include "dev/xen/netfront/netfront.h"

#define	CONNECT_MS	30000		/* probe to Connected */
#define	SERVE_MS	360000		/* the whole serve phase */
#define	PING_MS		2000		/* one echo's bound */
#define	DEFAULT_PEER	"169.254.0.1"

/* Round trips of a series of pings. */
struct ping_series {
	unsigned int	sent, received;
	uint64_t	min, max, total;	/* ns */
};

/*
 * Ping peer count times with datalen bytes; record the round trips.
 * One at a time: each waits for its reply or PING_MS, so a lost reply
 * costs its bound and the series goes on (the count says how many).
 */
static void
ping_series(uint32_t peer, unsigned int count, size_t datalen,
    uint16_t seq0, struct ping_series *ps)
{
	uint64_t rtt;
	unsigned int i;
	int err;

	memset(ps, 0, sizeof(*ps));
	ps->min = UINT64_MAX;
	for (i = 0; i < count; i++) {
		ps->sent++;
		err = net_ping(peer, (uint16_t)(seq0 + i), datalen, PING_MS,
		    &rtt);
		if (err != 0) {
			printf("netfront test: ping seq %u: error %d\n",
			    seq0 + i, err);
			continue;
		}
		ps->received++;
		ps->total += rtt;
		if (rtt < ps->min)
			ps->min = rtt;
		if (rtt > ps->max)
			ps->max = rtt;
	}
}

/* "20/20 replies, rtt min/avg/max 101/150/300 us" into buf. */
static void
ping_describe(const struct ping_series *ps, char *buf, size_t size)
{

	if (ps->received == 0) {
		snprintf(buf, size, "0/%u replies", ps->sent);
		return;
	}
	snprintf(buf, size, "%u/%u replies, rtt min/avg/max %lu/%lu/%lu us",
	    ps->received, ps->sent, (unsigned long)(ps->min / 1000),
	    (unsigned long)(ps->total / ps->received / 1000),
	    (unsigned long)(ps->max / 1000));
}

/*
 * Wait until unit is connected, within timeout_ms.  The handshake runs
 * in the xenwatch and netfront threads; this one sleeps on the driver's
 * change counter, waking at least every 500 ms to look again.
 */
static bool
wait_connected(unsigned int unit, unsigned int timeout_ms,
    struct netfront_info *info)
{
	uint64_t deadline = xen_clock_now() + (uint64_t)timeout_ms * NS_PER_MS;
	unsigned int seen = 0;

	for (;;) {
		if (netfront_get_info(unit, info) == 0 && info->connected)
			return (true);
		if (xen_clock_now() >= deadline)
			return (false);
		seen = netfront_wait_change(seen, 500);
	}
}

/* The first connected unit, or -1. */
static int
connected_unit(struct netfront_info *info)
{
	unsigned int u;

	for (u = 0; u < NETFRONT_MAX_UNITS; u++)
		if (netfront_get_info(u, info) == 0 && info->connected)
			return ((int)u);
	return (-1);
}

/*
 * Serve until dom0 ends us with `xl shutdown` (control(4) records the
 * request; kern/shutdown.h): watch the vif go and come back, and ping
 * dom0 after it is back.
 */
static void
serve(uint32_t peer)
{
	struct netfront_info info;
	struct ping_series ps;
	char detail[96], value[16];
	uint64_t deadline = xen_clock_now() + (uint64_t)SERVE_MS * NS_PER_MS;
	unsigned int seen = 0;
	bool gone = false, back = false, done = false;
	int unit;

	/*
	 * One pass a second at least: look for dom0's shutdown request, wait for a
	 * connect or disconnect, then judge the units.  "Gone" is no unit
	 * connected; "back" is one connected again after that (the same
	 * vif/0 re-created, or a new vif/N).
	 */
	memset(&ps, 0, sizeof(ps));
	while (xen_clock_now() < deadline) {
		if (shutdown_requested() != SHUTDOWN_HOW_NONE) {
			done = true;
			break;
		}
		seen = netfront_wait_change(seen, 1000);
		unit = connected_unit(&info);
		if (unit < 0 && !gone) {
			gone = true;
			printf("netfront test: the vif is gone\n");
			continue;
		}
		if (unit >= 0 && gone && !back) {
			back = true;
			printf("netfront test: %s is back, handshake %lu us\n",
			    info.nodename,
			    (unsigned long)(info.handshake_ns / 1000));
			ping_series(peer, 5, 56, 1000, &ps);
			snprintf(value, sizeof(value), "%u", ps.received);
			(void)xs_write(XST_NIL, "data/netfront/reattached",
			    value);
		}
	}
	if (!done)
		report("nf-serve", FAIL, "dom0 never asked us to shut down "
		    "in %u s", SERVE_MS / 1000);
	ping_describe(&ps, detail, sizeof(detail));
	if (gone && back && ps.received == ps.sent && ps.sent > 0)
		report("nf-reattach", PASS, "saw the vif go and come back "
		    "(handshake %lu us); then %s",
		    (unsigned long)(info.handshake_ns / 1000), detail);
	else if (!gone)
		report("nf-reattach", SKIP, "the vif was never detached");
	else
		report("nf-reattach", FAIL, "vif gone %d, back %d; pings "
		    "after: %s", gone, back, detail);
}

/* What the guest answered while serving, and the driver's counters. */
static void
report_serving(void)
{
	struct netfront_info info;
	struct net_stats st;
	unsigned int u;
	bool failed = false;

	net_get_stats(&st);
	for (u = 0; u < NETFRONT_MAX_UNITS; u++) {
		if (netfront_get_info(u, &info) != 0)
			continue;
		failed |= info.failed;
		printf("netfront test: %s: rx %lu frames %lu bytes (%lu "
		    "csum_blank, %lu data_validated, %lu multi-slot, %lu "
		    "errors), tx %lu frames %lu bytes (%lu multi-slot, %lu "
		    "errors, %lu dropped), %lu events\n", info.nodename,
		    info.rx_packets, info.rx_bytes, info.rx_csum_blank,
		    info.rx_data_validated, info.rx_multislot,
		    info.rx_errors, info.tx_packets, info.tx_bytes,
		    info.tx_multislot, info.tx_errors, info.tx_dropped,
		    info.events);
	}
	printf("netfront test: stack: %lu frames, %lu dropped (checksum "
	    "%lu, length %lu, short %lu), %lu ARP replies, %lu ICMP echo "
	    "replies, %lu UDP echoes (%lu bytes), %lu UDP csum_blank\n",
	    st.rx_frames, st.rx_dropped, st.rx_errors[INET_ECKSUM],
	    st.rx_errors[INET_ELEN], st.rx_errors[INET_ESHORT],
	    st.arp_replies, st.icmp_echo_replies, st.udp_echoes,
	    st.udp_echo_bytes, st.rx_csum_blank);
	if (failed)
		report("nf-serve", FAIL, "the device was closed after a "
		    "protocol error (see the netfront: lines)");
	else if (st.icmp_echo_replies == 0)
		report("nf-serve", FAIL, "answered no ping");
	else if (st.rx_errors[INET_ECKSUM] != 0)
		report("nf-serve", FAIL, "%lu packets dropped for a bad "
		    "checksum (csum_blank ones must be taken)",
		    st.rx_errors[INET_ECKSUM]);
	else
		report("nf-serve", PASS, "%lu ICMP echo replies, %lu UDP "
		    "echoes of %lu bytes (%lu csum_blank taken), no protocol "
		    "error", st.icmp_echo_replies, st.udp_echoes,
		    st.udp_echo_bytes, st.rx_csum_blank);
}

static void
test_netfront(void)
{
	struct netfront_info info;
	struct ping_series small, full;
	char arg[32], d1[96], d2[96];
	uint32_t peer, addr;
	unsigned int prefix = 32;
	uint64_t t0;
	int found;

	if (cmdline_get(boot_info.cmdline, "peer", arg, sizeof(arg)) < 0)
		strlcpy(arg, DEFAULT_PEER, sizeof(arg));
	if (inet_parse_addr(arg, &peer, &prefix) != 0) {
		report("nf-connect", FAIL, "peer=%s is not an address", arg);
		return;
	}
	/*
	 * xenbus_probe() attaches netfront to vif/0; the handshake then
	 * goes on in other threads while this one waits for its end.
	 */
	t0 = xen_clock_now();
	if ((found = xenbus_probe()) < 0) {
		report("nf-connect", FAIL, "xenbus_probe: error %d", found);
		return;
	}
	if (!wait_connected(0, CONNECT_MS, &info)) {
		report("nf-connect", FAIL, "vif/0 not connected within %u s "
		    "(attached %d)", CONNECT_MS / 1000,
		    netfront_get_info(0, &info) == 0);
		return;
	}
	net_get_addr(&addr, &prefix);
	report("nf-connect", PASS, "%s mac %02x:%02x:%02x:%02x:%02x:%02x, "
	    "%s%s, handshake %lu us (%lu us from probe), address "
	    "%u.%u.%u.%u/%u", info.nodename, info.mac[0], info.mac[1],
	    info.mac[2], info.mac[3], info.mac[4], info.mac[5],
	    info.sg ? "sg" : "no sg",
	    info.csum_offload ? ", tx csum offload" : "",
	    (unsigned long)(info.handshake_ns / 1000),
	    (unsigned long)((xen_clock_now() - t0) / 1000), addr >> 24,
	    (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff, prefix);

	/* Small echoes, then echoes that fill a 1500-byte MTU. */
	ping_series(peer, 20, 56, 1, &small);
	ping_series(peer, 5, 1500 - IP_HDR_LEN - ICMP_HDR_LEN, 100, &full);
	ping_describe(&small, d1, sizeof(d1));
	ping_describe(&full, d2, sizeof(d2));
	if (small.received == small.sent && full.received == full.sent)
		report("nf-ping-out", PASS, "%s to %s (56 bytes); %s (1472 "
		    "bytes)", d1, arg, d2);
	else
		report("nf-ping-out", FAIL, "%s to %s (56 bytes); %s (1472 "
		    "bytes)", d1, arg, d2);

	/* dom0 starts its pings, UDP echo and detach after this key. */
	(void)xs_write(XST_NIL, "data/netfront/ready", "1");
	serve(peer);
	report_serving();
}

DOMU_TEST(netfront, "netfront and IPv4 against netback: pings, UDP echo, "
    "detach and re-attach", test_netfront, TEST_NEEDS_DOM0);
