/*
 * dev/xen/console/console.h - the console(4) driver's entry points.
 * See console.c for the driver and man4/xen.4 for the device.
 */
#ifndef _DEV_XEN_CONSOLE_H_
#define _DEV_XEN_CONSOLE_H_

/**
 * @brief Attach the console ring named in boot_info as the kernel console.
 *
 * Called first thing in kernel_main().  If the architecture found no
 * ring, output stays on the early console and a message says so.
 */
void	xencons_init(void);

/**
 * @brief Bind the console's event channel to a handler that wakes
 *	waiting writers and readers, so that they sleep instead of
 *	polling the port.
 *
 * Called by kernel_main() once events and threads are up.
 */
void	xencons_intr_init(void);

/**
 * @brief After a restore into a new domain (evtchn_resume() done): bind
 *	the console's new port, boot_info.console_evtchn (control(4)).
 */
void	xencons_resume(void);

#endif /* !_DEV_XEN_CONSOLE_H_ */
