/*
 * tests/unit/config_test.c - what the kernel configuration tool promises.
 *
 * tools/config reads src/conf/XEN-style files against the declarations in
 * src/conf/options and src/conf/files (see tools/config/confparse.h).
 * These ATF-C tests drive its library directly (kernconf_load() and the
 * generators of confgen.h) and, for the exit status, the built command.
 *
 * Most tests write a small declaration set of their own into the test's
 * work directory (ATF gives each test case a fresh one), so that they keep
 * passing as the real src/conf/files grows; one test checks the real
 * configurations, which mk/tests.mk copies to data/src/conf next to this
 * program.  Expected messages are spelt out in full: they are the tool's
 * interface with a person, and a test is the place to read them.
 */
#define	_POSIX_C_SOURCE	200809L

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "confgen.h"
#include "confparse.h"
#include "run_tool.h"

/*
 * The declarations most tests check against: the real constraints of
 * XEN and XENHVM, two options that take values, and a handful of files
 * whose conditions exercise "|", "!" and "A B".
 */
static const char test_options[] =
    "# options for the tests\n"
    "NATIVE\t\"native kernel\"\n"
    "PAE\tmachine=i386 \"PAE page tables\"\n"
    "XEN\tmachine=i386 requires=PAE conflicts=NATIVE,XENHVM \"PV kernel\"\n"
    "XENHVM\tmachine=amd64 requires-device=xenpci \"HVM kernel\"\n"
    "HZ\t\"clock ticks per second\"\n"
    "GREETING \"a string\"\n";

static const char test_files[] =
    "# files for the tests\n"
    "device console \"the console\"\n"
    "device xenpci \"platform PCI device\"\n"
    "device balloon \"memory balloon\"\n"
    "i386/locore.S\t\toptional XEN\n"
    "kern/main.c\t\tstandard\n"
    "xen/either.c\t\toptional XEN | XENHVM\n"
    "kern/native.c\t\toptional !XEN\n"
    "dev/xen/xenpci/xenpci.c\toptional XENHVM xenpci\n"
    "dev/xen/console/console.c optional console\n";

/* NATIVE is on line 2, which the conflict message must name. */
static const char test_defaults_i386[] =
    "# i386 defaults\n"
    "options NATIVE\n";

static const char test_defaults_amd64[] =
    "options NATIVE\n";

/* Create a file with the given bytes, and the directories above it. */
static void
write_bytes(const char *path, const char *bytes, size_t len)
{
	char dir[256], *slash;
	FILE *fp;

	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		ATF_REQUIRE_MSG(mkdir(dir, 0777) == 0 || errno == EEXIST,
		    "cannot create directory %s: %s", dir, strerror(errno));
		*slash = '/';
	}
	fp = fopen(path, "wb");
	ATF_REQUIRE_MSG(fp != NULL, "cannot create %s: %s", path,
	    strerror(errno));
	ATF_REQUIRE(fwrite(bytes, 1, len, fp) == len);
	ATF_REQUIRE(fclose(fp) == 0);
}

static void
write_file(const char *path, const char *text)
{

	write_bytes(path, text, strlen(text));
}

static void
write_declarations(void)
{

	write_file("src/conf/options", test_options);
	write_file("src/conf/files", test_files);
	write_file("src/conf/DEFAULTS.i386", test_defaults_i386);
	write_file("src/conf/DEFAULTS.amd64", test_defaults_amd64);
}

/*
 * Load the config already written at path, catching the messages.  The
 * caller frees *diag and calls kernconf_free().
 */
static unsigned
load_path(struct kernconf *kc, const char *path, const char *srcdir,
    char **diag)
{
	FILE *fp;
	size_t len;
	unsigned errors;

	fp = open_memstream(diag, &len);
	ATF_REQUIRE(fp != NULL);
	errors = kernconf_load(kc, path, srcdir, fp);
	ATF_REQUIRE(fclose(fp) == 0);
	return (errors);
}

/* Write the test declarations and a config of this text, and load it. */
static unsigned
load_config(struct kernconf *kc, const char *text, char **diag)
{

	write_declarations();
	write_file("src/conf/TEST", text);
	return (load_path(kc, "src/conf/TEST", NULL, diag));
}

/* Is line one whole line of text? */
static bool
has_line(const char *text, const char *line)
{
	const char *p;
	size_t len = strlen(line);

	for (p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') &&
		    (p[len] == '\n' || p[len] == '\0'))
			return (true);
	return (false);
}

#define	EXPECT_MESSAGE(diag, line)					\
	ATF_CHECK_MSG(has_line((diag), (line)),				\
	    "expected the message\n    %s\nbut the messages were:\n%s",	\
	    (line), (diag)[0] != '\0' ? (diag) : "    (none)\n")

#define	EXPECT_ACCEPTED(errors, diag)					\
	ATF_REQUIRE_MSG((errors) == 0,					\
	    "expected the config to be accepted, but it had %u "	\
	    "error(s):\n%s", (errors), (diag))

#define	EXPECT_ERRORS(want, errors, diag)				\
	ATF_CHECK_MSG((errors) == (want),				\
	    "expected %u error(s), saw %u:\n%s", (unsigned)(want),	\
	    (errors), (diag))

/*
 * The macros opt_global.h defines, as "NAME VALUE" lines, leaving out its
 * include guard: what the kernel will see, without the comments.
 */
static char *
defines_of(const struct kernconf *kc)
{
	char *h, *out, *line, *save, *name, *value;
	size_t used = 0;

	h = kernconf_opt_global_h(kc);
	out = calloc(1, strlen(h) + 1);
	ATF_REQUIRE(out != NULL);
	for (line = strtok_r(h, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "#define\t", 8) != 0)
			continue;
		name = line + 8;
		value = strchr(name, '\t');
		if (value == NULL)
			continue;	/* the guard, which has no value */
		*value++ = '\0';
		value[strcspn(value, "\t")] = '\0';
		used += (size_t)sprintf(out + used, "%s %s\n", name, value);
	}
	free(h);
	return (out);
}

/* config.mk without its comment lines and blank lines. */
static char *
make_vars_of(const struct kernconf *kc)
{
	char *mk, *out, *line, *save;
	size_t used = 0;

	mk = kernconf_config_mk(kc);
	out = calloc(1, strlen(mk) + 1);
	ATF_REQUIRE(out != NULL);
	for (line = strtok_r(mk, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (line[0] != '#')
			used += (size_t)sprintf(out + used, "%s\n", line);
	free(mk);
	return (out);
}

#define	EXPECT_TEXT(what, want, seen)					\
	ATF_CHECK_MSG(strcmp((want), (seen)) == 0,			\
	    "%s: expected\n%s---- but saw\n%s----", (what), (want), (seen))

/*
 * Good configurations.  What the kernel sees is checked through the
 * generated text, since that, not the structure, is the interface.
 */

ATF_TC_WITHOUT_HEAD(pv_config_defines_its_options_and_devices);
ATF_TC_BODY(pv_config_defines_its_options_and_devices, tc)
{
	struct kernconf kc;
	char *diag, *defines;
	unsigned errors;

	errors = load_config(&kc,
	    "machine i386\n"
	    "ident TEST\n"
	    "options PAE\n"
	    "options XEN\n"
	    "nooptions NATIVE\n"
	    "device console\n", &diag);
	EXPECT_ACCEPTED(errors, diag);
	defines = defines_of(&kc);
	/* Declaration order, and NATIVE gone although DEFAULTS set it. */
	EXPECT_TEXT("opt_global.h", "PAE 1\nXEN 1\nDEV_CONSOLE 1\n", defines);
	free(defines);
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(pv_config_lists_its_sources_in_files_order);
ATF_TC_BODY(pv_config_lists_its_sources_in_files_order, tc)
{
	struct kernconf kc;
	char *diag, *vars;
	unsigned errors;

	errors = load_config(&kc,
	    "machine i386\n"
	    "ident TEST\n"
	    "options PAE, XEN\n"
	    "nooptions NATIVE\n"
	    "device console\n", &diag);
	EXPECT_ACCEPTED(errors, diag);
	vars = make_vars_of(&kc);
	EXPECT_TEXT("config.mk",
	    "MACHINE = i386\n"
	    "IDENT = TEST\n"
	    "SRCDIR = src\n"
	    "CONFIG_INPUTS = src/conf/options src/conf/files src/conf/TEST "
	    "src/conf/DEFAULTS.i386\n"
	    "KERNEL_OPTIONS = PAE XEN\n"
	    "KERNEL_DEVICES = console\n"
	    "KERNEL_SRCS = \\\n"
	    "\tsrc/i386/locore.S \\\n"
	    "\tsrc/kern/main.c \\\n"
	    "\tsrc/xen/either.c \\\n"
	    "\tsrc/dev/xen/console/console.c\n", vars);
	free(vars);
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(hvm_config_keeps_native_from_defaults);
ATF_TC_BODY(hvm_config_keeps_native_from_defaults, tc)
{
	struct kernconf kc;
	char *diag, *defines, *vars;
	unsigned errors;

	errors = load_config(&kc,
	    "machine amd64\n"
	    "ident TEST\n"
	    "options XENHVM\n"
	    "device xenpci\n"
	    "device console\n", &diag);
	EXPECT_ACCEPTED(errors, diag);
	defines = defines_of(&kc);
	EXPECT_TEXT("opt_global.h",
	    "NATIVE 1\nXENHVM 1\nDEV_CONSOLE 1\nDEV_XENPCI 1\n", defines);
	vars = make_vars_of(&kc);
	/* "optional XENHVM xenpci" needs both; "!XEN" holds without XEN. */
	ATF_CHECK_MSG(strstr(vars, "\tsrc/kern/native.c \\\n"
	    "\tsrc/dev/xen/xenpci/xenpci.c \\\n") != NULL,
	    "expected native.c and xenpci.c in KERNEL_SRCS, saw\n%s", vars);
	ATF_CHECK_MSG(strstr(vars, "locore.S") == NULL,
	    "expected no i386 file in an amd64 kernel, saw\n%s", vars);
	free(vars);
	free(defines);
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(option_values_are_defined_as_written);
ATF_TC_BODY(option_values_are_defined_as_written, tc)
{
	struct kernconf kc;
	char *diag, *defines;
	unsigned errors;

	errors = load_config(&kc,
	    "machine amd64   # the comment is ignored\n"
	    "ident TEST\n"
	    "nooptions NATIVE\n"
	    "options HZ=100, GREETING=\"hello, world\"\n", &diag);
	EXPECT_ACCEPTED(errors, diag);
	defines = defines_of(&kc);
	EXPECT_TEXT("opt_global.h",
	    "HZ 100\nGREETING \"hello, world\"\n", defines);
	free(defines);
	free(diag);
	kernconf_free(&kc);
}

/*
 * As in FreeBSD, a config is read top to bottom and the last line about
 * a name decides, which is what lets a config include DEFAULTS and then
 * change its mind.
 */
ATF_TC_WITHOUT_HEAD(later_lines_override_earlier_ones);
ATF_TC_BODY(later_lines_override_earlier_ones, tc)
{
	struct kernconf kc;
	char *diag, *defines;
	unsigned errors;

	errors = load_config(&kc,
	    "machine amd64\n"
	    "ident TEST\n"
	    "options HZ=100\n"
	    "options HZ=250\n"
	    "device balloon\n"
	    "nodevice balloon\n", &diag);
	EXPECT_ACCEPTED(errors, diag);
	defines = defines_of(&kc);
	EXPECT_TEXT("opt_global.h", "NATIVE 1\nHZ 250\n", defines);
	free(defines);
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(missing_newline_at_end_of_file_is_accepted);
ATF_TC_BODY(missing_newline_at_end_of_file_is_accepted, tc)
{
	struct kernconf kc;
	char *diag, *defines;
	unsigned errors;

	errors = load_config(&kc, "machine amd64\nident TEST\noptions HZ=7",
	    &diag);
	EXPECT_ACCEPTED(errors, diag);
	defines = defines_of(&kc);
	EXPECT_TEXT("opt_global.h", "NATIVE 1\nHZ 7\n", defines);
	free(defines);
	free(diag);
	kernconf_free(&kc);
}

/* A config edited on Windows must not grow a \r into its ident. */
ATF_TC_WITHOUT_HEAD(crlf_line_ends_are_accepted);
ATF_TC_BODY(crlf_line_ends_are_accepted, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc,
	    "machine i386\r\nident TEST\r\noptions PAE\r\n", &diag);
	EXPECT_ACCEPTED(errors, diag);
	ATF_CHECK_STREQ_MSG("TEST", kc.ident,
	    "expected ident TEST without the \\r, saw \"%s\"", kc.ident);
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(srcdir_prefixes_the_source_paths);
ATF_TC_BODY(srcdir_prefixes_the_source_paths, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	write_declarations();
	/* A config outside the tree, sources found through -s. */
	write_file("elsewhere/MINE", "machine amd64\nident MINE\n");
	errors = load_path(&kc, "elsewhere/MINE", "./src/", &diag);
	EXPECT_ACCEPTED(errors, diag);
	ATF_REQUIRE_MSG(kc.nsrcs == 2, "expected 2 sources, saw %zu",
	    kc.nsrcs);
	ATF_CHECK_STREQ_MSG("src/kern/main.c", kc.srcs[0],
	    "expected the cleaned path src/kern/main.c, saw %s", kc.srcs[0]);
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(paths_are_cleaned_textually);
ATF_TC_BODY(paths_are_cleaned_textually, tc)
{
	static const char *cases[][2] = {
		{ "src/conf/XEN/../..",	"src" },
		{ "XEN/../..",		".." },
		{ "./a//b/./c/",	"a/b/c" },
		{ "/x/../../y",		"/y" },
		{ "../../a/..",		"../.." },
		{ "",			"." },
		{ "/",			"/" },
	};
	size_t i;
	char *clean;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		clean = conf_path_clean(cases[i][0]);
		ATF_CHECK_MSG(strcmp(clean, cases[i][1]) == 0,
		    "cleaning \"%s\": expected \"%s\", saw \"%s\"",
		    cases[i][0], cases[i][1], clean);
		free(clean);
	}
}

ATF_TC_WITHOUT_HEAD(shipped_xen_and_xenhvm_configs_are_accepted);
ATF_TC_BODY(shipped_xen_and_xenhvm_configs_are_accepted, tc)
{
	static const char *configs[] = { "XEN", "XENHVM" };
	struct kernconf kc;
	char path[1024], *diag, *defines;
	unsigned errors;
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/data/src/conf/%s",
		    atf_tc_get_config_var(tc, "srcdir"), configs[i]);
		errors = load_path(&kc, path, NULL, &diag);
		ATF_CHECK_MSG(errors == 0, "expected src/conf/%s to be "
		    "accepted, but it had %u error(s):\n%s", configs[i],
		    errors, diag);
		if (errors == 0) {
			defines = defines_of(&kc);
			/* The SYNOPSIS lines of xen(4), and nothing native. */
			if (i == 0)
				ATF_CHECK_MSG(strstr(defines, "PAE 1\n") &&
				    strstr(defines, "XEN 1\n") &&
				    !strstr(defines, "NATIVE"),
				    "expected XEN to define PAE and XEN but "
				    "not NATIVE, saw\n%s", defines);
			else
				ATF_CHECK_MSG(strstr(defines, "XENHVM 1\n") &&
				    strstr(defines, "DEV_XENPCI 1\n"),
				    "expected XENHVM to define XENHVM and "
				    "DEV_XENPCI, saw\n%s", defines);
			free(defines);
		}
		free(diag);
		kernconf_free(&kc);
	}
}

/*
 * Rewriting opt_global.h with the same text would give it a new mtime and
 * make would rebuild every kernel object; the tool must leave it alone.
 */
ATF_TC_WITHOUT_HEAD(unchanged_output_is_not_rewritten);
ATF_TC_BODY(unchanged_output_is_not_rewritten, tc)
{
	struct stat before, after;
	int rv;

	rv = conf_write_if_changed("out.h", "one\n", stderr);
	ATF_CHECK_EQ_MSG(1, rv, "expected a new file to be written (1), "
	    "saw %d", rv);
	ATF_REQUIRE(stat("out.h", &before) == 0);
	rv = conf_write_if_changed("out.h", "one\n", stderr);
	ATF_CHECK_EQ_MSG(0, rv, "expected the same text to be left alone "
	    "(0), saw %d", rv);
	ATF_REQUIRE(stat("out.h", &after) == 0);
	/* rename() would give a new inode: same inode, same file. */
	ATF_CHECK_MSG(before.st_ino == after.st_ino,
	    "expected the file to be untouched, but it was replaced");
	rv = conf_write_if_changed("out.h", "one\ntwo\n", stderr);
	ATF_CHECK_EQ_MSG(1, rv, "expected changed text to be written (1), "
	    "saw %d", rv);
	ATF_CHECK_MSG(atf_utils_compare_file("out.h", "one\ntwo\n"),
	    "expected out.h to hold the new text");
	/* A prefix of the old text is a change too. */
	rv = conf_write_if_changed("out.h", "one\n", stderr);
	ATF_CHECK_EQ_MSG(1, rv, "expected shorter text to be written (1), "
	    "saw %d", rv);
}

/*
 * Errors: each is FILE:LINE: message, at the line to change.  Each test
 * also checks the number of errors, so that one mistake is not reported
 * twice in different words.
 */

ATF_TC_WITHOUT_HEAD(unknown_option_is_rejected_with_line_number);
ATF_TC_BODY(unknown_option_is_rejected_with_line_number, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc,
	    "machine amd64\nident TEST\n\noptions HZ=1, FOO\n", &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:4: unknown option FOO; the known "
	    "options are declared in src/conf/options");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(unknown_device_is_rejected_with_line_number);
ATF_TC_BODY(unknown_device_is_rejected_with_line_number, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc,
	    "machine amd64\nident TEST\ndevice console, ethernet\n", &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:3: unknown device ethernet; the "
	    "known devices are declared by \"device\" lines in "
	    "src/conf/files");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(unknown_keyword_is_rejected_with_line_number);
ATF_TC_BODY(unknown_keyword_is_rejected_with_line_number, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc,
	    "machine i386\nident TEST\ncpu I686_CPU\noptions PAE\n", &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:3: unknown keyword \"cpu\"; "
	    "expected machine, ident, options, nooptions, device or nodevice");
	free(diag);
	kernconf_free(&kc);
}

/* Only at the end of the file is the machine line known to be missing. */
ATF_TC_WITHOUT_HEAD(missing_machine_is_reported_at_end_of_file);
ATF_TC_BODY(missing_machine_is_reported_at_end_of_file, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc, "ident TEST\noptions PAE\n", &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:2: no machine line; a config "
	    "must start with \"machine i386\" or \"machine amd64\"");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(empty_file_lacks_machine_and_ident);
ATF_TC_BODY(empty_file_lacks_machine_and_ident, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc, "", &diag);
	EXPECT_ERRORS(2, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:1: no machine line; a config "
	    "must start with \"machine i386\" or \"machine amd64\"");
	EXPECT_MESSAGE(diag, "src/conf/TEST:1: no ident line; name the "
	    "kernel with \"ident NAME\"");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(unknown_machine_is_rejected);
ATF_TC_BODY(unknown_machine_is_rejected, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc, "machine sparc64\nident TEST\n", &diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:1: unknown machine \"sparc64\"; "
	    "expected i386 or amd64");
	ATF_CHECK_MSG(errors >= 1, "expected an error, saw none");
	free(diag);
	kernconf_free(&kc);
}

/* Two machines cannot both be meant; the first is kept, the second named. */
ATF_TC_WITHOUT_HEAD(second_machine_line_is_rejected);
ATF_TC_BODY(second_machine_line_is_rejected, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc,
	    "machine amd64\nident TEST\nmachine i386\n", &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:3: machine is already given at "
	    "line 1");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(option_on_the_wrong_machine_is_rejected_at_its_line);
ATF_TC_BODY(option_on_the_wrong_machine_is_rejected_at_its_line, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc,
	    "machine amd64\nident TEST\noptions PAE\n", &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:3: option PAE is for machine "
	    "i386 only, but this config is for amd64");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(missing_required_option_is_reported_at_the_requiring_line);
ATF_TC_BODY(missing_required_option_is_reported_at_the_requiring_line, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc,
	    "machine i386\nident TEST\nnooptions NATIVE\noptions XEN\n",
	    &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:4: option XEN requires option "
	    "PAE; add \"options PAE\"");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(required_option_turned_off_names_the_line_that_did_it);
ATF_TC_BODY(required_option_turned_off_names_the_line_that_did_it, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc,
	    "machine i386\nident TEST\nnooptions NATIVE\noptions PAE, XEN\n"
	    "nooptions PAE\n", &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:4: option XEN requires option "
	    "PAE, which src/conf/TEST:5 turns off");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(conflict_with_a_default_names_the_defaults_line);
ATF_TC_BODY(conflict_with_a_default_names_the_defaults_line, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	/* The xen(4) SYNOPSIS without its "nooptions NATIVE". */
	errors = load_config(&kc,
	    "machine i386\nident TEST\noptions PAE\noptions XEN\n", &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:4: option XEN conflicts with "
	    "option NATIVE, enabled at src/conf/DEFAULTS.i386:2; add "
	    "\"nooptions NATIVE\"");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(missing_required_device_is_reported);
ATF_TC_BODY(missing_required_device_is_reported, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc,
	    "machine amd64\nident TEST\noptions XENHVM\ndevice xenpci\n"
	    "nodevice xenpci\n", &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:3: option XENHVM requires device "
	    "xenpci; add \"device xenpci\"");
	free(diag);
	kernconf_free(&kc);
}

/*
 * One run reports every malformed line, so a person fixes a config in one
 * pass instead of one error per run.
 */
ATF_TC_WITHOUT_HEAD(malformed_lines_are_rejected_each_with_its_line);
ATF_TC_BODY(malformed_lines_are_rejected_each_with_its_line, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	errors = load_config(&kc,
	    "machine amd64\n"
	    "ident TEST\n"
	    "options HZ GREETING\n"			/* 3: no comma */
	    "options\n"					/* 4: nothing */
	    "options HZ=\n"				/* 5: no value */
	    "nooptions HZ=1\n"				/* 6: no values */
	    "device console,\n"				/* 7: dangling , */
	    "options GREETING=\"unterminated\n"	/* 8 */
	    "ident\n"					/* 9 */
	    "machine amd64 extra\n",			/* 10 */
	    &diag);
	EXPECT_ERRORS(8, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:3: malformed options line: "
	    "expected \",\" or end of line after HZ, found \"GREETING\"");
	EXPECT_MESSAGE(diag, "src/conf/TEST:4: malformed options line: "
	    "expected option name, found end of line");
	EXPECT_MESSAGE(diag, "src/conf/TEST:5: malformed options line: "
	    "expected a value after \"HZ=\", found end of line");
	EXPECT_MESSAGE(diag, "src/conf/TEST:6: malformed nooptions line: "
	    "nooptions takes names only, not NAME=VALUE");
	EXPECT_MESSAGE(diag, "src/conf/TEST:7: malformed device line: "
	    "expected device name, found end of line");
	EXPECT_MESSAGE(diag, "src/conf/TEST:8: malformed options line: "
	    "expected a value after \"GREETING=\", found a string with no "
	    "closing quote");
	EXPECT_MESSAGE(diag, "src/conf/TEST:9: expected a kernel name "
	    "(letters, digits, _) after \"ident\", found end of line");
	/* The second machine line is reported before its extra word. */
	EXPECT_MESSAGE(diag, "src/conf/TEST:10: machine is already given at "
	    "line 1");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(overlong_line_is_rejected_not_truncated);
ATF_TC_BODY(overlong_line_is_rejected_not_truncated, tc)
{
	struct kernconf kc;
	char *text, *diag;
	unsigned errors;
	size_t n;

	/*
	 * "options HZ=1" padded past the limit: cut at the limit it would
	 * still parse, so only a reader that refuses it passes.
	 */
	text = malloc(3 * CONF_LINE_MAX);
	ATF_REQUIRE(text != NULL);
	n = (size_t)sprintf(text, "machine amd64\nident TEST\noptions HZ=1");
	memset(text + n, ' ', 2 * CONF_LINE_MAX);
	n += 2 * CONF_LINE_MAX;
	strcpy(text + n, "x\noptions HZ=2\n");
	errors = load_config(&kc, text, &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:3: line is longer than 1024 "
	    "characters; is this the right file?");
	free(text);
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(nul_byte_is_rejected_as_not_text);
ATF_TC_BODY(nul_byte_is_rejected_as_not_text, tc)
{
	static const char text[] = "machine amd64\nident TEST\noptions \0HZ\n";
	struct kernconf kc;
	char *diag;
	unsigned errors;

	write_declarations();
	write_bytes("src/conf/TEST", text, sizeof(text) - 1);
	errors = load_path(&kc, "src/conf/TEST", NULL, &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/TEST:3: line contains a NUL byte; is "
	    "this a text file?");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(missing_config_file_is_reported);
ATF_TC_BODY(missing_config_file_is_reported, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	write_declarations();
	errors = load_path(&kc, "src/conf/NOSUCH", NULL, &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/NOSUCH: cannot open: No such file or "
	    "directory");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(machine_line_in_defaults_is_rejected);
ATF_TC_BODY(machine_line_in_defaults_is_rejected, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	write_declarations();
	write_file("src/conf/DEFAULTS.amd64", "machine amd64\n");
	write_file("src/conf/TEST", "machine amd64\nident TEST\n");
	errors = load_path(&kc, "src/conf/TEST", NULL, &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/DEFAULTS.amd64:1: machine belongs in "
	    "the kernel config, not in a DEFAULTS file");
	free(diag);
	kernconf_free(&kc);
}

/*
 * Errors in the declarations themselves.  These files are edited by
 * whoever adds a driver or an option, and a mistake there would otherwise
 * surface as a puzzling error in every config.
 */

ATF_TC_WITHOUT_HEAD(constraint_naming_an_undeclared_option_is_rejected);
ATF_TC_BODY(constraint_naming_an_undeclared_option_is_rejected, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	write_declarations();
	write_file("src/conf/options",
	    "PAE machine=i386 \"pae\"\n"
	    "XEN requires=PEA \"misspelt\"\n"
	    "BAD machine=vax \"no such machine\"\n"
	    "NODESC machine=i386\n"
	    "ODD colour=red \"unknown key\"\n");
	write_file("src/conf/TEST", "machine i386\nident TEST\n");
	errors = load_path(&kc, "src/conf/TEST", NULL, &diag);
	EXPECT_MESSAGE(diag, "src/conf/options:3: unknown machine \"vax\" for "
	    "option BAD; expected i386 or amd64");
	EXPECT_MESSAGE(diag, "src/conf/options:4: option NODESC has no "
	    "description; end the line with one in double quotes");
	EXPECT_MESSAGE(diag, "src/conf/options:5: unknown key \"colour\" for "
	    "option ODD; expected machine, requires, conflicts or "
	    "requires-device");
	ATF_CHECK_MSG(errors >= 3, "expected at least 3 errors, saw %u",
	    errors);
	free(diag);
	kernconf_free(&kc);

	/* With the other mistakes fixed, the misspelt name is found. */
	write_file("src/conf/files", "kern/main.c standard\n");
	write_file("src/conf/options",
	    "PAE machine=i386 \"pae\"\n"
	    "XEN requires=PEA \"misspelt\"\n");
	errors = load_path(&kc, "src/conf/TEST", NULL, &diag);
	EXPECT_ERRORS(1, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/options:2: option XEN requires "
	    "undeclared option PEA");
	free(diag);
	kernconf_free(&kc);
}

ATF_TC_WITHOUT_HEAD(file_condition_naming_an_unknown_name_is_rejected);
ATF_TC_BODY(file_condition_naming_an_unknown_name_is_rejected, tc)
{
	struct kernconf kc;
	char *diag;
	unsigned errors;

	write_declarations();
	write_file("src/conf/options", "PAE machine=i386 \"pae\"\n");
	write_file("src/conf/files",
	    "device console \"console\"\n"
	    "kern/main.c standard\n"
	    "dev/xen/console/console.c optional consol\n"
	    "../outside.c standard\n"
	    "kern/main.c standard\n"
	    "kern/what.c sometimes\n"
	    "kern/bar.c optional PAE |\n");
	write_file("src/conf/TEST", "machine i386\nident TEST\n");
	errors = load_path(&kc, "src/conf/TEST", NULL, &diag);
	EXPECT_ERRORS(5, errors, diag);
	EXPECT_MESSAGE(diag, "src/conf/files:4: path \"../outside.c\" must be "
	    "relative to src/ and contain no \".\", \"..\" or empty "
	    "components");
	EXPECT_MESSAGE(diag, "src/conf/files:5: kern/main.c is already listed "
	    "at line 2");
	EXPECT_MESSAGE(diag, "src/conf/files:6: expected \"standard\" or "
	    "\"optional\" after kern/what.c, found \"sometimes\"");
	EXPECT_MESSAGE(diag, "src/conf/files:7: the condition of kern/bar.c "
	    "ends in \"|\"");
	/* Names are resolved after the whole file is read. */
	EXPECT_MESSAGE(diag, "src/conf/files:3: dev/xen/console/console.c is "
	    "selected by \"consol\", which is neither a declared option nor "
	    "a declared device");
	free(diag);
	kernconf_free(&kc);
}

/*
 * The command: exit status and what it leaves behind.  It is found where
 * mk/tools.mk builds it, $(BUILD)/tools/config, two levels above this
 * program in $(BUILD)/tests/unit.
 */

/* Run the config command with arguments args; returns its exit status. */
static int
run_config(const atf_tc_t *tc, const char *args)
{

	return (run_tool(tc, "config", args));
}

ATF_TC_WITHOUT_HEAD(config_command_exits_2_on_usage_error);
ATF_TC_BODY(config_command_exits_2_on_usage_error, tc)
{
	int status;

	status = run_config(tc, "src/conf/TEST");	/* no -d */
	ATF_CHECK_EQ_MSG(2, status, "expected exit status 2 without -d, "
	    "saw %d", status);
	ATF_CHECK_MSG(atf_utils_grep_file("^usage: config -d OUTDIR",
	    "stderr.txt"), "expected a usage message on stderr");
	status = run_config(tc, "-d out -x src/conf/TEST");
	ATF_CHECK_EQ_MSG(2, status, "expected exit status 2 for an unknown "
	    "flag, saw %d", status);
}

ATF_TC_WITHOUT_HEAD(config_command_writes_nothing_and_exits_1_on_error);
ATF_TC_BODY(config_command_writes_nothing_and_exits_1_on_error, tc)
{
	int status;

	write_declarations();
	write_file("src/conf/TEST", "machine i386\nident TEST\noptions XEN\n");
	status = run_config(tc, "-d out src/conf/TEST");
	ATF_CHECK_EQ_MSG(1, status, "expected exit status 1, saw %d", status);
	ATF_CHECK_MSG(atf_utils_grep_file("^src/conf/TEST:3: option XEN "
	    "requires option PAE", "stderr.txt"),
	    "expected the requires message on stderr");
	ATF_CHECK_MSG(!atf_utils_file_exists("out/opt_global.h"),
	    "expected no opt_global.h after an error, but one was written");
}

ATF_TC_WITHOUT_HEAD(config_command_writes_both_outputs);
ATF_TC_BODY(config_command_writes_both_outputs, tc)
{
	int status;

	write_declarations();
	write_file("src/conf/TEST", "machine amd64\nident TEST\n");
	status = run_config(tc, "-d out/deeper src/conf/TEST");
	ATF_CHECK_EQ_MSG(0, status, "expected exit status 0, saw %d", status);
	ATF_CHECK_MSG(atf_utils_grep_file("^#define\tNATIVE\t1\t",
	    "out/deeper/opt_global.h"),
	    "expected #define NATIVE 1 in out/deeper/opt_global.h");
	ATF_CHECK_MSG(atf_utils_grep_file("^MACHINE = amd64$",
	    "out/deeper/config.mk"),
	    "expected MACHINE = amd64 in out/deeper/config.mk");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, pv_config_defines_its_options_and_devices);
	ATF_TP_ADD_TC(tp, pv_config_lists_its_sources_in_files_order);
	ATF_TP_ADD_TC(tp, hvm_config_keeps_native_from_defaults);
	ATF_TP_ADD_TC(tp, option_values_are_defined_as_written);
	ATF_TP_ADD_TC(tp, later_lines_override_earlier_ones);
	ATF_TP_ADD_TC(tp, missing_newline_at_end_of_file_is_accepted);
	ATF_TP_ADD_TC(tp, crlf_line_ends_are_accepted);
	ATF_TP_ADD_TC(tp, srcdir_prefixes_the_source_paths);
	ATF_TP_ADD_TC(tp, paths_are_cleaned_textually);
	ATF_TP_ADD_TC(tp, shipped_xen_and_xenhvm_configs_are_accepted);
	ATF_TP_ADD_TC(tp, unchanged_output_is_not_rewritten);

	ATF_TP_ADD_TC(tp, unknown_option_is_rejected_with_line_number);
	ATF_TP_ADD_TC(tp, unknown_device_is_rejected_with_line_number);
	ATF_TP_ADD_TC(tp, unknown_keyword_is_rejected_with_line_number);
	ATF_TP_ADD_TC(tp, missing_machine_is_reported_at_end_of_file);
	ATF_TP_ADD_TC(tp, empty_file_lacks_machine_and_ident);
	ATF_TP_ADD_TC(tp, unknown_machine_is_rejected);
	ATF_TP_ADD_TC(tp, second_machine_line_is_rejected);
	ATF_TP_ADD_TC(tp, option_on_the_wrong_machine_is_rejected_at_its_line);
	ATF_TP_ADD_TC(tp,
	    missing_required_option_is_reported_at_the_requiring_line);
	ATF_TP_ADD_TC(tp,
	    required_option_turned_off_names_the_line_that_did_it);
	ATF_TP_ADD_TC(tp, conflict_with_a_default_names_the_defaults_line);
	ATF_TP_ADD_TC(tp, missing_required_device_is_reported);
	ATF_TP_ADD_TC(tp, malformed_lines_are_rejected_each_with_its_line);
	ATF_TP_ADD_TC(tp, overlong_line_is_rejected_not_truncated);
	ATF_TP_ADD_TC(tp, nul_byte_is_rejected_as_not_text);
	ATF_TP_ADD_TC(tp, missing_config_file_is_reported);
	ATF_TP_ADD_TC(tp, machine_line_in_defaults_is_rejected);

	ATF_TP_ADD_TC(tp, constraint_naming_an_undeclared_option_is_rejected);
	ATF_TP_ADD_TC(tp, file_condition_naming_an_unknown_name_is_rejected);

	ATF_TP_ADD_TC(tp, config_command_exits_2_on_usage_error);
	ATF_TP_ADD_TC(tp, config_command_writes_nothing_and_exits_1_on_error);
	ATF_TP_ADD_TC(tp, config_command_writes_both_outputs);

	return (atf_no_error());
}
