/*
 * xen/evtchn.c - event channel operations shared by both kernels.
 *
 * Interface in xen/evtchn.h; the hypercall and its structures are in
 * xen/include/public/event_channel.h.
 */

#include "xen/xen.h"

#include <xen/event_channel.h>

#include "xen/evtchn.h"
#include "xen/hypercall.h"

int
evtchn_send(uint32_t port)
{
	struct evtchn_send send = { .port = port };

	return ((int)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send));
}
