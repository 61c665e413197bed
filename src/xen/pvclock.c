/*
 * xen/pvclock.c - system time and wall clock from Xen's time records.
 * Interface and background in xen/pvclock.h.
 *
 * Protocol: struct vcpu_time_info and the wc_* fields of struct
 * shared_info in xen/include/public/xen.h.  The formula is the one in
 * the comment inside vcpu_time_info:
 *	now = system_time +
 *	    ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32)
 * (a negative tsc_shift shifts right).  Xen writes the records from its
 * own code at any moment (when the vCPU is scheduled, when the TSC rate
 * is recalibrated), so every read follows the version protocol below.
 *
 * Compiled into the kernel and, unchanged, into tests/unit/pvclock_test.
 * Walkthrough: walkthroughs/boot-pv.md, "The first event".
 */

#include "xen/xen.h"

#include "xen/barrier.h"
#include "xen/pvclock.h"

uint64_t
pvclock_scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
	uint64_t low, high;

	/* The shift first: it brings the TSC rate within a factor of 2. */
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	/*
	 * mul is a 32.32 fixed-point fraction (< 1), so the product we need
	 * is (delta * mul) >> 32: up to 96 bits, too wide for a uint64_t.
	 * Split delta into 32-bit halves, delta = high * 2^32 + low:
	 *	(delta * mul) >> 32 = high * mul + ((low * mul) >> 32)
	 * (exactly: high * mul * 2^32 has no bits below 2^32 to lose).
	 * Each product is 32 x 32 bits and fits in 64, and the sum is at
	 * most delta, so it fits too.  The casts make each a single
	 * 32 x 32 -> 64 `mull` on i386 instead of a 64 x 64 multiply.
	 */
	low = (uint64_t)(uint32_t)delta * mul;
	high = (uint64_t)(uint32_t)(delta >> 32) * mul;
	return (high + (low >> 32));
}

/*
 * The version protocol (Xen's comment calls it a seqlock): Xen
 * increments version, writes the fields, increments version again.  An
 * odd version means an update is under way; a version that changed
 * while we read means we may hold a mix of old and new fields.  So:
 *	1. read version;
 *	2. read barrier: the fields must be read after the version;
 *	3. read the fields (and the TSC, so that it belongs to them);
 *	4. read barrier: the second read of version after the fields;
 *	5. read version again; retry unless both reads agree and are even.
 * On x86 loads are not reordered with other loads, so the barriers only
 * stop the compiler; they keep the code right on other CPUs too.
 */
int
pvclock_read(const struct vcpu_time_info *t, uint64_t (*read_tsc)(void),
    uint64_t *nsp)
{
	const volatile struct vcpu_time_info *vt = t;
	uint64_t tsc, tsc_timestamp, system_time, delta;
	uint32_t version, mul;
	int8_t shift;
	int tries;

	for (tries = 0; tries < PVCLOCK_MAX_TRIES; tries++) {
		version = vt->version;
		xen_rmb();
		/*
		 * The TSC is read inside the loop, after the version: had it
		 * been read before an update, the new tsc_timestamp could be
		 * later than our TSC value.
		 */
		tsc = read_tsc();
		tsc_timestamp = vt->tsc_timestamp;
		system_time = vt->system_time;
		mul = vt->tsc_to_system_mul;
		shift = vt->tsc_shift;
		xen_rmb();
		if ((version & 1) != 0 || vt->version != version)
			continue;
		/*
		 * The difference is taken modulo 2^64, as Xen's formula
		 * means it: the TSC a guest sees is offset so that it starts
		 * near 0 when the domain is created, and a record stamped
		 * just before that moment has a tsc_timestamp "below zero"
		 * (close to 2^64) while our TSC is small.  Comparing the two
		 * as plain unsigned numbers would call that negative time.
		 * A difference that is negative as a signed number is a TSC
		 * truly behind the stamp (not synchronised between physical
		 * CPUs, after our vCPU moved): count it as no time passed.
		 */
		delta = tsc - tsc_timestamp;
		if ((int64_t)delta < 0)
			delta = 0;
		*nsp = system_time + pvclock_scale_delta(delta, mul, shift);
		return (0);
	}
	return (-1);
}

/*
 * The wall clock uses the same protocol with wc_version.  Xen sets
 * wc_sec:wc_nsec to the wall time at which system time was 0, so "now"
 * is that plus the system time; it changes only when dom0 sets the time.
 * On i386, seconds beyond 32 bits (after 2106) are in arch.wc_sec_hi;
 * Xen's header hides the difference behind the name xen_wc_sec_hi.
 */
int
pvclock_wallclock_base(const struct shared_info *s, uint64_t *secp,
    uint32_t *nsecp)
{
	const volatile struct shared_info *vs = s;
	uint32_t version, sec, sec_hi, nsec;
	int tries;

	for (tries = 0; tries < PVCLOCK_MAX_TRIES; tries++) {
		version = vs->wc_version;
		xen_rmb();
		sec = vs->wc_sec;
		sec_hi = vs->xen_wc_sec_hi;
		nsec = vs->wc_nsec;
		xen_rmb();
		if ((version & 1) != 0 || vs->wc_version != version)
			continue;
		*secp = ((uint64_t)sec_hi << 32) | sec;
		*nsecp = nsec;
		return (0);
	}
	return (-1);
}

uint64_t
pvclock_tsc_hz(uint32_t mul, int8_t shift)
{
	uint64_t hz;

	if (mul == 0)
		return (0);
	/*
	 * ns = ticks * mul / 2^32 (after the shift), so ticks per second =
	 * 10^9 * 2^32 / mul.  10^9 < 2^30, so 10^9 * 2^32 < 2^62 fits.
	 */
	hz = (1000000000ULL << 32) / mul;
	if (shift < 0)
		hz <<= -shift;
	else
		hz >>= shift;
	return (hz);
}
