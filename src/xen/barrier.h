/*
 * xen/barrier.h - memory barriers for memory shared with another domain.
 *
 * A ring page (console, xenstore, block, network) is written by us and
 * by a peer running on another CPU at the same time.  Each side
 * publishes data, then moves an index; the other side reads the index,
 * then the data.  Two things could reorder those steps: the compiler,
 * which may move ordinary loads and stores across each other, and the
 * CPU.  These fences stop both.
 *
 * On x86 the CPU keeps stores in order and loads in order, so the
 * read and write barriers cost nothing at run time: they only forbid the
 * compiler to reorder.  A full barrier (a store followed by a load that
 * must not pass it) needs a real fence instruction, which the compiler
 * emits for the sequentially consistent fence.  Written with the
 * compiler's C11 fence built-ins, the same code is right on both our
 * architectures.  Linux calls these virt_mb/virt_rmb/virt_wmb; the rules
 * for each ring are in xen/include/public/io/ring.h.
 */
#ifndef _XEN_BARRIER_H_
#define _XEN_BARRIER_H_

/* Loads before it complete before loads after it (read index, then data). */
#define	xen_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
/* Stores before it are visible before stores after it (data, then index). */
#define	xen_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
/* Everything before it, loads and stores, before anything after it. */
#define	xen_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)

/*
 * Read or write a shared field exactly once.  The peer may change a
 * field between two reads; a value that was checked must be the value
 * that is used, so we copy it once into a local and work on the copy.
 * The compiler would otherwise be free to read the field again.
 */
#define	READ_ONCE(field)	__atomic_load_n(&(field), __ATOMIC_RELAXED)
#define	WRITE_ONCE(field, v)	__atomic_store_n(&(field), (v), __ATOMIC_RELAXED)

#endif /* !_XEN_BARRIER_H_ */
