/*
 * tools/config/confparse.c - read the declarations and a kernel config,
 * and check one against the other.
 *
 * This is the part of config(8) in small that knows the file formats; see
 * confparse.h for the overall picture and the top of src/conf/options,
 * src/conf/files and src/conf/XEN for the syntax of each file.
 *
 * The work is done in passes, because each depends on the one before:
 *
 *   1. src/conf/options and src/conf/files: what may be said.  Names in
 *      constraints and file conditions are resolved once both are read,
 *      so that the order of lines in them does not matter.
 *   2. the config file: what was said, kept as a list of statements.
 *      Its "machine" line decides which DEFAULTS file applies, which is
 *      why the statements are not applied as they are read.
 *   3. DEFAULTS, DEFAULTS.<machine>, then the config's statements are
 *      applied in that order, so "nooptions NATIVE" in a config undoes
 *      the default "options NATIVE", as in FreeBSD.
 *   4. the constraints of every option that ended up enabled.
 *   5. the source files whose conditions hold.
 *
 * A pass stops the run only when the next one could not mean anything
 * (no declarations, no machine); otherwise all problems are reported.
 */
#define	_POSIX_C_SOURCE	200809L

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "confparse.h"

/*
 * Memory.  This is a short-lived host tool: if malloc fails there is
 * nothing sensible to do but stop, so the x* wrappers never return NULL.
 */

/*
 * realloc() that never fails.  A size of 0 is rounded up to 1 because
 * realloc(p, 0) may free p and return NULL, which would look like failure.
 */
static void *
xrealloc(void *p, size_t size)
{

	p = realloc(p, size == 0 ? 1 : size);
	if (p == NULL) {
		fputs("config: out of memory\n", stderr);
		exit(1);
	}
	return (p);
}

/*
 * calloc() that never fails.  Used for the arrays that run parallel to
 * the declarations, which must start out all false and NULL.
 */
static void *
xcalloc(size_t n, size_t size)
{
	void *p;

	p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);
	if (p == NULL) {
		fputs("config: out of memory\n", stderr);
		exit(1);
	}
	return (p);
}

/*
 * Copy len bytes of s into a new NUL-terminated string.  Tokens point
 * into the line buffer, which the next line overwrites, so everything
 * that outlives a line is copied with this.
 */
static char *
xstrndup(const char *s, size_t len)
{
	char *p;

	p = xrealloc(NULL, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

/*
 * strdup() that never fails.
 */
static char *
xstrdup(const char *s)
{

	return (xstrndup(s, strlen(s)));
}

/*
 * Grow an array by one element, zeroed, and return the new array; the
 * caller stores it back, so the array keeps its own type and no pointer
 * is ever accessed through a void ** (which C's aliasing rules forbid).
 * Growing one at a time is quadratic in theory; the files here have tens
 * of lines, and the simple version is easier to read.
 */
static void *
array_grow(void *array, size_t *countp, size_t elemsize)
{

	array = xrealloc(array, (*countp + 1) * elemsize);
	memset((char *)array + *countp * elemsize, 0, elemsize);
	(*countp)++;
	return (array);
}

/*
 * APPEND(array, count): add a zeroed element to a (pointer, count) pair
 * and evaluate to a pointer to it, as in  od = APPEND(decls, ndecls);
 */
#define	APPEND(array, count)						\
	((array) = array_grow((array), &(count), sizeof(*(array))),	\
	&(array)[(count) - 1])

/*
 * Add a copy of s[0..len) to a list of names.
 */
static void
names_add(struct conf_names *names, const char *s, size_t len)
{
	char **slot;

	slot = APPEND(names->v, names->n);
	*slot = xstrndup(s, len);
}

/*
 * Free a list of names and leave it empty, ready for reuse.
 */
static void
names_free(struct conf_names *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		free(names->v[i]);
	free(names->v);
	names->v = NULL;
	names->n = 0;
}

/*
 * Diagnostics.  One function prints every message so that they all have
 * the compiler form "FILE:LINE: message", which editors understand.
 */

static void conf_error(struct kernconf *, const char *, unsigned,
    const char *, ...) __attribute__((__format__(__printf__, 4, 5)));

/*
 * Report a problem at file:line and count it.  line 0 means the problem
 * is with the file as a whole (it cannot be opened), and is printed as
 * "FILE: message".  A NULL stream only counts, for callers that want the
 * verdict without the messages.
 */
static void
conf_error(struct kernconf *kc, const char *file, unsigned line,
    const char *fmt, ...)
{
	va_list ap;

	kc->diag.errors++;
	if (kc->diag.stream == NULL)
		return;
	if (line > 0)
		fprintf(kc->diag.stream, "%s:%u: ", file, line);
	else
		fprintf(kc->diag.stream, "%s: ", file);
	va_start(ap, fmt);
	vfprintf(kc->diag.stream, fmt, ap);
	va_end(ap);
	fputc('\n', kc->diag.stream);
}

/*
 * Machines.  The table is the single place that knows which machines
 * exist; "machine=" in src/conf/options and the "machine" line of a
 * config are both checked against it.
 */

static const struct {
	const char	*name;
	unsigned	 bit;
} machines[] = {
	{ "i386",	CONF_MACHINE_I386 },
	{ "amd64",	CONF_MACHINE_AMD64 },
};

#define	NMACHINES	(sizeof(machines) / sizeof(machines[0]))

/*
 * The CONF_MACHINE_* bit for a machine name of len bytes, or 0 if no
 * machine has that name.
 */
static unsigned
machine_lookup(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < NMACHINES; i++)
		if (strlen(machines[i].name) == len &&
		    memcmp(machines[i].name, s, len) == 0)
			return (machines[i].bit);
	return (0);
}

/*
 * The inverse of machine_lookup(), for messages and outputs.
 */
const char *
conf_machine_name(unsigned machine)
{
	size_t i;

	for (i = 0; i < NMACHINES; i++)
		if (machines[i].bit == machine)
			return (machines[i].name);
	return ("none");
}

/*
 * Write the machines of a set into buf as "i386 or amd64", for messages
 * such as "option PAE is for machine i386 only".
 */
static void
machine_set_describe(unsigned set, char *buf, size_t size)
{
	size_t i, used;
	const char *sep;

	buf[0] = '\0';
	used = 0;
	sep = "";
	for (i = 0; i < NMACHINES; i++) {
		if ((set & machines[i].bit) == 0)
			continue;
		snprintf(buf + used, size - used, "%s%s", sep,
		    machines[i].name);
		used = strlen(buf);
		sep = " or ";
	}
}

/*
 * Paths.
 */

/*
 * Go's path.Clean, whose documentation explains it rule by rule.  The
 * input is read one component at a time and out is built as it goes.
 * The result is never longer than the input, except that an empty result
 * is written "."; hence len + 2 bytes, with the NUL.
 */
char *
conf_path_clean(const char *path)
{
	char *out;
	size_t in, len, o, dotdot;
	bool rooted;

	len = strlen(path);
	out = malloc(len + 2);
	if (out == NULL)
		return (NULL);
	rooted = len > 0 && path[0] == '/';
	in = o = 0;
	if (rooted) {
		out[o++] = '/';
		in = 1;
	}
	/*
	 * dotdot marks how much of out a ".." may remove: nothing above the
	 * root of an absolute path, and nothing of the leading "../.." of a
	 * relative one, which cannot be cancelled.
	 */
	dotdot = o;
	while (in < len) {
		size_t start, clen;

		/* The next component; a run of slashes counts as one. */
		start = in;
		while (in < len && path[in] != '/')
			in++;
		clen = in - start;
		while (in < len && path[in] == '/')
			in++;
		/* "" (from "//") and "." name the directory we are in. */
		if (clen == 0 || (clen == 1 && path[start] == '.'))
			continue;
		if (clen == 2 && path[start] == '.' && path[start + 1] == '.') {
			if (o > dotdot) {
				/* Back over the last component and slash. */
				o--;
				while (o > dotdot && out[o] != '/')
					o--;
			} else if (!rooted) {
				if (o > 0)
					out[o++] = '/';
				out[o++] = '.';
				out[o++] = '.';
				dotdot = o;
			}
			/* "/.." is "/": there is nothing above the root. */
			continue;
		}
		/* A name: after a slash, unless out is "" or just "/". */
		if ((rooted && o != 1) || (!rooted && o != 0))
			out[o++] = '/';
		memcpy(out + o, path + start, clen);
		o += clen;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return (out);
}

/* Join two paths and clean the result; never returns NULL. */
static char *
path_join(const char *a, const char *b)
{
	char *joined, *clean;
	size_t alen = strlen(a), blen = strlen(b);

	joined = xrealloc(NULL, alen + blen + 2);
	memcpy(joined, a, alen);
	joined[alen] = '/';
	memcpy(joined + alen + 1, b, blen + 1);
	clean = conf_path_clean(joined);
	free(joined);
	if (clean == NULL) {
		fputs("config: out of memory\n", stderr);
		exit(1);
	}
	return (clean);
}

/*
 * Reading lines.  All files share one reader, so that every one of them
 * tolerates the same things (CRLF line ends, a missing final newline) and
 * rejects the same things (overlong lines, NUL bytes) with a message.
 */

struct line_reader {
	FILE		*fp;
	const char	*path;		/* as recorded in kc->inputs */
	unsigned	 line;		/* number of the line in buf */
	size_t		 len;		/* bytes in buf, NUL excluded */
	char		 buf[CONF_LINE_MAX + 1];	/* + 1 for the NUL */
};

enum read_status {
	READ_LINE,		/* buf holds the next line */
	READ_SKIP,		/* a bad line, already reported */
	READ_EOF
};

/*
 * Read the next line of r->fp into r->buf, without its line end.
 *
 * Returns READ_LINE with the line in r->buf, READ_SKIP for a line that was
 * reported as bad and must not be parsed, or READ_EOF at the end.  The
 * line is read with getc() rather than fgets() because fgets() cannot
 * report a NUL byte: it would end the string early and the rest of the
 * line would silently vanish.  r->line counts lines as an editor does,
 * from 1, and is the line of the text now in r->buf.
 */
static enum read_status
read_line(struct kernconf *kc, struct line_reader *r)
{
	int c;
	bool too_long = false, has_nul = false, any = false;

	r->len = 0;
	while ((c = getc(r->fp)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (c == '\0')
			has_nul = true;
		/* Keep reading an overlong line to find where it ends. */
		if (r->len == CONF_LINE_MAX) {
			too_long = true;
			continue;
		}
		r->buf[r->len++] = (char)c;
	}
	/* Nothing at all, not even a "\n": the previous line was the last. */
	if (!any) {
		if (ferror(r->fp))
			conf_error(kc, r->path, r->line + 1, "read error: %s",
			    strerror(errno));
		return (READ_EOF);
	}
	r->line++;
	/* A file written on Windows ends its lines in \r\n. */
	while (r->len > 0 && r->buf[r->len - 1] == '\r')
		r->len--;
	r->buf[r->len] = '\0';
	if (too_long) {
		conf_error(kc, r->path, r->line, "line is longer than %d "
		    "characters; is this the right file?", CONF_LINE_MAX);
		return (READ_SKIP);
	}
	if (has_nul) {
		conf_error(kc, r->path, r->line,
		    "line contains a NUL byte; is this a text file?");
		return (READ_SKIP);
	}
	return (READ_LINE);
}

/*
 * Tokens.  The three formats share one lexer:
 *
 *   word     a run of anything but blanks and the characters = , | ! " #
 *            (so paths such as dev/xen/console/console.c and keys such as
 *            requires-device are single words)
 *   string   "..." with \" allowed inside; used for descriptions and
 *            option values that contain blanks
 *   = , | !  punctuation
 *   #        starts a comment that runs to the end of the line
 */

enum tok_kind {
	TOK_END,
	TOK_WORD,
	TOK_STRING,
	TOK_EQUALS,
	TOK_COMMA,
	TOK_BAR,
	TOK_BANG,
	TOK_BAD			/* an unterminated string */
};

struct token {
	enum tok_kind	 kind;
	const char	*text;	/* into the line; strings keep their quotes */
	size_t		 len;
};

/* A lexer is only a position in a NUL-terminated line. */
struct lexer {
	const char	*p;
};

/*
 * Characters that end a word and are tokens (or comments) of their own.
 */
static bool
is_special(int c)
{

	return (c == '=' || c == ',' || c == '|' || c == '!' || c == '"' ||
	    c == '#');
}

/*
 * Return the next token of the line and advance past it.  At the end of
 * the line, or at a '#', TOK_END is returned, and again on every call
 * after, so a parser may read "one token too many" without harm.
 */
static struct token
lex_next(struct lexer *lx)
{
	struct token t;
	const char *p = lx->p;

	while (*p == ' ' || *p == '\t')
		p++;
	t.text = p;
	t.len = 1;
	switch (*p) {
	case '\0':
	case '#':
		t.kind = TOK_END;
		t.len = 0;
		lx->p = p;	/* stay at the end: END repeats */
		return (t);
	case '=':
		t.kind = TOK_EQUALS;
		break;
	case ',':
		t.kind = TOK_COMMA;
		break;
	case '|':
		t.kind = TOK_BAR;
		break;
	case '!':
		t.kind = TOK_BANG;
		break;
	case '"':
		/*
		 * A backslash protects the next character, so \" does not
		 * end the string.  The token keeps its quotes and escapes:
		 * an option value is pasted into opt_global.h as written,
		 * and the C compiler reads the same escapes.
		 */
		t.kind = TOK_STRING;
		for (p++; *p != '"'; p++) {
			if (*p == '\0') {
				t.kind = TOK_BAD;
				break;
			}
			if (*p == '\\' && p[1] != '\0')
				p++;
		}
		if (*p == '"')
			p++;
		t.len = (size_t)(p - t.text);
		lx->p = p;
		return (t);
	default:
		/* Blanks and specials end a word: "A,B" is three tokens. */
		t.kind = TOK_WORD;
		while (*p != '\0' && *p != ' ' && *p != '\t' && !is_special(*p))
			p++;
		t.len = (size_t)(p - t.text);
		lx->p = p;
		return (t);
	}
	lx->p = p + 1;		/* past the one-character token */
	return (t);
}

/*
 * Is the token the word "word"?  Keywords are case-sensitive, as in
 * FreeBSD: "Options" is not "options".
 */
static bool
tok_is(struct token t, const char *word)
{

	return (t.kind == TOK_WORD && strlen(word) == t.len &&
	    memcmp(t.text, word, t.len) == 0);
}

/*
 * What a token looks like, for "expected X, found Y" messages.  Long
 * words are cut so that a garbage line cannot produce a garbage message.
 */
static const char *
tok_describe(struct token t, char *buf, size_t size)
{

	switch (t.kind) {
	case TOK_END:
		return ("end of line");
	case TOK_BAD:
		return ("a string with no closing quote");
	default:
		snprintf(buf, size, "\"%.*s%s\"", t.len > 40 ? 40 : (int)t.len,
		    t.text, t.len > 40 ? "..." : "");
		return (buf);
	}
}

/*
 * Option and device names become C macros (XEN, DEV_CONSOLE), so they
 * must be C identifiers.
 */
static bool
is_identifier(struct token t)
{
	size_t i;

	if (t.kind != TOK_WORD || t.len == 0)
		return (false);
	if (!isalpha((unsigned char)t.text[0]) && t.text[0] != '_')
		return (false);
	for (i = 1; i < t.len; i++)
		if (!isalnum((unsigned char)t.text[i]) && t.text[i] != '_')
			return (false);
	return (true);
}

/* The inside of a string token, without its quotes. */
static char *
string_contents(struct token t)
{

	return (xstrndup(t.text + 1, t.len - 2));
}

/*
 * Inputs.  Every file opened is recorded once; messages and settings keep
 * pointers to the recorded path, which lives as long as the kernconf.
 */
static const char *
record_input(struct kernconf *kc, const char *path)
{
	char **slot;

	slot = APPEND(kc->inputs, kc->ninputs);
	*slot = xstrdup(path);
	return (*slot);
}

/*
 * Open a file to read.  A missing optional file (a DEFAULTS file) is not
 * an error; a missing required one is.
 */
static FILE *
open_input(struct kernconf *kc, const char *path, bool required,
    const char **recorded)
{
	FILE *fp;

	fp = fopen(path, "r");
	if (fp == NULL) {
		if (required || errno != ENOENT)
			conf_error(kc, path, 0, "cannot open: %s",
			    strerror(errno));
		return (NULL);
	}
	*recorded = record_input(kc, path);
	return (fp);
}

/*
 * Pass 1a: src/conf/options.
 *
 * A line is:  NAME [key=value[,value...]]... "description"
 */

/*
 * The declaration of the option name[0..len), or NULL.  A linear search:
 * there are a few dozen options at most and this runs once per name.
 */
static struct conf_option_decl *
option_decl_lookup(struct kernconf *kc, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < kc->noption_decls; i++)
		if (strlen(kc->option_decls[i].name) == len &&
		    memcmp(kc->option_decls[i].name, name, len) == 0)
			return (&kc->option_decls[i]);
	return (NULL);
}

/*
 * The declaration of the device name[0..len), or NULL.
 */
static struct conf_device_decl *
device_decl_lookup(struct kernconf *kc, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < kc->ndevice_decls; i++)
		if (strlen(kc->device_decls[i].name) == len &&
		    memcmp(kc->device_decls[i].name, name, len) == 0)
			return (&kc->device_decls[i]);
	return (NULL);
}

/*
 * Read the comma-separated words after "key=" into a list.  Returns false
 * (having reported why) if the list is malformed.
 */
static bool
parse_value_list(struct kernconf *kc, struct line_reader *r, struct lexer *lx,
    const char *key, struct conf_names *out)
{
	struct token t;
	char what[64];

	for (;;) {
		t = lex_next(lx);
		if (t.kind != TOK_WORD) {
			conf_error(kc, r->path, r->line,
			    "expected a name after \"%s=\", found %s", key,
			    tok_describe(t, what, sizeof(what)));
			return (false);
		}
		names_add(out, t.text, t.len);
		/*
		 * Peek: a comma continues the list; anything else belongs to
		 * the caller (the next key, the description), so the lexer
		 * is put back where it was.
		 */
		{
			struct lexer save = *lx;

			if (lex_next(lx).kind != TOK_COMMA) {
				*lx = save;
				return (true);
			}
		}
	}
}

/*
 * Parse one line of src/conf/options into a new conf_option_decl.
 * Only the syntax and the machine names are checked here; the names in
 * requires=, conflicts= and requires-device= may refer to lines further
 * down (or, for devices, to another file), so they are checked later by
 * resolve_declarations().
 */
static void
parse_option_decl(struct kernconf *kc, struct line_reader *r)
{
	struct lexer lx = { r->buf };
	struct token t;
	struct conf_option_decl *od, *prev;
	struct conf_names machines_named = { NULL, 0 };
	char what[64];
	size_t i;

	t = lex_next(&lx);
	if (t.kind == TOK_END)
		return;		/* blank or comment */
	if (!is_identifier(t)) {
		conf_error(kc, r->path, r->line,
		    "expected an option name (letters, digits, _), found %s",
		    tok_describe(t, what, sizeof(what)));
		return;
	}
	/* Two declarations would leave it unclear which constraints hold. */
	if ((prev = option_decl_lookup(kc, t.text, t.len)) != NULL) {
		conf_error(kc, r->path, r->line,
		    "option %s is already declared at line %u", prev->name,
		    prev->line);
		return;
	}
	/*
	 * Declared before the rest of the line is read, so that a mistake
	 * in a constraint is reported once, here, and not again by every
	 * constraint elsewhere that names this option.
	 */
	od = APPEND(kc->option_decls, kc->noption_decls);
	od->name = xstrndup(t.text, t.len);
	od->file = r->path;
	od->line = r->line;

	/*
	 * key=value lists until the description.  A mistake ends the line:
	 * after it, where one key stops and the next starts is a guess.
	 */
	for (;;) {
		struct conf_names *list;
		char *key;

		t = lex_next(&lx);
		if (t.kind == TOK_STRING) {
			od->description = string_contents(t);
			/* It is copied into a C comment in opt_global.h. */
			if (strstr(od->description, "*/") != NULL)
				conf_error(kc, r->path, r->line,
				    "the description of option %s may not "
				    "contain \"*/\"", od->name);
			t = lex_next(&lx);
			if (t.kind != TOK_END)
				conf_error(kc, r->path, r->line,
				    "unexpected %s after the description of "
				    "option %s; the description ends the line",
				    tok_describe(t, what, sizeof(what)),
				    od->name);
			break;
		}
		if (t.kind == TOK_END) {
			conf_error(kc, r->path, r->line,
			    "option %s has no description; end the line with "
			    "one in double quotes", od->name);
			break;
		}
		if (t.kind != TOK_WORD) {
			conf_error(kc, r->path, r->line,
			    "expected key=value or a \"description\" after "
			    "option %s, found %s", od->name,
			    tok_describe(t, what, sizeof(what)));
			break;
		}
		key = xstrndup(t.text, t.len);
		if (strcmp(key, "machine") == 0)
			list = &machines_named;
		else if (strcmp(key, "requires") == 0)
			list = &od->requires;
		else if (strcmp(key, "conflicts") == 0)
			list = &od->conflicts;
		else if (strcmp(key, "requires-device") == 0)
			list = &od->requires_devices;
		else {
			conf_error(kc, r->path, r->line,
			    "unknown key \"%s\" for option %s; expected "
			    "machine, requires, conflicts or "
			    "requires-device", key, od->name);
			free(key);
			break;
		}
		t = lex_next(&lx);
		if (t.kind != TOK_EQUALS) {
			conf_error(kc, r->path, r->line,
			    "expected \"=\" after \"%s\", found %s", key,
			    tok_describe(t, what, sizeof(what)));
			free(key);
			break;
		}
		if (!parse_value_list(kc, r, &lx, key, list)) {
			free(key);
			break;
		}
		free(key);
	}

	/* Machines are checked here; option and device names in pass 1c. */
	for (i = 0; i < machines_named.n; i++) {
		unsigned bit;

		bit = machine_lookup(machines_named.v[i],
		    strlen(machines_named.v[i]));
		if (bit == 0)
			conf_error(kc, r->path, r->line,
			    "unknown machine \"%s\" for option %s; expected "
			    "i386 or amd64", machines_named.v[i], od->name);
		od->machines |= bit;
	}
	names_free(&machines_named);
}

/*
 * Pass 1b: src/conf/files.
 *
 * A line is one of:
 *     device NAME "description"
 *     PATH standard
 *     PATH optional TERM... [| TERM...]...      (TERM is NAME or !NAME)
 */

/*
 * Parse the rest of a "device NAME "description"" line of files.
 */
static void
parse_device_decl(struct kernconf *kc, struct line_reader *r, struct lexer *lx)
{
	struct token t;
	struct conf_device_decl *dd, *prev;
	char what[64];

	t = lex_next(lx);
	if (!is_identifier(t)) {
		conf_error(kc, r->path, r->line,
		    "expected a device name after \"device\", found %s",
		    tok_describe(t, what, sizeof(what)));
		return;
	}
	if ((prev = device_decl_lookup(kc, t.text, t.len)) != NULL) {
		conf_error(kc, r->path, r->line,
		    "device %s is already declared at line %u", prev->name,
		    prev->line);
		return;
	}
	dd = APPEND(kc->device_decls, kc->ndevice_decls);
	dd->name = xstrndup(t.text, t.len);
	dd->file = r->path;
	dd->line = r->line;
	t = lex_next(lx);
	if (t.kind != TOK_STRING) {
		conf_error(kc, r->path, r->line,
		    "device %s has no description; end the line with one in "
		    "double quotes", dd->name);
		return;
	}
	dd->description = string_contents(t);
	/* Like an option's, it ends up in a C comment in opt_global.h. */
	if (strstr(dd->description, "*/") != NULL)
		conf_error(kc, r->path, r->line,
		    "the description of device %s may not contain \"*/\"",
		    dd->name);
	t = lex_next(lx);
	if (t.kind != TOK_END)
		conf_error(kc, r->path, r->line,
		    "unexpected %s after the description of device %s",
		    tok_describe(t, what, sizeof(what)), dd->name);
}

/*
 * Paths in src/conf/files are relative to SRCDIR and must stay inside it:
 * the kernel is built from the tree, not from wherever a path leads.
 * They must also be written one way only (no "./", "//" or trailing
 * "/"), so that the check for a file listed twice compares like with like
 * and the object names derived from them are predictable.
 */
static bool
path_is_tidy(const char *path)
{
	const char *p;

	if (path[0] == '/' || path[0] == '\0')
		return (false);
	for (p = path; *p != '\0'; ) {
		size_t clen = strcspn(p, "/");

		if (clen == 0 || (clen == 1 && p[0] == '.') ||
		    (clen == 2 && p[0] == '.' && p[1] == '.'))
			return (false);
		p += clen;
		if (*p == '/')
			p++;
		if (*p == '\0' && p[-1] == '/')
			return (false);
	}
	return (true);
}

/*
 * Parse what follows "optional" into fd->any_of, a disjunction of
 * conjunctions, as files(5) reads it: "A B | C" is (A and B) or C.  The
 * names are only recorded here; resolve_declarations() decides whether
 * each is an option or a device.
 */
static void
parse_condition(struct kernconf *kc, struct line_reader *r, struct lexer *lx,
    struct conf_file_decl *fd)
{
	struct conf_all_of *group = NULL;
	struct conf_term *term;
	struct token t;
	bool negated;
	char what[64];

	for (;;) {
		t = lex_next(lx);
		if (t.kind == TOK_END)
			break;
		if (t.kind == TOK_BAR) {
			if (group == NULL || group->nterms == 0) {
				conf_error(kc, r->path, r->line,
				    "\"|\" must stand between names");
				return;
			}
			group = NULL;	/* the next name starts a new group */
			continue;
		}
		/* "!NAME": the file is for kernels without NAME. */
		negated = false;
		if (t.kind == TOK_BANG) {
			negated = true;
			t = lex_next(lx);
		}
		if (!is_identifier(t)) {
			conf_error(kc, r->path, r->line,
			    "expected an option or device name in the "
			    "condition of %s, found %s", fd->path,
			    tok_describe(t, what, sizeof(what)));
			return;
		}
		if (group == NULL)
			group = APPEND(fd->any_of, fd->nany_of);
		term = APPEND(group->terms, group->nterms);
		term->name = xstrndup(t.text, t.len);
		term->negated = negated;
	}
	if (fd->nany_of == 0)
		conf_error(kc, r->path, r->line,
		    "\"optional\" needs the options or devices that select %s",
		    fd->path);
	else if (group == NULL)
		conf_error(kc, r->path, r->line,
		    "the condition of %s ends in \"|\"", fd->path);
}

/*
 * Parse one line of src/conf/files: a device declaration, or a source
 * path and when it is compiled.
 */
static void
parse_files_line(struct kernconf *kc, struct line_reader *r)
{
	struct lexer lx = { r->buf };
	struct token t;
	struct conf_file_decl *fd;
	char *path, what[64];
	size_t i;

	t = lex_next(&lx);
	if (t.kind == TOK_END)
		return;
	if (tok_is(t, "device")) {
		parse_device_decl(kc, r, &lx);
		return;
	}
	if (t.kind != TOK_WORD) {
		conf_error(kc, r->path, r->line,
		    "expected a source path or \"device\", found %s",
		    tok_describe(t, what, sizeof(what)));
		return;
	}
	path = xstrndup(t.text, t.len);
	if (!path_is_tidy(path)) {
		conf_error(kc, r->path, r->line,
		    "path \"%s\" must be relative to src/ and contain no "
		    "\".\", \"..\" or empty components", path);
		free(path);
		return;
	}
	/*
	 * A file listed twice would be compiled twice, and the link would
	 * then fail on every symbol it defines, far from the cause.
	 */
	for (i = 0; i < kc->nfile_decls; i++) {
		if (strcmp(kc->file_decls[i].path, path) == 0) {
			conf_error(kc, r->path, r->line,
			    "%s is already listed at line %u", path,
			    kc->file_decls[i].line);
			free(path);
			return;
		}
	}
	fd = APPEND(kc->file_decls, kc->nfile_decls);
	fd->path = path;
	fd->file = r->path;
	fd->line = r->line;

	t = lex_next(&lx);
	if (tok_is(t, "standard")) {
		fd->standard = true;
		t = lex_next(&lx);
		if (t.kind != TOK_END)
			conf_error(kc, r->path, r->line,
			    "unexpected %s after \"standard\"",
			    tok_describe(t, what, sizeof(what)));
	} else if (tok_is(t, "optional"))
		parse_condition(kc, r, &lx, fd);
	else
		conf_error(kc, r->path, r->line,
		    "expected \"standard\" or \"optional\" after %s, found %s",
		    path, tok_describe(t, what, sizeof(what)));
}

/*
 * Pass 1c: with both files read, every name they mention must be
 * declared.  A typo in a constraint would otherwise silently make it
 * impossible (requires=) or meaningless (conflicts=).
 */
static void
resolve_declarations(struct kernconf *kc)
{
	size_t i, j, k;

	for (i = 0; i < kc->noption_decls; i++) {
		struct conf_option_decl *od = &kc->option_decls[i];

		for (j = 0; j < od->requires.n; j++)
			if (option_decl_lookup(kc, od->requires.v[j],
			    strlen(od->requires.v[j])) == NULL)
				conf_error(kc, od->file, od->line,
				    "option %s requires undeclared option %s",
				    od->name, od->requires.v[j]);
		for (j = 0; j < od->conflicts.n; j++)
			if (option_decl_lookup(kc, od->conflicts.v[j],
			    strlen(od->conflicts.v[j])) == NULL)
				conf_error(kc, od->file, od->line,
				    "option %s conflicts with undeclared "
				    "option %s", od->name, od->conflicts.v[j]);
		for (j = 0; j < od->requires_devices.n; j++)
			if (device_decl_lookup(kc, od->requires_devices.v[j],
			    strlen(od->requires_devices.v[j])) == NULL)
				conf_error(kc, od->file, od->line,
				    "option %s requires undeclared device %s "
				    "(declare it with a \"device\" line in "
				    "files)", od->name,
				    od->requires_devices.v[j]);
	}

	/*
	 * Options and devices share one name space in file conditions
	 * ("optional XENHVM xenpci"), so a name may not be both: which one a
	 * condition meant would depend on the order of the lookups below.
	 * By convention options are upper case and devices lower case.
	 */
	for (i = 0; i < kc->ndevice_decls; i++) {
		struct conf_device_decl *dd = &kc->device_decls[i];
		struct conf_option_decl *od;

		od = option_decl_lookup(kc, dd->name, strlen(dd->name));
		if (od != NULL)
			conf_error(kc, dd->file, dd->line,
			    "device %s has the name of an option (%s:%u); "
			    "conditions could not tell them apart", dd->name,
			    od->file, od->line);
	}
	for (i = 0; i < kc->nfile_decls; i++) {
		struct conf_file_decl *fd = &kc->file_decls[i];

		for (j = 0; j < fd->nany_of; j++) {
			for (k = 0; k < fd->any_of[j].nterms; k++) {
				struct conf_term *term;
				struct conf_option_decl *od;
				struct conf_device_decl *dd;

				term = &fd->any_of[j].terms[k];
				od = option_decl_lookup(kc, term->name,
				    strlen(term->name));
				dd = device_decl_lookup(kc, term->name,
				    strlen(term->name));
				if (od != NULL) {
					term->index = (size_t)(od -
					    kc->option_decls);
				} else if (dd != NULL) {
					term->is_device = true;
					term->index = (size_t)(dd -
					    kc->device_decls);
				} else
					conf_error(kc, fd->file, fd->line,
					    "%s is selected by \"%s\", which "
					    "is neither a declared option nor "
					    "a declared device", fd->path,
					    term->name);
			}
		}
	}
}

/*
 * Read a declarations file (options or files) line by line with the given
 * parser.  Returns the path as recorded in kc->inputs, for messages that
 * point the reader at it, or NULL if it could not be opened.  The reader
 * is allocated because its line buffer is large for a stack frame.
 */
static const char *
read_declarations(struct kernconf *kc, const char *path,
    void (*parse)(struct kernconf *, struct line_reader *))
{
	struct line_reader *r;
	enum read_status st;
	const char *recorded = NULL;

	r = xcalloc(1, sizeof(*r));
	r->fp = open_input(kc, path, true, &r->path);
	if (r->fp != NULL) {
		recorded = r->path;
		while ((st = read_line(kc, r)) != READ_EOF)
			if (st == READ_LINE)
				parse(kc, r);
		fclose(r->fp);
	}
	free(r);
	return (recorded);
}

/*
 * Pass 2: the kernel config and DEFAULTS files, as a list of statements.
 */

/*
 * A config is kept as what it said, one statement per name, in order:
 * "options A, B" is two statements.  Each remembers its file and line,
 * because every later message about the option (a conflict, a missing
 * requirement) points at the line that set it.
 */
enum stmt_kind {
	STMT_OPTIONS,
	STMT_NOOPTIONS,
	STMT_DEVICE,
	STMT_NODEVICE
};

struct stmt {
	enum stmt_kind	 kind;
	char		*name;
	char		*value;		/* options NAME=VALUE, else NULL */
	const char	*file;
	unsigned	 line;
};

struct stmt_list {
	struct stmt	*v;
	size_t		 n;
};

/*
 * Free the statements of a list and the list itself.
 */
static void
stmt_list_free(struct stmt_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
	}
	free(l->v);
}

/* Where the config's machine and ident lines were, for messages. */
struct conf_header {
	unsigned	 machine_line;
	unsigned	 ident_line;
};

/*
 * The rest of a "machine NAME" line.  The machine is recorded at once,
 * not as a statement, because it decides which DEFAULTS file to read.
 */
static void
parse_machine(struct kernconf *kc, struct line_reader *r, struct lexer *lx,
    struct conf_header *hdr)
{
	struct token t;
	unsigned bit;
	char what[64];

	t = lex_next(lx);
	if (t.kind != TOK_WORD) {
		conf_error(kc, r->path, r->line,
		    "expected i386 or amd64 after \"machine\", found %s",
		    tok_describe(t, what, sizeof(what)));
		return;
	}
	bit = machine_lookup(t.text, t.len);
	if (bit == 0) {
		conf_error(kc, r->path, r->line,
		    "unknown machine %s; expected i386 or amd64",
		    tok_describe(t, what, sizeof(what)));
		return;
	}
	if (hdr->machine_line != 0) {
		conf_error(kc, r->path, r->line,
		    "machine is already given at line %u", hdr->machine_line);
		return;
	}
	t = lex_next(lx);
	if (t.kind != TOK_END) {
		conf_error(kc, r->path, r->line,
		    "unexpected %s after the machine name",
		    tok_describe(t, what, sizeof(what)));
		return;
	}
	kc->machine = bit;
	hdr->machine_line = r->line;
}

/*
 * The rest of an "ident NAME" line.  The name is checked to be an
 * identifier because it becomes a directory name (build/XEN) and the
 * name of the kernel in messages; anything odder would be a trap.
 */
static void
parse_ident(struct kernconf *kc, struct line_reader *r, struct lexer *lx,
    struct conf_header *hdr)
{
	struct token t;
	char what[64];

	t = lex_next(lx);
	if (!is_identifier(t)) {
		conf_error(kc, r->path, r->line,
		    "expected a kernel name (letters, digits, _) after "
		    "\"ident\", found %s", tok_describe(t, what, sizeof(what)));
		return;
	}
	if (hdr->ident_line != 0) {
		conf_error(kc, r->path, r->line,
		    "ident is already given at line %u", hdr->ident_line);
		return;
	}
	kc->ident = xstrndup(t.text, t.len);
	hdr->ident_line = r->line;
	t = lex_next(lx);
	if (t.kind != TOK_END)
		conf_error(kc, r->path, r->line,
		    "unexpected %s after the kernel name",
		    tok_describe(t, what, sizeof(what)));
}

/*
 * options A, B=VALUE, C="a string"
 * nooptions A, B      device a, b      nodevice a, b
 *
 * Statements are kept only if the whole line parses, so that a half-read
 * line cannot turn on half of what it meant to.
 */
static void
parse_list_stmt(struct kernconf *kc, struct line_reader *r, struct lexer *lx,
    const char *keyword, enum stmt_kind kind, struct stmt_list *out)
{
	struct stmt_list line = { NULL, 0 };
	struct stmt *s;
	struct token t;
	bool takes_value = (kind == STMT_OPTIONS);
	const char *what_name = (kind == STMT_OPTIONS ||
	    kind == STMT_NOOPTIONS) ? "option" : "device";
	char what[64];
	size_t i;

	for (;;) {
		t = lex_next(lx);
		if (!is_identifier(t)) {
			conf_error(kc, r->path, r->line,
			    "malformed %s line: expected %s name, found %s",
			    keyword, what_name,
			    tok_describe(t, what, sizeof(what)));
			goto bad;
		}
		s = APPEND(line.v, line.n);
		s->kind = kind;
		s->name = xstrndup(t.text, t.len);
		s->file = r->path;
		s->line = r->line;
		t = lex_next(lx);
		if (t.kind == TOK_EQUALS) {
			if (!takes_value) {
				conf_error(kc, r->path, r->line,
				    "malformed %s line: %s takes names only, "
				    "not NAME=VALUE", keyword, keyword);
				goto bad;
			}
			t = lex_next(lx);
			if (t.kind != TOK_WORD && t.kind != TOK_STRING) {
				conf_error(kc, r->path, r->line,
				    "malformed options line: expected a value "
				    "after \"%s=\", found %s", s->name,
				    tok_describe(t, what, sizeof(what)));
				goto bad;
			}
			/* Kept as written: it is pasted into a #define. */
			s->value = xstrndup(t.text, t.len);
			t = lex_next(lx);
		}
		if (t.kind == TOK_END)
			break;
		if (t.kind != TOK_COMMA) {
			conf_error(kc, r->path, r->line,
			    "malformed %s line: expected \",\" or end of line "
			    "after %s, found %s", keyword, s->name,
			    tok_describe(t, what, sizeof(what)));
			goto bad;
		}
	}
	/* The whole line parsed: hand its statements over to the list. */
	for (i = 0; i < line.n; i++) {
		s = APPEND(out->v, out->n);
		*s = line.v[i];
	}
	free(line.v);		/* the strings now belong to out */
	return;
bad:
	stmt_list_free(&line);
}

/*
 * Parse one line of a config or DEFAULTS file.  DEFAULTS files may only
 * set options and devices: the machine is what chose the DEFAULTS file,
 * and the ident is the kernel's own name.
 */
static void
parse_config_line(struct kernconf *kc, struct line_reader *r, bool defaults,
    struct conf_header *hdr, struct stmt_list *out)
{
	struct lexer lx = { r->buf };
	struct token t;
	char what[64];

	/*
	 * The keyword decides the grammar of the rest of the line.  As in
	 * FreeBSD, the plural "options" and the singular "device" are the
	 * spellings; others are unknown keywords, not silent synonyms.
	 */
	t = lex_next(&lx);
	if (t.kind == TOK_END)
		return;
	if (tok_is(t, "options"))
		parse_list_stmt(kc, r, &lx, "options", STMT_OPTIONS, out);
	else if (tok_is(t, "nooptions"))
		parse_list_stmt(kc, r, &lx, "nooptions", STMT_NOOPTIONS, out);
	else if (tok_is(t, "device"))
		parse_list_stmt(kc, r, &lx, "device", STMT_DEVICE, out);
	else if (tok_is(t, "nodevice"))
		parse_list_stmt(kc, r, &lx, "nodevice", STMT_NODEVICE, out);
	else if ((tok_is(t, "machine") || tok_is(t, "ident")) && defaults)
		conf_error(kc, r->path, r->line,
		    "%.*s belongs in the kernel config, not in a DEFAULTS "
		    "file", (int)t.len, t.text);
	else if (tok_is(t, "machine"))
		parse_machine(kc, r, &lx, hdr);
	else if (tok_is(t, "ident"))
		parse_ident(kc, r, &lx, hdr);
	else
		conf_error(kc, r->path, r->line,
		    "unknown keyword %s; expected machine, ident, options, "
		    "nooptions, device or nodevice",
		    tok_describe(t, what, sizeof(what)));
}

/*
 * Read one config or DEFAULTS file.  Returns false if it could not be
 * opened.  *lines is set to the number of its last line, which is where
 * "no machine line" is reported: that is where the reader found out.
 */
static bool
read_config_file(struct kernconf *kc, const char *path, bool defaults,
    struct conf_header *hdr, struct stmt_list *out, unsigned *lines)
{
	struct line_reader *r;
	enum read_status st;
	bool opened;

	r = xcalloc(1, sizeof(*r));
	r->fp = open_input(kc, path, !defaults, &r->path);
	opened = (r->fp != NULL);
	if (opened) {
		while ((st = read_line(kc, r)) != READ_EOF)
			if (st == READ_LINE)
				parse_config_line(kc, r, defaults, hdr, out);
		*lines = r->line;
		fclose(r->fp);
	}
	free(r);
	return (opened);
}

/*
 * Pass 3: apply statements in order; the last word on a name wins.
 */
static void
apply_statements(struct kernconf *kc, const struct stmt_list *l)
{
	const struct stmt *s;
	struct conf_setting *set;
	size_t i;

	for (i = 0; i < l->n; i++) {
		s = &l->v[i];
		if (s->kind == STMT_OPTIONS || s->kind == STMT_NOOPTIONS) {
			struct conf_option_decl *od;

			od = option_decl_lookup(kc, s->name, strlen(s->name));
			if (od == NULL) {
				conf_error(kc, s->file, s->line,
				    "unknown option %s; the known options are "
				    "declared in %s", s->name,
				    kc->options_file);
				continue;
			}
			/*
			 * nooptions also forgets the value, so that a later
			 * "options NAME" means 1 again, not the old value.
			 */
			set = &kc->options[od - kc->option_decls];
			set->enabled = (s->kind == STMT_OPTIONS);
			free(set->value);
			set->value = s->value != NULL ? xstrdup(s->value) :
			    NULL;
		} else {
			struct conf_device_decl *dd;

			dd = device_decl_lookup(kc, s->name, strlen(s->name));
			if (dd == NULL) {
				conf_error(kc, s->file, s->line,
				    "unknown device %s; the known devices are "
				    "declared by \"device\" lines in %s",
				    s->name, kc->files_file);
				continue;
			}
			set = &kc->devices[dd - kc->device_decls];
			set->enabled = (s->kind == STMT_DEVICE);
		}
		/*
		 * Where the setting last changed, for the messages of pass 4:
		 * for an enabled option the line that turned it on, for a
		 * disabled one the nooptions that turned it off.
		 */
		set->file = s->file;
		set->line = s->line;
	}
}

/*
 * Pass 4: constraints.  Each problem is reported at the line that turned
 * on the option whose constraint fails, since that is the line the reader
 * will have to change or justify.
 */
static void
check_constraints(struct kernconf *kc)
{
	size_t i, j;
	char machines_wanted[64];

	for (i = 0; i < kc->noption_decls; i++) {
		const struct conf_option_decl *od = &kc->option_decls[i];
		const struct conf_setting *set = &kc->options[i];

		/*
		 * Only enabled options are checked: a constraint says what an
		 * option needs in order to be on, not what its absence needs.
		 * The lookups below cannot fail, because the load stops
		 * before this pass if resolve_declarations() found an
		 * undeclared name.
		 */
		if (!set->enabled)
			continue;
		/* machine=: e.g. PAE is a mode of the i386 MMU only. */
		if (od->machines != 0 && (od->machines & kc->machine) == 0) {
			machine_set_describe(od->machines, machines_wanted,
			    sizeof(machines_wanted));
			conf_error(kc, set->file, set->line,
			    "option %s is for machine %s only, but this config "
			    "is for %s", od->name, machines_wanted,
			    conf_machine_name(kc->machine));
		}
		for (j = 0; j < od->requires.n; j++) {
			const struct conf_option_decl *req;
			const struct conf_setting *rset;

			req = option_decl_lookup(kc, od->requires.v[j],
			    strlen(od->requires.v[j]));
			rset = &kc->options[req - kc->option_decls];
			if (rset->enabled)
				continue;
			/*
			 * requires=: if a line turned the requirement off,
			 * name that line, since adding "options PAE" above
			 * it would not help; otherwise say what to add.
			 */
			if (rset->file != NULL)
				conf_error(kc, set->file, set->line,
				    "option %s requires option %s, which "
				    "%s:%u turns off", od->name, req->name,
				    rset->file, rset->line);
			else
				conf_error(kc, set->file, set->line,
				    "option %s requires option %s; add "
				    "\"options %s\"", od->name, req->name,
				    req->name);
		}
		for (j = 0; j < od->conflicts.n; j++) {
			const struct conf_option_decl *con;
			const struct conf_setting *cset;

			con = option_decl_lookup(kc, od->conflicts.v[j],
			    strlen(od->conflicts.v[j]));
			cset = &kc->options[con - kc->option_decls];
			if (!cset->enabled)
				continue;
			/*
			 * conflicts=: reported at this option, which declares
			 * the conflict, naming where the other was enabled -
			 * often a DEFAULTS file the reader has never opened.
			 */
			conf_error(kc, set->file, set->line,
			    "option %s conflicts with option %s, enabled at "
			    "%s:%u; add \"nooptions %s\"", od->name, con->name,
			    cset->file, cset->line, con->name);
		}
		for (j = 0; j < od->requires_devices.n; j++) {
			const struct conf_device_decl *dev;

			dev = device_decl_lookup(kc, od->requires_devices.v[j],
			    strlen(od->requires_devices.v[j]));
			/* requires-device=: XENHVM finds Xen via xenpci. */
			if (kc->devices[dev - kc->device_decls].enabled)
				continue;
			conf_error(kc, set->file, set->line,
			    "option %s requires device %s; add \"device %s\"",
			    od->name, dev->name, dev->name);
		}
	}
}

/*
 * Pass 5: the kernel's sources, in the order src/conf/files lists them
 * (which is the order they are linked in).
 *
 * Does one term of a file condition hold?  NAME holds when the option or
 * device is enabled, !NAME when it is not.
 */
static bool
term_holds(const struct kernconf *kc, const struct conf_term *term)
{
	bool on;

	on = term->is_device ? kc->devices[term->index].enabled :
	    kc->options[term->index].enabled;
	return (term->negated ? !on : on);
}

/*
 * Append to kc->srcs, as paths from the current directory, every
 * standard file and every optional file whose condition holds.
 */
static void
select_files(struct kernconf *kc)
{
	size_t i, j, k;

	for (i = 0; i < kc->nfile_decls; i++) {
		const struct conf_file_decl *fd = &kc->file_decls[i];
		bool selected = fd->standard;
		char **slot;

		/*
		 * A standard file needs no condition.  Otherwise the groups
		 * are alternatives: the first whose terms all hold selects
		 * the file, and the rest need not be looked at.
		 */
		for (j = 0; j < fd->nany_of && !selected; j++) {
			bool all = true;

			for (k = 0; k < fd->any_of[j].nterms; k++)
				all = all && term_holds(kc,
				    &fd->any_of[j].terms[k]);
			selected = all;
		}
		if (!selected)
			continue;
		/* "src" + "kern/main.c": a path make can use from the top. */
		slot = APPEND(kc->srcs, kc->nsrcs);
		*slot = path_join(kc->srcdir, fd->path);
	}
}

/*
 * Run the five passes described at the top of this file.  Each pass
 * that needs the one before to be complete and correct is skipped when
 * there were errors, so no message follows from an earlier one.
 */
unsigned
kernconf_load(struct kernconf *kc, const char *conffile, const char *srcdir,
    FILE *diag)
{
	struct stmt_list defaults = { NULL, 0 }, config = { NULL, 0 };
	struct conf_header hdr = { 0, 0 };
	char *path, *name;
	unsigned lines = 0, ignored;

	memset(kc, 0, sizeof(*kc));
	kc->diag.stream = diag;
	kc->conffile = conffile;
	/* The config lives in SRCDIR/conf, so SRCDIR is two steps up. */
	kc->srcdir = srcdir != NULL ? path_join(srcdir, ".") :
	    path_join(conffile, "../..");

	/* Pass 1: what may be said. */
	path = path_join(kc->srcdir, "conf/options");
	kc->options_file = read_declarations(kc, path, parse_option_decl);
	free(path);
	path = path_join(kc->srcdir, "conf/files");
	kc->files_file = read_declarations(kc, path, parse_files_line);
	free(path);
	/* Even after errors: an unknown name is worth hearing about now. */
	resolve_declarations(kc);
	if (kc->diag.errors != 0)
		return (kc->diag.errors);	/* nothing sound to check */
	/* Everything starts off; DEFAULTS and the config turn things on. */
	kc->options = xcalloc(kc->noption_decls, sizeof(*kc->options));
	kc->devices = xcalloc(kc->ndevice_decls, sizeof(*kc->devices));

	/*
	 * Pass 2: what was said.  Missing machine and ident lines are only
	 * known at the end of the file, and are reported at its last line.
	 */
	if (!read_config_file(kc, conffile, false, &hdr, &config, &lines))
		goto out;		/* could not open it; already said */
	if (hdr.machine_line == 0)
		conf_error(kc, conffile, lines > 0 ? lines : 1,
		    "no machine line; a config must start with \"machine "
		    "i386\" or \"machine amd64\"");
	if (hdr.ident_line == 0)
		conf_error(kc, conffile, lines > 0 ? lines : 1,
		    "no ident line; name the kernel with \"ident NAME\"");
	if (hdr.machine_line == 0)
		goto out;		/* no way to pick DEFAULTS */

	/*
	 * Pass 3: defaults first, so the config has the last word; and of
	 * the defaults the machine-independent DEFAULTS (if there is one)
	 * before DEFAULTS.<machine>, the more specific file coming later.
	 * Both are optional: a machine with no defaults needs no file.
	 */
	path = path_join(kc->srcdir, "conf/DEFAULTS");
	(void)read_config_file(kc, path, true, &hdr, &defaults, &ignored);
	free(path);
	name = xrealloc(NULL, strlen("conf/DEFAULTS.") +
	    strlen(conf_machine_name(kc->machine)) + 1);
	sprintf(name, "conf/DEFAULTS.%s", conf_machine_name(kc->machine));
	path = path_join(kc->srcdir, name);
	(void)read_config_file(kc, path, true, &hdr, &defaults, &ignored);
	free(path);
	free(name);
	apply_statements(kc, &defaults);
	apply_statements(kc, &config);

	/*
	 * Pass 4 and 5, only on a config that made sense so far: checking
	 * constraints after an unknown option would report the option again
	 * as whatever requirement it failed to meet.
	 */
	if (kc->diag.errors == 0)
		check_constraints(kc);
	if (kc->diag.errors == 0)
		select_files(kc);
out:
	stmt_list_free(&defaults);
	stmt_list_free(&config);
	return (kc->diag.errors);
}

/*
 * Free every allocation of a kernconf.  It works on a partly filled
 * kernconf too (kernconf_load() may stop after any pass), because every
 * array is NULL or complete and its count is exact.
 */
void
kernconf_free(struct kernconf *kc)
{
	size_t i, j, k;

	for (i = 0; i < kc->noption_decls; i++) {
		struct conf_option_decl *od = &kc->option_decls[i];

		free(od->name);
		free(od->description);
		names_free(&od->requires);
		names_free(&od->conflicts);
		names_free(&od->requires_devices);
		if (kc->options != NULL)
			free(kc->options[i].value);
	}
	free(kc->option_decls);
	free(kc->options);
	for (i = 0; i < kc->ndevice_decls; i++) {
		free(kc->device_decls[i].name);
		free(kc->device_decls[i].description);
	}
	free(kc->device_decls);
	free(kc->devices);
	for (i = 0; i < kc->nfile_decls; i++) {
		struct conf_file_decl *fd = &kc->file_decls[i];

		for (j = 0; j < fd->nany_of; j++) {
			for (k = 0; k < fd->any_of[j].nterms; k++)
				free(fd->any_of[j].terms[k].name);
			free(fd->any_of[j].terms);
		}
		free(fd->any_of);
		free(fd->path);
	}
	free(kc->file_decls);
	for (i = 0; i < kc->nsrcs; i++)
		free(kc->srcs[i]);
	free(kc->srcs);
	for (i = 0; i < kc->ninputs; i++)
		free(kc->inputs[i]);
	free(kc->inputs);
	free(kc->ident);
	free(kc->srcdir);
	memset(kc, 0, sizeof(*kc));
}
