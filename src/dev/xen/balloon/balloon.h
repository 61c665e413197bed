/*
 * dev/xen/balloon/balloon.h - the balloon driver: gives the domain's
 * memory back to Xen, and takes it again, to follow the target the
 * toolstack writes in xenstore (`xl mem-set`).
 *
 * Shared by both kernels; what differs (how a page leaves and re-enters
 * the kernel's view of memory) is behind arch_page_release() and
 * arch_page_populate() in kern/arch.h.  Protocol: the reservation
 * operations of xen/include/public/memory.h; the xenstore key
 * memory/target (KiB), written by libxl (tools/libs/light/libxl_mem.c,
 * libxl_set_memory_target).  Man page: balloon(4).  Walkthrough:
 * walkthroughs/balloon.md.
 */
#ifndef _DEV_XEN_BALLOON_BALLOON_H_
#define _DEV_XEN_BALLOON_BALLOON_H_

#include <stdint.h>

/* Why the domain is not at its target. */
enum balloon_stuck {
	BALLOON_OK = 0,		/* at the target, or moving toward it */
	BALLOON_AT_FLOOR,	/* the target is below the floor */
	BALLOON_AT_MAX,		/* above the room the kernel reserved */
	BALLOON_NO_FREE,	/* no free page left to give back */
	BALLOON_XEN_REFUSED	/* Xen gave fewer frames than asked */
};

/* What the driver is doing, for the console, xenstore and tests. */
struct balloon_status {
	unsigned long	 current;	/* pages the domain holds */
	unsigned long	 target;	/* pages asked for */
	unsigned long	 floor;		/* fewest pages it will keep */
	unsigned long	 max;		/* most pages it can hold */
	enum balloon_stuck stuck;	/* why current != target */
	unsigned long	 requests;	/* targets received */
	unsigned long	 given;		/* pages given back, in all */
	unsigned long	 taken;		/* pages taken back, in all */
	uint64_t	 give_ns;	/* time spent giving back */
	uint64_t	 take_ns;	/* time spent taking back */
	unsigned long	 last_moved;	/* pages moved for the last target */
	uint64_t	 last_ns;	/* from its arrival to reaching it */
	unsigned long	 last_released;	/* a pfn given back, or -1 */
};

/**
 * @brief Start the driver: count the domain's pages, reserve the record
 *	of absent pages, start the "balloon" thread, watch memory/target.
 *	Calling it again does nothing.
 * @return 0, or -errno (-ENOMEM when no thread or page is left)
 */
int	balloon_init(void);

/**
 * @brief Ask the driver to move the domain to pages pages, as a new
 *	memory/target would (for tests that act without dom0).  The target
 *	is clipped to [floor, max]; the clipping is logged.
 * @return 0, or -ENXIO before balloon_init()
 */
int	balloon_set_target(unsigned long pages);

/**
 * @brief Wait until the domain is at its target or stuck (see
 *	balloon_status.stuck), at most timeout_ms.
 * @return 0, or -ETIMEDOUT
 */
int	balloon_wait(unsigned int timeout_ms);

/**
 * @brief Copy the driver's status into *st.
 */
void	balloon_get_status(struct balloon_status *st);

/**
 * @brief A name for a reason of balloon_status.stuck ("ok", "floor",
 *	...), for log lines.
 */
const char *balloon_stuck_name(enum balloon_stuck stuck);

#endif /* !_DEV_XEN_BALLOON_BALLOON_H_ */
