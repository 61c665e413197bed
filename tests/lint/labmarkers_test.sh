#! /usr/bin/env atf-sh
#
# tests/lint/labmarkers_test - the LAB markers around lab solutions are
# well formed (design.md, section 6).
#
# "make handout" refuses a tree whose markers are wrong, but nobody runs it
# on every change; this test does, cheaply, with "tools/labs/handout -n",
# which checks the markers and writes nothing.  It fails, with FILE:LINE of
# each fault, on a BEGIN inside a region, an END without a BEGIN, an END
# whose name differs from its BEGIN's, a BEGIN never closed, a name with no
# labs/NN-name directory, or a misspelled marker.  Whether a lab's tests
# fail on the handout is a slower question: see tools/labs/check-handout.
#

# The shared helpers, tests/lint/lint.subr, at the top of the tree.
for lint_dir in "$(atf_get_srcdir)/../../.." "$(atf_get_srcdir)/../.."; do
	[ -f "$lint_dir/tests/lint/lint.subr" ] && break
done
. "$lint_dir/tests/lint/lint.subr"

atf_test_case markers_are_well_formed
markers_are_well_formed_head()
{
	atf_set "descr" "every LAB name: BEGIN has a matching END, regions do" \
	    "not nest, and each names a lab in labs/"
}
markers_are_well_formed_body()
{
	local errors

	lint_enter_top
	# On stderr, handout -n prints FILE:LINE: message per fault, then a
	# last "handout: ..." line that we drop.
	errors=$(tools/labs/handout -n 2>&1 >/dev/null) && return 0
	lint_report "LAB marker fault(s)" \
	    "$(printf '%s\n' "$errors" | grep -v '^handout: ' || echo "$errors")"
}

atf_init_test_cases()
{
	atf_add_test_case markers_are_well_formed
}
