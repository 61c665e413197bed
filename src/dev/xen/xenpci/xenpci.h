/*
 * dev/xen/xenpci/xenpci.h - the xenpci(4) driver's entry points.
 * See xenpci.c for the driver and man4/xenpci.4 for the device.
 */
#ifndef _DEV_XEN_XENPCI_H_
#define _DEV_XEN_XENPCI_H_

#include <stddef.h>
#include <stdint.h>

/**
 * @brief Find the Xen platform PCI device and set the HVM kernel up to
 *	talk to Xen: unplug emulated disks and NICs, map shared_info in the
 *	device's memory BAR, have events delivered on a vector, and fill
 *	boot_info with the console and xenstore rings.
 *
 * Called once by amd64_start() before kernel_main().  Problems after the
 * device was found are recorded and reported by the `xenpci` test; the
 * kernel goes on with what worked.
 * @return NULL when attached; otherwise why the kernel cannot use Xen
 *	("no Xen platform device", ...), for a SKIP line
 */
const char *xenpci_attach(void);

/**
 * @brief Have Xen deliver events on vector IDT_EVTCHN
 *	(HVM_PARAM_CALLBACK_IRQ), where the handler calls evtchn_upcall().
 *
 * The HVM kernel's arch_events_init(): called once by evtchn_init()
 * with interrupts off.  A failure is recorded for the `xenpci` test.
 */
void	xenpci_events_init(void);

/**
 * @brief In a restored domain, put back what Xen forgot: shared_info at
 *	its BAR page, the event callback, the console and xenstore ports
 *	(into boot_info).  Called by the HVM kernel's arch_suspend().
 * @return 0, or -1 when a step failed (the `xenpci` test says which)
 */
int	xenpci_resume(void);

/**
 * @brief Take page-aligned guest-physical space from the device's
 *	memory BAR, where Xen can map frames (shared_info now, grant-table
 *	frames later) without giving up a page of RAM.
 * @param size bytes wanted, rounded up to whole pages
 * @return the guest-physical address, or 0 when the BAR is used up
 */
uint64_t xenpci_alloc_space(size_t size);

#endif /* !_DEV_XEN_XENPCI_H_ */
