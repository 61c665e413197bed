/*
 * kern/test_console.c - the `console` test: a line typed into the
 * guest's console in dom0 arrives through the console ring's `in` half
 * (src/dev/xen/console/console.c) and is echoed back.
 *
 * The guest prints a prompt and sleeps in cons_getc_wait() (kern/cons.h),
 * woken by xenconsoled's event on the console channel, until a line
 * ends in CR or LF.  Dom0 (tests/boot/xenstore.dom0) waits for the
 * prompt in the guest's console log, finds the guest's pty in xenstore
 * (console/tty, written by xenconsoled) and writes the line into it;
 * xenconsoled copies it into the ring.  The guest prints "console: got
 * <line>", which dom0 then looks for in the log: the text itself is
 * dom0's to check, the guest only reports that a whole line came in.
 *
 * Protocol: xen/include/public/io/console.h.  man4/console.4.
 */

#include "xen/xen.h"

#include <xen/vcpu.h>

#include "kern/callout.h"
#include "kern/cons.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/test.h"
#include "xen/timer.h"

/* How long dom0 gets to type the line, on Xen's clock. */
#define	CONSOLE_WAIT_NS		(60 * NS_PER_SEC)

static void
test_console(void)
{
	struct vcpu_runstate_info rs0, rs1;
	char line[80];
	uint64_t start, deadline, now, waited;
	size_t len = 0;
	int c;

	printf("console: waiting for a line on the console\n");
	/* dom0 waits for the prompt in the log: make sure it is there. */
	cons_flush();
	/*
	 * One deadline for the whole line; each cons_getc_wait() sleeps
	 * until xenconsoled's event says that input arrived.
	 */
	(void)xen_vcpu_runstate(&rs0);
	start = xen_clock_now();
	deadline = start + CONSOLE_WAIT_NS;
	for (;;) {
		now = xen_clock_now();
		if (now >= deadline ||
		    (c = cons_getc_wait(deadline - now)) < 0) {
			line[len] = '\0';
			report("console", FAIL, "no whole line within %llu s "
			    "(got \"%s\" so far)", CONSOLE_WAIT_NS / NS_PER_SEC,
			    line);
			return;
		}
		/* A line ends at CR (a terminal's Enter) or LF. */
		if (c == '\r' || c == '\n') {
			if (len > 0)
				break;
			continue;
		}
		/* Keep printable ASCII; the rest is not for a log line. */
		if (c >= ' ' && c < 0x7f && len < sizeof(line) - 1)
			line[len++] = (char)c;
	}
	waited = xen_clock_now() - start;
	(void)xen_vcpu_runstate(&rs1);
	line[len] = '\0';
	printf("console: got %s\n", line);
	/* Where the vCPU's time went while we waited (xen/timer.h). */
	report("console", PASS, "a line of %zu characters from the in ring "
	    "after %llu ms; vCPU running %llu ms, blocked %llu ms meanwhile",
	    len, waited / NS_PER_MS,
	    XEN_RUNSTATE_MS(rs0, rs1, RUNSTATE_running),
	    XEN_RUNSTATE_MS(rs0, rs1, RUNSTATE_blocked));
}

DOMU_TEST(console, "a line typed in dom0 arrives on the console ring",
    test_console, TEST_NEEDS_DOM0);
