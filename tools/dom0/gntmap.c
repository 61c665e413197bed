/*
 * tools/dom0/gntmap.c - map a page that a guest granted to dom0, the
 * dom0 half of the gnttab_dom0 boot test (src/kern/test_gnttab.c,
 * tests/boot/xenstore.dom0).
 *
 * Runs in dom0 as /domu/build/dom0/gntmap DOMID GREF, built static on
 * the host (mk/dom0.mk) so it needs nothing from dom0's image.  It is
 * what a back-end driver does with a ring-ref, through Linux's gntdev
 * device instead of in the kernel:
 *   1. IOCTL_GNTDEV_MAP_GRANT_REF names the grant (domain, reference)
 *      and returns an offset into the device;
 *   2. mmap() at that offset makes Linux ask Xen to map the granted
 *      frame (GNTTABOP_map_grant_ref); Xen checks the guest's grant
 *      entry and sets GTF_writing in it;
 *   3. we check the guest's pattern (byte i is (i * 7 + 3) & 0xff) and
 *      write "dom0 was here" over the start of the page;
 *   4. we print "mapped" and keep the mapping until standard input
 *      reaches end of file (the dom0 script closes it once the guest
 *      has checked that it cannot revoke the grant meanwhile);
 *   5. munmap() and IOCTL_GNTDEV_UNMAP_GRANT_REF undo it; Xen clears
 *      GTF_writing, and the guest may take its page back.
 * The interface is in /usr/include/xen/sys/gntdev.h (libxen-dev); the
 * grant protocol in xen/include/public/grant_table.h.
 *
 * Exit status: 0 all went well, 1 usage or system error, 2 the page did
 * not hold the pattern.  Every wait is bounded by alarm().
 */
#define	_DEFAULT_SOURCE		/* MAP_SHARED and friends from glibc */

#include <sys/ioctl.h>
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/sys/gntdev.h>

#define	PAGE		4096
#define	REPLY		"dom0 was here"
/* Seconds before we give up waiting for the script to release us. */
#define	HOLD_LIMIT	120

static void
die(const char *what)
{

	fprintf(stderr, "gntmap: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Parse a decimal argument no larger than max, or exit. */
static unsigned long
number(const char *s, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v > max) {
		fprintf(stderr, "gntmap: bad %s \"%s\"\n", what, s);
		exit(1);
	}
	return (v);
}

/* Index of the first byte not holding the guest's pattern, or PAGE. */
static size_t
first_wrong_byte(const unsigned char *p)
{
	size_t i;

	for (i = 0; i < PAGE; i++)
		if (p[i] != (unsigned char)(i * 7 + 3))
			break;
	return (i);
}

int
main(int argc, char **argv)
{
	struct ioctl_gntdev_map_grant_ref map;
	struct ioctl_gntdev_unmap_grant_ref unmap;
	unsigned char *p;
	size_t bad;
	char c;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: gntmap DOMID GREF\n");
		return (1);
	}
	memset(&map, 0, sizeof(map));
	map.count = 1;
	map.refs[0].domid = (uint32_t)number(argv[1], 0x7fef, "domain id");
	map.refs[0].ref = (uint32_t)number(argv[2], UINT32_MAX, "gref");

	/* The whole run is bounded, even if nobody closes our stdin. */
	alarm(HOLD_LIMIT);
	if ((fd = open("/dev/xen/gntdev", O_RDWR)) < 0)
		die("open /dev/xen/gntdev");
	/* Step 1: reserve an offset for the grant; nothing mapped yet. */
	if (ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) != 0)
		die("IOCTL_GNTDEV_MAP_GRANT_REF");
	/* Step 2: the map hypercall happens here; Xen checks the entry. */
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    (off_t)map.index);
	if (p == MAP_FAILED)
		die("mmap of the grant (did the guest grant it to dom0?)");

	/* Step 3: what the guest wrote, then our reply over its start. */
	bad = first_wrong_byte(p);
	if (bad != PAGE) {
		fprintf(stderr, "gntmap: byte %zu of the page is 0x%02x, "
		    "expected 0x%02x\n", bad, p[bad],
		    (unsigned char)(bad * 7 + 3));
		return (2);
	}
	memcpy(p, REPLY, sizeof(REPLY));
	printf("gntmap: mapped domain %u gref %u; pattern right; reply "
	    "written\n", map.refs[0].domid, map.refs[0].ref);
	fflush(stdout);

	/* Step 4: hold the mapping until the script lets go. */
	while (read(0, &c, 1) > 0)
		;

	/* Step 5: unmap, then release the grant from gntdev. */
	if (munmap(p, PAGE) != 0)
		die("munmap");
	memset(&unmap, 0, sizeof(unmap));
	unmap.index = map.index;
	unmap.count = 1;
	if (ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap) != 0)
		die("IOCTL_GNTDEV_UNMAP_GRANT_REF");
	close(fd);
	printf("gntmap: unmapped\n");
	return (0);
}
