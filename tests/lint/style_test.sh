#! /usr/bin/env atf-sh
#
# tests/lint/style_test - the two layout rules of style(9) that a machine
# can check without a C parser, on every .c, .h and .S file under src/,
# tools/ and tests/ (the files of tools/labs/tree-files; never build/).
#
#  - no_trailing_whitespace: no line ends in blanks (or a carriage return).
#    They are invisible to the reader and noise in every diff.
#
#  - lines_fit_in_MAX_COLUMNS: no line is wider than MAX_COLUMNS columns,
#    tabs expanded to 8 as style(9) sets them and UTF-8 characters counted
#    once.  style(9) asks for 80; we allow some more for the long names of
#    the Xen ABI (XENMEM_decrease_reservation, ...) but not a second window.
#    Two escapes, for lines that cannot be broken:
#	a line holding a URL (http:// or https://), which must stay whole
#	to be followed;
#	a line ending in the comment  /* lint: long line */  which says the
#	author looked and chose to keep it (a table row, a string a test
#	matches as a whole).  Use it sparingly; it is easy to grep for.
#
# Each failure is FILE:LINE: what is wrong.
#

MAX_COLUMNS=100

# The shared helpers, tests/lint/lint.subr, at the top of the tree.
for lint_dir in "$(atf_get_srcdir)/../../.." "$(atf_get_srcdir)/../.."; do
	[ -f "$lint_dir/tests/lint/lint.subr" ] && break
done
. "$lint_dir/tests/lint/lint.subr"

# Run the awk program $1 over every C and assembly source; it prints one
# line per problem.  LC_ALL=C: awk works on bytes, whatever the locale.
scan_sources()
{
	lint_sources '\.(c|h|S)$' src tools tests |
	    LC_ALL=C xargs -0r awk -v max_columns="$MAX_COLUMNS" "$1"
}

atf_test_case no_trailing_whitespace
no_trailing_whitespace_head()
{
	atf_set "descr" "no line of a C or assembly source ends in whitespace"
}
no_trailing_whitespace_body()
{
	lint_enter_top
	lint_report "line(s) end in whitespace" "$(scan_sources '
	/[ \t\r]$/ { printf "%s:%d: trailing whitespace\n", FILENAME, FNR }
	')"
}

atf_test_case lines_fit_in_max_columns
lines_fit_in_max_columns_head()
{
	atf_set "descr" "no line of a C or assembly source is wider than" \
	    "$MAX_COLUMNS columns, unless it holds a URL or says" \
	    "/* lint: long line */"
}
lines_fit_in_max_columns_body()
{
	lint_enter_top
	lint_report "line(s) are too wide" "$(scan_sources '
	/https?:\/\// || /\/\* lint: long line \*\/[ \t]*$/ { next }
	{
		line = $0
		# UTF-8 continuation bytes (10xxxxxx) take no column.
		gsub(/[\200-\277]/, "", line)
		# Quick exit: even were every tab 8 columns wide, it fits.
		tabs = gsub(/\t/, "\t", line)
		if (length(line) + 7 * tabs <= max_columns)
			next
		column = 0
		n = length(line)
		for (i = 1; i <= n; i++) {
			if (substr(line, i, 1) == "\t")
				column += 8 - column % 8
			else
				column++
		}
		if (column > max_columns)
			printf "%s:%d: %d columns (at most %d)\n", FILENAME,
			    FNR, column, max_columns
	}
	')"
}

atf_init_test_cases()
{
	atf_add_test_case no_trailing_whitespace
	atf_add_test_case lines_fit_in_max_columns
}
