/*
 * tools/config/confparse.h - the kernel configuration, read and checked.
 *
 * This is the library half of config(8) in small (tools/config/config.c is
 * the command).  It reads three kinds of file, all under SRCDIR/conf:
 *
 *   options      every option a kernel may set, with its constraints
 *   files        every source file and the options/devices that select
 *                it, and every device a config may name
 *   DEFAULTS,    lines applied before the config itself, so that a
 *   DEFAULTS.<machine>  config can turn a default off with nooptions
 *
 * and one kernel configuration file (src/conf/XEN, src/conf/XENHVM) in the
 * config(5) syntax of FreeBSD, of which we keep only machine, ident,
 * options, nooptions, device and nodevice.  The syntax of each file is
 * documented at the top of the file itself.
 *
 * The result, a struct kernconf, says which options and devices are on and
 * which source files make up the kernel; tools/config/confgen.c turns it
 * into opt_global.h and config.mk.  The split exists so that the unit
 * tests (tests/unit/config_test.c) can drive the reader and checker
 * directly and look at every message it prints.
 *
 * Every problem is reported as "FILE:LINE: message" on the diagnostic
 * stream, in the form compilers use, so that editors can jump to it.
 * Reading goes on after an error where that is safe, so that one run
 * shows all the mistakes in a file instead of one at a time.
 */
#ifndef _CONFPARSE_H_
#define _CONFPARSE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * The longest line, newline excluded, that any of the files may have.
 * Longer lines are reported and skipped: nothing legitimate in a
 * configuration comes near this, so an overlong line means a damaged or
 * wrong file, and saying so beats silently cutting it.
 */
#define	CONF_LINE_MAX	1024

/* The machines a kernel can be built for, as a bit set. */
#define	CONF_MACHINE_I386	0x1u
#define	CONF_MACHINE_AMD64	0x2u

/* A list of names, such as the right-hand side of requires=A,B. */
struct conf_names {
	char		**v;
	size_t		  n;
};

/* One option from src/conf/options. */
struct conf_option_decl {
	char		 *name;
	char		 *description;
	unsigned	  machines;	/* CONF_MACHINE_* bits; 0: any */
	struct conf_names requires;	/* options that must be on too */
	struct conf_names conflicts;	/* options that must be off */
	struct conf_names requires_devices; /* devices that must be on */
	const char	 *file;		/* where it was declared */
	unsigned	  line;
};

/* One device from a "device" line of src/conf/files. */
struct conf_device_decl {
	char		 *name;
	char		 *description;
	const char	 *file;
	unsigned	  line;
};

/*
 * One name in a file's condition.  It is resolved when the files file has
 * been read, so that a file line may name a device declared below it.
 */
struct conf_term {
	char		 *name;
	bool		  negated;	/* written !NAME */
	bool		  is_device;	/* else an option */
	size_t		  index;	/* into options[] or devices[] */
};

/* NAME NAME ... : all of them must hold. */
struct conf_all_of {
	struct conf_term *terms;
	size_t		  nterms;
};

/* One source file from src/conf/files. */
struct conf_file_decl {
	char		 *path;		/* relative to SRCDIR */
	bool		  standard;	/* in every kernel */
	/* "optional A B | C": (A and B) or C, as groups of all-of. */
	struct conf_all_of *any_of;
	size_t		  nany_of;
	const char	 *file;
	unsigned	  line;
};

/* What a kernel config set for one option or device. */
struct conf_setting {
	bool		  enabled;
	char		 *value;	/* NULL: defined as 1 */
	const char	 *file;		/* the line that last changed it */
	unsigned	  line;
};

/* Counts and prints problems. */
struct conf_diag {
	FILE		 *stream;
	unsigned	  errors;
};

/*
 * A kernel configuration: the declarations it was checked against, what
 * the config file and DEFAULTS set, and the kernel's source files.
 * options[] and devices[] run parallel to the declaration arrays, so
 * options[i] is the setting of option_decls[i].
 */
struct kernconf {
	struct conf_diag	 diag;

	/* Every file read, in order; other structures point into it. */
	char			**inputs;
	size_t			  ninputs;

	char			 *srcdir;	/* as used in output paths */
	const char		 *conffile;	/* the path given to us */
	const char		 *options_file;	/* SRCDIR/conf/options */
	const char		 *files_file;	/* SRCDIR/conf/files */

	struct conf_option_decl	 *option_decls;
	size_t			  noption_decls;
	struct conf_device_decl	 *device_decls;
	size_t			  ndevice_decls;
	struct conf_file_decl	 *file_decls;
	size_t			  nfile_decls;

	unsigned		  machine;	/* one CONF_MACHINE_* bit */
	char			 *ident;
	struct conf_setting	 *options;
	struct conf_setting	 *devices;

	/* The kernel's sources, relative to where we were run. */
	char			**srcs;
	size_t			  nsrcs;
};

/**
 * @brief Read and check a kernel configuration.
 *
 * Reads SRCDIR/conf/options and SRCDIR/conf/files, then CONFFILE, then
 * the DEFAULTS files for its machine, applies DEFAULTS and CONFFILE in
 * that order, checks every constraint of every enabled option, and picks
 * the source files.  Problems go to @p diag as "FILE:LINE: message".
 *
 * @param kc       filled in; release with kernconf_free() whatever happens
 * @param conffile path of the kernel configuration file
 * @param srcdir   the kernel source tree (src/), or NULL for the
 *                 directory above the one holding @p conffile
 * @param diag     where problems are printed (usually stderr)
 * @return the number of errors; 0 means @p kc is complete and usable
 */
unsigned	kernconf_load(struct kernconf *kc, const char *conffile,
		    const char *srcdir, FILE *diag);

/**
 * @brief Release everything kernconf_load() allocated.
 * @param kc a kernconf that kernconf_load() was called on
 */
void		kernconf_free(struct kernconf *kc);

/**
 * @brief Name of a machine, "i386" or "amd64".
 * @param machine one CONF_MACHINE_* bit
 * @return a static string; "none" for anything else
 */
const char	*conf_machine_name(unsigned machine);

/**
 * @brief Clean a path the way a person would write it.
 *
 * Purely textual, as Go's path.Clean and Plan 9's cleanname: repeated
 * slashes become one, "." components go, "dir/.." pairs cancel.  Used so
 * that the default SRCDIR of "src/conf/XEN/../.." is written as "src".
 *
 * @param path any path
 * @return a new string (caller frees); "." for an empty result; NULL if
 *         out of memory
 */
char		*conf_path_clean(const char *path);

#endif /* !_CONFPARSE_H_ */
