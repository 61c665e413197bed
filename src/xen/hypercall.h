/*
 * xen/hypercall.h - named, typed hypercalls for machine-independent code.
 *
 * Each wrapper turns one hypercall of xen/include/public/xen.h into a C
 * function, using the raw hypercallN() entry that the architecture
 * provides in <machine/hypercall.h> (src/i386/include or
 * src/amd64/include).  Drivers call these and never care whether they
 * run in the PV i386 or the HVM amd64 kernel: both enter Xen through a
 * hypercall page, only the registers differ.
 *
 * Return values follow Xen's convention: 0 or a positive result on
 * success, a negative errno from xen/include/public/errno.h on failure.
 */
#ifndef _XEN_HYPERCALL_H_
#define _XEN_HYPERCALL_H_

#include "xen/xen.h"

#include <machine/hypercall.h>

/*
 * console_io: CONSOLEIO_write puts bytes straight on Xen's own console
 * (the serial line).  Xen accepts it from a domU only when built with
 * CONFIG_VERBOSE_DEBUG; we use it for early and panic output, before or
 * instead of the console ring.
 */
static inline long
HYPERVISOR_console_io(int cmd, unsigned int count, const char *buf)
{
	return (hypercall3(__HYPERVISOR_console_io, (unsigned long)cmd,
	    count, (unsigned long)buf));
}

/*
 * sched_op: give up the CPU (SCHEDOP_yield), sleep until an event
 * (SCHEDOP_block, SCHEDOP_poll) or end the domain (SCHEDOP_shutdown).
 * The argument structures are in xen/include/public/sched.h.
 */
static inline long
HYPERVISOR_sched_op(int cmd, void *arg)
{
	return (hypercall2(__HYPERVISOR_sched_op, (unsigned long)cmd,
	    (unsigned long)arg));
}

/*
 * event_channel_op: everything about event channels (send, bind,
 * close, ...); the commands and their argument structures are in
 * xen/include/public/event_channel.h.
 */
static inline long
HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return (hypercall2(__HYPERVISOR_event_channel_op, (unsigned long)cmd,
	    (unsigned long)arg));
}

/*
 * xen_version: the hypervisor's version (XENVER_version returns
 * major << 16 | minor) and other facts about it
 * (xen/include/public/version.h).
 */
static inline long
HYPERVISOR_xen_version(int cmd, void *arg)
{
	return (hypercall2(__HYPERVISOR_xen_version, (unsigned long)cmd,
	    (unsigned long)arg));
}

#endif /* !_XEN_HYPERCALL_H_ */
