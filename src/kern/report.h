/*
 * kern/report.h - how a guest reports test results.
 *
 * The one result protocol of domu (design.md section 5): every check
 * prints a line
 *	domu: <name>: PASS|FAIL|SKIP <detail>
 * and the kernel's last line is
 *	domu: result: SUCCESS|FAILURE|SKIP|ERROR [detail]
 * The harness (tools/xenlab/judge) reads nothing else.  Only this
 * reporter prints lines that start with "domu: "; any other output must
 * not, or the judge would count it as a malformed result.
 */
#ifndef _KERN_REPORT_H_
#define _KERN_REPORT_H_

#include "kern/libkern.h"

enum verdict {
	PASS,
	FAIL,
	SKIP,
};

/**
 * @brief Print one check's verdict: "domu: <name>: <VERDICT> <detail>".
 * @param name short name of the check, no spaces or colons
 * @param v the verdict
 * @param fmt printf-style detail, may be empty
 */
void	report(const char *name, enum verdict v, const char *fmt, ...)
	    __printflike(3, 4);

/**
 * @brief Print the final line from the verdicts reported so far:
 *	FAILURE if any check failed, SUCCESS if at least one passed,
 *	otherwise SKIP (every check skipped, or none ran).
 */
void	report_result(void);

/**
 * @brief Print "domu: result: ERROR <detail>": the kernel could not run
 *	its tests at all (unknown test name, panic).
 */
void	report_error(const char *fmt, ...) __printflike(1, 2);

#endif /* !_KERN_REPORT_H_ */
