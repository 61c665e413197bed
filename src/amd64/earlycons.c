/*
 * earlycons.c - the HVM amd64 kernel's early console: the 0xE9 debug
 * port and the first serial port, COM1.
 *
 * Where this sits: arch_early_write() (machdep.c) calls
 * earlycons_write() for everything printed before the console driver
 * attaches the Xen console ring (src/dev/xen/console), and for panics.
 * Two outputs, because they fail differently:
 *   - port 0xE9 is emulated by Xen itself (hvm_print_line() in
 *     xen/arch/x86/hvm/hvm.c): each line appears on Xen's serial console
 *     as "(dN) text", from the very first instruction, with no device
 *     model involved.  A production hypervisor shows it only at a
 *     verbose guest log level.  Without Xen the port does nothing.
 *   - COM1 is a 16550A UART.  Under Xen it is emulated by the device
 *     model (qemu-xen in dom0, `serial=` in xl.cfg); in plain QEMU, by
 *     QEMU.  Every register access is a trip to that emulator.
 * The PV kernel's early console is the console_io hypercall instead: a
 * PV guest has no I/O ports at all.
 *
 * UART registers: the 16550A data sheet (or any PC reference); offsets
 * below are from COM1_PORT (0x3f8).
 */

#include <stddef.h>
#include <stdint.h>

#include <machine/cpufunc.h>

#include "amd64/earlycons.h"
#include "amd64/layout.h"

#define	UART_DATA	0	/* transmit holding register (DLAB 0) */
#define	UART_IER	1	/* interrupt enable (DLAB 0) */
#define	UART_DLL	0	/* divisor latch, low byte (DLAB 1) */
#define	UART_DLM	1	/* divisor latch, high byte (DLAB 1) */
#define	UART_FCR	2	/* FIFO control */
#define	UART_LCR	3	/* line control */
#define	UART_MCR	4	/* modem control */
#define	UART_LSR	5	/* line status */
#define	LCR_DLAB	0x80	/* the next two registers are the divisor */
#define	LCR_8N1		0x03	/* 8 data bits, no parity, 1 stop bit */
#define	FCR_ENABLE	0x07	/* FIFOs on, both cleared */
#define	MCR_DTR_RTS	0x03
#define	LSR_THRE	0x20	/* transmit FIFO empty */
#define	UART_FIFO_SIZE	16	/* a 16550A's transmit FIFO */

/*
 * How often to read LSR while waiting for the FIFO to drain.  An
 * emulated UART is always ready at once; the bound only matters for a
 * UART that is absent (reads as 0xff, which counts as ready) or stuck.
 */
#define	UART_WAIT_TRIES	100000

static int com1_ready;

void
earlycons_init(void)
{

	/*
	 * 115200 baud (divisor 1), 8N1, FIFOs on, no interrupts: we only
	 * ever poll.  Emulators ignore the speed, but a real UART or a
	 * pedantic one needs it.
	 */
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, LCR_DLAB);
	outb(COM1_PORT + UART_DLL, 1);
	outb(COM1_PORT + UART_DLM, 0);
	outb(COM1_PORT + UART_LCR, LCR_8N1);
	outb(COM1_PORT + UART_FCR, FCR_ENABLE);
	outb(COM1_PORT + UART_MCR, MCR_DTR_RTS);
	com1_ready = 1;
}

/*
 * Write to COM1, UART_FIFO_SIZE bytes per wait: one LSR read per FIFO
 * load instead of one per byte, which halves the trips to the device
 * model (each ~1 ms under Xen in QEMU's emulated CPU).
 */
static void
com1_write(const char *buf, size_t len)
{
	size_t i, n;
	int tries;

	while (len > 0) {
		for (tries = 0; tries < UART_WAIT_TRIES; tries++)
			if (inb(COM1_PORT + UART_LSR) & LSR_THRE)
				break;
		n = len < UART_FIFO_SIZE ? len : UART_FIFO_SIZE;
		for (i = 0; i < n; i++)
			outb(COM1_PORT + UART_DATA, (uint8_t)buf[i]);
		buf += n;
		len -= n;
	}
}

void
earlycons_write(const char *buf, size_t len)
{
	size_t i;

	/*
	 * 0xE9 first: Xen handles it without leaving the hypervisor, so
	 * it is the cheaper of the two and the one that works even when
	 * the device model does not.
	 */
	for (i = 0; i < len; i++)
		outb(DEBUG_PORT, (uint8_t)buf[i]);
	if (com1_ready)
		com1_write(buf, len);
}
