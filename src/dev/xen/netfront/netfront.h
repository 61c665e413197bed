/*
 * dev/xen/netfront/netfront.h - netfront, the network interface a Xen
 * guest imports from a back end (Linux's netback in dom0): what the
 * rest of the kernel and the tests may ask of it.
 *
 * The driver attaches to every device/vif/<id> that xenbus finds or
 * that is hot-plugged later (xl network-attach), connects the two
 * rings of xen/include/public/io/netif.h, and gives the IPv4 stack
 * (net/net.h) an interface.  Manual: man4/netfront.4.  Walkthrough:
 * walkthroughs/netfront.md.
 */
#ifndef _DEV_XEN_NETFRONT_NETFRONT_H_
#define _DEV_XEN_NETFRONT_NETFRONT_H_

#include <stdbool.h>
#include <stdint.h>

/* Devices netfront can drive at once (a detached one keeps its slot). */
#define	NETFRONT_MAX_UNITS	4

/* What a test may learn of one interface. */
struct netfront_info {
	char		nodename[32];	/* "device/vif/0" */
	bool		connected;	/* both ends Connected, rings in use */
	bool		failed;		/* closed after a back-end error */
	uint8_t		mac[6];
	bool		sg;		/* scatter-gather in use */
	bool		csum_offload;	/* we send NETTXF_csum_blank */
	uint64_t	handshake_ns;	/* attach or re-attach to Connected */
	unsigned int	connects;	/* times connected */
	unsigned int	disconnects;	/* times the back end went away */
	unsigned int	resumes;	/* restores followed (control(4)) */
	unsigned long	rx_packets, rx_bytes, rx_errors;
	unsigned long	rx_csum_blank, rx_data_validated, rx_multislot;
	unsigned long	tx_packets, tx_bytes, tx_errors, tx_dropped;
	unsigned long	tx_multislot;
	unsigned long	events;		/* event-channel notifications */
};

/**
 * @brief Copy what is known of unit (0 .. NETFRONT_MAX_UNITS - 1) into
 *	*info.
 * @return 0, or -ENOENT when the unit was never attached
 */
int	netfront_get_info(unsigned int unit, struct netfront_info *info);

/**
 * @brief Wait until a unit connects or disconnects after the count
 *	`seen` (as returned before), or timeout_ms pass.
 * @return the current count of such changes
 */
unsigned int	netfront_wait_change(unsigned int seen,
		    unsigned int timeout_ms);

#endif /* !_DEV_XEN_NETFRONT_NETFRONT_H_ */
