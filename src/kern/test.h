/*
 * kern/test.h - the built-in test programs a guest can run.
 *
 * Every domu kernel carries its tests inside it; the command line picks
 * one (`extra="test=hello"` in the xl configuration) or, with no
 * `test=`, kernel_main() runs every test that needs no help from dom0.
 * A test reports through kern/report.h and returns; the kernel prints
 * the result line and powers off.
 *
 * Tests register themselves with DOMU_TEST() in the file that defines
 * them: the descriptor joins the linker set `domu_tests`
 * (kern/linker_set.h).  A test in a driver that the kernel
 * configuration leaves out is simply not linked, so the list always
 * matches the kernel.
 */
#ifndef _KERN_TEST_H_
#define _KERN_TEST_H_

#include "kern/linker_set.h"

/* The test needs dom0 to act (xl commands, a peer): run only by name. */
#define	TEST_NEEDS_DOM0	0x1
/*
 * The test ends the kernel on purpose (it shows a panic's report): run
 * only by name, and expect "domu: result: ERROR panic: ...".
 */
#define	TEST_PANICS	0x2

struct domu_test {
	const char	*name;		/* the value of test= */
	const char	*summary;	/* one line: what it checks */
	void		(*run)(void);
	unsigned int	 flags;		/* TEST_* */
};

#define	DOMU_TEST(tname, tsummary, tfunc, tflags)			\
	static const struct domu_test domu_test_##tname = {		\
		.name = #tname,						\
		.summary = tsummary,					\
		.run = tfunc,						\
		.flags = tflags,					\
	};								\
	LINKER_SET_ADD(domu_tests, domu_test_##tname)

#endif /* !_KERN_TEST_H_ */
