/*
 * dev/xen/xenpci/xenpci.c - xenpci(4): the Xen platform PCI device,
 * through which an HVM kernel starts talking to Xen.
 *
 * Where this sits: the HVM amd64 kernel boots like a PC kernel and finds
 * Xen through CPUID (src/amd64/hypervisor.c).  Before the
 * machine-independent kernel can run, something must do for it what
 * start_info does for a PV kernel: say where the console and xenstore
 * rings are, map shared_info, and arrange for events to arrive.  That is
 * this driver, called by amd64_start() before kernel_main().  It is the
 * only driver that knows it runs in an HVM domain; the console driver
 * and every other driver then use boot_info as they do in the PV kernel.
 *
 * The device (qemu-xen's hw/i386/xen/xen_platform.c) is PCI 5853:0001 at
 * 00:02.0.  What it gives us:
 *   - BAR1, a memory BAR of 16 MiB that no RAM backs: guest-physical
 *     space where Xen can map its own pages (XENMEM_add_to_physmap,
 *     xen/include/public/memory.h) without costing a page of RAM;
 *   - the I/O ports 0x10-0x13 of the unplug protocol
 *     (docs/misc/hvm-emulated-unplug.pandoc in Xen's tree), which take the
 *     emulated IDE disks and NICs away once PV drivers will serve them;
 *   - an interrupt line (INTx) that Xen can raise for events - which we
 *     do not use, see xenpci_set_callback().
 * The rings and the callback are HVM parameters
 * (xen/include/public/hvm/params.h, through src/xen/hvm.h).
 *
 * Every PCI configuration access and every port access to the device is
 * a trip to qemu-xen in dom0, about 1 ms under QEMU's emulated CPU: we
 * scan bus 0 only and stop at the device.  See man4/xenpci.4 and
 * walkthroughs/boot-hvm.md.
 */

#include "xen/xen.h"

#include <xen/event_channel.h>
#include <xen/hvm/params.h>
#include <xen/hvm/pvdrivers.h>
#include <xen/memory.h>
#include <xen/sched.h>

#include <machine/cpufunc.h>
#include <machine/hypervisor.h>
#include <machine/intr.h>
#include <machine/pmap.h>

#include "dev/xen/xenpci/xenpci.h"
#include "kern/arch.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/test.h"
#include "xen/barrier.h"
#include "xen/evtchn.h"
#include "xen/hvm.h"
#include "xen/hypercall.h"
#include "xen/intr.h"

/* PCI configuration mechanism #1 (PCI Local Bus spec 3.0, 3.2.2.3.2). */
#define	PCI_CONFIG_ADDRESS	0xcf8
#define	PCI_CONFIG_DATA		0xcfc
#define	PCI_CONFIG_ENABLE	0x80000000
#define	PCI_SLOTS		32

/* Configuration registers (PCI spec 3.0, 6.1). */
#define	PCIR_ID			0x00	/* vendor (low 16), device (high 16) */
#define	PCIR_COMMAND		0x04
#define	PCIR_BAR0		0x10
#define	PCIR_BAR1		0x14
#define	PCIR_INTLINE		0x3c
#define	PCIM_CMD_MEMEN		0x0002	/* the device decodes its memory BARs */
#define	PCIM_BAR_IO		0x1
#define	PCIM_BAR_MEM_64		0x4	/* memory BAR type 2: 64 bits wide */
#define	PCIM_BAR_IO_BASE	0xfffffffc
#define	PCIM_BAR_MEM_BASE	0xfffffff0
#define	PCI_NO_DEVICE		0xffffffff

#define	XENPCI_VENDOR		0x5853	/* XenSource */
#define	XENPCI_DEVICE		0x0001	/* the platform device */

/* The unplug protocol (hvm-emulated-unplug.pandoc); fixed ports. */
#define	UNPLUG_PORT_MAGIC	0x10	/* read: magic; write: build, mask */
#define	UNPLUG_PORT_VERSION	0x12	/* read: version; write: product */
#define	UNPLUG_MAGIC		0x49d2
#define	UNPLUG_MAGIC_BLACKLISTED 0xd249	/* our product/build is refused */
#define	UNPLUG_ALL_DISKS	0x0001	/* IDE and SCSI disks, not CD-ROMs */
#define	UNPLUG_ALL_NICS		0x0002
/* "experimental" in xen/include/public/hvm/pvdrivers.h. */
#define	UNPLUG_PRODUCT		0xffff
#define	UNPLUG_BUILD		1

/*
 * Upcall waits in the test: each try is one SCHEDOP_yield, after which
 * Xen injects a pending callback on the way back into the guest.
 */
#define	XENPCI_EVENT_TRIES	1000

static struct xenpci_softc {
	unsigned int	 slot;		/* 00:<slot>.0 */
	uint32_t	 ioport;	/* BAR0 */
	uint64_t	 mmio_base;	/* BAR1: the pool */
	uint64_t	 mmio_size;
	uint64_t	 mmio_next;	/* first free byte of the pool */
	unsigned int	 irq;		/* the firmware's INTx routing */
	/* What the device model said in the unplug protocol. */
	uint16_t	 unplug_magic;
	uint8_t		 unplug_version;
	uint16_t	 unplug_magic_after;
	int		 unplugged;
	/* The callback and what arrived through it. */
	uint64_t	 callback_param;
	volatile unsigned long upcalls;
	/* HVM parameters, as read. */
	uint64_t	 shared_info_pa;
	uint64_t	 console_pfn, console_evtchn;
	uint64_t	 store_pfn, store_evtchn;
	/* The first problem met after the device was found, for the test. */
	char		 error[120];
} xenpci;

/* Remember the first problem; the `xenpci` test reports it. */
static void
xenpci_error(const char *fmt, ...) __printflike(1, 2);

static void
xenpci_error(const char *fmt, ...)
{
	va_list ap;

	if (xenpci.error[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(xenpci.error, sizeof(xenpci.error), fmt, ap);
	va_end(ap);
}

/*
 * Read or write a 32-bit configuration register of bus 0, function 0.
 * The address goes to 0xCF8, the data through 0xCFC; one CPU and no
 * interrupts here, so nothing can come between the two accesses.
 */
static uint32_t
pci_read(unsigned int slot, unsigned int reg)
{

	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | slot << 11 | (reg & 0xfc));
	return (inl(PCI_CONFIG_DATA));
}

static void
pci_write(unsigned int slot, unsigned int reg, uint32_t v)
{

	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | slot << 11 | (reg & 0xfc));
	outl(PCI_CONFIG_DATA, v);
}

/*
 * Find 5853:0001 on bus 0.  qemu-xen puts it at slot 2, so the scan
 * usually costs three reads; a slot with no device reads as all ones.
 */
static int
xenpci_probe(void)
{
	/* LAB hvm-xenpci: BEGIN */
	unsigned int slot;

	for (slot = 0; slot < PCI_SLOTS; slot++)
		if (pci_read(slot, PCIR_ID) ==
		    (XENPCI_DEVICE << 16 | XENPCI_VENDOR)) {
			xenpci.slot = slot;
			return (1);
		}
	/* LAB hvm-xenpci: END */
	return (0);
}

/*
 * Read the BARs the firmware (hvmloader) assigned, and size BAR1: write
 * all ones, read back which address bits stuck, restore.  Memory
 * decoding is off meanwhile, so the device never answers at the
 * all-ones address.  A 64-bit BAR must have its upper half zero: we
 * only map the first 4 GiB.
 */
static int
xenpci_read_bars(void)
{
	uint32_t bar0, bar1, command, mask;

	bar0 = pci_read(xenpci.slot, PCIR_BAR0);
	bar1 = pci_read(xenpci.slot, PCIR_BAR1);
	xenpci.irq = pci_read(xenpci.slot, PCIR_INTLINE) & 0xff;
	if (bar0 & PCIM_BAR_IO)
		xenpci.ioport = bar0 & PCIM_BAR_IO_BASE;
	if ((bar1 & PCIM_BAR_IO) != 0 || (bar1 & PCIM_BAR_MEM_BASE) == 0) {
		xenpci_error("BAR1 is not an assigned memory BAR (0x%x): "
		    "did the firmware run?", bar1);
		return (-1);
	}
	if ((bar1 & PCIM_BAR_MEM_64) != 0 &&
	    pci_read(xenpci.slot, PCIR_BAR1 + 4) != 0) {
		xenpci_error("BAR1 lies above 4 GiB");
		return (-1);
	}
	command = pci_read(xenpci.slot, PCIR_COMMAND);
	pci_write(xenpci.slot, PCIR_COMMAND, command & ~PCIM_CMD_MEMEN);
	pci_write(xenpci.slot, PCIR_BAR1, 0xffffffff);
	mask = pci_read(xenpci.slot, PCIR_BAR1) & PCIM_BAR_MEM_BASE;
	pci_write(xenpci.slot, PCIR_BAR1, bar1);
	pci_write(xenpci.slot, PCIR_COMMAND, command | PCIM_CMD_MEMEN);

	xenpci.mmio_base = bar1 & PCIM_BAR_MEM_BASE;
	xenpci.mmio_size = (uint64_t)(uint32_t)~mask + 1;
	xenpci.mmio_next = xenpci.mmio_base;
	if (xenpci.mmio_size < PAGE_SIZE ||
	    pmap_mapdev(xenpci.mmio_base, xenpci.mmio_size) == NULL) {
		xenpci_error("BAR1 at 0x%lx of 0x%lx bytes is unusable",
		    xenpci.mmio_base, xenpci.mmio_size);
		return (-1);
	}
	return (0);
}

uint64_t
xenpci_alloc_space(size_t size)
{
	uint64_t pa;

	size = (size + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
	if (size == 0 ||
	    xenpci.mmio_next + size > xenpci.mmio_base + xenpci.mmio_size)
		return (0);
	pa = xenpci.mmio_next;
	xenpci.mmio_next += size;
	return (pa);
}

/*
 * The unplug protocol, step by step as hvm-emulated-unplug.pandoc gives
 * it.  Once PV drivers serve the disks and NICs, the emulated copies must
 * go, or the same disk would be reachable twice.  We tell the device
 * model who we are (a product number from
 * xen/include/public/hvm/pvdrivers.h and a build number); it may refuse
 * ("blacklist") that pair by changing the magic.  The ports belong to
 * the platform device, so this is only tried once the device is found.
 * (The boot CD-ROM is never unplugged: the protocol leaves CD drives.)
 */
static void
xenpci_unplug(void)
{

	xenpci.unplug_magic = inw(UNPLUG_PORT_MAGIC);
	if (xenpci.unplug_magic != UNPLUG_MAGIC) {
		xenpci_error("device model has no unplug protocol "
		    "(magic 0x%x)", xenpci.unplug_magic);
		return;
	}
	xenpci.unplug_version = inb(UNPLUG_PORT_VERSION);
	xenpci.unplug_magic_after = xenpci.unplug_magic;
	if (xenpci.unplug_version >= 1) {
		outw(UNPLUG_PORT_VERSION, UNPLUG_PRODUCT);
		outl(UNPLUG_PORT_MAGIC, UNPLUG_BUILD);
		xenpci.unplug_magic_after = inw(UNPLUG_PORT_MAGIC);
		if (xenpci.unplug_magic_after == UNPLUG_MAGIC_BLACKLISTED) {
			xenpci_error("device model blacklisted product 0x%x "
			    "build %u", UNPLUG_PRODUCT, UNPLUG_BUILD);
			return;
		}
	}
	outw(UNPLUG_PORT_MAGIC, UNPLUG_ALL_DISKS | UNPLUG_ALL_NICS);
	xenpci.unplugged = 1;
}

/*
 * Have Xen map its shared_info page at the first page of BAR1.  After
 * XENMEM_add_to_physmap the guest-physical page there *is* Xen's
 * shared_info; our one-to-one mapping already covers it, and we never
 * touched the address before, so no stale translation exists.  A PV
 * kernel maps the machine frame from start_info with update_va_mapping
 * instead.  Xen chooses the page's layout (32- or 64-bit) by the mode
 * the guest is in when it has the hypercall page filled and when it sets
 * HVM_PARAM_CALLBACK_IRQ (hvm_latch_shinfo_size() in
 * xen/arch/x86/hvm/hvm.c): we do both in 64-bit mode, so the page is
 * struct shared_info as our 64-bit headers see it.
 */
static int
xenpci_place_shared_info(uint64_t pa)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = pa >> PAGE_SHIFT,
	};
	struct shared_info *s;
	long error;

	error = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
	if (error != 0) {
		xenpci_error("XENMEM_add_to_physmap(shared_info, gpfn 0x%lx) "
		    "failed: %ld", (unsigned long)xatp.gpfn, error);
		return (-1);
	}
	s = pmap_mapdev(pa, PAGE_SIZE);
	/*
	 * Mask every event channel until someone binds a handler to it:
	 * the mask bits are ours to write (Xen only reads them), and a
	 * port unmasked with nobody to serve it would raise upcalls for
	 * nothing.  Code that binds a port unmasks it.
	 */
	memset(s->evtchn_mask, 0xff, sizeof(s->evtchn_mask));
	xenpci.shared_info_pa = pa;
	boot_info.shared_info = s;
	return (0);
}

/* At attach: the first page of the pool, for good. */
static void
xenpci_map_shared_info(void)
{
	uint64_t pa;

	if ((pa = xenpci_alloc_space(PAGE_SIZE)) == 0) {
		xenpci_error("no room in BAR1 for shared_info");
		return;
	}
	(void)xenpci_place_shared_info(pa);
}

/*
 * The event callback, on vector IDT_EVTCHN with interrupts off.  Xen
 * injects the vector whenever vcpu_info->evtchn_upcall_pending is set
 * and RFLAGS.IF allows (xen/arch/x86/hvm/irq.c,
 * hvm_vcpu_has_pending_irq): like a level-triggered line, so the flag
 * must be cleared before we return or the vector comes straight back.
 * evtchn_upcall() clears it first thing, then scans the two-level
 * pending bitmaps and calls each port's handler - the same code the PV
 * kernel's upcall entry calls.  No EOI: a vector callback bypasses the
 * local APIC.
 */
static void
xenpci_intr(void)
{

	xenpci.upcalls++;
	evtchn_upcall();
}

/*
 * Ask Xen to deliver events as an interrupt vector.  HVM_PARAM_CALLBACK_IRQ
 * says how (xen/include/public/hvm/params.h): bits 63-56 the type, the
 * rest its argument.  We choose type 2, HVM_PARAM_CALLBACK_TYPE_VECTOR:
 * Xen injects IDT_EVTCHN straight into the vCPU, with no interrupt
 * controller involved, so there is no I/O APIC to program, no line
 * shared with other devices and no end-of-interrupt to send.  The
 * alternative, type 1 (PCI INTx, the device's pin and our slot), is what
 * a guest without vector support uses: the event then arrives as the
 * platform device's legacy interrupt, through the emulated I/O APIC or
 * PIC, level-triggered and needing an EOI - more hardware to drive, for
 * the same result.  Called through arch_events_init() by evtchn_init(),
 * with interrupts off, once the shared event code is ready to be
 * entered; our handler is in the IDT before Xen is told the vector.
 */
void
xenpci_events_init(void)
{
	uint64_t param = 0, check = 0;
	int error;

	if (boot_info.shared_info == NULL)
		return;
	/* LAB hvm-xenpci: BEGIN */
	param = (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | IDT_EVTCHN;
	/* LAB hvm-xenpci: END */
	(void)intr_set_handler(IDT_EVTCHN, xenpci_intr);
	if ((error = hvm_set_param(HVM_PARAM_CALLBACK_IRQ, param)) != 0) {
		xenpci_error("HVM_PARAM_CALLBACK_IRQ=0x%lx refused: %d",
		    (unsigned long)param, error);
		return;
	}
	/* Read it back: the value Xen keeps is what it will use. */
	(void)hvm_get_param(HVM_PARAM_CALLBACK_IRQ, &check);
	xenpci.callback_param = check;
	if (check != param)
		xenpci_error("HVM_PARAM_CALLBACK_IRQ reads back 0x%lx, not "
		    "0x%lx", (unsigned long)check, (unsigned long)param);
}

/*
 * A ring page from an HVM parameter: the toolstack put the page at
 * guest-physical frame *pfn (a "special page" just below 0xFF000000,
 * reserved in the E820 map) and bound its event channel.  0 means the
 * toolstack set no such ring.
 */
static void *
xenpci_ring(uint32_t pfn_param, uint32_t evtchn_param, uint64_t *pfn,
    uint64_t *evtchn, const char *what)
{
	void *ring;

	if (hvm_get_param(pfn_param, pfn) != 0 ||
	    hvm_get_param(evtchn_param, evtchn) != 0 || *pfn == 0) {
		xenpci_error("no %s ring in the HVM parameters", what);
		return (NULL);
	}
	if ((ring = pmap_mapdev(*pfn << PAGE_SHIFT, PAGE_SIZE)) == NULL ||
	    *evtchn == 0 || *evtchn > UINT32_MAX)
		xenpci_error("%s ring at pfn 0x%lx, event channel %lu: out "
		    "of range", what, (unsigned long)*pfn,
		    (unsigned long)*evtchn);
	return (ring);
}

const char *
xenpci_attach(void)
{

	if (!xenpci_probe())
		return ("no Xen platform device");
	if (!hypervisor_present())
		return ("a Xen platform device but no Xen CPUID leaves");
	/* Disks and NICs go first, before anything could use them. */
	xenpci_unplug();
	if (xenpci_read_bars() == 0)
		xenpci_map_shared_info();
	boot_info.console_ring = xenpci_ring(HVM_PARAM_CONSOLE_PFN,
	    HVM_PARAM_CONSOLE_EVTCHN, &xenpci.console_pfn,
	    &xenpci.console_evtchn, "console");
	boot_info.console_evtchn = (uint32_t)xenpci.console_evtchn;
	boot_info.store_ring = xenpci_ring(HVM_PARAM_STORE_PFN,
	    HVM_PARAM_STORE_EVTCHN, &xenpci.store_pfn, &xenpci.store_evtchn,
	    "xenstore");
	boot_info.store_evtchn = (uint32_t)xenpci.store_evtchn;
	return (NULL);
}

/*
 * After a restore (arch_suspend(), src/amd64): the new domain has
 * nothing at the BAR page where shared_info was, no callback, and
 * perhaps new port numbers for the console and xenstore.  Put
 * shared_info back at the same address (everything that points into it
 * stays valid), set the callback again and re-read the two ports.  The
 * ring pages themselves are guest memory, saved and restored with it.
 */
int
xenpci_resume(void)
{

	xenpci.error[0] = '\0';
	if (xenpci.shared_info_pa == 0 ||
	    xenpci_place_shared_info(xenpci.shared_info_pa) != 0)
		return (-1);
	xenpci_events_init();
	if (hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN,
	    &xenpci.console_evtchn) != 0 ||
	    hvm_get_param(HVM_PARAM_STORE_EVTCHN, &xenpci.store_evtchn) != 0 ||
	    xenpci.console_evtchn > UINT32_MAX ||
	    xenpci.store_evtchn > UINT32_MAX)
		xenpci_error("no console or xenstore port after the restore");
	boot_info.console_evtchn = (uint32_t)xenpci.console_evtchn;
	boot_info.store_evtchn = (uint32_t)xenpci.store_evtchn;
	return (xenpci.error[0] == '\0' ? 0 : -1);
}

/* The IPI port's handler: count what arrived through the callback. */
static void
xenpci_ipi_handler(evtchn_port_t port, void *arg)
{
	volatile unsigned long *seen = arg;

	(void)port;
	(*seen)++;
}

/*
 * Send an event to ourselves and see it arrive through the callback:
 * bind an IPI event channel to vCPU 0 (EVTCHNOP_bind_ipi,
 * xen/include/public/event_channel.h), give it a handler (which
 * unmasks it), send, and wait - bounded - for the handler to run.
 * Returns the upcalls on our vector meanwhile, with *handled the
 * handler's count, or -1 when the port cannot be bound.
 */
static long
xenpci_event_roundtrip(evtchn_port_t *portp, unsigned long *handled)
{
	struct evtchn_bind_ipi bind = { .vcpu = 0 };
	static volatile unsigned long seen;
	unsigned long before;
	int tries, was;

	if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bind) != 0)
		return (-1);
	*portp = bind.port;
	seen = 0;
	if (evtchn_bind_handler(bind.port, xenpci_ipi_handler,
	    (void *)&seen) != 0) {
		(void)evtchn_close(bind.port);
		return (-1);
	}
	before = xenpci.upcalls;
	was = intr_disable();
	(void)evtchn_send(bind.port);
	/* Interrupts on, then off again: the vector is taken in between. */
	for (tries = 0; tries < XENPCI_EVENT_TRIES && seen == 0; tries++) {
		intr_enable();
		(void)HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
		(void)intr_disable();
	}
	intr_restore(was);
	*handled = seen;
	(void)evtchn_close(bind.port);
	return ((long)(xenpci.upcalls - before));
}

/*
 * The `xenpci` test: report what attach found and check that events
 * arrive through the callback.  Three checks, so each can fail alone:
 * the device and the pages it gave (xenpci), the callback
 * (xenpci-callback), and the unplug protocol (xenpci-unplug).
 */
static void
test_xenpci(void)
{
	evtchn_port_t port = 0;
	unsigned long handled = 0;
	long upcalls;

	printf("xenpci0: device 5853:0001 at 00:%02x.0, I/O BAR 0x%x, memory "
	    "BAR 0x%lx-0x%lx, irq %u\n", xenpci.slot, xenpci.ioport,
	    xenpci.mmio_base, xenpci.mmio_base + xenpci.mmio_size - 1,
	    xenpci.irq);
	if (xenpci.error[0] != '\0')
		report("xenpci", FAIL, "%s", xenpci.error);
	else
		report("xenpci", PASS, "5853:0001 at 00:%02x.0, BAR1 0x%lx "
		    "%lu KiB, shared_info at 0x%lx; console pfn 0x%lx evtchn "
		    "%lu; xenstore pfn 0x%lx evtchn %lu", xenpci.slot,
		    xenpci.mmio_base, xenpci.mmio_size / 1024,
		    xenpci.shared_info_pa, xenpci.console_pfn,
		    xenpci.console_evtchn, xenpci.store_pfn,
		    xenpci.store_evtchn);

	if (xenpci.callback_param == 0) {
		/* Xen reads 0 as "no callback": events are not delivered. */
		report("xenpci-callback", FAIL, "no callback registered");
	} else if ((upcalls = xenpci_event_roundtrip(&port, &handled)) < 0) {
		report("xenpci-callback", FAIL, "cannot bind an IPI event "
		    "channel to vCPU 0");
	} else if (upcalls == 0 || handled != 1) {
		report("xenpci-callback", FAIL, "IPI port %u: %ld upcalls on "
		    "vector 0x%x, its handler ran %lu times", port, upcalls,
		    IDT_EVTCHN, handled);
	} else {
		report("xenpci-callback", PASS, "HVM_PARAM_CALLBACK_IRQ 0x%lx "
		    "(vector 0x%x): IPI port %u arrived in %ld upcall%s",
		    (unsigned long)xenpci.callback_param, IDT_EVTCHN, port,
		    upcalls, upcalls == 1 ? "" : "s");
	}

	if (!xenpci.unplugged)
		report("xenpci-unplug", FAIL, "device model said magic 0x%x "
		    "version %u, then magic 0x%x; nothing unplugged",
		    xenpci.unplug_magic, xenpci.unplug_version,
		    xenpci.unplug_magic_after);
	else
		report("xenpci-unplug", PASS, "device model said magic 0x%x, "
		    "protocol version %u, magic 0x%x after product 0x%x build "
		    "%u; unplugged emulated disks and NICs",
		    xenpci.unplug_magic, xenpci.unplug_version,
		    xenpci.unplug_magic_after, UNPLUG_PRODUCT, UNPLUG_BUILD);
}

DOMU_TEST(xenpci, "the Xen platform device: BAR, shared_info, callback, "
    "unplug", test_xenpci, 0);
