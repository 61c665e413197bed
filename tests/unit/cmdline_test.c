/*
 * tests/unit/cmdline_test.c - what the kernel's command-line parser
 * promises (src/kern/cmdline.h).
 *
 * The command line is the toolstack's `extra=` string: input the kernel
 * does not control.  src/kern/cmdline.c is plain string code, so it is
 * compiled for the host unchanged and tested here with ATF-C; the kernel
 * runs the very same file.
 */
#define	_POSIX_C_SOURCE	200809L	/* atf-c.h needs pid_t from POSIX */

#include <string.h>

#include <atf-c.h>

#include "kern/cmdline.h"

/* Look key up in line and check the value and the return value. */
static void
expect_value(const char *line, const char *key, const char *want)
{
	char buf[32];
	int len;

	memset(buf, 'x', sizeof(buf));
	len = cmdline_get(line, key, buf, sizeof(buf));
	ATF_CHECK_MSG(len == (int)strlen(want),
	    "cmdline_get(\"%s\", \"%s\") returned %d, expected %zu",
	    line, key, len, strlen(want));
	ATF_CHECK_MSG(strcmp(buf, want) == 0,
	    "cmdline_get(\"%s\", \"%s\") gave \"%s\", expected \"%s\"",
	    line, key, buf, want);
}

ATF_TC_WITHOUT_HEAD(value_of_a_key_is_found_among_other_words);
ATF_TC_BODY(value_of_a_key_is_found_among_other_words, tc)
{

	expect_value("test=hello", "test", "hello");
	expect_value("ip=169.254.0.2/16 test=blkfront verbose", "test",
	    "blkfront");
	expect_value("  test=timer   ", "test", "timer");
}

ATF_TC_WITHOUT_HEAD(absent_key_returns_minus_one);
ATF_TC_BODY(absent_key_returns_minus_one, tc)
{
	char buf[8] = "keep";

	ATF_CHECK_EQ(cmdline_get("", "test", buf, sizeof(buf)), -1);
	ATF_CHECK_EQ(cmdline_get("   ", "test", buf, sizeof(buf)), -1);
	ATF_CHECK_EQ(cmdline_get("verbose ip=1.2.3.4", "test", buf,
	    sizeof(buf)), -1);
	ATF_CHECK_STREQ_MSG(buf, "keep", "buffer changed for an absent key");
}

ATF_TC_WITHOUT_HEAD(key_must_match_whole_before_the_equals_sign);
ATF_TC_BODY(key_must_match_whole_before_the_equals_sign, tc)
{
	char buf[8];

	/* "tests=" and "mytest=" are other keys; a bare "test" has no value. */
	ATF_CHECK_EQ(cmdline_get("tests=x mytest=y test", "test", buf,
	    sizeof(buf)), -1);
}

ATF_TC_WITHOUT_HEAD(last_occurrence_wins);
ATF_TC_BODY(last_occurrence_wins, tc)
{

	expect_value("test=hello test=timer", "test", "timer");
}

ATF_TC_WITHOUT_HEAD(empty_value_is_present_but_empty);
ATF_TC_BODY(empty_value_is_present_but_empty, tc)
{

	expect_value("test= other=1", "test", "");
}

ATF_TC_WITHOUT_HEAD(long_value_is_truncated_and_terminated);
ATF_TC_BODY(long_value_is_truncated_and_terminated, tc)
{
	char buf[6];
	int len;

	len = cmdline_get("test=abcdefghij", "test", buf, sizeof(buf));
	ATF_CHECK_EQ_MSG(len, 10, "returned %d, expected the full length 10",
	    len);
	ATF_CHECK_STREQ_MSG(buf, "abcde", "got \"%s\", expected \"abcde\"",
	    buf);
	/* A zero-sized buffer is not touched at all. */
	ATF_CHECK_EQ(cmdline_get("test=abc", "test", NULL, 0), 3);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, value_of_a_key_is_found_among_other_words);
	ATF_TP_ADD_TC(tp, absent_key_returns_minus_one);
	ATF_TP_ADD_TC(tp, key_must_match_whole_before_the_equals_sign);
	ATF_TP_ADD_TC(tp, last_occurrence_wins);
	ATF_TP_ADD_TC(tp, empty_value_is_present_but_empty);
	ATF_TP_ADD_TC(tp, long_value_is_truncated_and_terminated);
	return (atf_no_error());
}
