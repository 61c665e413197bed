/*
 * kern/string.c - freestanding string and memory functions.
 *
 * Plain byte loops: clear rather than fast.  The compiler may also call
 * memcpy, memset and memcmp on its own (for structure copies and
 * initialisers), which is why they must exist even in a kernel that
 * never names them.
 */

#include "kern/libkern.h"

/*
 * Copy len bytes; the areas must not overlap (nothing in the kernel
 * needs memmove yet).  Byte by byte, so alignment never matters.
 */
void *
memcpy(void *dst, const void *src, size_t len)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (len-- > 0)
		*d++ = *s++;
	return (dst);
}

/*
 * Fill len bytes with c.  The compiler emits calls to this for large
 * zero initialisers, such as `struct x y = { 0 };`.
 */
void *
memset(void *dst, int c, size_t len)
{
	unsigned char *d = dst;

	while (len-- > 0)
		*d++ = (unsigned char)c;
	return (dst);
}

/*
 * Compare len bytes as unsigned chars: the sign of the result is that
 * of the first differing byte of a minus that of b.
 */
int
memcmp(const void *a, const void *b, size_t len)
{
	const unsigned char *p = a, *q = b;

	for (; len > 0; len--, p++, q++)
		if (*p != *q)
			return (*p - *q);
	return (0);
}

/*
 * Length of a NUL-terminated string.  Never call it on a buffer a peer
 * filled (a ring, a grant, start_info): a peer need not terminate it.
 * Copy with a bound and terminate the copy first.
 */
size_t
strlen(const char *s)
{
	size_t len;

	for (len = 0; s[len] != '\0'; len++)
		;
	return (len);
}

/* Compare two strings; the unsigned char casts match the C standard. */
int
strcmp(const char *a, const char *b)
{

	for (; *a == *b; a++, b++)
		if (*a == '\0')
			return (0);
	return ((unsigned char)*a - (unsigned char)*b);
}

/*
 * As strcmp, but look at no more than len characters: used to match a
 * prefix, such as the start_info magic, in a string of unknown length.
 */
int
strncmp(const char *a, const char *b, size_t len)
{

	for (; len > 0; len--, a++, b++) {
		if (*a != *b)
			return ((unsigned char)*a - (unsigned char)*b);
		if (*a == '\0')
			break;
	}
	return (0);
}

/*
 * The BSD bounded copy (libkern.h): it always terminates dst and returns
 * the length it wanted to copy, so the caller detects truncation with
 * one comparison, `strlcpy(...) >= size`.  strncpy, its older cousin,
 * does neither.
 */
size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len;

	len = strlen(src);
	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return (len);
}
