/*
 * amd64/acpi.h - ACPI power-off for the HVM amd64 kernel without Xen.
 * Private to src/amd64; see acpi.c.
 */
#ifndef _AMD64_ACPI_H_
#define _AMD64_ACPI_H_

/**
 * @brief Power off through the FADT's PM1a control register (S5).
 *
 * Used only when no hypervisor was found; under Xen the kernel asks
 * with SCHEDOP_shutdown instead.
 * @return -1 if the tables are missing or bad, or the write did not
 *	stop the machine; on success it does not return.
 */
int	acpi_poweroff(void);

#endif /* !_AMD64_ACPI_H_ */
