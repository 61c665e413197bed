/*
 * dev/xen/netfront/netfront_rx.h - reading one rx response of the
 * netif ring (xen/include/public/io/netif.h) safely: each field once,
 * then checked; and what its flags say about the frame's checksum.
 *
 * Split out of netfront.c so that the built-in test netfront_rx
 * (src/kern/test_netfront_rx.c) can feed it hostile responses without a
 * back end, and so that lab 06 (labs/06-netfront) can hand it out.
 * Manual: man4/netfront.4.  Walkthrough: walkthroughs/netfront.md, step 4.
 */
#ifndef _DEV_XEN_NETFRONT_NETFRONT_RX_H_
#define _DEV_XEN_NETFRONT_NETFRONT_RX_H_

#include <stdint.h>

#include "xen/xen.h"

#include <xen/io/ring.h>
#include <xen/io/netif.h>

/* netfront_rx_read() verdicts. */
#define	NETFRONT_RX_OK		0
#define	NETFRONT_RX_BADID	1	/* id is not the buffer posted there */
#define	NETFRONT_RX_OVERFLOW	2	/* offset + size past the page */

/* A response's fields, as read once from the shared ring. */
struct netfront_rx_rsp {
	uint16_t	id;
	uint16_t	offset;
	uint16_t	flags;		/* NETRXF_* */
	int16_t		status;		/* size, or NETIF_RSP_* < 0 */
};

/**
 * @brief Copy the response rsp, in shared memory the back end writes,
 *	into *out - reading each field exactly once - and check it: its id
 *	must be `slot`, the buffer posted at its ring index, and a
 *	positive status (the size) at its offset must fit in a page.
 * @return NETFRONT_RX_OK, NETFRONT_RX_BADID or NETFRONT_RX_OVERFLOW
 */
int	netfront_rx_read(const netif_rx_response_t *rsp, unsigned int slot,
	    struct netfront_rx_rsp *out);

/**
 * @brief The stack's NET_CSUM_* flags (net/inet.h) for a frame whose
 *	first response carried the NETRXF_* flags `flags`.
 */
unsigned int	netfront_rx_csum(uint16_t flags);

#endif /* !_DEV_XEN_NETFRONT_NETFRONT_RX_H_ */
