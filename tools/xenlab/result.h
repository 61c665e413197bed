/*
 * tools/xenlab/result.h - read a guest's console log and judge it.
 *
 * Every guest test program ends the way XTF's do (common/report.c): it
 * prints what it checked, one line each, and then one result line:
 *
 *     domu: <name>: PASS|FAIL|SKIP [detail]
 *     domu: result: SUCCESS|FAILURE|SKIP|ERROR [detail]
 *
 * (src/kern/report.c prints them; design.md section 5 explains why the
 * harness judges nothing but these lines.)  This parser runs on the host,
 * over the console log that xenconsoled or Xen's serial line captured.
 * It expects that log to be dirty:
 *
 *   - lines end in \n or \r\n, and the last one may have no end at all
 *     when the guest died mid-line;
 *   - a line may carry a prefix before "domu: ", such as "(d3) " from
 *     Xen's serial console or a timestamp; the marker is found anywhere
 *     in the line as long as it starts a word;
 *   - anything may appear between the domu lines (boot messages, Xen's
 *     own output, binary junk from a crashed guest); lines without the
 *     marker are ignored;
 *   - lines may be very long; they are cut at RESULT_LINE_MAX bytes and
 *     the cut is counted, never a crash.
 *
 * A line that carries the marker promises to follow the format: one with
 * an empty name or an unknown verdict word is counted as malformed, and
 * a malformed line fails the run.  That is deliberate: a guest printing
 * "domu: timer: PASSED" must be told, not have its line ignored.
 *
 * The parser takes bytes in any chunks (result_feed()), so the harness
 * can judge a log while it is still being written; result_read() is the
 * convenience for a whole file.  tools/xenlab/judge.c is the command.
 */
#ifndef _RESULT_H_
#define _RESULT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Bytes of a line kept for parsing; the rest of a longer line is dropped. */
#define	RESULT_LINE_MAX		4096

/* Bytes of text kept to explain a verdict (the first FAIL line, ...). */
#define	RESULT_TEXT_MAX		256

/* What a result line says, or what the judge decides. */
enum result_verdict {
	RESULT_NONE = 0,	/* no result line (yet) */
	RESULT_SUCCESS,
	RESULT_FAILURE,
	RESULT_SKIP,
	RESULT_ERROR
};

/*
 * A line noted for the verdict: where it was and what it said (cleaned of
 * control characters, cut to RESULT_TEXT_MAX).  line is 0 if none.
 */
struct result_note {
	unsigned long	line;
	char		text[RESULT_TEXT_MAX];
};

/*
 * Everything the parser learnt from a log.  Treat as read-only, except
 * on_line and on_line_arg, which a caller may set after result_init().
 */
struct result_log {
	unsigned long	lines;		/* lines seen, domu or not */
	unsigned long	passed;		/* PASS lines */
	unsigned long	failed;		/* FAIL lines */
	unsigned long	skipped;	/* SKIP lines */
	unsigned long	malformed;	/* domu lines not in the format */
	unsigned long	truncated;	/* lines longer than RESULT_LINE_MAX */

	enum result_verdict result;	/* of the first result line */
	struct result_note result_note;	/* that line */
	struct result_note first_fail;	/* "name: detail" of the first FAIL */
	struct result_note first_malformed; /* the first malformed line */
	/* A later result line that says something else than the first. */
	struct result_note contradiction;

	/*
	 * Called for every line, domu or not, with the line as kept (cut,
	 * \r\n removed, not NUL-terminated, may contain any byte).
	 * judge.c uses it to keep the transcript tail.
	 */
	void		(*on_line)(void *arg, unsigned long lineno,
			    const char *line, size_t len);
	void		*on_line_arg;

	/* The line being assembled. */
	char		buf[RESULT_LINE_MAX];
	size_t		len;
	bool		overflow;	/* bytes of this line were dropped */
	bool		in_line;	/* a line has begun */
};

/**
 * @brief Start a new, empty log.
 * @param log the log to initialise
 */
void	result_init(struct result_log *log);

/**
 * @brief Give the parser the next bytes of the console output.
 *
 * Complete lines are parsed at once; a partial line waits for the rest
 * or for result_finish().
 *
 * @param log  the log
 * @param data bytes, any values, no terminator needed
 * @param len  how many
 */
void	result_feed(struct result_log *log, const void *data, size_t len);

/**
 * @brief Say the output has ended; a last line without a newline is
 *        parsed now.
 * @param log the log
 */
void	result_finish(struct result_log *log);

/**
 * @brief Feed a whole stream to the parser, then finish.
 * @param log the log, after result_init() (and setting on_line, if used)
 * @param fp  the stream to read to its end
 * @return 0, or -1 if reading failed (errno says why)
 */
int	result_read(struct result_log *log, FILE *fp);

/**
 * @brief Decide what a log means.
 *
 * SUCCESS only if the result line says SUCCESS and no line is FAIL or
 * malformed; SKIP if it says SKIP under the same conditions; anything
 * else is FAILURE: a FAIL line, a malformed line, no result line, a
 * result of FAILURE or ERROR, or a later result line that contradicts
 * the first.  Lines after the result line count like any other, so a
 * FAIL printed after "result: SUCCESS" (for example by a dom0 check)
 * fails the run.
 *
 * @param log       a finished log
 * @param reason    receives why it failed, several reasons separated by
 *                  "; " (e.g. "FAIL: timer: no tick (line 14)"), or ""
 *                  on SUCCESS and SKIP; may be NULL
 * @param reasonsz  size of @p reason
 * @return RESULT_SUCCESS, RESULT_SKIP or RESULT_FAILURE
 */
enum result_verdict result_judge(const struct result_log *log, char *reason,
	    size_t reasonsz);

/**
 * @brief The word for a verdict: "SUCCESS", "FAILURE", "SKIP", "ERROR",
 *        or "NONE".
 * @param v a verdict
 * @return a static string
 */
const char	*result_verdict_name(enum result_verdict v);

#endif /* !_RESULT_H_ */
