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
 * with CONFIG_VERBOSE_DEBUG).  HVM: the 0xE9 debug port, which Xen
 * prints on its serial line, and COM1 (src/amd64/earlycons.c).
 * @param buf bytes to write (not NUL-terminated)
 * @param len number of bytes
 */
void	arch_early_write(const char *buf, size_t len);

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
 * @brief Let go of the grant-table frames arch_map_grant_frames() mapped,
 *	before the domain is suspended (src/xen/gnttab.c, gnttab_suspend).
 *
 * PV: the toolstack's save refuses a page table that maps a frame not
 * in our p2m, so each page gets its own frame back (update_va_mapping);
 * after the resume arch_map_grant_frames() maps the new host's frames.
 * HVM: nothing to undo; the frames leave the physmap with the domain,
 * and arch_map_grant_frames() adds them again on resume.
 * @param n how many frames arch_map_grant_frames() mapped
 */
void	arch_unmap_grant_frames(unsigned int n);

/**
 * @brief Hand the domain to Xen to be saved, and return when it runs
 *	again (src/dev/xen/control/suspend.c; walkthroughs/control.md).
 *
 * Called with upcalls masked, after the shared code has stopped using
 * Xen's frames (the grant table is unmapped, xenstore and the console
 * are quiet).  The hypercall is SCHEDOP_shutdown(SHUTDOWN_suspend)
 * (xen/include/public/sched.h).  On return the architecture has made
 * boot_info right again - shared_info mapped, store_evtchn and
 * console_evtchn as the new domain has them - and reinstalled its event
 * callback; event channels, timers, xenstore and the grant table are for
 * the shared code to rebuild.
 * PV i386: builds the p2m frame lists the save reads
 * (arch.pfn_to_mfn_frame_list_list), turns start_info's store and
 * console mfns into pfns (the form libxc's restore rewrites), puts the
 * page's own frame under shared_info, and makes the hypercall with the
 * start_info mfn as third argument; afterwards reads the rewritten
 * start_info.  HVM amd64: the same hypercall without start_info; on
 * resume shared_info is placed again with XENMEM_add_to_physmap, the
 * ports re-read from HVM_PARAM_STORE_EVTCHN and HVM_PARAM_CONSOLE_EVTCHN,
 * and HVM_PARAM_CALLBACK_IRQ set again.
 * @return 0 after a restore (a new domain: every port, grant and watch
 *	is gone), 1 when Xen cancelled the suspend (the same domain goes
 *	on: all is as before), or a negative Xen errno when it refused
 */
int	arch_suspend(void);

/**
 * @brief End the domain: power off, never return.
 *
 * Both kernels ask Xen with SCHEDOP_shutdown(SHUTDOWN_poweroff); an HVM
 * kernel that found no Xen uses ACPI instead.
 */
void	arch_poweroff(void) __attribute__((noreturn));

/*
 * Physical memory.  Both kernels number the domain's pages 0, 1, 2, ...
 * (pseudo-physical frame numbers, pfns) and map each of them at a fixed
 * kernel address, the direct map.  kern/vm_page.c hands out the pages
 * the architecture did not use for itself.
 */

/* What arch_virt_to_pfn() and arch_pfn_to_mfn() return for "none". */
#define	ARCH_NO_FRAME	((unsigned long)-1)

/**
 * @brief The first pfn the page allocator may hand out; every page from
 *	it to arch_nr_pages() is free.
 *
 * PV: the first page after the bootstrap page tables (start_info's
 * pt_base + nr_pt_frames) and after the page tables the kernel built to
 * extend the direct map.  HVM: the first page after the kernel image and
 * its own page tables.
 */
unsigned long	arch_first_free_pfn(void);

/**
 * @brief How many pages the direct map holds: every pfn below this has
 *	a kernel address.
 *
 * PV: start_info's nr_pages, capped at 512 MiB of pages (the direct map
 * ends where the kernel's virtual window starts).  HVM: the RAM below
 * the first hole of the memory map.
 */
unsigned long	arch_nr_pages(void);

/**
 * @brief The kernel address of page pfn in the direct map.
 * @return the address, or NULL when pfn >= arch_nr_pages()
 */
void		*arch_pfn_to_virt(unsigned long pfn);

/**
 * @brief The pfn of an address in the direct map.
 * @return the pfn, or ARCH_NO_FRAME for an address outside the direct map
 */
unsigned long	arch_virt_to_pfn(const void *va);

/**
 * @brief The frame number by which Xen knows page pfn, to put in grant
 *	entries and other hypercall arguments that name pages.
 *
 * PV: the machine frame (mfn), from the p2m list Xen gave in start_info.
 * HVM: the pfn itself; Xen translates guest frames for an HVM guest.
 * @return the frame, or ARCH_NO_FRAME when pfn is not one of ours
 */
unsigned long	arch_pfn_to_mfn(unsigned long pfn);

/**
 * @brief The frame number by which Xen and other domains know the page
 *	that holds direct-map address va: what goes in a grant entry.
 *
 * Composed from the two functions above, so no architecture implements
 * it.  Pages whose mapping was replaced (shared_info, the grant table
 * itself) give the frame they had before, not what is mapped there now.
 * @return the frame, or ARCH_NO_FRAME when va is not in the direct map
 */
static inline unsigned long
arch_virt_to_frame(const void *va)
{
	unsigned long pfn = arch_virt_to_pfn(va);

	return (pfn == ARCH_NO_FRAME ? ARCH_NO_FRAME : arch_pfn_to_mfn(pfn));
}

/*
 * Memory that comes and goes (the balloon driver, src/dev/xen/balloon).
 * A domain may be given more memory than it started with, up to a
 * maximum the toolstack set (maxmem= in xl.cfg, published as
 * memory/static-max), and asked to give some back.  The pfns from
 * arch_nr_pages() up to arch_max_pages() have room - a direct-map
 * address, a p2m slot - but no memory behind them at first; the
 * balloon driver asks Xen for frames to put there and gives frames
 * back from free pages.  Around each hypercall the architecture makes
 * the page disappear from, or appear in, the kernel's view of memory
 * with arch_page_release() and arch_page_populate().
 */

/**
 * @brief How many pfns have room: every pfn below this has a direct-map
 *	address (pages from arch_nr_pages() up are not mapped until
 *	arch_page_populate()).  arch_nr_pages() until arch_grow_room().
 */
unsigned long	arch_max_pages(void);

/**
 * @brief Make room for pfns up to npages, the domain's maximum; called
 *	by the balloon driver once, after the page allocator started.
 *
 * PV: hook empty L1 tables for the direct map beyond the boot memory
 * and add p2m pages (entries "no frame"), all from the page allocator;
 * capped at the direct map's 512 MiB.  HVM: would map the gfns above
 * the boot RAM, which Xen leaves unpopulated; for now it makes no room
 * (src/amd64/balloon_machdep.c).
 * @return the new arch_max_pages(), less than npages when the cap or
 *	the allocator stopped it
 */
unsigned long	arch_grow_room(unsigned long npages);

/**
 * @brief Make page pfn disappear from the kernel before its frame is
 *	given back to Xen (XENMEM_decrease_reservation), and say which
 *	frame to give.  The page must be unused: off every list, mapped
 *	nowhere else.
 *
 * PV: unmap it from the direct map (update_va_mapping to 0, with a TLB
 * flush), so that Xen can free the frame (a mapping would hold a
 * reference), then mark its p2m slot INVALID_P2M_ENTRY; *frame is the
 * mfn.  HVM: *frame is the pfn itself (the gfn); the kernel's page
 * table may keep its mapping, but nothing may touch the page until it
 * is populated again (Xen would fill the hole with a fresh page).
 * @return 0, or a negative Xen errno: -XEN_EINVAL for a pfn not ours
 *	or already released, or the hypervisor's refusal to unmap
 */
int	arch_page_release(unsigned long pfn, xen_pfn_t *frame);

/**
 * @brief Put frame behind page pfn, after Xen handed it to the domain
 *	(XENMEM_populate_physmap), so that the page can be used again.
 *
 * PV: write the p2m slot, tell Xen's M2P the frame's pfn
 * (mmu_update MMU_MACHPHYS_UPDATE) and map it in the direct map,
 * writable (MMU_NORMAL_PT_UPDATE), in one mmu_update batch.  HVM:
 * nothing; frame is pfn and Xen has placed a page there.
 * @return 0, or a negative Xen errno: -XEN_EINVAL for a pfn that is
 *	not released or outside arch_max_pages(), or Xen's refusal
 */
int	arch_page_populate(unsigned long pfn, xen_pfn_t frame);

/*
 * Kernel virtual pages outside the direct map: a window of addresses
 * where single pages are mapped and unmapped (FreeBSD's pmap_kenter and
 * pmap_kremove).  PV: every page-table write is a hypercall, since Xen
 * checks it; HVM: the kernel writes its page-table entry and flushes the
 * TLB itself.
 */

/* pmap_enter() protection: without PMAP_WRITE the page is read-only. */
#define	PMAP_WRITE	0x1

/**
 * @brief The window [*start, *end) of kernel addresses that pmap_enter()
 *	and pmap_remove() work on.
 *
 * PV: from the end of the direct map (0xE0000000) to Xen's area
 * (HYPERVISOR_VIRT_START, 0xF5800000).
 */
void	arch_kva_window(uintptr_t *start, uintptr_t *end);

/**
 * @brief Map page pfn at the page-aligned address va of the window,
 *	replacing whatever va mapped, and flush va from the TLB.
 * @param prot PMAP_WRITE for a writable mapping, 0 for read-only
 * @return 0, or a negative Xen errno (xen/include/public/errno.h):
 *	-XEN_EINVAL for a va outside the window or a pfn not ours, or
 *	the hypervisor's refusal (PV: Xen refuses, for instance, a
 *	writable mapping of a page that is a page table)
 */
int	pmap_enter(uintptr_t va, unsigned long pfn, unsigned int prot);

/**
 * @brief Unmap the page-aligned address va of the window and flush it
 *	from the TLB; the page itself is not freed.
 * @return 0, or a negative Xen errno (-XEN_EINVAL outside the window)
 */
int	pmap_remove(uintptr_t va);

/*
 * Touching memory that may not be there.  Tests use these to prove that
 * an unmapped or protected page really faults; the architecture turns
 * the fault into a return value instead of a panic (i386: a fix-up
 * table consulted by the page-fault handler).
 */

/* What a probe that failed ran into. */
struct arch_fault {
	unsigned int	 vector;	/* the exception (14: page fault) */
	const char	*name;		/* its name, "page fault" */
	unsigned long	 error_code;	/* as the CPU pushed it */
	uintptr_t	 address;	/* the faulting address (page faults) */
};

/**
 * @brief Read the byte at addr, surviving a fault.
 * @param addr any address
 * @param out where the byte goes (must itself be valid)
 * @return 0, or -1 if the read faulted (see arch_probe_last_fault())
 */
int	arch_probe_read(const volatile void *addr, uint8_t *out);

/**
 * @brief Write value at addr, surviving a fault.
 * @return 0, or -1 if the write faulted (see arch_probe_last_fault())
 */
int	arch_probe_write(volatile void *addr, uint8_t value);

/**
 * @brief The fault that made the last probe return -1.
 * @param fault filled in; all zero if no probe has faulted yet
 */
void	arch_probe_last_fault(struct arch_fault *fault);

/**
 * @brief Check what the architecture was handed at boot, for the `boot`
 *	test.
 *
 * PV: start_info - its magic and flags, the page-table frames inside the
 * bootstrap region, the console and xenstore frames ours.  HVM: the
 * multiboot information and the HVM parameters.
 * @param buf one line: a summary when all is well, else what is wrong
 * @param size size of buf
 * @return 0 when everything holds, -1 otherwise
 */
int	arch_boot_check(char *buf, size_t size);

/**
 * @brief Tell Xen where to deliver events, so that evtchn_upcall()
 *	(xen/evtchn.h) runs when one is pending.
 *
 * Called once by evtchn_init() with upcalls masked.  PV:
 * HYPERVISOR_set_callbacks with the entry in src/i386/upcall.S.  HVM:
 * an IDT vector and HVM_PARAM_CALLBACK_IRQ naming it.
 */
void	arch_events_init(void);

/*
 * The interrupt flag.  What interrupts the kernel is the event upcall
 * (xen/evtchn.h), and each kernel stops it its own way.  PV: Xen does
 * not let a ring-1 kernel use cli/sti, and delivers upcalls only while
 * evtchn_upcall_mask in our vcpu_info is 0 (src/i386/intr_machdep.c).
 * HVM: the upcall is an interrupt vector that Xen injects whatever that
 * byte says, so the flag is the CPU's own RFLAGS.IF (cli/sti,
 * src/amd64/intr_machdep.c).  Shared code uses the FreeBSD-style names
 * of xen/intr.h, which call these.
 */

/**
 * @brief Stop upcalls; return the previous state for intr_restore().
 * @return nonzero if upcalls were already stopped, 0 if they ran
 */
int	arch_intr_disable(void);

/**
 * @brief Allow upcalls, and take at once any event that became pending
 *	while they were stopped (both kernels: if upcall_pending is set,
 *	enter Xen, which delivers on the way back).
 */
void	arch_intr_enable(void);

/**
 * @brief True while upcalls are stopped.
 */
int	arch_intr_disabled(void);

/**
 * @brief With upcalls stopped, allow them and wait for one, as a single
 *	step that no event can slip between (NATIVE: `sti; hlt`).
 *
 * PV: SCHEDOP_block, which unmasks inside Xen.  HVM: `sti; hlt`, since
 * sti takes effect only after the next instruction.  Returns with
 * upcalls allowed, after the upcall that woke us has run.
 */
void	arch_intr_enable_and_wait(void);

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
