/*
 * net/net.c - the minimal IPv4 stack: Ethernet demultiplexing, ARP
 * (answering for our address, a small cache for our own pings), IPv4
 * input, ICMP echo (answer, and send for net_ping), a UDP echo service.
 *
 * Where it sits: net_input() runs in the network driver's thread for
 * every frame received (netfront's service thread); answers are built
 * IN PLACE in the received frame - swap the addresses, rewrite the
 * header - and sent at once through ifp->if_output, so a ping or an
 * echo costs one copy in (from the shared page) and one out (to the tx
 * page).  net_ping() runs in a test's thread and sleeps until the
 * reply's frame comes through net_input().  A NATIVE kernel's stack is
 * this, much larger, with queues between the driver and protocols.
 *
 * Locking: net_lock covers the address, the interface pointer, the
 * ARP cache, the ping in progress and the counters.  It is never held
 * across if_output (the driver takes its own lock; a driver that calls
 * net_input holds none).  Only the clock (xen/timer.h) ties this file
 * to Xen; both kernels have it.
 *
 * Formats: net/inet.h.  Manual: man4/netfront.4 (the stack's part).
 */

#include "xen/xen.h"

#include "kern/arch.h"
#include "kern/callout.h"
#include "kern/cmdline.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/mutex.h"
#include "kern/thread.h"
#include "net/net.h"
#include "xen/timer.h"

/* The identifier in our echo requests: "do". */
#define	NET_PING_ID		0x646f
#define	NET_ARP_TRIES		3
#define	NET_ARP_WAIT_MS		1000

struct arp_entry {
	uint32_t	addr;		/* 0: free */
	uint8_t		mac[ETHER_ADDR_LEN];
	uint64_t	used;		/* clock of the last use, for eviction */
};

static struct mtx net_lock;
static bool net_inited;
static struct ifnet *net_ifp;
static uint32_t net_addr;
static unsigned int net_prefix;
static struct arp_entry net_arp[NET_ARP_CACHE];
static struct net_stats net_stats;
static uint16_t net_ip_id;

/* The one ping in flight (net_ping is called by one test at a time). */
static struct {
	bool		waiting;
	uint16_t	seq;
	uint64_t	sent;
	uint64_t	rtt;
	bool		answered;
} net_ping_state;

/* The frame net_ping() builds, under net_ping_lock. */
static struct mtx net_ping_lock;
static uint8_t net_ping_frame[NET_FRAME_MAX];

static const uint8_t ether_broadcast[ETHER_ADDR_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/*
 * The address is read once, at the first attach: a re-attached device
 * keeps it.  A malformed ip= is reported and the default used, rather
 * than leaving the guest unreachable with no address at all.
 */
int
net_config(const char *cmdline)
{
	char value[32];
	unsigned int prefix = 32;
	uint32_t addr;
	int len, err = 0;

	len = cmdline_get(cmdline, "ip", value, sizeof(value));
	if (len < 0 || (size_t)len >= sizeof(value) ||
	    inet_parse_addr(value, &addr, &prefix) != 0) {
		if (len >= 0) {
			printf("net: ip=%s does not parse (ADDR/PREFIX); "
			    "using %s\n", value, NET_DEFAULT_ADDR);
			err = -EINVAL;
		}
		prefix = 32;
		(void)inet_parse_addr(NET_DEFAULT_ADDR, &addr, &prefix);
	}
	mtx_lock(&net_lock);
	net_addr = addr;
	net_prefix = prefix;
	mtx_unlock(&net_lock);
	printf("net: address %u.%u.%u.%u/%u\n", addr >> 24,
	    (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff, prefix);
	return (err);
}

/*
 * The stack's locks are set up here rather than at boot: the stack is
 * only linked with a network driver, and main.c starts no subsystem it
 * does not know about.  The first attach comes from xenbus_probe(), in
 * a thread, so mtx_init() and the command line are both available.
 */
void
net_attach(struct ifnet *ifp)
{

	if (!net_inited) {
		/* Threads exist by now: drivers attach from xenbus_probe. */
		mtx_init(&net_lock, "net");
		mtx_init(&net_ping_lock, "net_ping");
		net_inited = true;
		(void)net_config(boot_info.cmdline);
	}
	mtx_lock(&net_lock);
	net_ifp = ifp;
	/* A new link may lead elsewhere: what we knew of it is void. */
	memset(net_arp, 0, sizeof(net_arp));
	mtx_unlock(&net_lock);
}

/*
 * After this, net_input() ignores frames from ifp and net_ping() finds
 * no interface: the driver may tear its rings down.  A frame already
 * being answered in the driver's thread is sent and refused by the
 * driver (its state is no longer UP), which is what a NIC does too.
 */
void
net_detach(struct ifnet *ifp)
{

	if (!net_inited)
		return;
	mtx_lock(&net_lock);
	if (net_ifp == ifp)
		net_ifp = NULL;
	mtx_unlock(&net_lock);
}

/* Written once by net_config(), before any reader: no lock needed. */
void
net_get_addr(uint32_t *addr, unsigned int *prefix)
{

	*addr = net_addr;
	*prefix = net_prefix;
}

void
net_get_stats(struct net_stats *st)
{

	if (!net_inited) {
		memset(st, 0, sizeof(*st));
		return;
	}
	mtx_lock(&net_lock);
	*st = net_stats;
	mtx_unlock(&net_lock);
}

/* Send a frame, padded to the Ethernet minimum; count the outcome. */
static int
net_output(struct ifnet *ifp, uint8_t *frame, size_t len,
    unsigned int flags)
{
	int err;

	/*
	 * A real wire needs 60 bytes; a bridge in dom0 does not care, but
	 * the frame may leave through a real NIC.  The callers' buffers
	 * are always at least ETHER_MIN_FRAME long.
	 */
	if (len < ETHER_MIN_FRAME) {
		memset(frame + len, 0, ETHER_MIN_FRAME - len);
		len = ETHER_MIN_FRAME;
	}
	err = ifp->if_output(ifp, frame, len, flags);
	mtx_lock(&net_lock);
	if (err == 0)
		net_stats.tx_frames++;
	else
		net_stats.tx_errors++;
	mtx_unlock(&net_lock);
	return (err);
}

/* Remember addr's hardware address; evict the least recently used. */
static void
arp_learn(uint32_t addr, const uint8_t *mac)
{
	struct arp_entry *e, *victim = &net_arp[0];
	unsigned int i;

	for (i = 0; i < NET_ARP_CACHE; i++) {
		e = &net_arp[i];
		if (e->addr == addr || e->addr == 0) {
			victim = e;
			break;
		}
		if (e->used < victim->used)
			victim = e;
	}
	victim->addr = addr;
	memcpy(victim->mac, mac, ETHER_ADDR_LEN);
	victim->used = xen_clock_now();
	wakeup(net_arp);
}

/*
 * Find addr in the cache (net_lock held).  Entries never expire: the
 * cache is cleared when an interface attaches, and on a test bridge the
 * peers do not move; a real stack would age them (RFC 1122, 2.3.2.1).
 */
static bool
arp_lookup(uint32_t addr, uint8_t *mac)
{
	unsigned int i;

	for (i = 0; i < NET_ARP_CACHE; i++)
		if (net_arp[i].addr == addr) {
			memcpy(mac, net_arp[i].mac, ETHER_ADDR_LEN);
			net_arp[i].used = xen_clock_now();
			return (true);
		}
	return (false);
}

/* Write the ARP body for op into pkt (after the Ethernet header). */
static void
arp_build(uint8_t *pkt, uint16_t op, const uint8_t *sha, uint32_t spa,
    const uint8_t *tha, uint32_t tpa)
{

	inet_put16(pkt, 1);
	inet_put16(pkt + 2, ETHERTYPE_IP);
	pkt[4] = ETHER_ADDR_LEN;
	pkt[5] = 4;
	inet_put16(pkt + 6, op);
	memcpy(pkt + 8, sha, ETHER_ADDR_LEN);
	inet_put32(pkt + 14, spa);
	memcpy(pkt + 18, tha, ETHER_ADDR_LEN);
	inet_put32(pkt + 24, tpa);
}

/* Write an Ethernet header. */
static void
ether_build(uint8_t *frame, const uint8_t *dst, const uint8_t *src,
    uint16_t type)
{

	memcpy(frame, dst, ETHER_ADDR_LEN);
	memcpy(frame + ETHER_ADDR_LEN, src, ETHER_ADDR_LEN);
	inet_put16(frame + 12, type);
}

/*
 * An ARP packet: learn the sender if it talks to us (RFC 826's "merge"
 * rule, cut down), and answer a request for our address in place.
 */
static void
arp_input(struct ifnet *ifp, uint8_t *frame, size_t len)
{
	uint8_t *pkt = frame + ETHER_HDR_LEN;
	struct arp_info arp;
	int err;

	if ((err = arp_parse(pkt, len - ETHER_HDR_LEN, &arp)) != 0) {
		mtx_lock(&net_lock);
		net_stats.rx_dropped++;
		net_stats.rx_errors[-err]++;
		mtx_unlock(&net_lock);
		return;
	}
	if (arp.tpa != net_addr)
		return;
	mtx_lock(&net_lock);
	arp_learn(arp.spa, arp.sha);
	if (arp.op == ARP_OP_REQUEST)
		net_stats.arp_replies++;
	mtx_unlock(&net_lock);
	if (arp.op != ARP_OP_REQUEST)
		return;
	/* The reply goes back to the asker, saying where we are. */
	ether_build(frame, arp.sha, ifp->if_addr, ETHERTYPE_ARP);
	arp_build(pkt, ARP_OP_REPLY, ifp->if_addr, net_addr, arp.sha,
	    arp.spa);
	(void)net_output(ifp, frame, ETHER_HDR_LEN + ARP_LEN, 0);
}

/*
 * Turn the received IP packet in frame into an answer to its sender
 * carrying plen bytes of payload, and send it.  The Ethernet
 * destination is the frame's source: the answer retraces the request's
 * last hop, so no ARP lookup is needed (and none can block this
 * thread).  The payload is moved down when the request had IP options.
 */
static void
ip_answer(struct ifnet *ifp, uint8_t *frame, const struct ipv4_info *ip,
    size_t plen, unsigned int flags)
{
	uint8_t *hdr = frame + ETHER_HDR_LEN, *payload = hdr + IP_HDR_LEN;
	uint8_t peer[ETHER_ADDR_LEN];
	size_t i;
	uint16_t id;

	memcpy(peer, frame + ETHER_ADDR_LEN, ETHER_ADDR_LEN);
	ether_build(frame, peer, ifp->if_addr, ETHERTYPE_IP);
	if (ip->hlen > IP_HDR_LEN)
		for (i = 0; i < plen; i++)	/* forwards: dst < src */
			payload[i] = ip->payload[i];
	mtx_lock(&net_lock);
	id = net_ip_id++;
	mtx_unlock(&net_lock);
	ipv4_build(hdr, net_addr, ip->src, ip->proto, id, plen);
	(void)net_output(ifp, frame, ETHER_HDR_LEN + IP_HDR_LEN + plen,
	    flags);
}

/* ICMP: answer echo requests, and match replies to net_ping(). */
static void
icmp_input(struct ifnet *ifp, uint8_t *frame, const struct ipv4_info *ip,
    unsigned int csum_flags)
{
	uint8_t *icmp = (uint8_t *)(uintptr_t)ip->payload;
	int err;

	if ((err = icmp_parse(ip, csum_flags)) != 0) {
		mtx_lock(&net_lock);
		net_stats.rx_dropped++;
		net_stats.rx_errors[-err]++;
		mtx_unlock(&net_lock);
		return;
	}
	if (icmp[0] == ICMP_ECHO_REPLY && icmp[1] == 0) {
		mtx_lock(&net_lock);
		if (net_ping_state.waiting &&
		    inet_get16(icmp + 4) == NET_PING_ID &&
		    inet_get16(icmp + 6) == net_ping_state.seq) {
			net_ping_state.rtt = xen_clock_now() -
			    net_ping_state.sent;
			net_ping_state.answered = true;
			wakeup(&net_ping_state);
		}
		mtx_unlock(&net_lock);
		return;
	}
	if (icmp[0] != ICMP_ECHO_REQUEST || icmp[1] != 0)
		return;
	/*
	 * The reply is the request with type 0 and a new checksum; the
	 * identifier, sequence and data go back as they came (RFC 792).
	 */
	icmp[0] = ICMP_ECHO_REPLY;
	inet_put16(icmp + 2, 0);
	inet_put16(icmp + 2, inet_cksum_fold(inet_sum(icmp, ip->plen, 0)));
	mtx_lock(&net_lock);
	net_stats.icmp_echo_replies++;
	mtx_unlock(&net_lock);
	/* ip->payload is icmp: ip_answer moves it under the new header. */
	ip_answer(ifp, frame, ip, ip->plen, 0);
}

/* UDP: echo datagrams to port 7 back to their sender. */
static void
udp_input(struct ifnet *ifp, uint8_t *frame, const struct ipv4_info *ip,
    unsigned int csum_flags)
{
	uint8_t *udp = (uint8_t *)(uintptr_t)ip->payload;
	struct udp_info u;
	unsigned int flags = 0;
	uint32_t sum;
	size_t ulen;
	int err;

	err = udp_parse(ip, csum_flags, &u);
	mtx_lock(&net_lock);
	if (err != 0) {
		net_stats.rx_dropped++;
		net_stats.rx_errors[-err]++;
	} else if (csum_flags & NET_CSUM_BLANK)
		net_stats.rx_csum_blank++;
	else if (csum_flags & NET_CSUM_VALIDATED)
		net_stats.rx_csum_validated++;
	if (err == 0 && u.dport == NET_UDP_ECHO_PORT) {
		net_stats.udp_echoes++;
		net_stats.udp_echo_bytes += u.len;
	}
	mtx_unlock(&net_lock);
	if (err != 0 || u.dport != NET_UDP_ECHO_PORT)
		return;
	/* Swap the ports; keep the data; trim to the UDP length. */
	ulen = UDP_HDR_LEN + u.len;
	inet_put16(udp, u.dport);
	inet_put16(udp + 2, u.sport);
	inet_put16(udp + 4, (uint16_t)ulen);
	/*
	 * The checksum covers the pseudo-header (our address as source
	 * now).  With offload the field gets only the pseudo-header sum,
	 * not complemented, and NETTXF_csum_blank asks the back end to
	 * finish it: what Linux's netfront does for CHECKSUM_PARTIAL.
	 * Without offload we compute it all; 0 would mean "none", so a
	 * computed 0 is sent as 0xffff (RFC 768).
	 */
	sum = inet_pseudo_sum(net_addr, ip->src, IP_PROTO_UDP, ulen);
	if (ifp->if_csum_offload) {
		inet_put16(udp + 6, (uint16_t)~inet_cksum_fold(sum));
		flags = NET_CSUM_BLANK;
	} else {
		inet_put16(udp + 6, 0);
		sum = inet_cksum_fold(inet_sum(udp, ulen, sum));
		inet_put16(udp + 6, sum == 0 ? 0xffff : (uint16_t)sum);
	}
	ip_answer(ifp, frame, ip, ulen, flags);
}

void
net_input(struct ifnet *ifp, uint8_t *frame, size_t len,
    unsigned int csum_flags)
{
	struct ipv4_info ip;
	uint16_t type;
	int err;

	/* A frame from an interface we no longer use (detach race). */
	if (!net_inited || ifp != net_ifp)
		return;
	mtx_lock(&net_lock);
	net_stats.rx_frames++;
	mtx_unlock(&net_lock);
	if (len < ETHER_HDR_LEN) {
		mtx_lock(&net_lock);
		net_stats.rx_dropped++;
		net_stats.rx_errors[INET_ESHORT]++;
		mtx_unlock(&net_lock);
		return;
	}
	/* Ours, or broadcast; the bridge also floods others' frames. */
	if (memcmp(frame, ifp->if_addr, ETHER_ADDR_LEN) != 0 &&
	    memcmp(frame, ether_broadcast, ETHER_ADDR_LEN) != 0)
		return;
	type = inet_get16(frame + 12);
	if (type == ETHERTYPE_ARP) {
		arp_input(ifp, frame, len);
		return;
	}
	if (type != ETHERTYPE_IP)
		return;
	err = ipv4_parse(frame + ETHER_HDR_LEN, len - ETHER_HDR_LEN, &ip);
	if (err != 0) {
		mtx_lock(&net_lock);
		net_stats.rx_dropped++;
		net_stats.rx_errors[-err]++;
		mtx_unlock(&net_lock);
		return;
	}
	/* Not for us: no forwarding, and broadcasts carry nothing we serve. */
	if (ip.dst != net_addr)
		return;
	if (ip.proto == IP_PROTO_ICMP)
		icmp_input(ifp, frame, &ip, csum_flags);
	else if (ip.proto == IP_PROTO_UDP)
		udp_input(ifp, frame, &ip, csum_flags);
}

/*
 * Find dst's hardware address, asking with ARP requests (broadcast)
 * NET_ARP_TRIES times, NET_ARP_WAIT_MS apart.
 */
static int
arp_resolve(struct ifnet *ifp, uint32_t dst, uint8_t *mac)
{
	uint8_t frame[ETHER_MIN_FRAME];
	static const uint8_t zero[ETHER_ADDR_LEN];
	unsigned int try;
	bool found;

	for (try = 0; try < NET_ARP_TRIES; try++) {
		mtx_lock(&net_lock);
		found = arp_lookup(dst, mac);
		mtx_unlock(&net_lock);
		if (found)
			return (0);
		ether_build(frame, ether_broadcast, ifp->if_addr,
		    ETHERTYPE_ARP);
		arp_build(frame + ETHER_HDR_LEN, ARP_OP_REQUEST, ifp->if_addr,
		    net_addr, zero, dst);
		(void)net_output(ifp, frame, ETHER_HDR_LEN + ARP_LEN, 0);
		/* arp_learn() wakes us; the cache is looked at again. */
		mtx_lock(&net_lock);
		if (!arp_lookup(dst, mac))
			(void)msleep(net_arp, &net_lock, "arp",
			    (uint64_t)NET_ARP_WAIT_MS * NS_PER_MS);
		found = arp_lookup(dst, mac);
		mtx_unlock(&net_lock);
		if (found)
			return (0);
	}
	return (-ETIMEDOUT);
}

int
net_ping(uint32_t dst, uint16_t seq, size_t datalen, unsigned int timeout_ms,
    uint64_t *rtt_ns)
{
	uint8_t *frame = net_ping_frame, *icmp, mac[ETHER_ADDR_LEN];
	struct ifnet *ifp;
	uint64_t deadline;
	size_t i, plen = ICMP_HDR_LEN + datalen;
	int err;

	/*
	 * The order: an interface, a size that fits its MTU (we send no
	 * fragments), the peer's hardware address (which may sleep in
	 * arp_resolve, without any lock), and only then the frame, built
	 * in the one static buffer under net_ping_lock.
	 */
	if (!net_inited || (ifp = net_ifp) == NULL)
		return (-ENOTCONN);
	if (IP_HDR_LEN + plen > ifp->if_mtu)
		return (-EMSGSIZE);
	if ((err = arp_resolve(ifp, dst, mac)) != 0)
		return (err);
	mtx_lock(&net_ping_lock);
	ether_build(frame, mac, ifp->if_addr, ETHERTYPE_IP);
	icmp = frame + ETHER_HDR_LEN + IP_HDR_LEN;
	icmp[0] = ICMP_ECHO_REQUEST;
	icmp[1] = 0;
	inet_put16(icmp + 2, 0);
	inet_put16(icmp + 4, NET_PING_ID);
	inet_put16(icmp + 6, seq);
	for (i = 0; i < datalen; i++)
		icmp[ICMP_HDR_LEN + i] = (uint8_t)(seq + i);
	inet_put16(icmp + 2, inet_cksum_fold(inet_sum(icmp, plen, 0)));
	mtx_lock(&net_lock);
	ipv4_build(frame + ETHER_HDR_LEN, net_addr, dst, IP_PROTO_ICMP,
	    net_ip_id++, plen);
	/* Armed before the send: the reply may beat our return. */
	net_ping_state.waiting = true;
	net_ping_state.answered = false;
	net_ping_state.seq = seq;
	net_ping_state.sent = xen_clock_now();
	mtx_unlock(&net_lock);
	err = net_output(ifp, frame, ETHER_HDR_LEN + IP_HDR_LEN + plen, 0);
	/*
	 * Sleep until icmp_input() matches the reply (id and sequence) and
	 * wakes us, or the deadline; each wake-up tests again, so a stray
	 * wakeup() or a reply to an older ping ends nothing early.
	 */
	mtx_lock(&net_lock);
	deadline = net_ping_state.sent + (uint64_t)timeout_ms * NS_PER_MS;
	while (err == 0 && !net_ping_state.answered) {
		uint64_t now = xen_clock_now();

		if (now >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		(void)msleep(&net_ping_state, &net_lock, "ping",
		    deadline - now);
	}
	net_ping_state.waiting = false;
	if (err == 0)
		*rtt_ns = net_ping_state.rtt;
	mtx_unlock(&net_lock);
	mtx_unlock(&net_ping_lock);
	return (err);
}
