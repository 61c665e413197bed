/*
 * tools/config/confgen.h - turn a checked kernel configuration into the
 * files the build reads.
 *
 * tools/config/confparse.c decides what a kernel contains; this half only
 * writes it down, in two forms:
 *
 *   opt_global.h  one #define per enabled option and DEV_<NAME> per
 *                 device, for the C and assembly sources
 *   config.mk     MACHINE, IDENT and KERNEL_SRCS for make
 *
 * The text is built in memory first so that an unchanged output can be
 * left alone: make decides what to rebuild from timestamps, and rewriting
 * opt_global.h with the same bytes would rebuild the whole kernel.
 */
#ifndef _CONFGEN_H_
#define _CONFGEN_H_

#include <stdio.h>

#include "confparse.h"

/**
 * @brief The text of opt_global.h for a configuration.
 * @param kc a configuration kernconf_load() accepted (0 errors)
 * @return a NUL-terminated string the caller frees
 */
char	*kernconf_opt_global_h(const struct kernconf *kc);

/**
 * @brief The text of config.mk for a configuration.
 * @param kc a configuration kernconf_load() accepted (0 errors)
 * @return a NUL-terminated string the caller frees
 */
char	*kernconf_config_mk(const struct kernconf *kc);

/**
 * @brief Write a file, unless it already holds exactly this text.
 *
 * The new text goes to PATH.tmp first and is renamed over PATH, so a
 * reader (or an interrupted run) never sees half a file.
 *
 * @param path the file to write
 * @param text its new contents, NUL-terminated
 * @param diag where to say what went wrong
 * @return 1 if the file was written, 0 if it was already up to date,
 *         -1 on error (reported on @p diag)
 */
int	conf_write_if_changed(const char *path, const char *text, FILE *diag);

#endif /* !_CONFGEN_H_ */
