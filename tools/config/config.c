/*
 * tools/config/config.c - config(8) in small: the command.
 *
 *     config -d OUTDIR [-s SRCDIR] CONFFILE
 *
 * Reads a kernel configuration (src/conf/XEN, src/conf/XENHVM), checks it
 * against the declarations in SRCDIR/conf/options and SRCDIR/conf/files,
 * and writes OUTDIR/opt_global.h and OUTDIR/config.mk.  The top-level
 * Makefile runs it once per kernel, before compiling anything; see
 * design.md section 3.  SRCDIR defaults to the directory above the one
 * holding CONFFILE, so "config -d build/XEN src/conf/XEN" reads src/.
 *
 * Like FreeBSD's config(8), this only decides and writes down what a
 * kernel contains; it compiles nothing.  Unlike it, there is one output
 * header (opt_global.h) rather than one per option group: the kernel is
 * small enough that rebuilding it all when an option changes costs less
 * than the bookkeeping of opt_*.h files would teach.
 *
 * Exit status: 0 done, 1 the configuration has errors (each printed as
 * FILE:LINE: message) or an output could not be written, 2 usage.
 */
#define	_POSIX_C_SOURCE	200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confgen.h"
#include "confparse.h"

/*
 * Say how to call config, and exit with the usage status, 2.
 */
static void
usage(void)
{

	fputs("usage: config -d OUTDIR [-s SRCDIR] CONFFILE\n", stderr);
	exit(2);
}

/*
 * mkdir -p: OUTDIR is usually build/XEN, and build/ may not exist yet
 * after "make clean".
 */
static int
make_directories(const char *dir)
{
	char *path, *p;
	int error = 0;

	path = strdup(dir);
	if (path == NULL)
		return (-1);
	for (p = path + 1; !error; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char saved = *p;

			*p = '\0';
			if (mkdir(path, 0777) != 0 && errno != EEXIST)
				error = -1;
			*p = saved;
		}
		if (*p == '\0')
			break;
	}
	free(path);
	return (error);
}

/* Write one output into outdir; returns 0 on success. */
static int
write_output(const char *outdir, const char *name, char *text)
{
	char *path;
	int rv;

	path = malloc(strlen(outdir) + strlen(name) + 2);
	if (path == NULL) {
		fputs("config: out of memory\n", stderr);
		free(text);
		return (-1);
	}
	sprintf(path, "%s/%s", outdir, name);
	rv = conf_write_if_changed(path, text, stderr);
	free(path);
	free(text);
	return (rv < 0 ? -1 : 0);
}

/*
 * Load and check the config; write the outputs only if it has no errors,
 * so that a broken config never leaves a half-right opt_global.h for the
 * next build to pick up.
 */
int
main(int argc, char **argv)
{
	struct kernconf kc;
	const char *outdir = NULL, *srcdir = NULL;
	unsigned errors;
	int ch, status = 0;

	while ((ch = getopt(argc, argv, "d:s:")) != -1) {
		switch (ch) {
		case 'd':
			outdir = optarg;
			break;
		case 's':
			srcdir = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1 || outdir == NULL || outdir[0] == '\0')
		usage();

	errors = kernconf_load(&kc, argv[0], srcdir, stderr);
	if (errors != 0) {
		fprintf(stderr, "config: %s: %u error%s; nothing written\n",
		    argv[0], errors, errors == 1 ? "" : "s");
		kernconf_free(&kc);
		return (1);
	}
	if (make_directories(outdir) != 0) {
		fprintf(stderr, "config: cannot create %s: %s\n", outdir,
		    strerror(errno));
		kernconf_free(&kc);
		return (1);
	}
	/*
	 * config.mk last: a Makefile that sees a new config.mk may assume
	 * opt_global.h is already current.
	 */
	if (write_output(outdir, "opt_global.h",
	    kernconf_opt_global_h(&kc)) != 0 ||
	    write_output(outdir, "config.mk", kernconf_config_mk(&kc)) != 0)
		status = 1;
	kernconf_free(&kc);
	return (status);
}
