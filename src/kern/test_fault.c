/*
 * kern/test_fault.c - the `fault` test: an unexpected fault is reported
 * and ends the kernel, with the reason in the result line.
 *
 * The test reads address 0x10, in the page both kernels leave unmapped
 * so that NULL pointers fault.  What must follow is the architecture's
 * fault report on the console (PV: src/i386/trap.c - the exception's
 * name, the faulting address, the registers) and
 *	domu: result: ERROR panic: page fault at eip ..., address 0x00000010
 * TEST_PANICS: run only by name (tests/boot/memory_test.sh checks the
 * report); if the read does not fault, the test fails.
 */

#include <stdint.h>

#include "kern/report.h"
#include "kern/test.h"

/*
 * Where to read.  A volatile variable rather than a constant: the
 * compiler may not assume what it holds, so it can neither warn about
 * nor remove a read through it.
 */
static volatile uintptr_t fault_address = 0x10;

static void
test_fault(void)
{
	uint32_t v;

	printf("fault: reading address 0x%lx; the kernel should report a "
	    "page fault and panic\n", (unsigned long)fault_address);
	v = *(volatile uint32_t *)fault_address;
	report("fault", FAIL, "reading 0x%lx gave 0x%x instead of faulting",
	    (unsigned long)fault_address, v);
}

DOMU_TEST(fault, "an unexpected page fault is reported, then the kernel "
    "panics", test_fault, TEST_PANICS);
