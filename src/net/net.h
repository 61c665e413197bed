/*
 * net/net.h - the minimal IPv4 stack of domu: one interface, one
 * address, ARP with a small cache, ICMP echo (answering pings and
 * sending them), and a UDP echo service on port 7.
 *
 * Where it sits: a network driver (netfront, src/dev/xen/netfront/)
 * attaches an interface with net_attach() and hands every received
 * frame to net_input() from its own thread; the stack answers in that
 * thread through the interface's output function.  Tests call
 * net_ping().  Nothing here knows about Xen: a NATIVE kernel's NIC
 * driver would plug in the same way.  Wire formats: net/inet.h.
 * Walkthrough: walkthroughs/netfront.md; manual: man4/netfront.4.
 *
 * The address comes from the kernel command line, `ip=ADDR/PREFIX`,
 * default NET_DEFAULT_ADDR (169.254.0.2/16, link-local, RFC 3927): the
 * test bridge lives only inside the emulated machine, and dom0 gives
 * it 169.254.0.1/16.
 */
#ifndef _NET_NET_H_
#define _NET_NET_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/inet.h"

#define	NET_DEFAULT_ADDR	"169.254.0.2/16"
#define	NET_UDP_ECHO_PORT	7
#define	NET_ARP_CACHE		8	/* entries */
/* The largest frame the stack builds or accepts (a 9000-byte MTU). */
#define	NET_FRAME_MAX		(ETHER_HDR_LEN + 9000)

struct ifnet;

/*
 * Send one whole Ethernet frame (no FCS).  flags: NET_CSUM_BLANK when
 * the UDP checksum is left for the other end (only if if_csum_offload).
 * Returns 0, or a negative error (-ENOBUFS: the driver's queue is full
 * and the frame was dropped, as a NIC would).
 */
typedef int	if_output_t(struct ifnet *ifp, const uint8_t *frame,
		    size_t len, unsigned int flags);

/* A network interface, as a driver describes it to the stack. */
struct ifnet {
	char		 if_name[16];		/* "xn0" */
	uint8_t		 if_addr[ETHER_ADDR_LEN];
	unsigned int	 if_mtu;		/* IP bytes per frame */
	bool		 if_csum_offload;	/* may send NET_CSUM_BLANK */
	if_output_t	*if_output;
	void		*if_softc;
};

/* Counters, for tests and measurements. */
struct net_stats {
	unsigned long	rx_frames;
	unsigned long	rx_dropped;		/* refused by a parser */
	unsigned long	rx_errors[INET_NERRORS];/* why, per inet_error */
	unsigned long	rx_csum_blank;		/* UDP accepted unverified */
	unsigned long	rx_csum_validated;
	unsigned long	arp_replies;		/* we answered */
	unsigned long	icmp_echo_replies;	/* we answered a ping */
	unsigned long	udp_echoes;		/* datagrams echoed */
	unsigned long	udp_echo_bytes;
	unsigned long	tx_frames;
	unsigned long	tx_errors;		/* the driver refused */
};

/**
 * @brief Set our address from the command line (ip=ADDR/PREFIX) or the
 *	default; called by the first net_attach().
 * @return 0, or -EINVAL when ip= does not parse (the default is used)
 */
int	net_config(const char *cmdline);

/**
 * @brief Make ifp the stack's interface (one at a time; a second
 *	attach replaces the first, as after a re-attach of the device).
 */
void	net_attach(struct ifnet *ifp);

/**
 * @brief Forget ifp: frames are no longer sent through it.
 */
void	net_detach(struct ifnet *ifp);

/**
 * @brief Take one received frame.  frame is the driver's private copy;
 *	the stack may rewrite it in place into a reply and send that.
 *	Called in the driver's thread, without the driver's locks held.
 * @param csum_flags NET_CSUM_* for this frame
 */
void	net_input(struct ifnet *ifp, uint8_t *frame, size_t len,
	    unsigned int csum_flags);

/**
 * @brief Send an ICMP echo request of datalen bytes to dst (resolving
 *	its address with ARP first) and wait for the reply.
 * @param rtt_ns the round trip, when the reply came
 * @return 0, -ETIMEDOUT, -ENOTCONN (no interface), or the driver's error
 */
int	net_ping(uint32_t dst, uint16_t seq, size_t datalen,
	    unsigned int timeout_ms, uint64_t *rtt_ns);

/**
 * @brief Our address and prefix length (host order).
 */
void	net_get_addr(uint32_t *addr, unsigned int *prefix);

/**
 * @brief Copy the counters into *st.
 */
void	net_get_stats(struct net_stats *st);

#endif /* !_NET_NET_H_ */
