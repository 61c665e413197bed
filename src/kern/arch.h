/*
 * kern/arch.h - the boundary between the two kernels and the shared code.
 *
 * domu builds two kernels from one tree (design.md section 4): a PV i386
 * kernel (src/i386, `options XEN`) that Xen starts through start_info, and
 * an HVM amd64 kernel (src/amd64, `options XENHVM`) that boots like a PC
 * and finds Xen through the platform PCI device.  Everything else -
 * src/kern, src/xen and every driver in src/dev/xen - is compiled
 * unchanged into both and must not ask which kernel it is in.  This
 * header is the whole of what an architecture provides to that shared
 * code; <machine/hypercall.h> (the hypercall entry) completes it.
 *
 * If a shared file needs something not listed here, add it here, with a
 * sentence on what each architecture does for it - never an #ifdef XEN
 * in the shared file.
 */
#ifndef _KERN_ARCH_H_
#define _KERN_ARCH_H_

#include <stddef.h>
#include <stdint.h>

struct shared_info;

/*
 * What the architecture learnt at boot, in a form both kernels can fill.
 * The PV kernel reads it from start_info (xen/include/public/xen.h);
 * the HVM kernel from multiboot and the HVM_PARAM_* parameters
 * (xen/include/public/hvm/params.h).
 */
struct boot_info {
	/* How the kernel was started, e.g. "xen-3.0-x86_32p" for PV. */
	char		 magic[32];
	/* The command line given by the toolstack (`extra=` in xl.cfg). */
	const char	*cmdline;
	/* Pages of memory the domain started with. */
	unsigned long	 nr_pages;
	/* The console ring (xen/include/public/io/console.h), mapped. */
	void		*console_ring;
	/* The event channel the console daemon listens on for that ring. */
	uint32_t	 console_evtchn;
	/* The xenstore ring (xen/include/public/io/xs_wire.h), mapped. */
	void		*store_ring;
	/* The event channel of xenstored for that ring. */
	uint32_t	 store_evtchn;
	/*
	 * The shared_info page (xen/include/public/xen.h), mapped: event
	 * pending and mask bits, each vCPU's vcpu_info (event mask, time),
	 * the wall clock.
	 */
	struct shared_info *shared_info;
};

/* Filled by the architecture before kernel_main() is called. */
extern struct boot_info boot_info;

/**
 * @brief Write bytes to the earliest console the architecture has.
 *
 * Usable before any driver is set up and from panic().  PV: the
 * console_io hypercall (seen on Xen's serial line only when Xen is built
 * with CONFIG_VERBOSE_DEBUG).  HVM: the 0xE9 debug port.
 * @param buf bytes to write (not NUL-terminated)
 * @param len number of bytes
 */
void	arch_early_write(const char *buf, size_t len);

/**
 * @brief Give the CPU away until something happens, without events.
 *
 * Used by polling loops (such as waiting for the console daemon to
 * drain the ring) before event delivery is set up.  It returns soon even
 * if nothing happened; callers re-check their condition and bound the
 * number of tries.
 */
void	arch_yield(void);

/**
 * @brief End the domain: power off, never return.
 *
 * Both kernels ask Xen with SCHEDOP_shutdown(SHUTDOWN_poweroff); an HVM
 * kernel that found no Xen uses ACPI instead.
 */
void	arch_poweroff(void) __attribute__((noreturn));

/**
 * @brief Tell Xen where to deliver events, so that evtchn_upcall()
 *	(xen/evtchn.h) runs when one is pending.
 *
 * Called once by evtchn_init() with upcalls masked.  PV:
 * HYPERVISOR_set_callbacks with the entry in src/i386/upcall.S.  HVM:
 * an IDT vector and HVM_PARAM_CALLBACK_IRQ naming it.
 */
void	arch_events_init(void);

/**
 * @brief How many upcalls found that they had interrupted the exit path
 *	of another and merged the two frames instead of nesting (for tests).
 *
 * PV: the critical-region fix-up in src/i386/upcall.S.  HVM: always 0,
 * since `iretq` restores the interrupt flag and returns in one step.
 */
unsigned long	arch_upcall_fixups(void);

/**
 * @brief Read the CPU's time-stamp counter, ordered after earlier loads.
 *
 * Xen's time records (xen/pvclock.h) extrapolate from it.  Both
 * architectures: `lfence; rdtsc`.
 */
uint64_t	arch_rdtsc(void);

/**
 * @brief Tell the CPU we are in a spin-wait loop (x86: `pause`), so it
 *	saves power and a hypervisor may notice.
 */
void	arch_spinwait(void);

/**
 * @brief Lay out a new thread's stack so that the first arch_switch()
 *	to it calls entry(arg); entry must never return.
 *
 * Both architectures push a frame of zeroed callee-saved registers and
 * a return address into a trampoline that calls entry.
 * @param stack lowest address of the stack
 * @param size its size in bytes
 * @return the stack pointer to pass to arch_switch()
 */
uintptr_t	arch_thread_stack_init(void *stack, size_t size,
		    void (*entry)(void *), void *arg);

/**
 * @brief Switch threads: save the callee-saved registers on the current
 *	stack and the stack pointer in *from_sp, then resume the thread
 *	whose stack pointer is to_sp.  Called with upcalls masked.
 *
 * i386: src/i386/switch.S (ebx, esi, edi, ebp); amd64 saves rbx, rbp
 * and r12-r15.  Returns when some thread switches back to this one.
 */
void	arch_switch(uintptr_t *from_sp, uintptr_t to_sp);

/**
 * @brief The machine-independent kernel, entered once the architecture
 *	has filled boot_info.  Runs the test the command line asks for,
 *	prints the result line and powers off.  Defined in kern/main.c.
 */
void	kernel_main(void) __attribute__((noreturn));

#endif /* !_KERN_ARCH_H_ */
