/*
 * machine/cpufunc.h (amd64) - single instructions a C function cannot
 * express: port I/O, CPUID, MSRs, control registers, interrupt flag.
 *
 * Named as in FreeBSD's <machine/cpufunc.h>.  Only the HVM kernel has
 * this header: a PV kernel may execute none of the privileged ones (in
 * ring 1 `in`, `out`, `wrmsr`, `hlt`, `sti` fault or are ignored; Xen
 * offers hypercalls instead).  Drivers that talk to emulated hardware
 * (xenpci: PCI configuration space, the unplug ports) include it; under
 * Xen every port access is a trip to the device model in dom0 (an
 * ioreq, ~1 ms under QEMU's emulated CPU), except the few ports Xen
 * emulates itself, such as 0xE9.
 */
#ifndef _MACHINE_CPUFUNC_H_
#define _MACHINE_CPUFUNC_H_

#include <stdint.h>

/*
 * Port I/O, 8, 16 and 32 bits wide.  In an HVM guest each `in` or `out`
 * makes the CPU leave the guest (a VM exit); Xen emulates the port
 * itself (the PIC, the PM timer, port 0xE9) or sends an ioreq to the
 * device model that owns it and waits for the answer.  "volatile": the
 * access is the point, it must not be merged or dropped.  "Nd": a port
 * below 256 may be an immediate, others go in %dx.
 */
static inline uint8_t
inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %w1, %0" : "=a" (v) : "Nd" (port));
	return (v);
}

static inline uint16_t
inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %w1, %0" : "=a" (v) : "Nd" (port));
	return (v);
}

static inline uint32_t
inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %w1, %0" : "=a" (v) : "Nd" (port));
	return (v);
}

static inline void
outb(uint16_t port, uint8_t v)
{

	__asm__ volatile("outb %0, %w1" : : "a" (v), "Nd" (port));
}

static inline void
outw(uint16_t port, uint16_t v)
{

	__asm__ volatile("outw %0, %w1" : : "a" (v), "Nd" (port));
}

static inline void
outl(uint16_t port, uint32_t v)
{

	__asm__ volatile("outl %0, %w1" : : "a" (v), "Nd" (port));
}

/*
 * CPUID leaf `leaf`, subleaf 0: regs[0..3] = %eax, %ebx, %ecx, %edx.
 * Always a VM exit in an HVM guest: Xen answers, which is how it adds
 * its own leaves from 0x40000000 (src/amd64/hypervisor.c).
 */
static inline void
do_cpuid(uint32_t leaf, uint32_t regs[4])
{

	__asm__ volatile("cpuid"
	    : "=a" (regs[0]), "=b" (regs[1]), "=c" (regs[2]), "=d" (regs[3])
	    : "a" (leaf), "c" (0));
}

/*
 * Model-specific registers: the value travels split in %edx:%eax.  Xen
 * intercepts the MSRs it emulates, among them the one that fills the
 * hypercall page.
 */
static inline uint64_t
rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr));
	return (((uint64_t)hi << 32) | lo);
}

static inline void
wrmsr(uint32_t msr, uint64_t v)
{

	__asm__ volatile("wrmsr"
	    : : "c" (msr), "a" ((uint32_t)v), "d" ((uint32_t)(v >> 32))
	    : "memory");
}

/* The address of the last page fault. */
static inline uint64_t
rcr2(void)
{
	uint64_t v;

	__asm__ volatile("movq %%cr2, %0" : "=r" (v));
	return (v);
}

/* Interrupts on / off.  "memory": no access may move across them. */
static inline void
enable_intr(void)
{

	__asm__ volatile("sti" : : : "memory");
}

static inline void
disable_intr(void)
{

	__asm__ volatile("cli" : : : "memory");
}

/* Wait for an interrupt (with interrupts off: forever). */
static inline void
halt(void)
{

	__asm__ volatile("hlt" : : : "memory");
}

/* A hint to the CPU (and to Xen) that we are spinning. */
static inline void
cpu_spinwait(void)
{

	__asm__ volatile("pause" : : : "memory");
}

#endif /* !_MACHINE_CPUFUNC_H_ */
