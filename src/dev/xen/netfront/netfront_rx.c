/*
 * dev/xen/netfront/netfront_rx.c - one rx response of the netif ring,
 * read once and checked (see netfront_rx.h); netfront.c calls it for
 * every slot it takes, under its lock, after it has read rsp_prod and
 * issued the read barrier that lets it read the slot at all.
 *
 * Why "once": the response lives in a page the back end may write at
 * any moment.  A field read twice - once to check it, once to use it -
 * can change in between (a double fetch), and the check then protects
 * nothing: an id that was in range when tested indexes anything when
 * used.  So every field goes into a private copy first, and only the
 * copy is checked and used.  A NATIVE driver trusts its device's
 * descriptors rather more; a back end is another domain.
 *
 * Protocol: xen/include/public/io/netif.h (struct netif_rx_response,
 * NETRXF_*).  Lab: labs/06-netfront.
 */

#include "xen/xen.h"

#include "net/inet.h"
#include "xen/barrier.h"
#include "xen/gnttab.h"
#include "dev/xen/netfront/netfront_rx.h"

int
netfront_rx_read(const netif_rx_response_t *rsp, unsigned int slot,
    struct netfront_rx_rsp *out)
{
	int verdict = NETFRONT_RX_OK;

	/* Used below; these keep the handout's empty body compiling. */
	(void)rsp;
	(void)slot;
	(void)out;
	/* LAB netfront: BEGIN */
	/*
	 * Each field once, into the private copy; from here on only the
	 * copy is looked at.
	 */
	out->id = READ_ONCE(rsp->id);
	out->offset = READ_ONCE(rsp->offset);
	out->flags = READ_ONCE(rsp->flags);
	out->status = READ_ONCE(rsp->status);
	/*
	 * The back end answers requests in order, and request i carried
	 * buffer i % ring size: any other id names a buffer it was not
	 * given at this index (perhaps one we are reading right now).
	 */
	if (out->id != slot)
		verdict = NETFRONT_RX_BADID;
	/*
	 * A positive status is the data's size at offset in the buffer's
	 * page: both are 16 bits, so their sum can reach 128 KiB - far
	 * past the 4 KiB page we would copy from.  Added as size_t, no
	 * wrap.  A negative status (NETIF_RSP_ERROR, _DROPPED) carries no
	 * data, and its offset does not matter.
	 */
	else if (out->status > 0 &&
	    (size_t)out->offset + (size_t)out->status > GNTTAB_PAGE_SIZE)
		verdict = NETFRONT_RX_OVERFLOW;
	/* LAB netfront: END */
	return (verdict);
}

unsigned int
netfront_rx_csum(uint16_t flags)
{
	unsigned int csum = 0;

	(void)flags;		/* as above, for the handout */
	/* LAB netfront: BEGIN */
	/*
	 * csum_blank: the sender left the transport checksum to offload
	 * that never ran; the field holds only the pseudo-header sum and
	 * the packet must be taken WITHOUT verifying it.  Verifying and
	 * dropping it is the bug that loses all UDP from dom0's stack.
	 * data_validated: netback (or the sender) checked it already.
	 */
	if (flags & NETRXF_csum_blank)
		csum |= NET_CSUM_BLANK;
	if (flags & NETRXF_data_validated)
		csum |= NET_CSUM_VALIDATED;
	/* LAB netfront: END */
	return (csum);
}
