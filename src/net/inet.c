/*
 * net/inet.c - the Internet checksum and the header parsers of the
 * minimal IPv4 stack (net/inet.h says what each checks).
 *
 * Every parser works on a private copy of the frame (netfront copies
 * what the back end wrote out of the shared page before anything looks
 * at it), so a field read here cannot change under us; what is checked
 * is whether the lengths the packet claims fit the bytes it has, in the
 * order a reader would trip over them: the fixed header first, then the
 * length fields, then the checksums.  A NATIVE stack does the same on
 * its DMA buffer, which the device no longer writes once it is handed
 * over.
 *
 * Compiled into the kernel and, as is, into the host unit test
 * tests/unit/inet_test.c.
 */

#include "kern/libkern.h"
#include "net/inet.h"

uint32_t
inet_sum(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;

	/*
	 * A 32-bit accumulator cannot overflow here: a frame is at most
	 * 64 KiB, 32 Ki words of at most 0xffff.  The carries are folded
	 * back in once, by inet_cksum_fold().
	 */
	while (len >= 2) {
		sum += inet_get16(p);
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	return (sum);
}

uint16_t
inet_cksum_fold(uint32_t sum)
{

	/* Twice: the first fold can itself carry out of 16 bits. */
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

uint32_t
inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, size_t len)
{

	return ((src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	    proto + (uint32_t)len);
}

int
arp_parse(const uint8_t *pkt, size_t len, struct arp_info *out)
{

	if (len < ARP_LEN)
		return (-INET_ESHORT);
	/*
	 * Hardware type 1 (Ethernet) with 6-byte addresses, protocol
	 * IPv4 with 4-byte ones: the only ARP we speak.  Anything else
	 * would put the addresses at other offsets.
	 */
	if (inet_get16(pkt) != 1 || inet_get16(pkt + 2) != ETHERTYPE_IP ||
	    pkt[4] != ETHER_ADDR_LEN || pkt[5] != 4)
		return (-INET_EFORMAT);
	out->op = inet_get16(pkt + 6);
	memcpy(out->sha, pkt + 8, ETHER_ADDR_LEN);
	out->spa = inet_get32(pkt + 14);
	memcpy(out->tha, pkt + 18, ETHER_ADDR_LEN);
	out->tpa = inet_get32(pkt + 24);
	return (0);
}

int
ipv4_parse(const uint8_t *pkt, size_t len, struct ipv4_info *out)
{
	size_t hlen, total;

	if (len < IP_HDR_LEN)
		return (-INET_ESHORT);
	if ((pkt[0] >> 4) != 4)
		return (-INET_EVERSION);
	hlen = (size_t)(pkt[0] & 0x0f) * 4;
	if (hlen < IP_HDR_LEN || hlen > len)
		return (-INET_EHLEN);
	/*
	 * The total length may be less than what arrived (Ethernet pads
	 * short frames to 60 bytes) but never more, and never less than
	 * the header.
	 */
	total = inet_get16(pkt + 2);
	if (total < hlen || total > len)
		return (-INET_ELEN);
	/* A header whose checksum field is right sums to 0xffff. */
	if (inet_cksum_fold(inet_sum(pkt, hlen, 0)) != 0)
		return (-INET_ECKSUM);
	/* More-fragments set, or a fragment offset: not reassembled. */
	if ((inet_get16(pkt + 6) & 0x3fff) != 0)
		return (-INET_EFRAG);
	out->ttl = pkt[8];
	out->proto = pkt[9];
	out->src = inet_get32(pkt + 12);
	out->dst = inet_get32(pkt + 16);
	out->hlen = hlen;
	out->payload = pkt + hlen;
	out->plen = total - hlen;
	return (0);
}

int
udp_parse(const struct ipv4_info *ip, unsigned int csum_flags,
    struct udp_info *out)
{
	const uint8_t *u = ip->payload;
	uint32_t sum;
	size_t ulen;

	if (ip->plen < UDP_HDR_LEN)
		return (-INET_ESHORT);
	ulen = inet_get16(u + 4);
	if (ulen < UDP_HDR_LEN || ulen > ip->plen)
		return (-INET_ELEN);
	out->sport = inet_get16(u);
	out->dport = inet_get16(u + 2);
	out->data = u + UDP_HDR_LEN;
	out->len = ulen - UDP_HDR_LEN;
	out->checked = false;
	/*
	 * NET_CSUM_BLANK: the sender (dom0's stack, offloading to its
	 * "hardware") put only the pseudo-header sum in the field, and
	 * netback passed the packet on as it was (NETRXF_csum_blank).  No
	 * one computed the real checksum, so verifying it would fail on a
	 * good packet: that mistake has made other guests drop all UDP
	 * from their own host.  The data went from memory to memory
	 * through Xen's grant copy; there was no wire to corrupt it.
	 * NET_CSUM_VALIDATED: the back end already checked it.
	 * A zero field: the sender computed no checksum (allowed in IPv4).
	 */
	if ((csum_flags & (NET_CSUM_BLANK | NET_CSUM_VALIDATED)) != 0 ||
	    inet_get16(u + 6) == 0)
		return (0);
	sum = inet_pseudo_sum(ip->src, ip->dst, IP_PROTO_UDP, ulen);
	if (inet_cksum_fold(inet_sum(u, ulen, sum)) != 0)
		return (-INET_ECKSUM);
	out->checked = true;
	return (0);
}

int
icmp_parse(const struct ipv4_info *ip, unsigned int csum_flags)
{

	if (ip->plen < ICMP_HDR_LEN)
		return (-INET_ESHORT);
	if ((csum_flags & NET_CSUM_VALIDATED) == 0 &&
	    inet_cksum_fold(inet_sum(ip->payload, ip->plen, 0)) != 0)
		return (-INET_ECKSUM);
	return (0);
}

void
ipv4_build(uint8_t *hdr, uint32_t src, uint32_t dst, uint8_t proto,
    uint16_t id, size_t plen)
{

	hdr[0] = 0x45;			/* version 4, 5 words of header */
	hdr[1] = 0;			/* type of service */
	inet_put16(hdr + 2, (uint16_t)(IP_HDR_LEN + plen));
	inet_put16(hdr + 4, id);
	inet_put16(hdr + 6, 0);		/* no flags, offset 0 */
	hdr[8] = 64;			/* TTL */
	hdr[9] = proto;
	inet_put16(hdr + 10, 0);	/* zero while the sum is taken */
	inet_put32(hdr + 12, src);
	inet_put32(hdr + 16, dst);
	inet_put16(hdr + 10, inet_cksum_fold(inet_sum(hdr, IP_HDR_LEN, 0)));
}

int
inet_parse_addr(const char *s, uint32_t *addr, unsigned int *prefix)
{
	uint32_t a = 0, part;
	unsigned int i, digits;

	for (i = 0; i < 4; i++) {
		for (part = 0, digits = 0; *s >= '0' && *s <= '9' &&
		    digits < 4; s++, digits++)
			part = part * 10 + (uint32_t)(*s - '0');
		if (digits == 0 || part > 255)
			return (-INET_EFORMAT);
		a = a << 8 | part;
		if (i < 3 && *s++ != '.')
			return (-INET_EFORMAT);
	}
	if (*s == '/') {
		for (s++, part = 0, digits = 0; *s >= '0' && *s <= '9' &&
		    digits < 3; s++, digits++)
			part = part * 10 + (uint32_t)(*s - '0');
		if (digits == 0 || part < 1 || part > 32)
			return (-INET_EFORMAT);
		*prefix = part;
	}
	if (*s != '\0')
		return (-INET_EFORMAT);
	*addr = a;
	return (0);
}

const char *
inet_error_name(int err)
{
	static const char *const names[INET_NERRORS] = {
		[INET_OK] = "ok",
		[INET_ESHORT] = "short",
		[INET_EFORMAT] = "format",
		[INET_EVERSION] = "version",
		[INET_EHLEN] = "header-length",
		[INET_ELEN] = "length",
		[INET_ECKSUM] = "checksum",
		[INET_EFRAG] = "fragment",
	};

	if (err < 0)
		err = -err;
	return (err < INET_NERRORS ? names[err] : "unknown");
}
