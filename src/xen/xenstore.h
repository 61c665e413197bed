/*
 * xen/xenstore.h - the xenstore client: read, write, list and watch the
 * keys the toolstack and the other domains share with us.
 *
 * Xenstore is a small tree of strings kept by xenstored in dom0.  Every
 * domain has a home directory, /local/domain/<domid>, and a path that
 * does not start with '/' is relative to it ("name", "device/vif/0",
 * "data/x").  The toolstack writes there what a NATIVE kernel would find
 * in firmware tables or on a bus: our name, our devices, where their
 * back ends are.  Drivers use it through xenbus (xen/xenbus.h).
 *
 * Protocol: xen/include/public/io/xs_wire.h and Xen's
 * docs/misc/xenstore.txt; the wire layer is xen/xs_msg.h.  See
 * walkthroughs/boot-pv.md, "Talking to xenstore", and man4/xen.4.
 *
 * Every function returns a negative error number from kern/errno.h on
 * failure: the error xenstored named (-ENOENT, -EACCES, -EAGAIN ...),
 * -ETIMEDOUT when xenstored did not answer in time, -EIO when its ring
 * broke the protocol (the ring is then abandoned for good).
 *
 * Callers are threads (kern/thread.h): every function may sleep until
 * xenstored's event, and several threads may call at once - requests
 * are serialised inside.  No function may be called from an event
 * handler or a callout.
 */
#ifndef _XEN_XENSTORE_H_
#define _XEN_XENSTORE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A transaction id from xenstored; XST_NIL means "no transaction". */
typedef uint32_t xs_transaction_t;
#define	XST_NIL	0

/* How many times xs_transaction_run() tries before giving up on -EAGAIN. */
#define	XS_TRANSACTION_TRIES	8

/**
 * @brief Connect to the xenstore ring named in boot_info.
 *
 * Binds a handler to the ring's event channel.  Called by the first
 * request if nobody called it before; calling it again does nothing.
 * @return 0, or -ENXIO when the architecture found no ring
 */
int	xs_init(void);

/**
 * @brief Read the value of path into buf (always NUL-terminated).
 * @return the value's length (>= size: it was cut), or -errno
 */
int	xs_read(xs_transaction_t tx, const char *path, char *buf, size_t size);

/**
 * @brief Read path as a decimal number no larger than max.
 * @return 0, -EINVAL if the value is not such a number, or -errno
 */
int	xs_read_uint(xs_transaction_t tx, const char *path, unsigned long max,
	    unsigned long *value);

/**
 * @brief Write value (a string, stored without its NUL) at path,
 *	creating the node and any missing parents.
 * @return 0, or -errno
 */
int	xs_write(xs_transaction_t tx, const char *path, const char *value);

/**
 * @brief Create an empty node at path (no error if it exists).
 * @return 0, or -errno
 */
int	xs_mkdir(xs_transaction_t tx, const char *path);

/**
 * @brief Remove path and everything below it.
 * @return 0, or -errno (-ENOENT if it did not exist)
 */
int	xs_rm(xs_transaction_t tx, const char *path);

/**
 * @brief List the children of path into buf: each name followed by a
 *	NUL, and an empty name after the last, so that
 *	`for (p = buf; *p != '\0'; p += strlen(p) + 1)` visits them.
 * @return the number of children, -E2BIG if buf is too small, or -errno
 */
int	xs_directory(xs_transaction_t tx, const char *path, char *buf,
	    size_t size);

/**
 * @brief Start a transaction: reads and writes given its id see one
 *	snapshot of the tree and take effect together at the end.
 * @return 0 and *tx set, or -errno
 */
int	xs_transaction_start(xs_transaction_t *tx);

/**
 * @brief End a transaction, committing it or (abort) dropping it.
 * @return 0; -EAGAIN when another writer changed what the transaction
 *	read, so nothing was committed and the caller must start again
 */
int	xs_transaction_end(xs_transaction_t tx, bool abort);

/**
 * @brief Run fn(tx, arg) inside a transaction, starting again on
 *	-EAGAIN, at most XS_TRANSACTION_TRIES times.  fn returning an
 *	error aborts the transaction and returns that error.
 * @return 0, fn's error, or -EAGAIN when every try conflicted
 */
int	xs_transaction_run(int (*fn)(xs_transaction_t, void *), void *arg);

/**
 * @brief Ask xenstored for an event whenever path or a node below it
 *	changes.  An event also comes once at once, so a watcher never
 *	misses the state from before it watched.
 * @param token our name for this watch, returned with each event; one
 *	token per watcher (at most XS_WATCH_TOKEN_MAX - 1 characters)
 * @return 0, or -errno
 */
int	xs_watch(const char *path, const char *token);

/**
 * @brief Remove a watch (and its callback, if any) and forget its
 *	queued events.
 * @return 0, or -errno
 */
int	xs_unwatch(const char *path, const char *token);

/**
 * @brief Wait for the next event of the watch named token and copy the
 *	path that changed into path (XS_WATCH_PATH_MAX bytes hold any).
 *
 * Events that arrived during other requests were queued and come
 * first.  The caller sleeps until xenstored's event, for at most
 * timeout_ms on Xen's clock (0: take a queued event or return at once).
 * Not for tokens registered with xs_watch_callback(): their events go
 * to the callback.
 * @return 0, -ETIMEDOUT, or -errno
 */
int	xs_watch_event(const char *token, char *path, size_t size,
	    unsigned int timeout_ms);

/**
 * @brief xs_watch_event() with an absolute deadline (Xen system time in
 *	ns, xen/timer.h), for callers that wait for several events under
 *	one bound.
 */
int	xs_watch_event_until(const char *token, char *path, size_t size,
	    uint64_t deadline);

/* A watch callback: path changed; token and arg as registered. */
typedef void	xs_watch_fn(const char *path, const char *token, void *arg);

/**
 * @brief Watch path, and have fn(path, token, arg) called for each event
 *	in the kernel's "xenwatch" thread, started with the first callback.
 *
 * Callbacks run one at a time, in thread context, without the client's
 * lock: they may sleep and make xenstore requests (read the node that
 * changed, write their own state).  A slow callback delays the others.
 * The first call comes at once, as for every watch.  xs_unwatch()
 * removes the callback and waits for a call in progress to return.
 * @param token unique among watches (at most XS_WATCH_TOKEN_MAX - 1
 *	characters)
 * @return 0; -EEXIST if the token has a callback, -ENOSPC when
 *	XS_WATCH_CALLBACKS are registered, -ENOMEM when the thread cannot
 *	be started, or -errno
 */
int	xs_watch_callback(const char *path, const char *token,
	    xs_watch_fn *fn, void *arg);

/**
 * @brief Wait until path exists (another domain writes it), watching it
 *	with the path itself as token.
 * @return 0, -ETIMEDOUT when it did not appear within timeout_ms, or
 *	-errno
 */
int	xs_wait_for(const char *path, unsigned int timeout_ms);

/* Counters for tests and measurements. */
struct xs_stats {
	unsigned long	requests;	/* requests sent */
	unsigned long	waits;		/* times a caller had to wait */
	unsigned long	queued;		/* requests that waited for another */
	unsigned long	events;		/* watch events queued */
	unsigned long	events_dropped;	/* watch events lost: queue full */
	unsigned long	stray;		/* replies nobody waited for */
	unsigned long	dispatched;	/* watch callbacks run */
};

/**
 * @brief Before a suspend: wait until no request is on the ring and
 *	keep it, so that none starts until xs_resume().
 * @return 0, or -ETIMEDOUT when a request held the ring too long
 */
int	xs_suspend(void);

/**
 * @brief After a suspend: give the ring back.  With new_domain (a
 *	restore), first bind the new xenstore port (boot_info.store_evtchn),
 *	drop what the old connection left unread, then set every watch
 *	again (each fires once at once, as when it was first set).
 */
void	xs_resume(bool new_domain);

/**
 * @brief Copy the client's counters into *st.
 */
void	xs_get_stats(struct xs_stats *st);

#endif /* !_XEN_XENSTORE_H_ */
