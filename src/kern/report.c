/*
 * kern/report.c - the guest side of the result protocol (kern/report.h).
 *
 * Each line is formatted whole into a buffer and printed with a single
 * printf, so it reaches the console ring in one write.  The counts decide
 * the final line; the harness checks both (a FAIL line with a SUCCESS
 * result is itself a failure), so a test cannot hide a failure by
 * reporting SUCCESS at the end.
 */

#include "kern/report.h"

/* How each verdict is spelled on the console; the judge matches these. */
static const char *const verdict_names[] = {
	[PASS] = "PASS",
	[FAIL] = "FAIL",
	[SKIP] = "SKIP",
};

/*
 * Checks reported so far, by verdict.  One CPU and no threads yet, so a
 * plain counter is enough; with threads this would need a lock.
 */
static unsigned int counts[3];

void
report(const char *name, enum verdict v, const char *fmt, ...)
{
	char detail[200];
	va_list ap;

	/*
	 * Format the detail first: a detail longer than the buffer is cut,
	 * but the line keeps its shape and its newline.
	 */
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	counts[v]++;
	printf("domu: %s: %s %s\n", name, verdict_names[v], detail);
}

void
report_result(void)
{

	if (counts[FAIL] > 0)
		printf("domu: result: FAILURE %u of %u checks failed\n",
		    counts[FAIL], counts[PASS] + counts[FAIL] + counts[SKIP]);
	else if (counts[PASS] > 0)
		printf("domu: result: SUCCESS\n");
	else
		printf("domu: result: SKIP\n");
}

void
report_error(const char *fmt, ...)
{
	char detail[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	printf("domu: result: ERROR %s\n", detail);
}
