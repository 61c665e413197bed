/*
 * kern/libkern.h - the small C library every part of the kernel uses.
 *
 * A kernel cannot link against the host's libc: these are our own
 * freestanding versions of the string functions (kern/string.c), of
 * formatted output (kern/printf.c) and of panic (kern/panic.c).  The
 * names and meanings follow the C standard and FreeBSD's libkern, so a
 * reader already knows what they do; only the differences are noted.
 */
#ifndef _KERN_LIBKERN_H_
#define _KERN_LIBKERN_H_

#include <stdarg.h>
#include <stddef.h>

/* Compiler-checked printf-style format strings. */
#define	__printflike(fmt, args)	__attribute__((format(printf, fmt, args)))

void	*memcpy(void *dst, const void *src, size_t len);
void	*memset(void *dst, int c, size_t len);
int	 memcmp(const void *a, const void *b, size_t len);
size_t	 strlen(const char *s);
int	 strcmp(const char *a, const char *b);
int	 strncmp(const char *a, const char *b, size_t len);
/**
 * @brief Copy a string into a buffer of size bytes, always
 *	NUL-terminating it (unless size is 0).
 * @return strlen(src): a value >= size means the copy was truncated.
 */
size_t	 strlcpy(char *dst, const char *src, size_t size);

/**
 * @brief Format into buf, at most size bytes including the NUL.
 *
 * Conversions: %c %s %d %i %u %x %X %p %%, with the l, ll and z length
 * modifiers, a field width, and the '-' and '0' flags.  No floating
 * point: the kernel is compiled without it.
 * @return the length the full output would have had.
 */
int	 vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int	 snprintf(char *buf, size_t size, const char *fmt, ...)
	    __printflike(3, 4);
/**
 * @brief Format and write to the console (kern/cons.c).
 * @return the number of characters written.
 */
int	 printf(const char *fmt, ...) __printflike(1, 2);
int	 vprintf(const char *fmt, va_list ap);

/**
 * @brief Stop the kernel after an unrecoverable error.
 *
 * Prints "panic: <message>" on the early console and the console ring,
 * then the result line "domu: result: ERROR panic: <message>" so that the
 * harness fails with the reason, and powers the domain off.
 */
void	 panic(const char *fmt, ...) __printflike(1, 2)
	    __attribute__((noreturn));

#endif /* !_KERN_LIBKERN_H_ */
