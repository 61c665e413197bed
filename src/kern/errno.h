/*
 * kern/errno.h - the kernel's error numbers: Xen's.
 *
 * A hypercall fails with a negative error number from
 * xen/include/public/errno.h, and xenstored reports errors by name
 * ("ENOENT"), which xen/include/public/io/xs_wire.h maps to numbers in
 * its table xsd_errors.  Taking our numbers straight from Xen's list
 * means a hypercall's -EBUSY and a xenstore -EBUSY are the same value,
 * with no translation table of our own.  (They are also Linux's numbers,
 * which is why the host unit tests may compare against <errno.h>.)
 *
 * Xen's errno.h is written to be included this way: an includer that
 * defines XEN_ERRNO(name, value) gets just the list, one XEN_ERRNO()
 * per error.  We turn each into an enumerator, E2BIG = 7 and so on.
 *
 * Kernel functions return 0 (or a count) on success and a negative
 * error number on failure, as Xen and Linux do.  Only kernel sources
 * include this header: a host unit test takes the host's <errno.h>,
 * whose macros would clash with these names.
 */
#ifndef _KERN_ERRNO_H_
#define _KERN_ERRNO_H_

enum kern_errno {
#define	XEN_ERRNO(name, value)	name = value,
#include <xen/errno.h>
	/* Xen's header has already #undef'd XEN_ERRNO. */
};

/*
 * xs_wire.h compiles its xsd_errors table only `#ifdef EINVAL`, a test
 * meant for C libraries, where error numbers are macros.  Ours are
 * enumerators; this self-referential macro satisfies the test and still
 * stands for the enumerator.
 */
#define	EINVAL	EINVAL

#endif /* !_KERN_ERRNO_H_ */
