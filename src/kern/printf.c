/*
 * kern/printf.c - formatted output for the kernel.
 *
 * One formatter, kvprintf(), walks the format string and hands each
 * output character to a small "sink"; snprintf() fills a buffer with it
 * and printf() collects a line at a time and passes it to the console
 * layer (kern/cons.c), so that a line reaches the console ring in one
 * piece (up to 128 bytes): one console write per line keeps the ring
 * traffic low and each result line (kern/report.c) contiguous.
 *
 * Supported: %c %s %d %i %u %x %X %p %%, the length modifiers l, ll and
 * z, a field width (digits or *), and the flags '-' (left-justify) and
 * '0' (zero padding).  That is all the kernel uses; an unknown
 * conversion is printed as-is so a mistake shows on the console.
 */

#include <stdint.h>

#include "kern/cons.h"
#include "kern/libkern.h"

/* Where formatted characters go. */
struct sink {
	void	(*put)(struct sink *, char);
	char	*buf;		/* snprintf: the caller's buffer */
	size_t	 size;		/* its size, including room for the NUL */
	size_t	 len;		/* characters held in buf */
	size_t	 total;		/* characters produced so far */
};

/* Hand one character to the sink, counting it. */
static void
emit(struct sink *s, char c)
{

	s->total++;
	s->put(s, c);
}

/*
 * Emit the digits of value in base (10 or 16), right-aligned in width
 * (padded with pad, ' ' or '0') or left-aligned when left is set.  The
 * digits come out least significant first, so they are collected in tmp
 * and emitted in reverse.
 */
static void
put_number(struct sink *s, uintmax_t value, unsigned base, int upper,
    int width, int left, char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];		/* 2^64 has 20 decimal digits */
	int n = 0;

	do {
		tmp[n++] = digits[value % base];
		value /= base;
	} while (value != 0);
	if (!left)
		for (; width > n; width--)
			emit(s, pad);
	while (n > 0) {
		emit(s, tmp[--n]);
		width--;
	}
	for (; width > 0; width--)
		emit(s, ' ');
}

/* Emit str, padded with spaces to width; NULL prints as "(null)". */
static void
put_string(struct sink *s, const char *str, int width, int left)
{
	int len;

	if (str == NULL)
		str = "(null)";
	len = (int)strlen(str);
	if (!left)
		for (; width > len; width--)
			emit(s, ' ');
	for (; *str != '\0'; str++, width--)
		emit(s, *str);
	for (; width > 0; width--)
		emit(s, ' ');
}

/*
 * The formatter: everything printf-like in the kernel ends up here.
 *
 * A conversion is read in the order the C standard gives it:
 * '%', flags, width, length modifier, conversion character.  Every
 * variadic argument must be fetched with va_arg at exactly the type the
 * caller passed (after the default promotions), or the following
 * arguments are read from the wrong place; the length modifier is what
 * tells us that type.
 */
static void
kvprintf(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt != '\0'; fmt++) {
		int left = 0, width = 0, lflag = 0, sign = 0;
		char pad = ' ';
		intmax_t sval;
		uintmax_t uval;

		/* Ordinary characters are copied as they are. */
		if (*fmt != '%') {
			emit(s, *fmt);
			continue;
		}
		fmt++;
		/* Flags, then width, then length modifiers. */
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		} else
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				width = width * 10 + (*fmt - '0');
		for (;; fmt++) {
			if (*fmt == 'l')
				lflag++;
			else if (*fmt == 'z')
				lflag = 3;
			else
				break;
		}
		switch (*fmt) {
		case 'c':
			/* A char argument arrives promoted to int. */
			emit(s, (char)va_arg(ap, int));
			break;
		case 's':
			put_string(s, va_arg(ap, const char *), width, left);
			break;
		case 'd':
		case 'i':
			sign = 1;
			/* FALLTHROUGH */
		case 'u':
		case 'x':
		case 'X':
			/* Fetch the argument at the width it was passed. */
			if (lflag == 0)
				sval = sign ? va_arg(ap, int) :
				    (intmax_t)va_arg(ap, unsigned int);
			else if (lflag == 1)
				sval = sign ? va_arg(ap, long) :
				    (intmax_t)va_arg(ap, unsigned long);
			else if (lflag == 2)
				sval = sign ? va_arg(ap, long long) :
				    (intmax_t)va_arg(ap, unsigned long long);
			else
				sval = (intmax_t)va_arg(ap, size_t);
			uval = (uintmax_t)sval;
			/*
			 * Print the magnitude as unsigned: negating the most
			 * negative value is only defined in unsigned types.
			 */
			if (sign && sval < 0) {
				emit(s, '-');
				uval = -(uintmax_t)sval;
				width--;
			}
			if (*fmt == 'x' || *fmt == 'X')
				put_number(s, uval, 16, *fmt == 'X', width,
				    left, pad);
			else
				put_number(s, uval, 10, 0, width, left, pad);
			break;
		case 'p':
			/* Pointers: always hexadecimal, always with 0x. */
			emit(s, '0');
			emit(s, 'x');
			put_number(s, (uintptr_t)va_arg(ap, void *), 16, 0,
			    width, left, pad);
			break;
		case '\0':
			/* A lone '%' at the end of the format. */
			return;
		default:
			/* '%%' and unknown conversions print themselves. */
			emit(s, *fmt);
			break;
		}
	}
}

/* snprintf's sink: store while there is room, but count everything. */
static void
put_buffer(struct sink *s, char c)
{

	if (s->len + 1 < s->size)
		s->buf[s->len++] = c;
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .put = put_buffer, .buf = buf, .size = size };

	kvprintf(&s, fmt, ap);
	if (size > 0)
		buf[s.len] = '\0';
	return ((int)s.total);
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (len);
}

/*
 * printf's sink collects a line (or a buffer's worth) and writes it to
 * the console in one call.
 */
static void
put_console(struct sink *s, char c)
{

	s->buf[s->len++] = c;
	if (c == '\n' || s->len == s->size) {
		cons_write(s->buf, s->len);
		s->len = 0;
	}
}

int
vprintf(const char *fmt, va_list ap)
{
	char line[128];
	struct sink s = { .put = put_console, .buf = line,
	    .size = sizeof(line) };

	kvprintf(&s, fmt, ap);
	if (s.len > 0)
		cons_write(line, s.len);
	return ((int)s.total);
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vprintf(fmt, ap);
	va_end(ap);
	return (len);
}
