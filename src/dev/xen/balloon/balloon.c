/*
 * dev/xen/balloon/balloon.c - the balloon driver (balloon(4)): moves
 * the domain's memory toward the target the toolstack writes, giving
 * free pages' frames back to Xen and taking new frames from it.
 *
 * Where this sits: balloon_init() (from the `balloon` tests, see BUGS
 * in balloon(4)) starts a thread, "balloon", and watches memory/target
 * in the domain's xenstore directory.  libxl writes that key (in KiB)
 * when the domain is created and on every `xl mem-set`
 * (tools/libs/light/libxl_mem.c, libxl_set_memory_target); the watch
 * callback, in the xenwatch thread, only records the new target and
 * wakes the balloon thread, which does the work in batches:
 *
 *   giving back (current > target)
 *	vm_page_withdraw()	a free page leaves the allocator for good
 *	arch_page_release()	PV: unmapped from the direct map, p2m slot
 *				invalid; its frame (mfn) noted
 *	XENMEM_decrease_reservation	the frames go back to Xen, which
 *				frees them: `xl info free_memory` grows
 *   taking back (current < target)
 *	a pfn with no memory	from our record of absent pfns
 *	XENMEM_populate_physmap	Xen allocates a frame for each pfn
 *				(PV: writes the mfn back in the array)
 *	arch_page_populate()	PV: p2m, M2P, direct-map entry
 *	vm_page_deposit()	the page is free memory again
 *
 * Why populate_physmap and not increase_reservation: both give a PV
 * guest machine frames, but increase_reservation leaves a translated
 * (HVM) guest's new frames placed nowhere in its physical space, so the
 * shared driver could not use it unchanged in the HVM kernel.
 * populate_physmap names the pfns to fill, which is what both need.
 *
 * A NATIVE kernel has no such driver: its memory is what the machine
 * has.  The nearest thing is memory hot-plug, driven by ACPI.
 *
 * The floor: the driver never gives back the pages the kernel uses
 * (only free pages can be withdrawn) and always leaves BALLOON_SPARE
 * free ones, and never goes below BALLOON_FLOOR_MIN pages in all.  A
 * target below the floor is clipped to it and the clipping logged.
 *
 * What we report, and where: a status line on the console each time a
 * target is reached or cannot be, and data/balloon/{current,target,
 * floor}-kb in xenstore.  Nothing in dom0 reads a key written by the
 * guest for memory: libxl and xl read memory/target, static-max and
 * videoram, which libxl wrote itself, and the domain's page count from
 * Xen (`xl list`, tot_pages).  memory/ is the toolstack's: libxl
 * makes its keys read-only to the guest.  XAPI's squeezed (not libxl)
 * reads control/feature-balloon, but Xen 4.17's libxl does not make
 * that node writable for the guest (a write gets EACCES, seen in this
 * tree's tests).  So ours go under data/, the guest's own (tests read
 * them).
 *
 * Protocol: xen/include/public/memory.h (struct xen_memory_reservation,
 * XENMEM_decrease_reservation, XENMEM_populate_physmap,
 * XENMEM_current_reservation).  Walkthrough: walkthroughs/balloon.md.
 */

#include "xen/xen.h"

#include <xen/memory.h>

#include "dev/xen/balloon/balloon.h"
#include "kern/arch.h"
#include "kern/errno.h"
#include "kern/libkern.h"
#include "kern/mutex.h"
#include "kern/thread.h"
#include "kern/vm_page.h"
#include "xen/hypercall.h"
#include "xen/timer.h"
#include "xen/xenstore.h"

/* Pages per reservation hypercall: one array of frames. */
#define	BALLOON_BATCH		512
/* Free pages always left to the kernel: 8 MiB. */
#define	BALLOON_SPARE		2048
/* The fewest pages the domain keeps, whatever it uses: 16 MiB. */
#define	BALLOON_FLOOR_MIN	4096
/* Bits in one page of the absent-pfn record. */
#define	MAP_BITS_PER_PAGE	(VM_PAGE_SIZE * 8)
/* Pages of that record: room for 8 GiB of pfns (the amd64 kernel). */
#define	MAP_PAGES_MAX		64
/* How long a refused populate waits before trying again. */
#define	BALLOON_RETRY_NS	1000000000ULL

/* The xenstore key libxl writes, relative to our domain's directory. */
#define	TARGET_KEY		"memory/target"

/*
 * The driver's state.  bl_mtx guards the numbers that the watch
 * callback and tests read or set; the balloon thread is the only one
 * that moves memory, so the page work itself needs no lock (threads do
 * not preempt each other; see kern/thread.h).
 */
static struct mtx bl_mtx;
static struct balloon_status bl;
static int bl_started;
/* The last value read from memory/target, in KiB, to spot changes. */
static unsigned long bl_xs_target_kb;
/* Why the target was clipped (BALLOON_OK: it was not). */
static enum balloon_stuck bl_clip;
/* When the current target arrived (Xen system time), for last_ns. */
static uint64_t bl_request_ns;
/* Pages the domain held at start minus the allocator's: kernel's own. */
static unsigned long bl_kernel_pages;

/*
 * The pfns with no memory behind them, one bit each, below
 * arch_max_pages(): those beyond the boot memory, and those given
 * back.  A record of our own, because an HVM kernel's arch_pfn_to_mfn()
 * cannot tell (it answers the pfn itself).  The pages that hold it come
 * from the allocator; absent_count counts the set bits.
 */
static uint32_t *absent_map[MAP_PAGES_MAX];
static unsigned long absent_count, absent_cursor;

/* One batch: the pfns and the frames named to Xen. */
static unsigned long batch_pfn[BALLOON_BATCH];
static xen_pfn_t batch_frame[BALLOON_BATCH];

static void
absent_set(unsigned long pfn, int absent)
{
	uint32_t *word = &absent_map[pfn / MAP_BITS_PER_PAGE]
	    [pfn % MAP_BITS_PER_PAGE / 32];
	uint32_t bit = 1U << (pfn % 32);

	if (absent && (*word & bit) == 0) {
		*word |= bit;
		absent_count++;
	} else if (!absent && (*word & bit) != 0) {
		*word &= ~bit;
		absent_count--;
	}
}

/*
 * The next absent pfn at or after the cursor, wrapping once; the scan
 * is bounded by the record's size.  ARCH_NO_FRAME when there is none.
 */
static unsigned long
absent_next(void)
{
	unsigned long max = arch_max_pages(), n, pfn;
	uint32_t word;

	if (absent_count == 0)
		return (ARCH_NO_FRAME);
	for (n = 0; n <= max / 32 + 1; n++) {
		pfn = absent_cursor & ~31UL;
		if (pfn >= max) {
			absent_cursor = 0;
			continue;
		}
		word = absent_map[pfn / MAP_BITS_PER_PAGE]
		    [pfn % MAP_BITS_PER_PAGE / 32];
		word &= ~0U << (absent_cursor % 32);
		if (word != 0) {
			pfn += (unsigned long)__builtin_ctz(word);
			absent_cursor = pfn + 1;
			return (pfn < max ? pfn : ARCH_NO_FRAME);
		}
		absent_cursor = pfn + 32;
	}
	return (ARCH_NO_FRAME);
}

/* The floor now: the kernel's own pages, what it allocated, a spare. */
static unsigned long
floor_pages(void)
{
	unsigned long in_use, f;

	in_use = bl_kernel_pages +
	    (vm_page_total_count() - vm_page_free_count());
	f = in_use + BALLOON_SPARE;
	return (f > BALLOON_FLOOR_MIN ? f : BALLOON_FLOOR_MIN);
}

/* Has the thread nothing to do?  Called with bl_mtx held. */
static int
settled(void)
{

	return (bl.current == bl.target || bl.stuck != BALLOON_OK);
}

/*
 * One reservation hypercall on n single-page extents (order 0) of our
 * own domain: op XENMEM_decrease_reservation or XENMEM_populate_physmap.
 * Xen answers how many extents it handled, in order; an error counts as
 * none, and a count beyond the request is never trusted.
 */
static unsigned long
reservation_op(unsigned int op, xen_pfn_t *frames, unsigned long n)
{
	struct xen_memory_reservation r;
	long done;

	memset(&r, 0, sizeof(r));
	set_xen_guest_handle(r.extent_start, frames);
	r.nr_extents = n;
	r.extent_order = 0;
	r.domid = DOMID_SELF;
	done = HYPERVISOR_memory_op(op, &r);
	if (done < 0)
		return (0);
	return ((unsigned long)done > n ? n : (unsigned long)done);
}

/*
 * Give back up to want pages in one batch.  Returns how many went,
 * 0 when no page could (bl.stuck says why).
 */
static unsigned long
give_back(unsigned long want)
{
	unsigned long n, i, pfn;
	void *va;
	long done;
	int err;

	if (want > BALLOON_BATCH)
		want = BALLOON_BATCH;
	/* 1-2: withdraw free pages, make each disappear from the kernel. */
	for (n = 0; n < want; n++) {
		/* The floor, enforced where it counts: keep a spare. */
		if (vm_page_free_count() <= BALLOON_SPARE ||
		    (va = vm_page_withdraw()) == NULL)
			break;
		pfn = arch_virt_to_pfn(va);
		if ((err = arch_page_release(pfn, &batch_frame[n])) != 0) {
			printf("balloon: cannot release pfn %lu (%d); kept\n",
			    pfn, err);
			vm_page_deposit(va);
			break;
		}
		batch_pfn[n] = pfn;
	}
	if (n == 0) {
		bl.stuck = BALLOON_NO_FREE;
		return (0);
	}
	/*
	 * 3. The frames go back.  Xen answers how many extents it took, in
	 * order: a short count leaves the rest ours, to map again.  (The
	 * frames are machine frames for PV, gfns for HVM; Xen knows which
	 * by the domain's paging mode.)
	 */
	done = (long)reservation_op(XENMEM_decrease_reservation, batch_frame,
	    n);
	for (i = 0; i < (unsigned long)done; i++)
		absent_set(batch_pfn[i], 1);
	for (i = (unsigned long)done; i < n; i++) {
		if (arch_page_populate(batch_pfn[i], batch_frame[i]) != 0)
			panic("balloon: pfn %lu: Xen kept frame 0x%lx and we "
			    "cannot map it again", batch_pfn[i],
			    (unsigned long)batch_frame[i]);
		vm_page_deposit(arch_pfn_to_virt(batch_pfn[i]));
	}
	if ((unsigned long)done < n) {
		printf("balloon: Xen took %ld of %lu frames back\n", done, n);
		bl.stuck = BALLOON_XEN_REFUSED;
	}
	if (done > 0)
		bl.last_released = batch_pfn[done - 1];
	return ((unsigned long)done);
}

/*
 * Take back up to want pages in one batch.  Returns how many came, 0
 * when none did (bl.stuck says why).
 */
static unsigned long
take_back(unsigned long want)
{
	unsigned long n, i, pfn;
	long done;
	int err;

	if (want > BALLOON_BATCH)
		want = BALLOON_BATCH;
	/* 1. Choose pfns with no memory; each names its own slot. */
	for (n = 0; n < want && (pfn = absent_next()) != ARCH_NO_FRAME; n++) {
		batch_pfn[n] = pfn;
		batch_frame[n] = pfn;
		absent_set(pfn, 0);	/* not chosen twice in one batch */
	}
	if (n == 0) {
		bl.stuck = BALLOON_AT_MAX;
		return (0);
	}
	/*
	 * 2. Ask Xen to fill them.  In: the pfns; out (PV): the machine
	 * frame of each, in place.  Xen may give fewer (its free memory,
	 * or our maximum reservation, ran out).
	 */
	done = (long)reservation_op(XENMEM_populate_physmap, batch_frame, n);
	/* 3-4. Make each new page the kernel's, then free memory. */
	for (i = 0; i < (unsigned long)done; i++) {
		err = arch_page_populate(batch_pfn[i], batch_frame[i]);
		if (err != 0) {
			/*
			 * The frame is ours in Xen's books but not mappable
			 * (a hostile or buggy answer): return it at once.
			 */
			printf("balloon: frame 0x%lx for pfn %lu refused (%d); "
			    "returned\n", (unsigned long)batch_frame[i],
			    batch_pfn[i], err);
			absent_set(batch_pfn[i], 1);
			(void)reservation_op(XENMEM_decrease_reservation,
			    &batch_frame[i], 1);
			bl.stuck = BALLOON_XEN_REFUSED;
			return (i);
		}
		vm_page_deposit(arch_pfn_to_virt(batch_pfn[i]));
	}
	for (i = (unsigned long)done; i < n; i++)
		absent_set(batch_pfn[i], 1);
	if ((unsigned long)done < n)
		bl.stuck = BALLOON_XEN_REFUSED;
	return ((unsigned long)done);
}

/* Publish the status under data/balloon and on the console. */
static void
report_status(void)
{
	struct balloon_status st;
	char val[24];

	balloon_get_status(&st);
	printf("balloon: current %lu pages (%lu MiB), target %lu, floor %lu, "
	    "max %lu; %s; last target: %lu pages moved in %llu ms\n",
	    st.current, st.current / 256, st.target, st.floor, st.max,
	    balloon_stuck_name(st.stuck), st.last_moved,
	    (unsigned long long)(st.last_ns / 1000000));
	/* KiB, as memory/target: 4 KiB a page. */
	snprintf(val, sizeof(val), "%lu", st.current * 4);
	(void)xs_write(XST_NIL, "data/balloon/current-kb", val);
	snprintf(val, sizeof(val), "%lu", st.target * 4);
	(void)xs_write(XST_NIL, "data/balloon/target-kb", val);
	snprintf(val, sizeof(val), "%lu", st.floor * 4);
	(void)xs_write(XST_NIL, "data/balloon/floor-kb", val);
}

/*
 * The balloon thread: sleep until there is work, then move a batch at
 * a time toward the target, yielding between batches so that the
 * xenwatch thread can deliver a newer target.
 */
static void
balloon_thread(void *arg)
{
	unsigned long moved, target, current;
	uint64_t t0, t1;
	int giving;

	(void)arg;
	for (;;) {
		mtx_lock(&bl_mtx);
		while (settled()) {
			/*
			 * Xen refusing frames may pass (another domain frees
			 * memory): try again now and then.  The other
			 * reasons wait for a new target.
			 */
			if (msleep(&bl, &bl_mtx, "balloon",
			    bl.stuck == BALLOON_XEN_REFUSED ? BALLOON_RETRY_NS :
			    0) == SLEEP_TIMEDOUT &&
			    bl.stuck == BALLOON_XEN_REFUSED)
				bl.stuck = BALLOON_OK;
		}
		target = bl.target;
		current = bl.current;
		mtx_unlock(&bl_mtx);

		giving = current > target;
		t0 = xen_clock_now();
		moved = giving ? give_back(current - target) :
		    take_back(target - current);
		t1 = xen_clock_now();

		mtx_lock(&bl_mtx);
		if (giving) {
			bl.current -= moved;
			bl.given += moved;
			bl.give_ns += t1 - t0;
		} else {
			bl.current += moved;
			bl.taken += moved;
			bl.take_ns += t1 - t0;
		}
		bl.last_moved += moved;
		bl.floor = floor_pages();
		if (bl.current == bl.target)
			bl.stuck = bl_clip;
		if (settled()) {
			bl.last_ns = t1 - bl_request_ns;
			mtx_unlock(&bl_mtx);
			report_status();
			wakeup(&bl.current);
			continue;
		}
		mtx_unlock(&bl_mtx);
		thread_yield();
	}
}

const char *
balloon_stuck_name(enum balloon_stuck stuck)
{

	switch (stuck) {
	case BALLOON_OK:
		return ("at target");
	case BALLOON_AT_FLOOR:
		return ("stopped at the floor");
	case BALLOON_AT_MAX:
		return ("stopped at the maximum");
	case BALLOON_NO_FREE:
		return ("no free page to give");
	case BALLOON_XEN_REFUSED:
		return ("Xen refused frames");
	}
	return ("?");
}

int
balloon_set_target(unsigned long pages)
{
	unsigned long floor;
	int at_target;

	if (!bl_started)
		return (-ENXIO);
	mtx_lock(&bl_mtx);
	bl.requests++;
	bl.stuck = BALLOON_OK;
	bl.last_moved = 0;
	bl_request_ns = xen_clock_now();
	floor = bl.floor = floor_pages();
	/*
	 * Clip, and say so: a target the kernel cannot meet must not
	 * look like one it met.
	 */
	bl_clip = BALLOON_OK;
	if (pages < floor) {
		printf("balloon: target %lu pages is below the floor of %lu "
		    "(the kernel's pages and %u spare); stopping there\n",
		    pages, floor, BALLOON_SPARE);
		pages = floor;
		bl_clip = BALLOON_AT_FLOOR;
	} else if (pages > bl.max) {
		printf("balloon: target %lu pages is above the %lu pages "
		    "this kernel has room for; stopping there\n", pages,
		    bl.max);
		pages = bl.max;
		bl_clip = BALLOON_AT_MAX;
	}
	bl.target = pages;
	/*
	 * Already there: the clipping, if any, is the only news, and the
	 * thread has nothing to do; report at once.
	 */
	at_target = bl.current == bl.target;
	bl.stuck = at_target ? bl_clip : BALLOON_OK;
	mtx_unlock(&bl_mtx);
	wakeup(&bl);
	if (at_target) {
		wakeup(&bl.current);
		report_status();
	}
	return (0);
}

/*
 * The watch callback (xenwatch thread): read the new target.  The first
 * event comes at once and repeats what balloon_init() read; only a
 * changed value is a new request (libxl rewrites the key with the same
 * value, e.g. when dom0 checks it).
 */
static void
target_changed(const char *path, const char *token, void *arg)
{
	unsigned long kb;
	int err;

	(void)path;
	(void)token;
	(void)arg;
	/* An untrusted value: a number, at most 4 TiB in KiB. */
	err = xs_read_uint(XST_NIL, TARGET_KEY, 0xffffffffUL, &kb);
	if (err != 0) {
		if (err != -ENOENT)
			printf("balloon: cannot read %s (%d)\n", TARGET_KEY,
			    err);
		return;
	}
	if (kb == bl_xs_target_kb)
		return;
	bl_xs_target_kb = kb;
	printf("balloon: %s is %lu KiB\n", TARGET_KEY, kb);
	(void)balloon_set_target(kb / 4);
}

int
balloon_init(void)
{
	domid_t self = DOMID_SELF;
	unsigned long max, pfn, i, nmap, kb;
	long cur;
	struct thread *td;
	int err;

	if (bl_started)
		return (0);
	/*
	 * What Xen counts as ours: tot_pages.  The kernel's own pages are
	 * those the allocator never had.
	 */
	cur = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
	if (cur <= 0)
		return (-ENXIO);
	/*
	 * How far we may grow: maxmem from xl.cfg, which libxl publishes
	 * as memory/static-max (KiB).  Xen's maximum reservation will not
	 * do: libxl sets it to the boot memory + 1 MiB and raises it on
	 * each `xl mem-set`.  Take the larger of the two, and let the
	 * architecture make room for it (it may stop short: logged).
	 */
	max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self) > 0 ?
	    (unsigned long)HYPERVISOR_memory_op(XENMEM_maximum_reservation,
	    &self) : 0;
	if (xs_read_uint(XST_NIL, "memory/static-max", 0xffffffffUL,
	    &kb) == 0 && kb / 4 > max)
		max = kb / 4;
	if (arch_grow_room(max) < max)
		printf("balloon: room for %lu pages only, of the %lu the "
		    "domain may have\n", arch_max_pages(), max);
	max = arch_max_pages();
	nmap = (max + MAP_BITS_PER_PAGE - 1) / MAP_BITS_PER_PAGE;
	if (nmap > MAP_PAGES_MAX)
		return (-E2BIG);
	for (i = 0; i < nmap; i++)
		if (absent_map[i] == NULL &&
		    (absent_map[i] = vm_page_alloc()) == NULL)
			return (-ENOMEM);
	mtx_init(&bl_mtx, "balloon");
	bl.current = (unsigned long)cur;
	bl.target = bl.current;
	bl_kernel_pages = bl.current - vm_page_total_count();
	bl.floor = floor_pages();
	bl.last_released = ARCH_NO_FRAME;
	/* The room beyond the boot memory: absent from the start. */
	for (pfn = arch_nr_pages(); pfn < max; pfn++)
		absent_set(pfn, 1);
	bl.max = bl.current + absent_count;
	if ((td = thread_create("balloon", balloon_thread, NULL)) == NULL)
		return (-ENOMEM);
	bl_started = 1;
	printf("balloon: %lu pages (%lu MiB), room for %lu, floor %lu\n",
	    bl.current, bl.current / 256, bl.max, bl.floor);
	/*
	 * Read the target once here, so that the watch's first event (the
	 * same value) is not taken for a request, then watch it.
	 */
	if (xs_read_uint(XST_NIL, TARGET_KEY, 0xffffffffUL,
	    &bl_xs_target_kb) != 0)
		bl_xs_target_kb = 0;
	err = xs_watch_callback(TARGET_KEY, "balloon", target_changed, NULL);
	if (err != 0)
		printf("balloon: cannot watch %s (%d); only local targets\n",
		    TARGET_KEY, err);
	report_status();
	return (0);
}

int
balloon_wait(unsigned int timeout_ms)
{
	uint64_t deadline = xen_clock_now() + timeout_ms * 1000000ULL;
	uint64_t now;
	int done;

	if (!bl_started)
		return (-ENXIO);
	mtx_lock(&bl_mtx);
	while (!(done = settled()) && (now = xen_clock_now()) < deadline)
		(void)msleep(&bl.current, &bl_mtx, "balwait", deadline - now);
	mtx_unlock(&bl_mtx);
	return (done ? 0 : -ETIMEDOUT);
}

void
balloon_get_status(struct balloon_status *st)
{

	if (!bl_started) {
		memset(st, 0, sizeof(*st));
		return;
	}
	mtx_lock(&bl_mtx);
	*st = bl;
	mtx_unlock(&bl_mtx);
}
