/*
 * xen/xen.h - how our kernel includes Xen's public interface.
 *
 * We do not re-declare any Xen structure: every layout comes from Xen's
 * public headers (Debian's libxen-dev, /usr/include/xen, reached as
 * <xen/...> through build/include/xen).  Those headers expect the
 * includer to provide the fixed-width integer types and to choose an
 * interface version; this file does both, once, so every other file can
 * simply include "xen/xen.h" and the public headers it needs.
 *
 * Our own headers are included with quotes ("xen/hypercall.h", found in
 * src/ through -iquote) and Xen's with angle brackets (<xen/sched.h>),
 * so a name used by both, such as evtchn.h, is never ambiguous.
 */
#ifndef _DOMU_XEN_XEN_H_
#define _DOMU_XEN_XEN_H_

#include <stddef.h>
#include <stdint.h>

/*
 * Speak the newest interface these headers describe.  Older interface
 * versions select compatibility names for a few hypercalls that we do
 * not want (see xen/include/public/xen-compat.h).
 */
#ifndef __XEN_INTERFACE_VERSION__
#define	__XEN_INTERFACE_VERSION__	__XEN_LATEST_INTERFACE_VERSION__
#endif

#include <xen/xen.h>

#endif /* !_DOMU_XEN_XEN_H_ */
