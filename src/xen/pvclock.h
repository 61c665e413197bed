/*
 * xen/pvclock.h - reading Xen's time: system time from a vCPU's time
 * record, and the wall clock from shared_info.
 *
 * Xen keeps, for each vCPU, a record (struct vcpu_time_info in
 * xen/include/public/xen.h) saying "at TSC value tsc_timestamp, system
 * time was system_time nanoseconds since the domain's boot, and the TSC
 * runs at a rate given by tsc_to_system_mul and tsc_shift".  The guest
 * extrapolates from it with the TSC, without entering Xen.  A NATIVE
 * kernel would calibrate the TSC against a hardware timer (PIT, HPET)
 * itself.  KVM's "pvclock" uses the very same record, hence the name.
 *
 * This file is plain arithmetic and shared-memory reads with no kernel
 * dependencies, so the host unit test tests/unit/pvclock_test.c compiles
 * and tests it unchanged.  The kernel's clock on top of it is in
 * xen/timer.h.
 */
#ifndef _XEN_PVCLOCK_H_
#define _XEN_PVCLOCK_H_

#include "xen/xen.h"

/*
 * How many times a reader retries while Xen is updating a record.  An
 * update takes Xen a few dozen instructions; a version that stays odd
 * for this many reads means the record is not being updated but broken.
 */
#define	PVCLOCK_MAX_TRIES	100000

/**
 * @brief Scale a TSC difference to nanoseconds the way Xen defines it:
 *	((delta << shift) * mul) >> 32, with a negative shift meaning a
 *	right shift, computed without overflowing 64 bits.
 */
uint64_t	pvclock_scale_delta(uint64_t delta, uint32_t mul, int8_t shift);

/**
 * @brief Read system time (ns since the domain booted) from a time
 *	record, retrying while Xen updates it (the version protocol).
 * @param t the vcpu_info's time record, in memory Xen writes
 * @param read_tsc reads the TSC (arch_rdtsc in the kernel)
 * @param nsp where the time is stored
 * @return 0, or -1 if the record stayed mid-update for
 *	PVCLOCK_MAX_TRIES reads
 */
int	pvclock_read(const struct vcpu_time_info *t,
	    uint64_t (*read_tsc)(void), uint64_t *nsp);

/**
 * @brief Read the wall-clock time at which system time was 0 (the
 *	domain's boot), seconds and nanoseconds since the Unix epoch.
 * @return 0, or -1 if the record stayed mid-update
 */
int	pvclock_wallclock_base(const struct shared_info *s, uint64_t *secp,
	    uint32_t *nsecp);

/**
 * @brief The TSC frequency in Hz that a time record's scale describes:
 *	(10^9 << 32) / mul, shifted back by tsc_shift.  For reports only.
 */
uint64_t	pvclock_tsc_hz(uint32_t mul, int8_t shift);

#endif /* !_XEN_PVCLOCK_H_ */
