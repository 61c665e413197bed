/*
 * xen/xenbus.h - xenbus: finding our paravirtual devices in xenstore and
 * stepping through the connection handshake with their back ends.
 *
 * A NATIVE kernel finds devices by scanning a bus; a Xen guest reads
 * them from xenstore.  For each device it is given, the toolstack writes
 * a front-end directory in the guest's home, device/<type>/<id> (type as
 * "vif", "vbd", "console"; id as "0", "51712"), holding `backend` (the
 * back end's directory, absolute) and `backend-id` (its domain), and a
 * back-end directory in the back-end domain.  Each end has a `state`
 * node; the two ends move through the states of enum xenbus_state
 * (xen/include/public/io/xenbus.h), each writing only its own and
 * watching the other's.  The rules, as used here:
 *
 *   Initialising (1)  the toolstack made the nodes; nothing is set up
 *   InitWait (2)      back end: ready; it has written its features and
 *                     waits for the front end's details
 *   Initialised (3)   front end: its details (ring-ref, event-channel)
 *                     are written; waits for the back end to connect
 *   Connected (4)     both: I/O may flow
 *   Closing (5)       this end is going away (unplug, error, shutdown):
 *                     finish what is in flight, then go to Closed
 *   Closed (6)        this end has released everything it shared
 *   Reconfiguring (7), Reconfigured (8)  a connected device being changed
 *                     (used by pvscsi and pvusb; not by us)
 *
 * A front end reads details only after seeing the other end reach the
 * state that promises them, and writes its own before announcing its
 * state: the state node is the publication point.  Protocol details per
 * device are in blkif.h, netif.h ...; see walkthroughs/boot-pv.md,
 * "Talking to xenstore", and man4/xen.4.
 */
#ifndef _XEN_XENBUS_H_
#define _XEN_XENBUS_H_

#include <stdbool.h>

#include "kern/linker_set.h"
#include "xen/xen.h"

#include <xen/io/xenbus.h>

#define	XENBUS_PATH_MAX		128	/* a node name, ours or the back end's */
#define	XENBUS_TYPE_MAX		16	/* a device type, "vif" */
#define	XENBUS_MAX_DEVICES	16	/* devices we keep track of */

struct xenbus_driver;

/* One device found under device/ in our home. */
struct xenbus_device {
	char		 type[XENBUS_TYPE_MAX];
	/* Our end, relative to our home: "device/vif/0". */
	char		 nodename[XENBUS_PATH_MAX];
	/* The back end's directory, absolute: "/local/domain/0/backend/...". */
	char		 otherend[XENBUS_PATH_MAX];
	domid_t		 otherend_id;
	/* The back end's state when we last read it. */
	enum xenbus_state otherend_state;
	/* The driver for this type, or NULL when the kernel has none. */
	const struct xenbus_driver *driver;
	/* Whether xenbus_watch_otherend() is in force. */
	bool		 watching;
	/* The driver's own state. */
	void		*softc;
};

/* A front-end driver, for every device of one type. */
struct xenbus_driver {
	const char	*type;		/* "vif", "vbd", ... */
	/* A device of our type was found; 0 or a negative error number. */
	int		(*attach)(struct xenbus_device *dev);
	/* The back end's state changed to state (may be NULL). */
	void		(*otherend_changed)(struct xenbus_device *dev,
			    enum xenbus_state state);
	/*
	 * Suspend and resume (control(4); may be NULL).  suspend: stop
	 * issuing I/O and let what is in flight finish or stay queued;
	 * the grant table, event channels and xenstore still work.
	 * resume: new_domain false means the suspend was cancelled and
	 * everything is as it was; true means a restore - our ports and
	 * grants are gone, dev->otherend has been read again (the back
	 * end's path names our new domid) and the back end waits in
	 * Initialising or InitWait: allocate a new event channel, grant the
	 * rings again, redo the handshake, and re-issue what was in flight.
	 */
	int		(*suspend)(struct xenbus_device *dev);
	int		(*resume)(struct xenbus_device *dev, bool new_domain);
};

/*
 * Register a driver: it joins the linker set `domu_xenbus`
 * (kern/linker_set.h), as tests join domu_tests.  A driver left out of
 * the kernel configuration is simply not there.
 */
#define	XENBUS_DRIVER(name, dtype, dattach, dchanged)			\
	static const struct xenbus_driver xenbus_driver_##name = {	\
		.type = dtype,						\
		.attach = dattach,					\
		.otherend_changed = dchanged,				\
	};								\
	LINKER_SET_ADD(domu_xenbus, xenbus_driver_##name)

/* The same, for a driver with suspend and resume hooks. */
#define	XENBUS_DRIVER_SR(name, dtype, dattach, dchanged, dsusp, dres)	\
	static const struct xenbus_driver xenbus_driver_##name = {	\
		.type = dtype,						\
		.attach = dattach,					\
		.otherend_changed = dchanged,				\
		.suspend = dsusp,					\
		.resume = dres,						\
	};								\
	LINKER_SET_ADD(domu_xenbus, xenbus_driver_##name)

/**
 * @brief Call every attached driver's suspend hook (control(4)).
 * @return the number of devices whose hook failed (they are logged)
 */
int	xenbus_suspend(void);

/**
 * @brief After a suspend: with new_domain, read each device's back end
 *	again and drop its old watch; then call every driver's resume hook.
 */
void	xenbus_resume(bool new_domain);

/**
 * @brief Find the devices under device/ in our home, read where their
 *	back ends are, and attach the registered driver of each type.
 *
 * Done once; later calls return the same count.  A device whose nodes
 * are missing or inconsistent is logged and skipped.
 * @return the number of devices found, or a negative error number
 */
int	xenbus_probe(void);

/**
 * @brief Look again at device/<type>: add the devices that appeared
 *	since the probe (xl block-attach, network-attach) and attach their
 *	driver.  A device already known (same node name) is left alone.
 *	Called by a driver's watch on device/<type>.
 * @return how many devices were added, or a negative error number
 */
int	xenbus_probe_type(const char *type);

/**
 * @brief Fill *dev for device/<type>/<id>: its node names, its back
 *	end (read and checked as xenbus_probe() does), the back end's
 *	state and the registered driver.  For a driver that finds devices
 *	hot-plugged after xenbus_probe() (netfront watches device/vif).
 * @return 0, or a negative error number (names too long, no usable
 *	backend or backend-id)
 */
int	xenbus_device_init(struct xenbus_device *dev, const char *type,
	    const char *id);

/**
 * @brief The i-th device found by xenbus_probe(), or NULL.
 */
struct xenbus_device *xenbus_device(unsigned int i);

/**
 * @brief Read a state node (such as "<otherend>/state").
 * @return its state; XenbusStateUnknown when the node is missing or
 *	does not hold a state (the peer is then treated as gone)
 */
enum xenbus_state xenbus_read_state(const char *path);

/**
 * @brief Set our end's state, unless our node has disappeared (the
 *	toolstack removed the device: we must not recreate it).
 * @return 0, -ENOENT when the node is gone, or a negative error number
 */
int	xenbus_switch_state(struct xenbus_device *dev, enum xenbus_state state);

/**
 * @brief Watch the back end's state node; events come with the token
 *	dev->nodename.
 * @return 0, or a negative error number
 */
int	xenbus_watch_otherend(struct xenbus_device *dev);

/**
 * @brief Wait until the back end's state is one of those in `states`, a
 *	mask of (1 << XenbusStateX) bits, calling the driver's
 *	otherend_changed for each change seen on the way.
 * @return the state reached, or -ETIMEDOUT (dev->otherend_state then
 *	holds the last state seen)
 */
int	xenbus_wait_otherend(struct xenbus_device *dev, unsigned int states,
	    unsigned int timeout_ms);

/**
 * @brief The front end's close sequence: Closing, wait for the back end
 *	to close or go, Closed, wait for it to be Closed.
 * @return 0, or a negative error number (-ETIMEDOUT: the back end
 *	did not follow)
 */
int	xenbus_close(struct xenbus_device *dev, unsigned int timeout_ms);

/**
 * @brief The name of a state, "Initialising" ..., for messages.
 */
const char *xenbus_state_name(enum xenbus_state state);

#endif /* !_XEN_XENBUS_H_ */
