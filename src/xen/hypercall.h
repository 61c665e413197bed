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

/*
 * memory_op: the domain's memory reservation and physical map
 * (XENMEM_* in xen/include/public/memory.h): balloon up and down,
 * add_to_physmap for an HVM guest, the machine-to-phys area.
 */
static inline long
HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{

	return (hypercall2(__HYPERVISOR_memory_op, cmd, (unsigned long)arg));
}

/*
 * grant_table_op: set up, query and use grant tables
 * (GNTTABOP_* in xen/include/public/grant_table.h); count is the number
 * of argument structures in the array.
 */
static inline long
HYPERVISOR_grant_table_op(unsigned int cmd, void *args, unsigned int count)
{

	return (hypercall3(__HYPERVISOR_grant_table_op, cmd,
	    (unsigned long)args, count));
}

/*
 * vcpu_op: per-vCPU operations (VCPUOP_* in xen/include/public/vcpu.h),
 * such as the one-shot timer that replaces a local APIC timer.
 */
static inline long
HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{

	return (hypercall3(__HYPERVISOR_vcpu_op, (unsigned long)cmd, vcpu,
	    (unsigned long)arg));
}

#endif /* !_XEN_HYPERCALL_H_ */
