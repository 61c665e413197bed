/*
 * amd64/earlycons.h - the HVM amd64 kernel's early console (0xE9 and
 * COM1), private to src/amd64.  See earlycons.c.
 */
#ifndef _AMD64_EARLYCONS_H_
#define _AMD64_EARLYCONS_H_

#include <stddef.h>

/**
 * @brief Set COM1 to 115200 8N1 with FIFOs; until then only 0xE9 is
 *	written.
 */
void	earlycons_init(void);

/**
 * @brief Write bytes to port 0xE9 and, once initialised, to COM1.
 * @param buf bytes to write (not NUL-terminated)
 * @param len number of bytes
 */
void	earlycons_write(const char *buf, size_t len);

#endif /* !_AMD64_EARLYCONS_H_ */
