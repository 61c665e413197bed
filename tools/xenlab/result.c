/*
 * tools/xenlab/result.c - the result-line parser and judge.
 *
 * The format and the promises about dirty input are in result.h.  The
 * code is in three layers: bytes are assembled into lines (result_feed),
 * a line is classified and counted (parse_line), and the counts are
 * turned into a verdict with reasons (result_judge).  Nothing here
 * allocates memory, so a log of any size or content costs a fixed
 * RESULT_LINE_MAX of buffer and cannot make the parser fail.
 */
#define	_POSIX_C_SOURCE	200809L

#include <stdarg.h>
#include <string.h>

#include "result.h"

/* What marks a line as ours.  The space is part of it: "domu:x" is not. */
static const char marker[] = "domu: ";
#define	MARKER_LEN	(sizeof(marker) - 1)

/*
 * The word for each verdict, as the guest prints it and judge reports it.
 */
const char *
result_verdict_name(enum result_verdict v)
{

	switch (v) {
	case RESULT_SUCCESS:
		return ("SUCCESS");
	case RESULT_FAILURE:
		return ("FAILURE");
	case RESULT_SKIP:
		return ("SKIP");
	case RESULT_ERROR:
		return ("ERROR");
	default:
		return ("NONE");
	}
}

/*
 * All counts zero, no result, no partial line: a zeroed struct is exactly
 * that, so initialisation is one memset.
 */
void
result_init(struct result_log *log)
{

	memset(log, 0, sizeof(*log));
}

/*
 * Keep a piece of a line for a message.  Control bytes become '?', so a
 * line from a crashed guest cannot garble the terminal it is shown on;
 * bytes >= 0x80 are kept, as they are most likely UTF-8.
 */
static void
note_set(struct result_note *note, unsigned long lineno, const char *s,
    size_t len)
{
	size_t i, max = sizeof(note->text) - 1;
	bool cut = false;

	if (len > max) {
		len = max - 3;	/* room for "..." */
		cut = true;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		note->text[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (cut) {
		memcpy(note->text + len, "...", 3);
		len += 3;
	}
	note->text[len] = '\0';
	note->line = lineno;
}

/* Does word (NUL-terminated) equal s[0..len)? */
static bool
word_is(const char *s, size_t len, const char *word)
{

	return (strlen(word) == len && memcmp(s, word, len) == 0);
}

/*
 * Letters, digits and '_': the bytes that would make "domu" the end of a
 * longer word (for example "xdomu: ") rather than a marker.
 */
static bool
is_word_byte(unsigned char c)
{

	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_');
}

/*
 * Find the marker in a line: the first "domu: " that starts a word, so
 * that "(d3) domu: " and "[1.2]domu: " count and "xdomu: " does not.
 * Returns its offset, or -1.  Lines may hold NUL bytes, so this cannot
 * be strstr().
 */
static long
find_marker(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i + MARKER_LEN <= len; i++) {
		if (line[i] != 'd' || memcmp(line + i, marker, MARKER_LEN) != 0)
			continue;
		if (i == 0 || !is_word_byte((unsigned char)line[i - 1]))
			return ((long)i);
	}
	return (-1);
}

/*
 * Count a domu line that breaks the format, keeping the first one so the
 * reason can quote it.  The line from the marker on is kept, which is
 * the part the guest's author needs to see.
 */
static void
count_malformed(struct result_log *log, const char *s, size_t len)
{

	if (log->malformed++ == 0)
		note_set(&log->first_malformed, log->lines, s, len);
}

/*
 * A domu line, from the marker on:
 *
 *     domu: NAME: WORD[ DETAIL]
 *
 * NAME is anything up to the first ':' but may not be empty or contain a
 * blank; WORD is the verdict, which must be one of the words for NAME's
 * kind of line.
 */
static void
parse_domu_line(struct result_log *log, const char *s, size_t len)
{
	const char *name, *word, *detail, *end = s + len;
	size_t namelen, wordlen;
	enum result_verdict v;

	/*
	 * The name runs to the first ':'.  A blank before it means this is
	 * prose ("domu: booting the kernel"), not a name.
	 */
	name = s + MARKER_LEN;
	for (word = name; word < end && *word != ':'; word++)
		if (*word == ' ' || *word == '\t')
			break;
	namelen = (size_t)(word - name);
	if (word == end || *word != ':' || namelen == 0) {
		count_malformed(log, s, len);
		return;
	}
	/* Past the ':' and the blanks that follow it. */
	for (word++; word < end && (*word == ' ' || *word == '\t'); word++)
		;
	/* The verdict word, then the detail: the rest, blanks trimmed. */
	for (detail = word; detail < end && *detail != ' ' &&
	    *detail != '\t'; detail++)
		;
	wordlen = (size_t)(detail - word);
	while (detail < end && (*detail == ' ' || *detail == '\t'))
		detail++;

	/* "result" is reserved: its words are the run's, not a check's. */
	if (word_is(name, namelen, "result")) {
		if (word_is(word, wordlen, "SUCCESS"))
			v = RESULT_SUCCESS;
		else if (word_is(word, wordlen, "FAILURE"))
			v = RESULT_FAILURE;
		else if (word_is(word, wordlen, "SKIP"))
			v = RESULT_SKIP;
		else if (word_is(word, wordlen, "ERROR"))
			v = RESULT_ERROR;
		else {
			count_malformed(log, s, len);
			return;
		}
		/*
		 * The first result line is the guest's verdict.  A later one
		 * that agrees (a dom0 check confirming it) is harmless; one
		 * that disagrees means the log cannot be trusted.
		 */
		if (log->result == RESULT_NONE) {
			log->result = v;
			note_set(&log->result_note, log->lines, name,
			    (size_t)(end - name));
		} else if (v != log->result && log->contradiction.line == 0)
			note_set(&log->contradiction, log->lines, name,
			    (size_t)(end - name));
		return;
	}

	/* A check: counted, and the first FAIL kept to explain the verdict. */
	if (word_is(word, wordlen, "PASS"))
		log->passed++;
	else if (word_is(word, wordlen, "SKIP"))
		log->skipped++;
	else if (word_is(word, wordlen, "FAIL")) {
		if (log->failed++ == 0) {
			char buf[RESULT_TEXT_MAX];
			size_t dlen = (size_t)(end - detail), n;

			/* Kept as "name: detail", the way it is reported. */
			n = namelen < sizeof(buf) ? namelen : sizeof(buf) - 1;
			memcpy(buf, name, n);
			if (dlen > 0 && n + 2 < sizeof(buf)) {
				buf[n++] = ':';
				buf[n++] = ' ';
				if (dlen > sizeof(buf) - n)
					dlen = sizeof(buf) - n;
				memcpy(buf + n, detail, dlen);
				n += dlen;
			}
			note_set(&log->first_fail, log->lines, buf, n);
		}
	} else
		count_malformed(log, s, len);
}

/* One whole line is in log->buf: count it, then make room for the next. */
static void
end_line(struct result_log *log)
{
	size_t len = log->len;
	long at;

	log->lines++;
	if (log->overflow)
		log->truncated++;
	/* Xen's console and serial lines end in \r\n. */
	while (len > 0 && log->buf[len - 1] == '\r')
		len--;
	if (log->on_line != NULL)
		log->on_line(log->on_line_arg, log->lines, log->buf, len);
	at = find_marker(log->buf, len);
	if (at >= 0) {
		/* Trailing blanks say nothing; drop them before parsing. */
		while (len > (size_t)at + MARKER_LEN &&
		    (log->buf[len - 1] == ' ' || log->buf[len - 1] == '\t'))
			len--;
		parse_domu_line(log, log->buf + at, len - (size_t)at);
	}
	log->len = 0;
	log->overflow = false;
	log->in_line = false;
}

/*
 * Split bytes into lines.  A line is only parsed at its newline (or at
 * result_finish()), so a line split across two reads of the console is
 * parsed once, whole.  Bytes past RESULT_LINE_MAX are dropped but still
 * scanned for the newline, so an endless line costs time, not memory.
 */
void
result_feed(struct result_log *log, const void *data, size_t len)
{
	const char *p = data, *end = p + len;

	while (p < end) {
		const char *nl;
		size_t n, room;

		/* The bytes up to the next newline, or all if there is none. */
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		/* Copy what fits; beyond RESULT_LINE_MAX only note the cut. */
		room = sizeof(log->buf) - log->len;
		if (n > room) {
			log->overflow = true;
			memcpy(log->buf + log->len, p, room);
			log->len += room;
		} else {
			memcpy(log->buf + log->len, p, n);
			log->len += n;
		}
		/* Even a cut-off line is a line, to be counted at its end. */
		if (n > 0)
			log->in_line = true;
		p += n;
		if (nl != NULL) {
			end_line(log);
			p++;
		}
	}
}

/*
 * The end of the output: parse the last line if it had no newline.
 */
void
result_finish(struct result_log *log)
{

	/* A guest that died mid-line leaves a last line without "\n". */
	if (log->in_line)
		end_line(log);
}

/*
 * Read fp in chunks, as the harness would receive console output, so the
 * same code path is tested by the unit tests and used by judge.
 */
int
result_read(struct result_log *log, FILE *fp)
{
	char chunk[16384];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		result_feed(log, chunk, n);
	result_finish(log);
	return (ferror(fp) ? -1 : 0);
}

/* Append "; "-separated text to a bounded reason string. */
static void reason_add(char *, size_t, const char *, ...)
    __attribute__((__format__(__printf__, 3, 4)));

/*
 * Append one reason to the reason string, separated from the previous
 * one by "; ".  The string is bounded by its size; vsnprintf() cuts what
 * does not fit, which is acceptable for a message.
 */
static void
reason_add(char *reason, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t used;

	if (reason == NULL || size == 0)
		return;
	used = strlen(reason);
	if (used > 0 && used + 2 < size) {
		memcpy(reason + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(reason + used, size - used, fmt, ap);
	va_end(ap);
}

/*
 * The rules are in result.h.  Every problem found is added to the reason,
 * so a log with a FAIL line and no result line says both, and the person
 * reading the Kyua report need not fix one to discover the other.
 */
enum result_verdict
result_judge(const struct result_log *log, char *reason, size_t reasonsz)
{
	bool failed = false;

	if (reason != NULL && reasonsz > 0)
		reason[0] = '\0';
	/*
	 * Reasons in the order a person debugging wants them: what the guest
	 * said went wrong first, then what is wrong with the log itself.
	 */
	if (log->failed > 0) {
		failed = true;
		reason_add(reason, reasonsz, "FAIL: %s (line %lu)",
		    log->first_fail.text, log->first_fail.line);
		if (log->failed > 1)
			reason_add(reason, reasonsz, "%lu more FAIL line%s",
			    log->failed - 1, log->failed == 2 ? "" : "s");
	}
	if (log->malformed > 0) {
		failed = true;
		reason_add(reason, reasonsz, "malformed line %lu: \"%s\"%s",
		    log->first_malformed.line, log->first_malformed.text,
		    log->malformed > 1 ? " (and more)" : "");
	}
	switch (log->result) {
	case RESULT_NONE:
		failed = true;
		reason_add(reason, reasonsz, "no result line");
		break;
	case RESULT_FAILURE:
	case RESULT_ERROR:
		failed = true;
		reason_add(reason, reasonsz, "%s (line %lu)",
		    log->result_note.text, log->result_note.line);
		break;
	default:
		break;
	}
	if (log->contradiction.line != 0) {
		failed = true;
		reason_add(reason, reasonsz,
		    "line %lu says \"%s\", contradicting line %lu",
		    log->contradiction.line, log->contradiction.text,
		    log->result_note.line);
	}
	if (failed)
		return (RESULT_FAILURE);
	return (log->result == RESULT_SKIP ? RESULT_SKIP : RESULT_SUCCESS);
}
