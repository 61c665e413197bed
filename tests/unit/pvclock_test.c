/*
 * tests/unit/pvclock_test.c - what the kernel's reading of Xen time
 * promises (src/xen/pvclock.h).
 *
 * src/xen/pvclock.c is arithmetic and reads of a record in memory, with
 * no kernel dependencies, so mk/tests.mk compiles it for the host and it
 * is tested here with ATF-C: the scaling of TSC ticks to nanoseconds
 * against 128-bit arithmetic and against the scales Xen computes for
 * real TSC rates, and the version protocol against records that are
 * being "updated" while they are read.  The kernel runs the same file.
 */
#define	_POSIX_C_SOURCE	200809L	/* atf-c.h needs pid_t from POSIX */

#include <stdint.h>
#include <string.h>

#include <atf-c.h>

#include "xen/pvclock.h"

/*
 * The exact result, with a 128-bit product: ((delta shifted) * mul) >>
 * 32, truncated to 64 bits as the kernel's must be.
 */
static uint64_t
reference_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return ((uint64_t)(((unsigned __int128)delta * mul) >> 32));
}

/* A fixed pseudo-random sequence (xorshift64), so failures repeat. */
static uint64_t
next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (*state);
}

/*
 * The scale Xen gives a TSC of ticks_per_sec Hz (set_time_scale in
 * xen/arch/x86/time.c, in our words): shift the rate into (10^9, 2*10^9],
 * then mul = (10^9 << 32) / rate.
 */
static void
xen_time_scale(uint64_t ticks_per_sec, uint32_t *mul, int8_t *shift)
{
	uint64_t rate = ticks_per_sec;

	*shift = 0;
	while (rate > 2000000000ULL) {
		rate >>= 1;
		(*shift)--;
	}
	while (rate <= 1000000000ULL) {
		rate <<= 1;
		(*shift)++;
	}
	*mul = (uint32_t)((1000000000ULL << 32) / rate);
}

ATF_TC_WITHOUT_HEAD(scale_of_simple_fractions_is_exact);
ATF_TC_BODY(scale_of_simple_fractions_is_exact, tc)
{

	/* mul = 2^31 is one half. */
	ATF_CHECK_EQ(pvclock_scale_delta(1000, 0x80000000U, 0), 500);
	/* A shift of -1 halves first, +1 doubles first. */
	ATF_CHECK_EQ(pvclock_scale_delta(1000, 0x80000000U, -1), 250);
	ATF_CHECK_EQ(pvclock_scale_delta(1000, 0x80000000U, 1), 1000);
	ATF_CHECK_EQ(pvclock_scale_delta(12345, 0, 0), 0);
	ATF_CHECK_EQ(pvclock_scale_delta(0, 0xffffffffU, 0), 0);
	/* The largest mul, just under one: 2^32 ticks give 2^32 - 1 ns. */
	ATF_CHECK_EQ(pvclock_scale_delta(1ULL << 32, 0xffffffffU, 0),
	    0xffffffffULL);
}

ATF_TC_WITHOUT_HEAD(scale_needs_no_more_than_64_bits);
ATF_TC_BODY(scale_needs_no_more_than_64_bits, tc)
{
	uint64_t state = 0x9e3779b97f4a7c15ULL, delta, got, want;
	uint32_t mul;
	int8_t shift;
	int i, bad = 0;

	/*
	 * The product delta * mul needs up to 96 bits; a plain 64-bit
	 * multiply would wrap for any delta above 2^32.  Check the edges
	 * and a million random cases against the 128-bit reference.
	 */
	ATF_CHECK_EQ(pvclock_scale_delta(UINT64_MAX, 0xffffffffU, 0),
	    reference_scale(UINT64_MAX, 0xffffffffU, 0));
	ATF_CHECK_EQ(pvclock_scale_delta(UINT64_MAX, 0x80000000U, -3),
	    reference_scale(UINT64_MAX, 0x80000000U, -3));
	for (i = 0; i < 1000000; i++) {
		delta = next_random(&state);
		mul = (uint32_t)next_random(&state);
		shift = (int8_t)(next_random(&state) % 11) - 5;
		got = pvclock_scale_delta(delta, mul, shift);
		want = reference_scale(delta, mul, shift);
		if (got != want && bad++ < 5)
			ATF_CHECK_MSG(0, "scale(%#jx, %#x, %d) = %#jx, "
			    "expected %#jx", (uintmax_t)delta, mul, shift,
			    (uintmax_t)got, (uintmax_t)want);
	}
	ATF_CHECK_EQ_MSG(bad, 0, "%d of 1000000 random cases wrong", bad);
}

ATF_TC_WITHOUT_HEAD(one_second_of_ticks_is_one_second_at_real_rates);
ATF_TC_BODY(one_second_of_ticks_is_one_second_at_real_rates, tc)
{
	/* Below 1 GHz (positive shift), around it, and far above. */
	static const uint64_t rates[] = {
		32768ULL, 500000000ULL, 1000000000ULL, 1000000001ULL,
		2596120000ULL, 3000000000ULL, 4294967296ULL, 20000000000ULL,
	};
	uint64_t ns, hz;
	uint32_t mul;
	int8_t shift;
	size_t i;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		xen_time_scale(rates[i], &mul, &shift);
		ns = pvclock_scale_delta(rates[i], mul, shift);
		/*
		 * mul is truncated, and so is a right shift: the error is
		 * below 2 ns per second at these rates.
		 */
		ATF_CHECK_MSG(ns <= 1000000000ULL && ns >= 999999998ULL,
		    "%ju Hz (mul %#x, shift %d): one second of ticks gave "
		    "%ju ns", (uintmax_t)rates[i], mul, shift, (uintmax_t)ns);
		/* And the rate computed back from the scale, within 10 ppm. */
		hz = pvclock_tsc_hz(mul, shift);
		ATF_CHECK_MSG(hz / 100000 <= rates[i] / 100000 + 1 &&
		    hz / 100000 + 1 >= rates[i] / 100000,
		    "%ju Hz: pvclock_tsc_hz gave %ju", (uintmax_t)rates[i],
		    (uintmax_t)hz);
	}
}

/*
 * A fake time record and TSC.  The fake TSC is what the kernel's
 * arch_rdtsc would be; since pvclock_read calls it between its two reads
 * of the version, it is also where a test can play Xen and change the
 * record "while it is being read".
 */
static struct vcpu_time_info record;
static uint64_t fake_tsc;
static int tsc_reads;
static int update_on_read;	/* which read starts or ends an update */

static uint64_t
read_fake_tsc(void)
{

	tsc_reads++;
	if (update_on_read != 0 && tsc_reads == update_on_read) {
		/* Xen is half-way through an update: odd version, new time. */
		record.version++;
		record.system_time = 9000000000ULL;
		record.tsc_timestamp = 5000;
	} else if (update_on_read != 0 && tsc_reads == update_on_read + 1) {
		/* Xen finished the update. */
		record.version++;
	}
	return (fake_tsc);
}

static void
record_reset(void)
{

	memset(&record, 0, sizeof(record));
	record.version = 2;
	record.tsc_timestamp = 1000;
	record.system_time = 5000000000ULL;
	record.tsc_to_system_mul = 0x80000000U;	/* 2 GHz: half a ns a tick */
	record.tsc_shift = 0;
	tsc_reads = 0;
	update_on_read = 0;
}

ATF_TC_WITHOUT_HEAD(read_extrapolates_from_the_record);
ATF_TC_BODY(read_extrapolates_from_the_record, tc)
{
	uint64_t ns = 0;

	record_reset();
	fake_tsc = 3000;
	ATF_REQUIRE_EQ(pvclock_read(&record, read_fake_tsc, &ns), 0);
	/* 2000 ticks at half a ns each after system_time. */
	ATF_CHECK_EQ(ns, 5000001000ULL);
	ATF_CHECK_EQ_MSG(tsc_reads, 1, "a quiet record should be read once, "
	    "was read %d times", tsc_reads);
}

ATF_TC_WITHOUT_HEAD(read_retries_when_xen_updates_meanwhile);
ATF_TC_BODY(read_retries_when_xen_updates_meanwhile, tc)
{
	uint64_t ns = 0;

	/*
	 * The first read sees the version change under it (even, then
	 * odd); the second sees an odd version (update still running); the
	 * third sees the new, even version and uses the new fields.
	 */
	record_reset();
	update_on_read = 1;
	fake_tsc = 7000;
	ATF_REQUIRE_EQ(pvclock_read(&record, read_fake_tsc, &ns), 0);
	ATF_CHECK_EQ_MSG(ns, 9000001000ULL, "expected the updated record's "
	    "time 9000001000, saw %ju", (uintmax_t)ns);
	ATF_CHECK_EQ_MSG(tsc_reads, 3, "expected 3 tries, saw %d", tsc_reads);
}

ATF_TC_WITHOUT_HEAD(read_gives_up_on_a_record_stuck_mid_update);
ATF_TC_BODY(read_gives_up_on_a_record_stuck_mid_update, tc)
{
	uint64_t ns = 12345;

	record_reset();
	record.version = 3;
	fake_tsc = 3000;
	ATF_CHECK_EQ(pvclock_read(&record, read_fake_tsc, &ns), -1);
	ATF_CHECK_EQ(tsc_reads, PVCLOCK_MAX_TRIES);
	ATF_CHECK_EQ_MSG(ns, 12345, "the result was written although the "
	    "read failed");
}

ATF_TC_WITHOUT_HEAD(tsc_behind_the_timestamp_counts_as_no_time);
ATF_TC_BODY(tsc_behind_the_timestamp_counts_as_no_time, tc)
{
	uint64_t ns = 0;

	record_reset();
	fake_tsc = 999;		/* one tick before tsc_timestamp */
	ATF_REQUIRE_EQ(pvclock_read(&record, read_fake_tsc, &ns), 0);
	ATF_CHECK_EQ_MSG(ns, 5000000000ULL, "expected system_time itself, "
	    "saw %ju (an unsigned wrap?)", (uintmax_t)ns);
}

ATF_TC_WITHOUT_HEAD(timestamp_below_zero_wraps_to_the_right_delta);
ATF_TC_BODY(timestamp_below_zero_wraps_to_the_right_delta, tc)
{
	uint64_t ns = 0;

	/*
	 * Seen under Xen 4.17: a new domain's first record was stamped
	 * before its TSC origin, so tsc_timestamp is 2^64 - 1000 while the
	 * TSC reads 3000: 4000 ticks have passed, not "minus 2^64".
	 */
	record_reset();
	record.tsc_timestamp = UINT64_MAX - 999;
	fake_tsc = 3000;
	ATF_REQUIRE_EQ(pvclock_read(&record, read_fake_tsc, &ns), 0);
	ATF_CHECK_EQ_MSG(ns, 5000002000ULL, "expected 4000 ticks (2000 ns) "
	    "after system_time, saw %ju", (uintmax_t)ns);
}

ATF_TC_WITHOUT_HEAD(wallclock_joins_the_high_seconds);
ATF_TC_BODY(wallclock_joins_the_high_seconds, tc)
{
	static struct shared_info s;
	uint64_t sec = 0;
	uint32_t nsec = 0;

	memset(&s, 0, sizeof(s));
	s.wc_version = 4;
	s.wc_sec = 0x12345678;
	s.xen_wc_sec_hi = 1;
	s.wc_nsec = 999999999;
	ATF_REQUIRE_EQ(pvclock_wallclock_base(&s, &sec, &nsec), 0);
	ATF_CHECK_EQ(sec, 0x112345678ULL);
	ATF_CHECK_EQ(nsec, 999999999U);
	s.wc_version = 5;	/* dom0 is setting the time, forever */
	ATF_CHECK_EQ(pvclock_wallclock_base(&s, &sec, &nsec), -1);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, scale_of_simple_fractions_is_exact);
	ATF_TP_ADD_TC(tp, scale_needs_no_more_than_64_bits);
	ATF_TP_ADD_TC(tp, one_second_of_ticks_is_one_second_at_real_rates);
	ATF_TP_ADD_TC(tp, read_extrapolates_from_the_record);
	ATF_TP_ADD_TC(tp, read_retries_when_xen_updates_meanwhile);
	ATF_TP_ADD_TC(tp, read_gives_up_on_a_record_stuck_mid_update);
	ATF_TP_ADD_TC(tp, tsc_behind_the_timestamp_counts_as_no_time);
	ATF_TP_ADD_TC(tp, timestamp_below_zero_wraps_to_the_right_delta);
	ATF_TP_ADD_TC(tp, wallclock_joins_the_high_seconds);
	return (atf_no_error());
}
