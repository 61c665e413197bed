/*
 * dev/xen/blkfront/blkfront.h - the block front end: disks that another
 * domain (dom0's blkback) exports to us through a shared ring.
 *
 * Where this sits: xenbus (src/xen/xenbus.c) finds device/vbd/<id> in
 * our xenstore home and calls blkfront's attach, which does the
 * handshake of xen/include/public/io/blkif.h with the back end.  From
 * then on a caller (the tests; a file system, one day) describes an
 * I/O in a struct blkfront_io, blkfront_submit() puts it on the ring,
 * blkfront_wait() waits for its response.  Disks that come and go at
 * run time (xl block-attach, xl block-detach) are followed once
 * blkfront_hotplug_start() has been called.
 *
 * A NATIVE kernel's disk driver programs a controller (AHCI, NVMe)
 * with DMA descriptors; here the "controller" is a ring of requests in
 * a page we share, the DMA addresses are grant references, and the
 * interrupt is an event channel.
 *
 * Man page: man4/blkfront.4; walkthrough: walkthroughs/blkfront.md.
 */

#ifndef _DEV_XEN_BLKFRONT_H_
#define _DEV_XEN_BLKFRONT_H_

#include <stdbool.h>
#include <stdint.h>

#include "dev/xen/blkfront/blkfront_ring.h"

/* The ring's unit: sector numbers and counts are in 512-byte sectors. */
#define	BLKFRONT_SECTOR		512
#define	BLKFRONT_SECTORS_PER_PAGE	8

/* The most disks handled at once. */
#define	BLKFRONT_MAX_DISKS	8

struct blkfront_softc;

/* One I/O: what the caller asks, and, once done, how it went. */
struct blkfront_io {
	uint8_t		 op;		/* BLKIF_OP_READ, _WRITE, _FLUSH_DISKCACHE */
	uint64_t	 sector;	/* first 512-byte sector */
	unsigned int	 nsect;		/* 512-byte sectors; 0 for a flush */
	/*
	 * The data, page by page: page-aligned direct-map pages
	 * (vm_page_alloc), sector i of the I/O at page[i / 8] + (i % 8)*512.
	 */
	void		*page[BLKFRONT_MAX_SEGS];
	/* Filled by blkfront. */
	bool		 done;		/* the response came (or never will) */
	int		 error;		/* 0, -EIO, -EOPNOTSUPP, -ENXIO ... */
};

/* What the handshake learnt and chose; see blkfront.4, XENSTORE. */
struct blkfront_info {
	char		 name[24];	/* "vbd/51712" */
	uint64_t	 sectors;	/* size in 512-byte sectors */
	unsigned int	 sector_size;	/* the back end's "sector-size" */
	unsigned int	 vdisk_info;	/* "info": VDISK_* bits */
	bool		 readonly;	/* VDISK_READONLY or mode "r" */
	bool		 flush;		/* feature-flush-cache */
	bool		 barrier;	/* feature-barrier */
	bool		 persistent;	/* feature-persistent (offered) */
	unsigned int	 ring_order;	/* ring-page-order we chose */
	unsigned int	 ring_size;	/* requests the ring holds */
	unsigned int	 nslots;	/* requests we put in flight at most */
	unsigned int	 max_indirect;	/* segments per indirect request; 0 none */
	unsigned int	 max_sectors;	/* per I/O, 512-byte sectors */
	uint64_t	 initwait_ns;	/* attach until the back end's InitWait */
	uint64_t	 handshake_ns;	/* from InitWait to our Connected */
	bool		 connected;	/* usable now */
};

/**
 * @brief The i-th disk attached (in order found), or NULL.
 */
struct blkfront_softc *blkfront_disk(unsigned int i);

/**
 * @brief The disk of xenstore node device/vbd/<id>, or NULL.
 */
struct blkfront_softc *blkfront_find(unsigned long id);

/**
 * @brief Copy what the handshake learnt about sc into *info.
 */
void	blkfront_get_info(const struct blkfront_softc *sc,
	    struct blkfront_info *info);

/**
 * @brief Put io on sc's ring and tell the back end.
 *
 * Waits (bounded) for a free slot or grant references when all are in
 * use, collecting responses meanwhile.  Checks the I/O first: inside
 * the disk, at most info.max_sectors, pages given, no write to a
 * read-only disk (-EROFS, logged), no flush the back end lacks
 * (-EOPNOTSUPP).
 * @return 0 (io->done is set by blkfront_wait() later), or -errno (the
 *	io was not submitted)
 */
int	blkfront_submit(struct blkfront_softc *sc, struct blkfront_io *io);

/**
 * @brief Wait until io's response has come, collecting the responses
 *	of sc's ring as they arrive.
 * @return io->error, or -ETIMEDOUT (the disk is then declared dead:
 *	every I/O in flight fails and it is closed)
 */
int	blkfront_wait(struct blkfront_softc *sc, struct blkfront_io *io,
	    unsigned int timeout_ms);

/**
 * @brief Submit io and wait for it.
 * @return as blkfront_wait(), or blkfront_submit()'s error
 */
int	blkfront_io_sync(struct blkfront_softc *sc, struct blkfront_io *io,
	    unsigned int timeout_ms);

/**
 * @brief Connect sc again after the ring was lost (a resume: new
 *	domain, new grant table and event channels): grant a new ring,
 *	redo the handshake, and put back every request that was in flight,
 *	with the same ids, re-granting their pages.  Called by blkfront's
 *	resume hook (XENBUS_DRIVER_SR) after a restore; the old port is
 *	forgotten, not closed.
 * @return 0, or -errno (the disk is then dead)
 */
int	blkfront_reconnect(struct blkfront_softc *sc);

/**
 * @brief How many times sc was reconnected after a restore (control(4):
 *	blkfront's resume hook, done by its worker thread).
 */
unsigned int	blkfront_resume_count(const struct blkfront_softc *sc);

/**
 * @brief Follow device/vbd from now on: disks that appear are attached
 *	and connected, disks whose back end closes are closed (the
 *	Closing, Closed sequence) and forgotten.  Idempotent.
 * @return 0, or -errno from xenstore
 */
int	blkfront_hotplug_start(void);

/**
 * @brief Changes blkfront_hotplug_start() has seen: attaches plus
 *	detaches so far.  A caller waiting for one compares before and
 *	after with blkfront_hotplug_wait().
 */
unsigned int	blkfront_hotplug_count(void);

/**
 * @brief Sleep until blkfront_hotplug_count() differs from seen.
 * @return 0, or -ETIMEDOUT
 */
int	blkfront_hotplug_wait(unsigned int seen, unsigned int timeout_ms);

/**
 * @brief Whether the disk of device/vbd/<id> is still known and open.
 */
bool	blkfront_present(unsigned long id);

/*
 * Knobs for measurements and tests (blkfront.4, "LOADER TUNABLES"),
 * taken from the command line by the first attach:
 *	blkfront.indirect=0	never use indirect descriptors
 *	blkfront.ring_order=N	ring-page-order at most N (0: one page)
 */

#endif /* !_DEV_XEN_BLKFRONT_H_ */
