/*
 * kern/test_netfront_rx.c - the `netfront_rx` test: netfront's reading
 * of rx responses (src/dev/xen/netfront/netfront_rx.c) against
 * responses a hostile back end could write, with no back end at all.
 *
 * The responses are laid out in an ordinary page, as netback would
 * write them into the shared ring, and handed to netfront_rx_read()
 * and netfront_rx_csum():
 *
 *   nf-rx-read   a good response is copied field by field; an id other
 *                than the buffer posted at that index, and data running
 *                past the page (offset + size > 4096, up to 128 KiB with
 *                16-bit fields), are refused; an error status passes
 *                with its offset ignored
 *   nf-rx-csum   NETRXF_csum_blank and NETRXF_data_validated become the
 *                stack's flags, and a UDP datagram whose checksum field
 *                holds only the pseudo-header sum - what dom0's stack
 *                sends with offload - is then taken, not dropped
 *
 * Needs nothing from dom0, so the default run (make run) has it; lab 06
 * (labs/06-netfront) is graded on it.
 */

#include "xen/xen.h"

#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/test.h"
#include "net/inet.h"
#include "dev/xen/netfront/netfront_rx.h"

/* The ring's responses, in memory standing for the shared page. */
static netif_rx_response_t test_ring[8];

/* Write one response as a back end would. */
static void
put_response(unsigned int i, uint16_t id, uint16_t offset, uint16_t flags,
    int16_t status)
{

	test_ring[i].id = id;
	test_ring[i].offset = offset;
	test_ring[i].flags = flags;
	test_ring[i].status = status;
}

/* Read slot i (whose buffer is `slot`); 1 when the verdict is `want`. */
static int
expect_read(unsigned int i, unsigned int slot, int want, const char *what)
{
	struct netfront_rx_rsp r;
	int got;

	memset(&r, 0xa5, sizeof(r));
	got = netfront_rx_read(&test_ring[i], slot, &r);
	if (got != want) {
		report("nf-rx-read", FAIL, "%s: verdict %d, expected %d "
		    "(0 ok, 1 bad id, 2 past the page)", what, got, want);
		return (0);
	}
	return (1);
}

static void
check_read(void)
{
	struct netfront_rx_rsp r;

	/* A good one: 98 bytes at offset 16, in the buffer posted (5). */
	put_response(0, 5, 16, NETRXF_data_validated, 98);
	memset(&r, 0, sizeof(r));
	if (netfront_rx_read(&test_ring[0], 5, &r) != NETFRONT_RX_OK ||
	    r.id != 5 || r.offset != 16 || r.status != 98 ||
	    r.flags != NETRXF_data_validated) {
		report("nf-rx-read", FAIL, "a good response read as id %u "
		    "offset %u flags 0x%x status %d; expected 5 16 0x%x 98",
		    r.id, r.offset, r.flags, r.status, NETRXF_data_validated);
		return;
	}
	put_response(1, 6, 0, 0, 64);		/* buffer 6 at index of 5 */
	put_response(2, 5, 4000, 0, 200);	/* 4200 > 4096 */
	put_response(3, 5, 0, 0, 4096);		/* exactly the page */
	put_response(4, 5, 0xffff, 0, 0x7fff);	/* 16-bit sum: 96 KiB */
	put_response(5, 5, 0xffff, 0, NETIF_RSP_ERROR);	/* no data */
	put_response(6, 300, 0, 0, 64);		/* id beyond the ring */
	if (!expect_read(1, 5, NETFRONT_RX_BADID, "id 6 for buffer 5") ||
	    !expect_read(6, 5, NETFRONT_RX_BADID, "id 300") ||
	    !expect_read(2, 5, NETFRONT_RX_OVERFLOW, "200 bytes at 4000") ||
	    !expect_read(4, 5, NETFRONT_RX_OVERFLOW, "32767 bytes at 65535") ||
	    !expect_read(3, 5, NETFRONT_RX_OK, "4096 bytes at 0") ||
	    !expect_read(5, 5, NETFRONT_RX_OK, "an error status"))
		return;
	report("nf-rx-read", PASS, "good response copied; wrong ids and data "
	    "past the page refused; error status passed");
}

static void
check_csum(void)
{
	uint8_t pkt[IP_HDR_LEN + UDP_HDR_LEN + 32];
	uint8_t *u = pkt + IP_HDR_LEN;
	struct ipv4_info ip;
	struct udp_info udp;
	unsigned int flags;
	size_t ulen = UDP_HDR_LEN + 32;
	int err;

	flags = netfront_rx_csum(NETRXF_csum_blank | NETRXF_data_validated);
	if (flags != (NET_CSUM_BLANK | NET_CSUM_VALIDATED) ||
	    netfront_rx_csum(0) != 0 ||
	    netfront_rx_csum(NETRXF_more_data) != 0) {
		report("nf-rx-csum", FAIL, "NETRXF_csum_blank|data_validated "
		    "became 0x%x, expected 0x%x", flags,
		    NET_CSUM_BLANK | NET_CSUM_VALIDATED);
		return;
	}
	/* A datagram as dom0 sends it with offload: pseudo-header sum only. */
	memset(pkt, 0x5a, sizeof(pkt));
	inet_put16(u, 40000);
	inet_put16(u + 2, 7);
	inet_put16(u + 4, (uint16_t)ulen);
	inet_put16(u + 6, (uint16_t)~inet_cksum_fold(inet_pseudo_sum(
	    0xa9fe0001, 0xa9fe0002, IP_PROTO_UDP, ulen)));
	ipv4_build(pkt, 0xa9fe0001, 0xa9fe0002, IP_PROTO_UDP, 1, ulen);
	if (ipv4_parse(pkt, sizeof(pkt), &ip) != 0 ||
	    udp_parse(&ip, 0, &udp) != -INET_ECKSUM) {
		report("nf-rx-csum", FAIL, "the blank-checksum datagram was "
		    "not what the test meant to build");
		return;
	}
	err = udp_parse(&ip, netfront_rx_csum(NETRXF_csum_blank), &udp);
	if (err != 0) {
		report("nf-rx-csum", FAIL, "a NETRXF_csum_blank datagram was "
		    "refused (%s): it has no valid checksum yet and must be "
		    "taken", inet_error_name(err));
		return;
	}
	report("nf-rx-csum", PASS, "csum_blank and data_validated mapped; a "
	    "csum_blank UDP datagram is taken");
}

static void
test_netfront_rx(void)
{

	check_read();
	check_csum();
}

DOMU_TEST(netfront_rx, "netfront's rx response checks and checksum flags, "
    "against hostile responses", test_netfront_rx, 0);
