#! /usr/bin/env atf-sh
#
# tests/lint/annotation_test - the C and assembly sources are annotated
# (style.md, "What we ask of ours").
#
# Annotation is what this project is for, so two measurable parts of it are
# tested on every .c, .h and .S file under src/ and tools/ (the files of
# tools/labs/tree-files: tracked, or untracked and not ignored; never
# build/):
#
#  - files_open_with_a_block_comment: the file opens with a block comment,
#    a line starting with "/*" among its first OPENING_WITHIN lines (room
#    for an SPDX line or a #pragma once before it).  That comment says what
#    the file is, where it sits and which Xen document defines its protocol.
#
#  - files_are_commented: in every file of at least MIN_LINES lines, the
#    lines that are comment make up at least MIN_COMMENT_PERCENT of the
#    non-blank lines.  A comment line is one inside a /* */ comment or one
#    holding a /* or // comment, including a comment after code on the same
#    line (the usual way to annotate an assembly instruction).  Comment
#    openers inside "strings" and 'c' literals are not counted.
#
# The thresholds are floors, not targets: the DEVELOPERS' guide asks for
# about a third of all lines, style.md measures a fifth to a quarter in xv6,
# and Mini-OS, the counter-example, has under a tenth.  Short files, mostly
# headers of a few declarations, are exempt from the density rule: their
# opening comment is most of what they need.
#
# Each failure names the file (and line) and the numbers seen.
#

OPENING_WITHIN=3
MIN_LINES=40
MIN_COMMENT_PERCENT=20

# The shared helpers, tests/lint/lint.subr, at the top of the tree.
for lint_dir in "$(atf_get_srcdir)/../../.." "$(atf_get_srcdir)/../.."; do
	[ -f "$lint_dir/tests/lint/lint.subr" ] && break
done
. "$lint_dir/tests/lint/lint.subr"

# Run the awk program $1 over every annotated source file; it prints one
# line per problem.
scan_sources()
{
	lint_sources '\.(c|h|S)$' src tools |
	    xargs -0r awk -v opening_within="$OPENING_WITHIN" \
	    -v min_lines="$MIN_LINES" -v min_percent="$MIN_COMMENT_PERCENT" "$1"
}

atf_test_case files_open_with_a_block_comment
files_open_with_a_block_comment_head()
{
	atf_set "descr" "every C, header and assembly file opens with a" \
	    "block comment within its first $OPENING_WITHIN lines"
}
files_open_with_a_block_comment_body()
{
	lint_enter_top
	lint_report "file(s) do not open with a block comment" "$(scan_sources '
	function judge()
	{
		if (file != "" && !found)
			printf "%s:1: does not open with a block comment (no line " \
			    "starting with /* among its first %d)\n", file,
			    opening_within
	}

	FNR == 1 {
		judge()
		file = FILENAME
		found = 0
	}

	FNR <= opening_within && /^[ \t]*\/\*/ { found = 1 }

	END { judge() }
	')"
}

atf_test_case files_are_commented
files_are_commented_head()
{
	atf_set "descr" "every C, header and assembly file of $MIN_LINES lines" \
	    "or more has at least $MIN_COMMENT_PERCENT% comment lines"
}
files_are_commented_body()
{
	lint_enter_top
	lint_report "file(s) are too thinly commented" "$(scan_sources '
	function judge()
	{
		if (file == "" || lines < min_lines)
			return
		# Integer arithmetic: comment / nonblank < min_percent / 100.
		if (comment * 100 < min_percent * nonblank)
			printf "%s: %d%% comments (needs %d%%): %d of %d " \
			    "non-blank lines\n", file,
			    int(comment * 100 / nonblank), min_percent,
			    comment, nonblank
	}

	FNR == 1 {
		judge()
		file = FILENAME
		lines = nonblank = comment = 0
		in_block = 0
	}

	{
		lines++
		if ($0 !~ /[^ \t\r]/)
			next
		nonblank++
		# A line that starts inside a /* */ comment is comment.
		is_comment = in_block
		n = length($0)
		quote = ""
		for (i = 1; i <= n; i++) {
			c = substr($0, i, 1)
			if (in_block) {
				if (c == "*" && substr($0, i + 1, 1) == "/") {
					in_block = 0
					i++
				}
				continue
			}
			if (quote != "") {
				if (c == "\\")
					i++
				else if (c == quote)
					quote = ""
				continue
			}
			two = substr($0, i, 2)
			if (two == "/*") {
				in_block = 1
				is_comment = 1
				i++
			} else if (two == "//") {
				is_comment = 1
				break
			} else if (c == "\"" || c == "\047")
				quote = c
		}
		comment += is_comment
	}

	END { judge() }
	')"
}

atf_init_test_cases()
{
	atf_add_test_case files_open_with_a_block_comment
	atf_add_test_case files_are_commented
}
