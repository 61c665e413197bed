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

#include "xen/xen.h"

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

/* What arch_virt_to_frame() returns for an address that is not ours. */
#define	ARCH_FRAME_INVALID	((xen_pfn_t)~0UL)

/**
 * @brief The frame number by which Xen and other domains know the page
 *	that holds kernel address va: what goes in a grant entry.
 *
 * PV: the machine frame (mfn), from the p2m list the domain builder
 * left in memory (start_info.mfn_list), indexed by the pseudo-physical
 * frame (va - KERNBASE) >> PAGE_SHIFT.  HVM: the guest's own physical
 * frame (gfn); Xen translates it for the peer.  Pages whose mapping was
 * replaced (shared_info, the grant table itself) give the frame they
 * had before, not what is mapped there now.
 * @return the frame, or ARCH_FRAME_INVALID when va is not in the
 *	kernel's memory
 */
xen_pfn_t arch_virt_to_frame(const void *va);

/**
 * @brief Map the n frames of our grant table, contiguously, and return
 *	their address (src/xen/gnttab.c).
 *
 * GNTTABOP_setup_table has grown the table to n frames and listed them.
 * PV: they are machine frames; each is mapped with update_va_mapping
 * over a page reserved in the image (as shared_info is).  HVM: the
 * list is not needed; each frame is placed into our physical address
 * space with XENMEM_add_to_physmap (XENMAPSPACE_grant_table, index i),
 * at pages the kernel sets aside for it.
 * @return the table, or NULL when n is more than the architecture
 *	reserved room for (GNTTAB_NR_FRAMES) or a mapping failed
 */
void	*arch_map_grant_frames(const xen_pfn_t *frames, unsigned int n);

/**
 * @brief End the domain: power off, never return.
 *
 * Both kernels ask Xen with SCHEDOP_shutdown(SHUTDOWN_poweroff); an HVM
 * kernel that found no Xen uses ACPI instead.
 */
void	arch_poweroff(void) __attribute__((noreturn));

/**
 * @brief The machine-independent kernel, entered once the architecture
 *	has filled boot_info.  Runs the test the command line asks for,
 *	prints the result line and powers off.  Defined in kern/main.c.
 */
void	kernel_main(void) __attribute__((noreturn));

#endif /* !_KERN_ARCH_H_ */
