/*
 * tests/unit/inet_test.c - what the IPv4 stack's parsers and checksum
 * promise (src/net/inet.h).
 *
 * Every frame the guest parses was written by another domain: its
 * length fields may lie.  src/net/inet.c is plain byte code, so it is
 * compiled for the host unchanged and fed hand-made packets here: good
 * ones, and ones with each length or checksum wrong.  The case that
 * bit other guests is here too: a UDP datagram whose checksum was left
 * blank for offload (NETRXF_csum_blank) must be taken, not dropped.
 */
#define	_POSIX_C_SOURCE	200809L	/* atf-c.h needs pid_t from POSIX */

#include <string.h>

#include <atf-c.h>

#include "net/inet.h"

/* An IPv4 header of the RFC 1071 era's examples, checksum 0xb861. */
static const uint8_t ip_example[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };

/*
 * Build a UDP datagram 10.0.0.1:1234 -> 10.0.0.2:7 with `len` data bytes
 * in pkt (IP header + UDP), its checksum computed; return the IP length.
 */
static size_t
build_udp(uint8_t *pkt, size_t len)
{
	uint8_t *u = pkt + IP_HDR_LEN;
	uint32_t src = 0x0a000001, dst = 0x0a000002, sum;
	size_t i, ulen = UDP_HDR_LEN + len;

	inet_put16(u, 1234);
	inet_put16(u + 2, 7);
	inet_put16(u + 4, (uint16_t)ulen);
	inet_put16(u + 6, 0);
	for (i = 0; i < len; i++)
		u[UDP_HDR_LEN + i] = (uint8_t)(i * 3 + 1);
	sum = inet_pseudo_sum(src, dst, IP_PROTO_UDP, ulen);
	inet_put16(u + 6, inet_cksum_fold(inet_sum(u, ulen, sum)));
	ipv4_build(pkt, src, dst, IP_PROTO_UDP, 1, ulen);
	return (IP_HDR_LEN + ulen);
}

ATF_TC_WITHOUT_HEAD(checksum_matches_rfc1071_examples);
ATF_TC_BODY(checksum_matches_rfc1071_examples, tc)
{
	/* RFC 1071 section 3: these words sum to 0xddf2. */
	static const uint8_t words[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
	    0xf6, 0xf7 };
	uint8_t hdr[20];

	ATF_CHECK_EQ(inet_cksum_fold(inet_sum(words, sizeof(words), 0)),
	    (uint16_t)~0xddf2);
	/* An odd byte counts as the high half of a last word. */
	ATF_CHECK_EQ(inet_sum(words, 3, 0), 0x0001u + 0xf200u);
	/* A header carrying its checksum sums to zero after folding. */
	ATF_CHECK_EQ(inet_cksum_fold(inet_sum(ip_example, 20, 0)), 0);
	memcpy(hdr, ip_example, sizeof(hdr));
	hdr[10] = hdr[11] = 0;
	ATF_CHECK_EQ(inet_cksum_fold(inet_sum(hdr, 20, 0)), 0xb861);
}

ATF_TC_WITHOUT_HEAD(ipv4_good_header_is_parsed);
ATF_TC_BODY(ipv4_good_header_is_parsed, tc)
{
	uint8_t pkt[0x73 + 10];
	struct ipv4_info ip;

	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, ip_example, sizeof(ip_example));
	/* Ethernet padding past the total length is allowed. */
	ATF_REQUIRE_EQ(ipv4_parse(pkt, sizeof(pkt), &ip), 0);
	ATF_CHECK_EQ(ip.src, 0xc0a80001u);
	ATF_CHECK_EQ(ip.dst, 0xc0a800c7u);
	ATF_CHECK_EQ(ip.proto, IP_PROTO_UDP);
	ATF_CHECK_EQ(ip.hlen, 20u);
	ATF_CHECK_EQ(ip.plen, 0x73u - 20);
	ATF_CHECK(ip.payload == pkt + 20);
}

/* Change one byte of the example, fix its checksum, expect err. */
static void
expect_ipv4_error(unsigned int at, uint8_t value, size_t len, int err,
    const char *what)
{
	uint8_t pkt[0x73];
	struct ipv4_info ip;
	int got;

	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, ip_example, sizeof(ip_example));
	pkt[at] = value;
	pkt[10] = pkt[11] = 0;
	inet_put16(pkt + 10, inet_cksum_fold(inet_sum(pkt,
	    (size_t)(pkt[0] & 0xf) * 4 <= sizeof(pkt) ?
	    (size_t)(pkt[0] & 0xf) * 4 : 20, 0)));
	got = ipv4_parse(pkt, len, &ip);
	ATF_CHECK_MSG(got == err, "%s: ipv4_parse returned %d (%s), "
	    "expected %d (%s)", what, got, inet_error_name(got), err,
	    inet_error_name(err));
}

ATF_TC_WITHOUT_HEAD(ipv4_bad_lengths_are_refused);
ATF_TC_BODY(ipv4_bad_lengths_are_refused, tc)
{

	expect_ipv4_error(0, 0x45, 19, -INET_ESHORT, "19 bytes");
	expect_ipv4_error(0, 0x45, 0, -INET_ESHORT, "empty");
	expect_ipv4_error(0, 0x44, 0x73, -INET_EHLEN, "header of 16 bytes");
	expect_ipv4_error(0, 0x4f, 40, -INET_EHLEN,
	    "header of 60 bytes in a 40-byte packet");
	expect_ipv4_error(0, 0x65, 0x73, -INET_EVERSION, "version 6");
	/* Total length 0x0173 > the 0x73 bytes there. */
	expect_ipv4_error(2, 0x01, 0x73, -INET_ELEN, "total beyond the data");
	/* Total length 0x0013 < the header. */
	expect_ipv4_error(3, 0x13, 0x73, -INET_ELEN, "total below the header");
	expect_ipv4_error(3, 0x73, 0x72, -INET_ELEN, "one byte missing");
	/* More-fragments set: not reassembled. */
	expect_ipv4_error(6, 0x20, 0x73, -INET_EFRAG, "a fragment");
}

ATF_TC_WITHOUT_HEAD(ipv4_bad_checksum_is_refused);
ATF_TC_BODY(ipv4_bad_checksum_is_refused, tc)
{
	uint8_t pkt[0x73];
	struct ipv4_info ip;

	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, ip_example, sizeof(ip_example));
	pkt[8] = 0x3f;			/* TTL changed, checksum not */
	ATF_CHECK_EQ(ipv4_parse(pkt, sizeof(pkt), &ip), -INET_ECKSUM);
}

ATF_TC_WITHOUT_HEAD(arp_is_parsed_and_bad_ones_refused);
ATF_TC_BODY(arp_is_parsed_and_bad_ones_refused, tc)
{
	static const uint8_t req[ARP_LEN] = {
	    0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
	    0x00, 0x16, 0x3e, 0x01, 0x02, 0x03, 169, 254, 0, 1,
	    0, 0, 0, 0, 0, 0, 169, 254, 0, 2 };
	uint8_t bad[ARP_LEN];
	struct arp_info arp;

	ATF_REQUIRE_EQ(arp_parse(req, sizeof(req), &arp), 0);
	ATF_CHECK_EQ(arp.op, ARP_OP_REQUEST);
	ATF_CHECK_EQ(arp.spa, 0xa9fe0001u);
	ATF_CHECK_EQ(arp.tpa, 0xa9fe0002u);
	ATF_CHECK_EQ(arp.sha[0], 0x00);
	ATF_CHECK_EQ(arp.sha[5], 0x03);
	ATF_CHECK_EQ(arp_parse(req, ARP_LEN - 1, &arp), -INET_ESHORT);
	ATF_CHECK_EQ(arp_parse(req, 0, &arp), -INET_ESHORT);
	memcpy(bad, req, sizeof(bad));
	bad[4] = 8;			/* 8-byte hardware addresses */
	ATF_CHECK_EQ(arp_parse(bad, sizeof(bad), &arp), -INET_EFORMAT);
	memcpy(bad, req, sizeof(bad));
	bad[3] = 0xdd;			/* protocol 0x86dd: IPv6 */
	ATF_CHECK_EQ(arp_parse(bad, sizeof(bad), &arp), -INET_EFORMAT);
}

ATF_TC_WITHOUT_HEAD(udp_checksum_is_verified);
ATF_TC_BODY(udp_checksum_is_verified, tc)
{
	uint8_t pkt[IP_HDR_LEN + UDP_HDR_LEN + 101];
	struct ipv4_info ip;
	struct udp_info u;
	size_t len;

	len = build_udp(pkt, 101);	/* odd: the padded last word */
	ATF_REQUIRE_EQ(ipv4_parse(pkt, len, &ip), 0);
	ATF_REQUIRE_EQ(udp_parse(&ip, 0, &u), 0);
	ATF_CHECK(u.checked);
	ATF_CHECK_EQ(u.sport, 1234);
	ATF_CHECK_EQ(u.dport, 7);
	ATF_CHECK_EQ(u.len, 101u);
	ATF_CHECK(u.data == pkt + IP_HDR_LEN + UDP_HDR_LEN);
	/* One data byte flipped: refused. */
	pkt[IP_HDR_LEN + UDP_HDR_LEN + 50] ^= 0x10;
	ATF_CHECK_EQ(udp_parse(&ip, 0, &u), -INET_ECKSUM);
	/* A zero field means "no checksum": taken unverified. */
	inet_put16(pkt + IP_HDR_LEN + 6, 0);
	ATF_CHECK_EQ(udp_parse(&ip, 0, &u), 0);
	ATF_CHECK(!u.checked);
}

ATF_TC_WITHOUT_HEAD(udp_csum_blank_is_taken_not_dropped);
ATF_TC_BODY(udp_csum_blank_is_taken_not_dropped, tc)
{
	uint8_t pkt[IP_HDR_LEN + UDP_HDR_LEN + 64];
	struct ipv4_info ip;
	struct udp_info u;
	size_t len;

	/*
	 * What dom0's stack sends with offload: the field holds only the
	 * pseudo-header sum (not complemented), which does not verify.
	 */
	len = build_udp(pkt, 64);
	inet_put16(pkt + IP_HDR_LEN + 6, (uint16_t)~inet_cksum_fold(
	    inet_pseudo_sum(0x0a000001, 0x0a000002, IP_PROTO_UDP,
	    UDP_HDR_LEN + 64)));
	ATF_REQUIRE_EQ(ipv4_parse(pkt, len, &ip), 0);
	ATF_CHECK_EQ(udp_parse(&ip, 0, &u), -INET_ECKSUM);
	ATF_CHECK_EQ(udp_parse(&ip, NET_CSUM_BLANK, &u), 0);
	ATF_CHECK_EQ(udp_parse(&ip, NET_CSUM_VALIDATED, &u), 0);
	ATF_CHECK_EQ(udp_parse(&ip, NET_CSUM_BLANK | NET_CSUM_VALIDATED,
	    &u), 0);
	ATF_CHECK_EQ(u.len, 64u);
}

ATF_TC_WITHOUT_HEAD(udp_bad_lengths_are_refused);
ATF_TC_BODY(udp_bad_lengths_are_refused, tc)
{
	uint8_t pkt[IP_HDR_LEN + UDP_HDR_LEN + 16];
	struct ipv4_info ip;
	struct udp_info u;
	size_t len;

	len = build_udp(pkt, 16);
	ATF_REQUIRE_EQ(ipv4_parse(pkt, len, &ip), 0);
	/* The UDP length claims more than the IP packet holds. */
	inet_put16(pkt + IP_HDR_LEN + 4, UDP_HDR_LEN + 17);
	ATF_CHECK_EQ(udp_parse(&ip, NET_CSUM_BLANK, &u), -INET_ELEN);
	/* ... or less than its own header. */
	inet_put16(pkt + IP_HDR_LEN + 4, 7);
	ATF_CHECK_EQ(udp_parse(&ip, NET_CSUM_BLANK, &u), -INET_ELEN);
	/* An IP payload too short for a UDP header. */
	ip.plen = UDP_HDR_LEN - 1;
	ATF_CHECK_EQ(udp_parse(&ip, NET_CSUM_BLANK, &u), -INET_ESHORT);
}

ATF_TC_WITHOUT_HEAD(icmp_checksum_and_length);
ATF_TC_BODY(icmp_checksum_and_length, tc)
{
	uint8_t msg[ICMP_HDR_LEN + 5] = { ICMP_ECHO_REQUEST, 0, 0, 0,
	    0x64, 0x6f, 0, 1, 'h', 'e', 'l', 'l', 'o' };
	struct ipv4_info ip;

	inet_put16(msg + 2, inet_cksum_fold(inet_sum(msg, sizeof(msg), 0)));
	memset(&ip, 0, sizeof(ip));
	ip.payload = msg;
	ip.plen = sizeof(msg);
	ATF_CHECK_EQ(icmp_parse(&ip, 0), 0);
	ip.plen = ICMP_HDR_LEN - 1;
	ATF_CHECK_EQ(icmp_parse(&ip, 0), -INET_ESHORT);
	ip.plen = sizeof(msg);
	msg[9] = 'E';
	ATF_CHECK_EQ(icmp_parse(&ip, 0), -INET_ECKSUM);
	/* ICMP is never offloaded: csum_blank does not excuse it. */
	ATF_CHECK_EQ(icmp_parse(&ip, NET_CSUM_BLANK), -INET_ECKSUM);
}

ATF_TC_WITHOUT_HEAD(addresses_from_the_command_line);
ATF_TC_BODY(addresses_from_the_command_line, tc)
{
	uint32_t a;
	unsigned int p = 99;

	ATF_CHECK_EQ(inet_parse_addr("169.254.0.2/16", &a, &p), 0);
	ATF_CHECK_EQ(a, 0xa9fe0002u);
	ATF_CHECK_EQ(p, 16u);
	p = 99;
	ATF_CHECK_EQ(inet_parse_addr("10.0.0.1", &a, &p), 0);
	ATF_CHECK_EQ(p, 99u);
	ATF_CHECK(inet_parse_addr("10.0.0", &a, &p) != 0);
	ATF_CHECK(inet_parse_addr("10.0.0.256", &a, &p) != 0);
	ATF_CHECK(inet_parse_addr("10.0.0.1/33", &a, &p) != 0);
	ATF_CHECK(inet_parse_addr("10.0.0.1/0", &a, &p) != 0);
	ATF_CHECK(inet_parse_addr("10.0.0.1x", &a, &p) != 0);
	ATF_CHECK(inet_parse_addr("", &a, &p) != 0);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, checksum_matches_rfc1071_examples);
	ATF_TP_ADD_TC(tp, ipv4_good_header_is_parsed);
	ATF_TP_ADD_TC(tp, ipv4_bad_lengths_are_refused);
	ATF_TP_ADD_TC(tp, ipv4_bad_checksum_is_refused);
	ATF_TP_ADD_TC(tp, arp_is_parsed_and_bad_ones_refused);
	ATF_TP_ADD_TC(tp, udp_checksum_is_verified);
	ATF_TP_ADD_TC(tp, udp_csum_blank_is_taken_not_dropped);
	ATF_TP_ADD_TC(tp, udp_bad_lengths_are_refused);
	ATF_TP_ADD_TC(tp, icmp_checksum_and_length);
	ATF_TP_ADD_TC(tp, addresses_from_the_command_line);
	return (atf_no_error());
}
