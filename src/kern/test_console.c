/*
 * kern/test_console.c - the `console` test: a line typed into the
 * guest's console in dom0 arrives through the console ring's `in` half
 * (src/dev/xen/console/console.c) and is echoed back.
 *
 * The guest prints a prompt and polls cons_getc() (kern/cons.h) until a
 * line ends in CR or LF.  Dom0 (tests/boot/xenstore.dom0) waits for the
 * prompt in the guest's console log, finds the guest's pty in xenstore
 * (console/tty, written by xenconsoled) and writes the line into it;
 * xenconsoled copies it into the ring.  The guest prints "console: got
 * <line>", which dom0 then looks for in the log: the text itself is
 * dom0's to check, the guest only reports that a whole line came in.
 *
 * Protocol: xen/include/public/io/console.h.  man4/console.4.
 */

#include "kern/arch.h"
#include "kern/cons.h"
#include "kern/libkern.h"
#include "kern/report.h"
#include "kern/test.h"

/*
 * How long dom0 gets to type the line, in yields of the CPU (about
 * 2.9 us each under QEMU when nothing else runs, longer otherwise):
 * 60 s at least.
 */
#define	CONSOLE_WAIT_YIELDS	(60UL * 1000 * 350)

static void
test_console(void)
{
	char line[80];
	unsigned long tries;
	size_t len = 0;
	int c = -1;

	printf("console: waiting for a line on the console\n");
	/* dom0 waits for the prompt in the log: make sure it is there. */
	cons_flush();
	for (tries = 0; tries < CONSOLE_WAIT_YIELDS; tries++) {
		if ((c = cons_getc()) < 0) {
			arch_yield();
			continue;
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
	line[len] = '\0';
	if (tries == CONSOLE_WAIT_YIELDS) {
		report("console", FAIL, "no whole line within %lu yields "
		    "(got \"%s\" so far)", CONSOLE_WAIT_YIELDS, line);
		return;
	}
	printf("console: got %s\n", line);
	report("console", PASS, "a line of %zu characters from the in ring",
	    len);
}

DOMU_TEST(console, "a line typed in dom0 arrives on the console ring",
    test_console, TEST_NEEDS_DOM0);
