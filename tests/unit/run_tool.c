/*
 * tests/unit/run_tool.c - run a built host tool from a unit test
 * (run_tool.h).  Shared by config_test and result_test, which check the
 * commands' exit status and messages as well as their libraries.
 */
#define	_POSIX_C_SOURCE	200809L

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "run_tool.h"

int
run_tool(const atf_tc_t *tc, const char *name, const char *args)
{
	char tool[1024], cmd[2048];
	int status;

	snprintf(tool, sizeof(tool), "%s/../../tools/%s",
	    atf_tc_get_config_var(tc, "srcdir"), name);
	if (access(tool, X_OK) != 0)
		atf_tc_skip("%s is not built (make tools)", tool);
	/* The quotes keep a work directory with spaces in one word. */
	snprintf(cmd, sizeof(cmd), "'%s' %s >stdout.txt 2>stderr.txt", tool,
	    args);
	status = system(cmd);
	ATF_REQUIRE_MSG(status != -1 && WIFEXITED(status),
	    "could not run %s", cmd);
	return (WEXITSTATUS(status));
}
