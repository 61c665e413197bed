/*
 * hypervisor.c - how the HVM amd64 kernel finds Xen: CPUID leaves, the
 * hypercall page, and the `cpuid` test.
 *
 * Where this sits: amd64_start() (machdep.c) calls hypervisor_init()
 * after the IDT is loaded and before any driver.  If Xen is there, the
 * hypercall page is filled and every hypercall wrapper of src/xen works
 * exactly as in the PV kernel; xenpci (src/dev/xen/xenpci) then finds
 * the platform device and the HVM parameters.
 *
 * Protocol: xen/include/public/arch-x86/cpuid.h.  A hypervisor that
 * wants to be found answers CPUID leaves from 0x40000000, a range Intel
 * and AMD leave to hypervisors.  Xen's first leaf returns the signature
 * "XenVMMXenVMM" in %ebx, %ecx, %edx and its highest leaf in %eax.  Xen
 * may move its leaves up by 0x100 steps, when it also offers Hyper-V's
 * leaves at 0x40000000 for Windows (viridian=1 in xl.cfg), so we scan.
 * Leaf base + 1 gives the version; leaf base + 2 the number of hypercall
 * pages and the MSR that asks Xen to fill them.
 *
 * The PV kernel needs none of this: Xen loaded it, so it knows, and the
 * ELF note XEN_ELFNOTE_HYPERCALL_PAGE had the page filled before entry.
 * A NATIVE kernel runs the same CPUID loop and finds nothing.
 */

#include "xen/xen.h"

#include <xen/arch-x86/cpuid.h>
#include <xen/version.h>

#include <machine/cpufunc.h>
#include <machine/hypervisor.h>

#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/test.h"
#include "xen/hypercall.h"

/* Where to look, in steps of 0x100 (as Linux and FreeBSD do). */
#define	HYPERVISOR_LEAF_FIRST	XEN_CPUID_FIRST_LEAF
#define	HYPERVISOR_LEAF_LAST	0x40010000
#define	HYPERVISOR_LEAF_STEP	0x100

struct hypervisor_info hypervisor_info;

/* Does CPUID leaf `leaf` carry Xen's signature, with leaves up to base + 2? */
static int
cpuid_is_xen(uint32_t leaf, uint32_t regs[4])
{

	do_cpuid(leaf, regs);
	return (regs[1] == XEN_CPUID_SIGNATURE_EBX &&
	    regs[2] == XEN_CPUID_SIGNATURE_ECX &&
	    regs[3] == XEN_CPUID_SIGNATURE_EDX &&
	    regs[0] >= leaf + 2);
}

int
hypervisor_init(void)
{
	uint32_t leaf, regs[4];

	for (leaf = HYPERVISOR_LEAF_FIRST; leaf < HYPERVISOR_LEAF_LAST;
	    leaf += HYPERVISOR_LEAF_STEP)
		if (cpuid_is_xen(leaf, regs))
			break;
	if (leaf >= HYPERVISOR_LEAF_LAST)
		return (0);
	hypervisor_info.max_leaf = regs[0];

	do_cpuid(leaf + 1, regs);
	hypervisor_info.version = regs[0];

	/*
	 * Leaf base + 2: %eax pages of hypercall stubs, filled when their
	 * guest-physical address (page-aligned; the low bits select which
	 * of the pages) is written to MSR %ebx.  Xen 4.x has one page.
	 * Our mapping is one to one, so the page's virtual address is its
	 * physical address.  Xen writes the stubs into guest memory during
	 * the wrmsr: the page is usable when the instruction completes.
	 */
	do_cpuid(leaf + 2, regs);
	hypervisor_info.hypercall_pages = regs[0];
	hypervisor_info.hypercall_msr = regs[1];
	if (regs[0] < 1)
		return (0);
	wrmsr(regs[1], (uint64_t)(uintptr_t)hypercall_page);

	/* Only now may anyone make a hypercall (machine/hypervisor.h). */
	hypervisor_info.base = leaf;
	return (1);
}

/*
 * The `cpuid` test: the CPUID leaves and a hypercall tell the same
 * story.  The version in leaf base + 1 is what Xen's CPUID emulation
 * says; XENVER_version is what the hypervisor answers through the page
 * we had it fill.  They come from the same number in Xen, so a mismatch
 * (or a failing hypercall) means the page or the calling convention of
 * <machine/hypercall.h> is wrong.  The boot test compares the version
 * with xen_major and xen_minor from `xl info` in dom0.
 */
static void
test_cpuid(void)
{
	xen_extraversion_t extra;
	long version;

	if (!hypervisor_present()) {
		report("cpuid", SKIP, "no Xen signature in CPUID leaves "
		    "0x%x-0x%x", HYPERVISOR_LEAF_FIRST, HYPERVISOR_LEAF_LAST);
		return;
	}
	version = HYPERVISOR_xen_version(XENVER_version, NULL);
	if (version != (long)hypervisor_info.version) {
		report("cpuid", FAIL, "CPUID leaf 0x%x says Xen %u.%u but "
		    "XENVER_version returned %ld (0x%lx)",
		    hypervisor_info.base + 1, hypervisor_info.version >> 16,
		    hypervisor_info.version & 0xffff, version,
		    (unsigned long)version);
		return;
	}
	memset(extra, 0, sizeof(extra));
	if (HYPERVISOR_xen_version(XENVER_extraversion, extra) != 0)
		extra[0] = '\0';
	/* Xen fills the string; do not trust it to be terminated. */
	extra[sizeof(extra) - 1] = '\0';
	report("cpuid", PASS, "XenVMMXenVMM at 0x%x max leaf 0x%x, Xen %u.%u "
	    "(extraversion \"%s\"), hypercall page MSR 0x%x",
	    hypervisor_info.base, hypervisor_info.max_leaf,
	    hypervisor_info.version >> 16, hypervisor_info.version & 0xffff,
	    extra, hypervisor_info.hypercall_msr);
}

DOMU_TEST(cpuid, "Xen's CPUID leaves and XENVER_version agree", test_cpuid,
    0);
