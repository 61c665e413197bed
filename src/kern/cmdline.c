/*
 * kern/cmdline.c - parse the kernel command line (kern/cmdline.h).
 *
 * Pure string code with no kernel dependencies, so the host unit tests
 * (tests/unit/cmdline_test.c) compile and test this very file.
 */

#include "kern/cmdline.h"
#include "kern/libkern.h"

int
cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	size_t keylen = strlen(key);
	const char *word, *value = NULL;
	size_t valuelen = 0, len;

	for (word = cmdline;; word += len) {
		/* Skip the spaces before a word, then measure the word. */
		while (*word == ' ')
			word++;
		if (*word == '\0')
			break;
		for (len = 0; word[len] != '\0' && word[len] != ' '; len++)
			;
		/*
		 * "key=value": the word must be longer than the key, have
		 * '=' right after it, and start with it.  "test" must not
		 * match "tests=x", hence the '=' check.
		 */
		if (len > keylen && word[keylen] == '=' &&
		    strncmp(word, key, keylen) == 0) {
			value = word + keylen + 1;
			valuelen = len - keylen - 1;
		}
	}
	if (value == NULL)
		return (-1);
	/* Copy what fits; the return value tells the caller if it all did. */
	if (size > 0) {
		size_t n = valuelen < size - 1 ? valuelen : size - 1;

		memcpy(buf, value, n);
		buf[n] = '\0';
	}
	return ((int)valuelen);
}
