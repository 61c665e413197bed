/*
 * tools/xenlab/judge.c - judge a guest's console log.
 *
 *     judge [-n TAIL] LOGFILE
 *
 * Reads the console log of one guest, as captured by the harness
 * (tools/xenlab), and prints one line saying what it shows:
 *
 *     judge: guest-hello.log: SUCCESS (3 passed, 0 failed, 1 skipped)
 *
 * On failure it also prints why, and the last TAIL lines of the log
 * (default 40) so that the Kyua report of a boot test shows what the
 * guest was doing when it went wrong, without anyone opening the log.
 *
 * All the knowledge of the result-line format is in result.c; this file
 * only reads the file, keeps the tail, and prints.
 *
 * Exit status, so that a dom0 script or an atf-sh test can act on it:
 *     0  SUCCESS
 *     1  FAILURE (a FAIL or malformed line, no result line, ...)
 *     2  usage error, or the log could not be read
 *     3  SKIP (the guest decided the test cannot run here)
 */
#define	_POSIX_C_SOURCE	200809L

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "result.h"

#define	TAIL_DEFAULT	40
#define	TAIL_MAX	100000	/* more is a typo, not a wish */

/*
 * The last lines seen, as a ring: line i of the log (counting from 1)
 * lives in slot (i - 1) % size, so when the log ends the oldest kept line
 * is the one after the last written.
 */
struct tail {
	char		**line;
	size_t		 *len;
	size_t		  size;
	unsigned long	  seen;
};

/*
 * The result_log line hook: remember the line in the ring.
 */
static void
tail_keep(void *arg, unsigned long lineno, const char *text, size_t len)
{
	struct tail *t = arg;
	size_t slot;
	char *copy;

	if (t->size == 0)
		return;
	/*
	 * Reuse the slot of the line that falls out of the window.  The
	 * parser has already cut the line to RESULT_LINE_MAX, so the tail
	 * costs at most TAIL lines of that size, whatever the log holds.
	 */
	slot = (size_t)((lineno - 1) % t->size);
	copy = realloc(t->line[slot], len == 0 ? 1 : len);
	if (copy == NULL) {
		fputs("judge: out of memory\n", stderr);
		exit(2);
	}
	memcpy(copy, text, len);
	t->line[slot] = copy;
	t->len[slot] = len;
	t->seen = lineno;
}

/* One line of the tail, with control bytes shown as '?'. */
static void
print_line(const char *s, size_t len)
{
	size_t i;

	fputs("  | ", stdout);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		putchar((c < 0x20 && c != '\t') || c == 0x7f ? '?' : c);
	}
	putchar('\n');
}

/*
 * Print the lines in the ring, oldest first, after a header saying how
 * many of how many, so a reader knows whether the start of the log is
 * missing from what they see.
 */
static void
tail_print(const struct tail *t, const char *name)
{
	unsigned long first, i;

	if (t->size == 0)
		return;
	if (t->seen == 0) {
		printf("judge: %s: the log is empty\n", name);
		return;
	}
	/* The window is the last size lines, or all of a shorter log. */
	first = t->seen > t->size ? t->seen - t->size + 1 : 1;
	printf("judge: %s: last %lu line%s of %lu:\n", name,
	    t->seen - first + 1, t->seen - first == 0 ? "" : "s", t->seen);
	for (i = first; i <= t->seen; i++)
		print_line(t->line[(i - 1) % t->size],
		    t->len[(i - 1) % t->size]);
}

/*
 * Say how to call judge, and exit with the usage status, 2.
 */
static void
usage(void)
{

	fputs("usage: judge [-n TAIL] LOGFILE\n", stderr);
	exit(2);
}

/*
 * Read the log named on the command line, judge it, print, and exit with
 * the verdict's status.
 */
int
main(int argc, char **argv)
{
	struct result_log *log;
	struct tail tail;
	enum result_verdict v;
	char reason[1024], *end;
	const char *name;
	unsigned long n = TAIL_DEFAULT;
	size_t i;
	FILE *fp;
	int ch;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		switch (ch) {
		case 'n':
			/* strtoul() would accept "-1" as a huge number. */
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (optarg[0] == '\0' || optarg[0] == '-' ||
			    *end != '\0' || errno != 0 || n > TAIL_MAX) {
				fprintf(stderr, "judge: -n wants a number of "
				    "lines from 0 to %d, not \"%s\"\n",
				    TAIL_MAX, optarg);
				usage();
			}
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	name = argv[0];

	/* Binary mode: the log may hold anything, and we count bytes. */
	fp = fopen(name, "rb");
	if (fp == NULL) {
		fprintf(stderr, "judge: %s: cannot open: %s\n", name,
		    strerror(errno));
		return (2);
	}
	tail.size = n;
	tail.seen = 0;
	tail.line = calloc(n == 0 ? 1 : n, sizeof(*tail.line));
	tail.len = calloc(n == 0 ? 1 : n, sizeof(*tail.len));
	/* The log holds a line buffer; too big to want on the stack. */
	log = malloc(sizeof(*log));
	if (tail.line == NULL || tail.len == NULL || log == NULL) {
		fputs("judge: out of memory\n", stderr);
		return (2);
	}
	result_init(log);
	/* The parser calls tail_keep() with every line it sees. */
	log->on_line = tail_keep;
	log->on_line_arg = &tail;
	if (result_read(log, fp) != 0) {
		fprintf(stderr, "judge: %s: read error: %s\n", name,
		    strerror(errno));
		return (2);
	}
	fclose(fp);

	/*
	 * One summary line always, so that a log of many judged guests can
	 * be grepped; the reason and the tail only when there is a problem
	 * to explain.
	 */
	v = result_judge(log, reason, sizeof(reason));
	printf("judge: %s: %s (%lu passed, %lu failed, %lu skipped",
	    name, result_verdict_name(v), log->passed, log->failed,
	    log->skipped);
	if (log->malformed > 0)
		printf(", %lu malformed", log->malformed);
	printf(")\n");
	if (v == RESULT_FAILURE) {
		printf("judge: %s: reason: %s\n", name, reason);
		tail_print(&tail, name);
	}

	for (i = 0; i < n; i++)
		free(tail.line[i]);
	free(tail.line);
	free(tail.len);
	free(log);
	/* The exit status is the interface for scripts; see the top. */
	switch (v) {
	case RESULT_SUCCESS:
		return (0);
	case RESULT_SKIP:
		return (3);
	default:
		return (1);
	}
}
