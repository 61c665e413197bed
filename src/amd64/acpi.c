/*
 * acpi.c - power the machine off through ACPI, for the HVM amd64
 * kernel when there is no Xen to ask.
 *
 * Where this sits: arch_poweroff() (machdep.c) asks Xen first, with
 * SCHEDOP_shutdown, as the PV kernel does.  Only when no hypervisor was
 * found - the kernel booted in plain QEMU, or on a PC - does it call
 * acpi_poweroff(), which does what a NATIVE kernel does: write
 * SLP_TYP(S5) | SLP_EN to the PM1a control register named by the
 * firmware's FADT.
 *
 * Where the values come from (ACPI 6.x, chapter 5): the RSDP, found by
 * its signature "RSD PTR " on a 16-byte boundary in the BIOS area
 * 0xE0000-0xFFFFF, points to the RSDT; the RSDT lists the tables; the
 * FADT ("FACP") gives PM1a_CNT_BLK, the I/O port of the control register,
 * and the address of the DSDT; the DSDT's \_S5 object gives the SLP_TYP
 * value that means "soft off".  Under Xen, hvmloader builds these tables
 * (tools/libacpi) and PM1a_CNT is at port 0xb004; QEMU's i440FX puts it
 * at 0x604.  Every length and checksum is checked: the tables are data
 * from the firmware, and a bad one means "no ACPI", not a wild read.
 * (The Extended BIOS Data Area, the other place the RSDP may be, is not
 * searched: page 0, which holds its address, is left unmapped.)
 */

#include <stddef.h>
#include <stdint.h>

#include <machine/cpufunc.h>

#include "amd64/acpi.h"
#include "kern/libkern.h"

/* Where the firmware may put the RSDP, and how it is aligned. */
#define	RSDP_AREA_START	0xe0000
#define	RSDP_AREA_END	0x100000
#define	RSDP_ALIGN	16

/* The RSDP, ACPI 1.0 part: what we need of it (ACPI 6.x, 5.2.5.3). */
struct acpi_rsdp {
	char		signature[8];	/* "RSD PTR " */
	uint8_t		checksum;	/* the first 20 bytes sum to 0 */
	char		oem_id[6];
	uint8_t		revision;
	uint32_t	rsdt_address;
} __attribute__((packed));

/* The header every system description table starts with (5.2.6). */
struct acpi_header {
	char		signature[4];
	uint32_t	length;		/* the whole table, header included */
	uint8_t		revision;
	uint8_t		checksum;	/* the whole table sums to 0 */
	char		oem_id[6];
	char		oem_table_id[8];
	uint32_t	oem_revision;
	uint32_t	creator_id;
	uint32_t	creator_revision;
} __attribute__((packed));

/* Offsets of the two FADT fields we read (5.2.9, table 5.9). */
#define	FADT_DSDT		40
#define	FADT_PM1A_CNT_BLK	64

/* PM1 control register bits (4.8.3.2.1). */
#define	PM1_SLP_TYP_SHIFT	10
#define	PM1_SLP_EN		0x2000

/* Tables larger than this are taken as corrupt. */
#define	ACPI_MAX_TABLE		(1024 * 1024)

static int
acpi_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len-- > 0)
		sum += *b++;
	return (sum == 0);
}

/*
 * The table at physical address pa, if its header is sane and its
 * checksum right; NULL otherwise.  Physical == virtual below 4 GiB
 * (locore.S), and the tables of every firmware we boot on are there.
 */
static const struct acpi_header *
acpi_table(uint32_t pa, const char *signature)
{
	const struct acpi_header *h = (const void *)(uintptr_t)pa;

	if (pa < 0x1000)
		return (NULL);
	if (signature != NULL && memcmp(h->signature, signature, 4) != 0)
		return (NULL);
	if (h->length < sizeof(*h) || h->length > ACPI_MAX_TABLE ||
	    !acpi_checksum_ok(h, h->length))
		return (NULL);
	return (h);
}

static const struct acpi_rsdp *
acpi_find_rsdp(void)
{
	uintptr_t pa;
	const struct acpi_rsdp *rsdp;

	for (pa = RSDP_AREA_START; pa < RSDP_AREA_END; pa += RSDP_ALIGN) {
		rsdp = (const void *)pa;
		if (memcmp(rsdp->signature, "RSD PTR ", 8) == 0 &&
		    acpi_checksum_ok(rsdp, 20))
			return (rsdp);
	}
	return (NULL);
}

/*
 * The SLP_TYPa value of \_S5 in the DSDT's AML, or 0 (the value of both
 * QEMU's and hvmloader's tables) when it cannot be read.  A full AML
 * interpreter is out of scope: we look for the name, then expect the
 * shape every firmware uses, Name(_S5, Package() { a, b, ... }):
 * PackageOp (0x12), a PkgLength, the element count, and the first
 * element as BytePrefix (0x0A) n, ZeroOp (0x00) or OneOp (0x01).
 */
static unsigned int
acpi_s5_sleep_type(const struct acpi_header *dsdt)
{
	const uint8_t *aml = (const uint8_t *)dsdt;
	size_t i, len = dsdt->length;

	for (i = sizeof(*dsdt); i + 8 < len; i++) {
		if (memcmp(&aml[i], "_S5_", 4) != 0 || aml[i + 4] != 0x12)
			continue;
		/* PkgLength: bits 7-6 of its first byte count the extra bytes. */
		i += 5 + 1 + (aml[i + 5] >> 6);
		i++;			/* NumElements */
		if (i + 1 >= len)
			break;
		if (aml[i] == 0x0a)
			return (aml[i + 1] & 7);
		if (aml[i] == 0x00 || aml[i] == 0x01)
			return (aml[i]);
		break;
	}
	return (0);
}

int
acpi_poweroff(void)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_header *rsdt, *fadt = NULL, *dsdt;
	const uint32_t *entries;
	uint32_t pm1a_cnt, dsdt_pa;
	unsigned int slp_typ = 0;
	size_t i, n;

	if ((rsdp = acpi_find_rsdp()) == NULL ||
	    (rsdt = acpi_table(rsdp->rsdt_address, "RSDT")) == NULL)
		return (-1);
	/* The RSDT's body is an array of 32-bit table addresses. */
	entries = (const uint32_t *)(rsdt + 1);
	n = (rsdt->length - sizeof(*rsdt)) / sizeof(uint32_t);
	for (i = 0; i < n && fadt == NULL; i++)
		fadt = acpi_table(entries[i], "FACP");
	if (fadt == NULL || fadt->length < FADT_PM1A_CNT_BLK + 4)
		return (-1);
	memcpy(&pm1a_cnt, (const char *)fadt + FADT_PM1A_CNT_BLK, 4);
	memcpy(&dsdt_pa, (const char *)fadt + FADT_DSDT, 4);
	if (pm1a_cnt == 0 || pm1a_cnt > 0xffff)
		return (-1);
	if ((dsdt = acpi_table(dsdt_pa, "DSDT")) != NULL)
		slp_typ = acpi_s5_sleep_type(dsdt);
	/*
	 * The chipset powers off as soon as it sees SLP_EN; the emulator
	 * (QEMU's PIIX4 power management, or qemu-xen's) ends the machine.
	 */
	outw((uint16_t)pm1a_cnt,
	    (uint16_t)((slp_typ << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
	return (-1);
}
