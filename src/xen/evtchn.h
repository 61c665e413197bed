/*
 * xen/evtchn.h - event channels, Xen's replacement for interrupts.
 *
 * An event channel is a port number; sending on it sets a pending bit
 * in the peer domain's shared_info page and, unless masked, makes Xen
 * call the peer's event callback.  Protocol:
 * xen/include/public/event_channel.h.  For now only sending is
 * implemented; receiving (the upcall, masks, handlers) comes with the
 * kernel core (see walkthroughs/boot-pv.md).
 */
#ifndef _XEN_EVTCHN_H_
#define _XEN_EVTCHN_H_

#include <stdint.h>

/**
 * @brief Notify the other end of an event channel (EVTCHNOP_send).
 * @param port a port bound in this domain
 * @return 0, or a negative Xen errno (e.g. -EINVAL for a bad port)
 */
int	evtchn_send(uint32_t port);

#endif /* !_XEN_EVTCHN_H_ */
