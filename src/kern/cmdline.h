/*
 * kern/cmdline.h - read `key=value` words from the kernel command line.
 *
 * The command line comes from the toolstack (`extra=` in xl.cfg, or the
 * multiboot command line for the HVM kernel) and is as untrusted as any
 * other input: it may be long, odd or empty.
 */
#ifndef _KERN_CMDLINE_H_
#define _KERN_CMDLINE_H_

#include <stddef.h>

/**
 * @brief Find the word "key=value" in cmdline and copy value into buf.
 *
 * Words are separated by spaces; the last occurrence of key wins, as
 * users expect when they append an option to override an earlier one.
 * @param cmdline the whole command line (NUL-terminated)
 * @param key the key, without '='
 * @param buf where to put the value (always NUL-terminated if size > 0)
 * @param size size of buf
 * @return the value's length (>= size means it was truncated), or -1 if
 *	the key is absent
 */
int	cmdline_get(const char *cmdline, const char *key, char *buf,
	    size_t size);

#endif /* !_KERN_CMDLINE_H_ */
