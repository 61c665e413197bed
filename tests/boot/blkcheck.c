/*
 * tests/boot/blkcheck.c - dom0's own check of what blkfront wrote (and
 * the data it must read): a static program run by tests/boot/blkfront.dom0
 * on the disk images, outside the guest and outside blkback.
 *
 *	blkcheck fill FILE FIRST COUNT	write the pattern into sectors
 *					FIRST .. FIRST+COUNT-1
 *	blkcheck check FILE FIRST COUNT	compare those sectors, byte by
 *					byte, with the pattern
 *	blkcheck zero FILE FIRST COUNT	those sectors hold only zeros
 *	blkcheck gen FILE FIRST COUNT	those sectors hold one generation
 *					of blk_pattern_gen_word() (test=
 *					sr_io), read from the first word
 *
 * The pattern is src/dev/xen/blkfront/blkfront_pattern.h, the one the
 * guest's test writes.  Prints one line, "blkcheck: ..."; exits 0 when
 * the sectors are as expected, 1 when not, 2 on a usage or I/O error.
 * Built static by mk/tests.mk into build/dom0/blkcheck.
 */

#define	_XOPEN_SOURCE	700	/* pread, pwrite under -std=c11 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/dev/xen/blkfront/blkfront_pattern.h"

#define	SECTOR	512

/* Sector s as the guest writes it; generation 0 is the plain pattern. */
static void
pattern(unsigned long long s, unsigned int gen, uint32_t *w)
{
	unsigned int i;

	for (i = 0; i < BLK_PATTERN_WORDS; i++)
		w[i] = blk_pattern_gen_word(s, i, gen);
}

int
main(int argc, char **argv)
{
	uint32_t want[BLK_PATTERN_WORDS], got[BLK_PATTERN_WORDS];
	unsigned long long first, count, s;
	unsigned int i;
	unsigned int gen = 0;
	int fd, fill, zero, isgen;

	if (argc != 5) {
		fprintf(stderr, "usage: blkcheck fill|check|zero FILE FIRST "
		    "COUNT\n");
		return (2);
	}
	fill = strcmp(argv[1], "fill") == 0;
	zero = strcmp(argv[1], "zero") == 0;
	isgen = strcmp(argv[1], "gen") == 0;
	first = strtoull(argv[3], NULL, 0);
	count = strtoull(argv[4], NULL, 0);
	if ((fd = open(argv[2], fill ? O_RDWR : O_RDONLY)) < 0) {
		perror(argv[2]);
		return (2);
	}
	/* The generation the first word says; the rest must agree. */
	if (isgen) {
		if (pread(fd, got, 4, (off_t)(first * SECTOR)) != 4) {
			perror("pread");
			return (2);
		}
		gen = ((got[0] ^ blk_pattern_word(first, 0)) >> 24) &
		    (BLK_PATTERN_GENS - 1);
	}
	for (s = first; s < first + count; s++) {
		if (zero)
			memset(want, 0, sizeof(want));
		else
			pattern(s, gen, want);
		if (fill) {
			if (pwrite(fd, want, SECTOR, (off_t)(s * SECTOR)) !=
			    SECTOR) {
				perror("pwrite");
				return (2);
			}
			continue;
		}
		if (pread(fd, got, SECTOR, (off_t)(s * SECTOR)) != SECTOR) {
			perror("pread");
			return (2);
		}
		if (memcmp(got, want, SECTOR) != 0) {
			for (i = 0; got[i] == want[i]; i++)
				;
			printf("blkcheck: %s: sector %llu word %u is 0x%08x, "
			    "expected 0x%08x\n", argv[2], s, i, got[i],
			    want[i]);
			return (1);
		}
	}
	if (fill && fsync(fd) != 0) {
		perror("fsync");
		return (2);
	}
	printf("blkcheck: %s: sectors %llu..%llu %s", argv[2], first,
	    first + count - 1, fill ? "filled" : zero ? "all zero" :
	    "match the pattern");
	if (isgen)
		printf(" of generation %u", gen);
	printf("\n");
	return (0);
}
