/*
 * dev/xen/blkfront/blkfront_pattern.h - the data the blkfront tests
 * write: every 32-bit word of a disk says which sector and word it is.
 *
 * Shared by the guest's test (blkfront_test.c) and dom0's checker
 * (tests/boot/blkcheck.c), so both compute the same bytes: a sector
 * written to the wrong place, a page of the wrong request, a torn
 * segment all show as a word whose sector or index is not its own.
 * Plain C, no kernel headers.
 */

#ifndef _DEV_XEN_BLKFRONT_PATTERN_H_
#define _DEV_XEN_BLKFRONT_PATTERN_H_

#include <stdint.h>

/* 32-bit words in a 512-byte sector. */
#define	BLK_PATTERN_WORDS	128

/**
 * @brief Word i (0..127) of 512-byte sector s: its position, with a
 *	tag in the top bits so that zeros never pass.  Unique for every
 *	word of a disk up to 2^21 sectors (1 GiB).
 */
static inline uint32_t
blk_pattern_word(uint64_t s, unsigned int i)
{

	return (0xB0000000u ^ (uint32_t)((s << 7) | i));
}

/* Generations of blk_pattern_gen_word(): 1 .. 15 (0 is the plain pattern). */
#define	BLK_PATTERN_GENS	16

/**
 * @brief Word i of sector s as written in pass `gen` (1 .. 15) of a
 *	writer that goes over the disk again and again (test=sr_io): the
 *	generation is XORed into bits 24-27, which the position leaves
 *	free on disks up to 2^17 sectors (64 MiB).  A sector that still
 *	holds the previous pass's data - a write lost across a save and
 *	restore - then differs from what the current pass wrote.
 */
static inline uint32_t
blk_pattern_gen_word(uint64_t s, unsigned int i, unsigned int gen)
{

	return (blk_pattern_word(s, i) ^
	    ((uint32_t)(gen % BLK_PATTERN_GENS) << 24));
}

#endif /* !_DEV_XEN_BLKFRONT_PATTERN_H_ */
