/*
 * xen/hvm.h - the hypercall of HVM guests: HVM parameters.
 *
 * An HVM guest learns from HVM parameters what a PV guest reads in
 * start_info: the frames and event channels of the console and xenstore
 * rings, and where Xen should deliver events.  The toolstack sets them
 * when it builds the domain; the guest reads (and for the callback,
 * writes) them with HVMOP_get_param and HVMOP_set_param.  Protocol:
 * xen/include/public/hvm/hvm_op.h (the operation) and
 * xen/include/public/hvm/params.h (the parameters and their meaning).
 *
 * Only HVM-aware code includes this (the xenpci driver); a PV domain
 * gets -EINVAL or -ENOSYS for these calls.  Machine-independent: the
 * hypercall is the same on every architecture that has HVM guests.
 */
#ifndef _XEN_HVM_H_
#define _XEN_HVM_H_

#include "xen/xen.h"

#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "xen/hypercall.h"

/*
 * hvm_op: operations on HVM domains; arg points to the structure the
 * operation names (struct xen_hvm_param for the two below).
 */
static inline long
HYPERVISOR_hvm_op(int op, void *arg)
{

	return (hypercall2(__HYPERVISOR_hvm_op, (unsigned long)op,
	    (unsigned long)arg));
}

/**
 * @brief Read HVM parameter `index` of our own domain into *value.
 * @return 0, or a negative Xen errno (-EINVAL for an index Xen does not
 *	know); *value is left alone on error
 */
static inline int
hvm_get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = {
		.domid = DOMID_SELF,
		.index = index,
	};
	int error;

	error = (int)HYPERVISOR_hvm_op(HVMOP_get_param, &p);
	if (error == 0)
		*value = p.value;
	return (error);
}

/**
 * @brief Set HVM parameter `index` of our own domain.  A guest may set
 *	only a few (HVM_PARAM_CALLBACK_IRQ among them); Xen refuses the rest.
 * @return 0, or a negative Xen errno
 */
static inline int
hvm_set_param(uint32_t index, uint64_t value)
{
	struct xen_hvm_param p = {
		.domid = DOMID_SELF,
		.index = index,
		.value = value,
	};

	return ((int)HYPERVISOR_hvm_op(HVMOP_set_param, &p));
}

#endif /* !_XEN_HVM_H_ */
