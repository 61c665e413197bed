/*
 * tests/unit/result_test.c - what the result-line judge promises.
 *
 * tools/xenlab/result.c reads a guest's console log and decides whether
 * the guest passed (result.h has the format and the rules).  Every boot
 * test ends in that decision, so these tests pin it down: each verdict,
 * each way a log can be dirty (Xen's "(d3) " prefix, \r\n, junk, lines
 * cut short or far too long), and each way a guest can lie or die.  The
 * last tests run the judge command itself, for its output and exit
 * status.
 *
 * Two logs live in data/ beside this program: hello-serial.log, a clean
 * run as Xen's serial console shows it, and crash.log, a guest that
 * panicked and stopped in the middle of a line.
 */
#define	_POSIX_C_SOURCE	200809L


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "result.h"
#include "run_tool.h"

/*
 * Judge a log given as a string literal (which may hold NUL bytes, hence
 * the sizeof).  The struct is large, so tests keep it static.
 */
static struct result_log the_log;
static char reason[1024];

static enum result_verdict
judge_bytes(const char *bytes, size_t len)
{

	result_init(&the_log);
	result_feed(&the_log, bytes, len);
	result_finish(&the_log);
	return (result_judge(&the_log, reason, sizeof(reason)));
}

#define	JUDGE(literal)	judge_bytes((literal), sizeof(literal) - 1)

#define	EXPECT_VERDICT(want, seen)					\
	ATF_CHECK_MSG((want) == (seen),					\
	    "expected %s, judged %s (reason: \"%s\")",			\
	    result_verdict_name(want), result_verdict_name(seen), reason)

#define	EXPECT_COUNTS(p, f, s, m)					\
	ATF_CHECK_MSG(the_log.passed == (p) && the_log.failed == (f) &&	\
	    the_log.skipped == (s) && the_log.malformed == (m),		\
	    "expected %d passed, %d failed, %d skipped, %d malformed; "	\
	    "saw %lu, %lu, %lu, %lu", (p), (f), (s), (m),		\
	    the_log.passed, the_log.failed, the_log.skipped,		\
	    the_log.malformed)

#define	EXPECT_REASON(want)						\
	ATF_CHECK_MSG(strcmp((want), reason) == 0,			\
	    "expected the reason\n    %s\nsaw\n    %s", (want), reason)

/*
 * Each verdict.  The rule throughout: SUCCESS must be earned by the
 * whole log, and anything the judge cannot vouch for is a failure.
 */

ATF_TC_WITHOUT_HEAD(success_result_with_passes_and_skips_is_success);
ATF_TC_BODY(success_result_with_passes_and_skips_is_success, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: console: PASS\n"
	    "domu: timer: SKIP no clock yet\n"
	    "domu: hello: PASS said hello\n"
	    "domu: result: SUCCESS\n");
	EXPECT_VERDICT(RESULT_SUCCESS, v);
	EXPECT_COUNTS(2, 0, 1, 0);
	EXPECT_REASON("");
}

ATF_TC_WITHOUT_HEAD(skip_result_without_fail_lines_is_skip);
ATF_TC_BODY(skip_result_without_fail_lines_is_skip, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: pcifront: SKIP no device passed through\n"
	    "domu: result: SKIP nothing to test\n");
	EXPECT_VERDICT(RESULT_SKIP, v);
	EXPECT_COUNTS(0, 0, 1, 0);
}

ATF_TC_WITHOUT_HEAD(failure_result_is_failure_with_its_detail);
ATF_TC_BODY(failure_result_is_failure_with_its_detail, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: result: FAILURE 2 checks failed\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_REASON("result: FAILURE 2 checks failed (line 1)");
}

ATF_TC_WITHOUT_HEAD(error_result_is_failure);
ATF_TC_BODY(error_result_is_failure, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: hello: PASS\n"
	    "domu: result: ERROR unexpected trap 14\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_REASON("result: ERROR unexpected trap 14 (line 2)");
}

ATF_TC_WITHOUT_HEAD(missing_result_line_is_failure);
ATF_TC_BODY(missing_result_line_is_failure, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: console: PASS\ndomu: hello: PASS\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_COUNTS(2, 0, 0, 0);
	EXPECT_REASON("no result line");
}

ATF_TC_WITHOUT_HEAD(empty_log_is_failure);
ATF_TC_BODY(empty_log_is_failure, tc)
{
	enum result_verdict v;

	v = judge_bytes("", 0);
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_REASON("no result line");
}

ATF_TC_WITHOUT_HEAD(fail_line_with_success_result_is_failure);
ATF_TC_BODY(fail_line_with_success_result_is_failure, tc)
{
	enum result_verdict v;

	/* A guest whose reporter miscounts must not pass. */
	v = JUDGE("domu: console: PASS\n"
	    "domu: timer: FAIL no tick after 1s\n"
	    "domu: result: SUCCESS\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_COUNTS(1, 1, 0, 0);
	EXPECT_REASON("FAIL: timer: no tick after 1s (line 2)");
}

ATF_TC_WITHOUT_HEAD(fail_line_with_skip_result_is_failure);
ATF_TC_BODY(fail_line_with_skip_result_is_failure, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: timer: FAIL\ndomu: result: SKIP\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_REASON("FAIL: timer (line 1)");
}

ATF_TC_WITHOUT_HEAD(every_problem_is_given_as_a_reason);
ATF_TC_BODY(every_problem_is_given_as_a_reason, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: a: FAIL one\ndomu: b: FAIL two\ndomu: c: FAIL three\n"
	    "domu: d: PASSED\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_REASON("FAIL: a: one (line 1); 2 more FAIL lines; "
	    "malformed line 4: \"domu: d: PASSED\"; no result line");
}

/*
 * Lines after the result line.  They can come from the guest (a late
 * message) or from dom0's own checks appended to the log; either way a
 * failure reported after the verdict still counts.
 */

ATF_TC_WITHOUT_HEAD(fail_after_success_result_is_failure);
ATF_TC_BODY(fail_after_success_result_is_failure, tc)
{
	enum result_verdict v;

	/* For example a dom0 check appended to the guest's log. */
	v = JUDGE("domu: result: SUCCESS\ndomu: disk-image: FAIL sector 7\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_REASON("FAIL: disk-image: sector 7 (line 2)");
}

ATF_TC_WITHOUT_HEAD(contradicting_result_line_is_failure);
ATF_TC_BODY(contradicting_result_line_is_failure, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: result: SUCCESS\nnoise\ndomu: result: FAILURE late\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_REASON("line 3 says \"result: FAILURE late\", contradicting "
	    "line 1");
}

ATF_TC_WITHOUT_HEAD(agreeing_result_lines_and_later_passes_are_success);
ATF_TC_BODY(agreeing_result_lines_and_later_passes_are_success, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: result: SUCCESS\n"
	    "domu: disk-image: PASS\n"
	    "domu: result: SUCCESS dom0 agrees\n");
	EXPECT_VERDICT(RESULT_SUCCESS, v);
	EXPECT_COUNTS(1, 0, 0, 0);
}

/*
 * Malformed domu lines.  A guest that misspells a verdict must be told,
 * not have its line silently ignored (result.h explains why).
 */

ATF_TC_WITHOUT_HEAD(unknown_verdict_word_is_malformed_and_fails);
ATF_TC_BODY(unknown_verdict_word_is_malformed_and_fails, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: timer: PASSED\ndomu: hello: pass\n"
	    "domu: result: SUCCESS\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_COUNTS(0, 0, 0, 2);
	EXPECT_REASON("malformed line 1: \"domu: timer: PASSED\" (and more)");
}

ATF_TC_WITHOUT_HEAD(empty_name_is_malformed_and_fails);
ATF_TC_BODY(empty_name_is_malformed_and_fails, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: : PASS\ndomu: result: SUCCESS\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_COUNTS(0, 0, 0, 1);
	EXPECT_REASON("malformed line 1: \"domu: : PASS\"");
}

ATF_TC_WITHOUT_HEAD(domu_lines_without_name_or_verdict_are_malformed);
ATF_TC_BODY(domu_lines_without_name_or_verdict_are_malformed, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: booting\n"		/* no "name:" */
	    "domu: two words: PASS\n"		/* blank in the name */
	    "domu: timer:\n"			/* no verdict */
	    "domu: result: DONE\n"		/* unknown result word */
	    "domu: result: SUCCESS\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_COUNTS(0, 0, 0, 4);
	ATF_CHECK_MSG(the_log.result == RESULT_SUCCESS,
	    "expected the malformed result line to be ignored and line 5 "
	    "to be the result, saw %s", result_verdict_name(the_log.result));
}

/*
 * Dirty logs: what Xen's serial console, xenconsoled and a dying guest
 * really produce.  None of it may crash the parser or hide a result.
 */

ATF_TC_WITHOUT_HEAD(xen_serial_prefix_and_crlf_are_accepted);
ATF_TC_BODY(xen_serial_prefix_and_crlf_are_accepted, tc)
{
	enum result_verdict v;

	v = JUDGE("(XEN) d3: booting\r\n"
	    "(d3) domu: hello: PASS\r\n"
	    "(d3) domu: result: SUCCESS\r\n");
	EXPECT_VERDICT(RESULT_SUCCESS, v);
	EXPECT_COUNTS(1, 0, 0, 0);
}

ATF_TC_WITHOUT_HEAD(noise_before_the_marker_is_accepted);
ATF_TC_BODY(noise_before_the_marker_is_accepted, tc)
{
	enum result_verdict v;

	v = JUDGE("[   12.345678] domu: hello: PASS\n"
	    "\033[0m\tdomu: other: PASS  \n"
	    "guest2:domu: result: SUCCESS\n");
	EXPECT_VERDICT(RESULT_SUCCESS, v);
	EXPECT_COUNTS(2, 0, 0, 0);
}

ATF_TC_WITHOUT_HEAD(non_domu_lines_are_ignored);
ATF_TC_BODY(non_domu_lines_are_ignored, tc)
{
	enum result_verdict v;

	/* "domu:" must start a word and be followed by a blank. */
	v = JUDGE("Linux version 6.1.0\n"
	    "xdomu: timer: FAIL not ours\n"
	    "domu:timer: FAIL not ours either\n"
	    "the domu kernel: FAIL is just prose\n"
	    "domu: result: SUCCESS\n");
	EXPECT_VERDICT(RESULT_SUCCESS, v);
	EXPECT_COUNTS(0, 0, 0, 0);
}

ATF_TC_WITHOUT_HEAD(last_line_without_newline_is_still_read);
ATF_TC_BODY(last_line_without_newline_is_still_read, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: hello: PASS\ndomu: result: SUCCESS");
	EXPECT_VERDICT(RESULT_SUCCESS, v);
}

ATF_TC_WITHOUT_HEAD(log_cut_mid_line_is_failure);
ATF_TC_BODY(log_cut_mid_line_is_failure, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: hello: PASS\ndomu: result: SUCC");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_REASON("malformed line 2: \"domu: result: SUCC\"; "
	    "no result line");
}

ATF_TC_WITHOUT_HEAD(overlong_line_is_cut_and_later_lines_still_count);
ATF_TC_BODY(overlong_line_is_cut_and_later_lines_still_count, tc)
{
	enum result_verdict v;
	size_t n, huge = 10 * RESULT_LINE_MAX;
	char *log;

	log = malloc(3 * huge);
	ATF_REQUIRE(log != NULL);
	/* A PASS line with a huge detail, then a huge line of noise. */
	n = (size_t)sprintf(log, "domu: dump: PASS ");
	memset(log + n, 'x', huge);
	n += huge;
	log[n++] = '\n';
	memset(log + n, '#', huge);
	n += huge;
	n += (size_t)sprintf(log + n, "\ndomu: result: SUCCESS\n");
	v = judge_bytes(log, n);
	EXPECT_VERDICT(RESULT_SUCCESS, v);
	EXPECT_COUNTS(1, 0, 0, 0);
	ATF_CHECK_MSG(the_log.truncated == 2 && the_log.lines == 3,
	    "expected 3 lines of which 2 cut, saw %lu lines, %lu cut",
	    the_log.lines, the_log.truncated);
	free(log);
}

ATF_TC_WITHOUT_HEAD(binary_junk_is_survived_and_ignored);
ATF_TC_BODY(binary_junk_is_survived_and_ignored, tc)
{
	static char junk[65536];
	enum result_verdict v;
	unsigned seed = 12345;
	size_t i, n;

	/*
	 * Pseudo-random bytes (a fixed LCG, so a failure can be replayed),
	 * with NULs, lone \r, 0xff and half markers such as "domu" in them,
	 * and never a newline: they form one long junk line.
	 */
	for (i = 0; i < sizeof(junk) - 64; i++) {
		seed = seed * 1103515245u + 12345u;
		junk[i] = (char)(seed >> 16);
		if (junk[i] == '\n')
			junk[i] = '\0';
		if (i % 997 == 0) {
			memcpy(junk + i, "domu", 4);
			i += 3;
		}
	}
	n = i;
	n += (size_t)sprintf(junk + n, "\ndomu: result: SUCCESS\n");
	v = judge_bytes(junk, n);
	EXPECT_VERDICT(RESULT_SUCCESS, v);
	EXPECT_COUNTS(0, 0, 0, 0);
}

ATF_TC_WITHOUT_HEAD(nul_and_control_bytes_in_a_fail_line_are_shown_safely);
ATF_TC_BODY(nul_and_control_bytes_in_a_fail_line_are_shown_safely, tc)
{
	enum result_verdict v;

	v = JUDGE("domu: dma: FAIL got \0\x1b[2J\n");
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_REASON("FAIL: dma: got ??[2J (line 1); no result line");
}

ATF_TC_WITHOUT_HEAD(feeding_byte_by_byte_gives_the_same_verdict);
ATF_TC_BODY(feeding_byte_by_byte_gives_the_same_verdict, tc)
{
	static const char log[] = "(d1) domu: a: PASS\r\n(d1) domu: b: SKIP\r"
	    "\n(d1) domu: result: SUCCESS\r\n";
	enum result_verdict v;
	size_t i;

	/* The harness feeds the parser as console output arrives. */
	result_init(&the_log);
	for (i = 0; i < sizeof(log) - 1; i++)
		result_feed(&the_log, log + i, 1);
	result_finish(&the_log);
	v = result_judge(&the_log, reason, sizeof(reason));
	EXPECT_VERDICT(RESULT_SUCCESS, v);
	EXPECT_COUNTS(1, 0, 1, 0);
}

/* Open data/NAME beside this program. */
static FILE *
open_data(const atf_tc_t *tc, const char *name)
{
	char path[1024];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/data/%s",
	    atf_tc_get_config_var(tc, "srcdir"), name);
	fp = fopen(path, "rb");
	ATF_REQUIRE_MSG(fp != NULL, "cannot open test data %s", path);
	return (fp);
}

ATF_TC_WITHOUT_HEAD(clean_serial_console_log_is_success);
ATF_TC_BODY(clean_serial_console_log_is_success, tc)
{
	enum result_verdict v;
	FILE *fp;

	fp = open_data(tc, "hello-serial.log");
	result_init(&the_log);
	ATF_REQUIRE(result_read(&the_log, fp) == 0);
	fclose(fp);
	v = result_judge(&the_log, reason, sizeof(reason));
	EXPECT_VERDICT(RESULT_SUCCESS, v);
	EXPECT_COUNTS(3, 0, 1, 0);
}

ATF_TC_WITHOUT_HEAD(log_of_a_crashed_guest_is_failure);
ATF_TC_BODY(log_of_a_crashed_guest_is_failure, tc)
{
	enum result_verdict v;
	FILE *fp;

	fp = open_data(tc, "crash.log");
	result_init(&the_log);
	ATF_REQUIRE(result_read(&the_log, fp) == 0);
	fclose(fp);
	v = result_judge(&the_log, reason, sizeof(reason));
	EXPECT_VERDICT(RESULT_FAILURE, v);
	EXPECT_COUNTS(2, 0, 0, 1);
	EXPECT_REASON("malformed line 5: \"domu: blkfr\"; no result line");
}

/*
 * The judge command, as mk/tools.mk builds it: $(BUILD)/tools/judge, two
 * levels above this program in $(BUILD)/tests/unit.
 */

static int
run_judge(const atf_tc_t *tc, const char *args)
{

	return (run_tool(tc, "judge", args));
}

static void
write_log(const char *text)
{

	atf_utils_create_file("guest.log", "%s", text);
}

ATF_TC_WITHOUT_HEAD(judge_prints_one_summary_line_and_exits_0_on_success);
ATF_TC_BODY(judge_prints_one_summary_line_and_exits_0_on_success, tc)
{
	int status;

	write_log("domu: a: PASS\ndomu: b: PASS\ndomu: c: PASS\ndomu: d: SKIP\n"
	    "domu: result: SUCCESS\n");
	status = run_judge(tc, "guest.log");
	ATF_CHECK_EQ_MSG(0, status, "expected exit status 0, saw %d", status);
	ATF_CHECK_MSG(atf_utils_compare_file("stdout.txt",
	    "judge: guest.log: SUCCESS (3 passed, 0 failed, 1 skipped)\n"),
	    "expected exactly the summary line on stdout");
}

ATF_TC_WITHOUT_HEAD(judge_exits_3_on_skip);
ATF_TC_BODY(judge_exits_3_on_skip, tc)
{
	int status;

	write_log("domu: result: SKIP no disk\n");
	status = run_judge(tc, "guest.log");
	ATF_CHECK_EQ_MSG(3, status, "expected exit status 3, saw %d", status);
}

ATF_TC_WITHOUT_HEAD(judge_shows_reason_and_tail_and_exits_1_on_failure);
ATF_TC_BODY(judge_shows_reason_and_tail_and_exits_1_on_failure, tc)
{
	int status;
	bool same;

	write_log("boot\ndomu: timer: FAIL no tick\nline three\nline four");
	status = run_judge(tc, "-n 2 guest.log");
	ATF_CHECK_EQ_MSG(1, status, "expected exit status 1, saw %d", status);
	same = atf_utils_compare_file("stdout.txt",
	    "judge: guest.log: FAILURE (0 passed, 1 failed, 0 skipped)\n"
	    "judge: guest.log: reason: FAIL: timer: no tick (line 2); "
	    "no result line\n"
	    "judge: guest.log: last 2 lines of 4:\n"
	    "  | line three\n"
	    "  | line four\n");
	if (!same)
		atf_utils_cat_file("stdout.txt", "seen: ");
	ATF_CHECK_MSG(same, "expected the summary, the reason and the last "
	    "2 lines on stdout (what was seen is printed above)");
}

ATF_TC_WITHOUT_HEAD(judge_exits_2_on_usage_error_or_unreadable_log);
ATF_TC_BODY(judge_exits_2_on_usage_error_or_unreadable_log, tc)
{
	int status;

	status = run_judge(tc, "");
	ATF_CHECK_EQ_MSG(2, status, "expected exit status 2 with no log, "
	    "saw %d", status);
	status = run_judge(tc, "-n many guest.log");
	ATF_CHECK_EQ_MSG(2, status, "expected exit status 2 for -n many, "
	    "saw %d", status);
	status = run_judge(tc, "no-such.log");
	ATF_CHECK_EQ_MSG(2, status, "expected exit status 2 for a missing "
	    "log, saw %d", status);
	ATF_CHECK_MSG(atf_utils_grep_file("no-such.log: cannot open",
	    "stderr.txt"), "expected \"cannot open\" on stderr");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, success_result_with_passes_and_skips_is_success);
	ATF_TP_ADD_TC(tp, skip_result_without_fail_lines_is_skip);
	ATF_TP_ADD_TC(tp, failure_result_is_failure_with_its_detail);
	ATF_TP_ADD_TC(tp, error_result_is_failure);
	ATF_TP_ADD_TC(tp, missing_result_line_is_failure);
	ATF_TP_ADD_TC(tp, empty_log_is_failure);
	ATF_TP_ADD_TC(tp, fail_line_with_success_result_is_failure);
	ATF_TP_ADD_TC(tp, fail_line_with_skip_result_is_failure);
	ATF_TP_ADD_TC(tp, every_problem_is_given_as_a_reason);

	ATF_TP_ADD_TC(tp, fail_after_success_result_is_failure);
	ATF_TP_ADD_TC(tp, contradicting_result_line_is_failure);
	ATF_TP_ADD_TC(tp, agreeing_result_lines_and_later_passes_are_success);

	ATF_TP_ADD_TC(tp, unknown_verdict_word_is_malformed_and_fails);
	ATF_TP_ADD_TC(tp, empty_name_is_malformed_and_fails);
	ATF_TP_ADD_TC(tp, domu_lines_without_name_or_verdict_are_malformed);

	ATF_TP_ADD_TC(tp, xen_serial_prefix_and_crlf_are_accepted);
	ATF_TP_ADD_TC(tp, noise_before_the_marker_is_accepted);
	ATF_TP_ADD_TC(tp, non_domu_lines_are_ignored);
	ATF_TP_ADD_TC(tp, last_line_without_newline_is_still_read);
	ATF_TP_ADD_TC(tp, log_cut_mid_line_is_failure);
	ATF_TP_ADD_TC(tp, overlong_line_is_cut_and_later_lines_still_count);
	ATF_TP_ADD_TC(tp, binary_junk_is_survived_and_ignored);
	ATF_TP_ADD_TC(tp,
	    nul_and_control_bytes_in_a_fail_line_are_shown_safely);
	ATF_TP_ADD_TC(tp, feeding_byte_by_byte_gives_the_same_verdict);
	ATF_TP_ADD_TC(tp, clean_serial_console_log_is_success);
	ATF_TP_ADD_TC(tp, log_of_a_crashed_guest_is_failure);

	ATF_TP_ADD_TC(tp, judge_prints_one_summary_line_and_exits_0_on_success);
	ATF_TP_ADD_TC(tp, judge_exits_3_on_skip);
	ATF_TP_ADD_TC(tp, judge_shows_reason_and_tail_and_exits_1_on_failure);
	ATF_TP_ADD_TC(tp, judge_exits_2_on_usage_error_or_unreadable_log);

	return (atf_no_error());
}
