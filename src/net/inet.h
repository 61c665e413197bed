/*
 * net/inet.h - the wire formats of the minimal IPv4 stack: Ethernet,
 * ARP, IPv4, ICMP and UDP headers, the Internet checksum, and parsers
 * that check every length before anything is read.
 *
 * These are pure functions on byte buffers (no state, no locks, no
 * kernel services beyond memcpy), so the host unit tests
 * (tests/unit/inet_test.c) run them on hand-made packets with bad
 * lengths and bad checksums.  The stack that uses them is net/net.c;
 * the driver that feeds it frames is netfront (src/dev/xen/netfront/,
 * man4/netfront.4).  Formats: RFC 826 (ARP), RFC 791 (IPv4), RFC 792
 * (ICMP), RFC 768 (UDP), RFC 1071 (the checksum).
 *
 * Multi-byte fields are read and written big-endian through
 * inet_get16()/inet_put16() on byte pointers, never through packed
 * structures cast onto the buffer: a frame may sit at any alignment in
 * the driver's buffer, and the byte order is then explicit at every use.
 */
#ifndef _NET_INET_H_
#define _NET_INET_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define	ETHER_ADDR_LEN		6
#define	ETHER_HDR_LEN		14	/* dst, src, type */
#define	ETHER_MIN_FRAME		60	/* without the FCS: shorter is padded */
#define	ETHERTYPE_IP		0x0800
#define	ETHERTYPE_ARP		0x0806

#define	ARP_LEN			28	/* Ethernet/IPv4 ARP body */
#define	ARP_OP_REQUEST		1
#define	ARP_OP_REPLY		2

#define	IP_HDR_LEN		20	/* without options */
#define	IP_PROTO_ICMP		1
#define	IP_PROTO_UDP		17
#define	ICMP_HDR_LEN		8
#define	ICMP_ECHO_REPLY		0
#define	ICMP_ECHO_REQUEST	8
#define	UDP_HDR_LEN		8

/*
 * What the driver knows about a received frame's transport checksum
 * (from netif.h's NETRXF_* flags; see netfront.c):
 *   NET_CSUM_BLANK      the checksum field holds only the pseudo-header
 *                       sum: the sender left the rest to "hardware"
 *                       that, between two domains, never runs.  The
 *                       packet is good but its checksum does NOT verify;
 *                       dropping it for that is the classic bug.
 *   NET_CSUM_VALIDATED  the peer has already verified the checksum.
 * On transmit, NET_CSUM_BLANK asks the driver to send the frame with
 * the UDP checksum left to the back end (NETTXF_csum_blank).
 */
#define	NET_CSUM_BLANK		0x1
#define	NET_CSUM_VALIDATED	0x2

/* Why a parser refused a packet (returned negated). */
enum inet_error {
	INET_OK = 0,
	INET_ESHORT,		/* shorter than its fixed header */
	INET_EFORMAT,		/* ARP for other than Ethernet/IPv4 */
	INET_EVERSION,		/* IP version is not 4 */
	INET_EHLEN,		/* IP header length < 20 or > the packet */
	INET_ELEN,		/* a length field disagrees with the data */
	INET_ECKSUM,		/* a checksum does not verify */
	INET_EFRAG,		/* an IP fragment: not reassembled here */
	INET_NERRORS
};

/* An IPv4 packet, as ipv4_parse() found it. */
struct ipv4_info {
	uint32_t	 src;		/* host order */
	uint32_t	 dst;
	uint8_t		 proto;
	uint8_t		 ttl;
	size_t		 hlen;		/* header with options */
	const uint8_t	*payload;	/* after the header */
	size_t		 plen;		/* total length less the header */
};

/* An Ethernet/IPv4 ARP packet. */
struct arp_info {
	uint16_t	op;
	uint8_t		sha[ETHER_ADDR_LEN];	/* sender's hardware address */
	uint32_t	spa;			/* sender's IPv4 address */
	uint8_t		tha[ETHER_ADDR_LEN];
	uint32_t	tpa;			/* the address asked about */
};

/* A UDP datagram. */
struct udp_info {
	uint16_t	 sport;
	uint16_t	 dport;
	const uint8_t	*data;
	size_t		 len;		/* of data */
	bool		 checked;	/* its checksum was verified here */
};

/**
 * @brief Read a big-endian 16-bit field.
 */
static inline uint16_t
inet_get16(const uint8_t *p)
{

	return ((uint16_t)(p[0] << 8 | p[1]));
}

/**
 * @brief Write a big-endian 16-bit field.
 */
static inline void
inet_put16(uint8_t *p, uint16_t v)
{

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/**
 * @brief Read a big-endian 32-bit field (an IPv4 address).
 */
static inline uint32_t
inet_get32(const uint8_t *p)
{

	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/**
 * @brief Write a big-endian 32-bit field.
 */
static inline void
inet_put32(uint8_t *p, uint32_t v)
{

	inet_put16(p, (uint16_t)(v >> 16));
	inet_put16(p + 2, (uint16_t)v);
}

/**
 * @brief Add len bytes to a running one's-complement sum (RFC 1071),
 *	as big-endian 16-bit words; an odd last byte is padded with zero.
 * @param sum the sum so far (0 to start)
 * @return the new sum, not yet folded
 */
uint32_t	inet_sum(const void *buf, size_t len, uint32_t sum);

/**
 * @brief Fold a sum to 16 bits and complement it: the value for a
 *	checksum field.  A buffer whose field holds this sums to 0xffff.
 */
uint16_t	inet_cksum_fold(uint32_t sum);

/**
 * @brief The sum of the IPv4 pseudo-header that UDP's (and TCP's)
 *	checksum covers: addresses, protocol and the transport length.
 */
uint32_t	inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
		    size_t len);

/**
 * @brief Check an Ethernet/IPv4 ARP packet (the Ethernet payload).
 * @return 0, or -INET_ESHORT / -INET_EFORMAT
 */
int	arp_parse(const uint8_t *pkt, size_t len, struct arp_info *out);

/**
 * @brief Check an IPv4 packet (the Ethernet payload; Ethernet padding
 *	after the IP total length is allowed and ignored): version,
 *	header length, total length, header checksum, no fragment.
 * @return 0, or a negated enum inet_error
 */
int	ipv4_parse(const uint8_t *pkt, size_t len, struct ipv4_info *out);

/**
 * @brief Check a UDP datagram inside ip: its length, and its checksum
 *	unless csum_flags says the peer left it blank or already checked
 *	it (NET_CSUM_*), or the sender sent none (field 0).
 * @return 0, or -INET_ESHORT / -INET_ELEN / -INET_ECKSUM
 */
int	udp_parse(const struct ipv4_info *ip, unsigned int csum_flags,
	    struct udp_info *out);

/**
 * @brief Check an ICMP message inside ip: at least its header, and its
 *	checksum unless the peer validated it (ICMP's checksum is never
 *	offloaded, so NET_CSUM_BLANK does not apply to it).
 * @return 0, or -INET_ESHORT / -INET_ECKSUM
 */
int	icmp_parse(const struct ipv4_info *ip, unsigned int csum_flags);

/**
 * @brief Write a 20-byte IPv4 header (no options, DF clear, TTL 64)
 *	with its checksum, for a payload of plen bytes.
 */
void	ipv4_build(uint8_t *hdr, uint32_t src, uint32_t dst, uint8_t proto,
	    uint16_t id, size_t plen);

/**
 * @brief Parse "a.b.c.d" or "a.b.c.d/prefix" (prefix 1..32; *prefix
 *	left alone when absent), as given by ip= on the command line.
 * @return 0, or -INET_EFORMAT
 */
int	inet_parse_addr(const char *s, uint32_t *addr, unsigned int *prefix);

/**
 * @brief A short name for a parser error, for messages and counters.
 */
const char	*inet_error_name(int err);

#endif /* !_NET_INET_H_ */
