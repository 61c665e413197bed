/*
 * dev/xen/control/control.h - the control driver: shutdown, reboot and
 * suspend requests from dom0's toolstack.
 *
 * Where this sits: kernel_main() (kern/main.c) calls control_init() once
 * xenstore can be reached and threads may sleep, before the tests run.
 * From then on the driver's watch on control/shutdown runs in the
 * xenwatch thread (xen/xenstore.c).  Requests to end the domain go to
 * kern/shutdown.h; a suspend request is carried out at once.
 *
 * Protocol: the ~/control/ nodes of Xen's docs/misc/xenstore-paths.pandoc;
 * the toolstack side is libxl's libxl_domain.c (libxl__domain_pvcontrol)
 * and libxl_dom_suspend.c.  See control(4) and walkthroughs/control.md.
 */
#ifndef _DEV_XEN_CONTROL_CONTROL_H_
#define _DEV_XEN_CONTROL_CONTROL_H_

#include <stdint.h>

/* Our nodes, relative to the domain's home /local/domain/<domid>. */
#define	CONTROL_SHUTDOWN	"control/shutdown"
#define	CONTROL_FEATURE_POWEROFF "control/feature-poweroff"
#define	CONTROL_FEATURE_REBOOT	"control/feature-reboot"
#define	CONTROL_FEATURE_SUSPEND	"control/feature-suspend"

/* The longest request we accept; every known one is shorter. */
#define	CONTROL_REQ_MAX		16

/* What the driver has seen, for tests and control(4)'s figures. */
struct control_stats {
	unsigned long	requests;	/* requests acknowledged */
	unsigned long	ignored;	/* unknown or over-long values */
	unsigned long	suspends;	/* suspends completed (resumed) */
	unsigned long	cancelled;	/* ... of which Xen cancelled */
	uint64_t	last_request_ns; /* Xen time the last one was read */
	uint64_t	suspend_ns;	/* last suspend: hypercall made */
	uint64_t	resume_ns;	/* last suspend: everything back */
};

/**
 * @brief Start the driver: advertise what we support in the
 *	control/feature-* nodes and watch control/shutdown.
 * @return 0, or -errno when xenstore cannot be reached or the watch
 *	not set (logged; the domain then cannot be shut down politely)
 */
int	control_init(void);

/**
 * @brief Write "1" into control/feature-poweroff, feature-reboot and
 *	(when control_can_suspend()) feature-suspend.  At start-up, and
 *	again after a restore: the new domain's home is new.
 * @return 0, or -errno
 */
int	control_advertise(void);

/**
 * @brief Copy the driver's counters into *st.
 */
void	control_get_stats(struct control_stats *st);

#endif /* !_DEV_XEN_CONTROL_CONTROL_H_ */
