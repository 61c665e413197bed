/*
 * tests/unit/run_tool.h - run one of the host tools that mk/tools.mk
 * builds ($(BUILD)/tools/NAME), from an ATF-C test case, the way a
 * person would run it from a shell.
 */
#ifndef _TESTS_UNIT_RUN_TOOL_H_
#define _TESTS_UNIT_RUN_TOOL_H_

#include <atf-c.h>

/**
 * @brief Run $(BUILD)/tools/NAME with ARGS (shell words) in the test
 *	case's work directory, its output in stdout.txt and stderr.txt.
 *
 * The tool is found two levels above the test program, which lives in
 * $(BUILD)/tests/unit.  A tool that is not built skips the test case.
 * @return the tool's exit status
 */
int	run_tool(const atf_tc_t *tc, const char *name, const char *args);

#endif /* !_TESTS_UNIT_RUN_TOOL_H_ */
