#! /usr/bin/env atf-sh
#
# tests/lint/mandoc_test - every manual page in man4/ is mandoc -Tlint clean
# (design.md, section 7).
#
# One test case per page runs "mandoc -Tlint -Wstyle", the strictest level
# mandoc has: besides errors and warnings it reports style slips such as
# lines over 80 bytes, which is what keeps the pages readable as source.
# One message of that level is filtered, for a reason that has nothing to
# do with the page:
#
#   "referenced manual not found: Xr NAME SECTION" means that NAME(SECTION)
#   is not in the manual path of the machine running the test.  Our own
#   pages are never installed there, and neither are Xen's (xl(1), ...) on
#   an ordinary build host, so the message is dropped when man4/NAME.SECTION
#   exists in the tree, or when NAME.SECTION is one of EXTERNAL_MANUALS
#   below.  An .Xr to anything else (a misspelled driver, a page of another
#   system) still fails: fix the reference or add the page, with its reason,
#   to the list.
#
# And one test case requires man4/xen.4, the page every other one hangs
# from, so that an empty man4/ does not pass.
#

# Pages outside this tree that our pages may cite in .Xr:
#   xl.1, xl.cfg.5, xl-disk-configuration.5, xl-network-configuration.5,
#   xl.conf.5      the toolstack that creates and configures our guests
#   xenstore.1, xenstore-read.1, xenstore-write.1, xenstore-ls.1
#                  how to look at the keys a page's XENSTORE section lists
EXTERNAL_MANUALS="xl.1 xl.cfg.5 xl-disk-configuration.5 xl-network-configuration.5
    xl.conf.5 xenstore.1 xenstore-read.1 xenstore-write.1 xenstore-ls.1"

# The shared helpers, tests/lint/lint.subr, at the top of the tree.
for lint_dir in "$(atf_get_srcdir)/../../.." "$(atf_get_srcdir)/../.."; do
	[ -f "$lint_dir/tests/lint/lint.subr" ] && break
done
. "$lint_dir/tests/lint/lint.subr"

atf_test_case xen_page_exists
xen_page_exists_head()
{
	atf_set "descr" "man4/xen.4, the overview page, is in the tree"
}
xen_page_exists_body()
{
	lint_enter_top
	[ -f man4/xen.4 ] ||
	    atf_fail "man4/xen.4 is missing: expected the overview page of xen(4) there"
}

# Lint one page; print every remaining message and fail if there is one.
check_page()
{
	local page output status external ours problems

	lint_enter_top
	page=man4/$1

	output=$(mandoc -Tlint -Wstyle "$page" 2>&1)
	status=$?
	# Exit 5 and above: mandoc itself failed (bad argument, no memory),
	# which says nothing about the page.
	[ $status -lt 5 ] || atf_fail "mandoc -Tlint $page exited $status: $output"

	# Both lists are " a.4 b.5 " so that index() matches whole names
	# (left unquoted, the list splits into one word per page).
	# shellcheck disable=SC2086
	external=" $(printf '%s ' $EXTERNAL_MANUALS)"
	ours=" $(cd man4 && printf '%s ' *.[1-9])"
	problems=$(printf '%s\n' "$output" |
	    awk -v external="$external" -v ours="$ours" '
	/^$/ { next }
	{ sub(/^mandoc: /, "") }
	# "...: Xr NAME SECTION", and " (N times)" when mandoc folds repeats.
	/STYLE: referenced manual not found: Xr [^ ]+ [^ ]+( \([0-9]+ times\))?$/ {
		reference = $0
		sub(/.*: Xr /, "", reference)
		sub(/ \([0-9]+ times\)$/, "", reference)
		split(reference, word, " ")
		page = " " word[1] "." word[2] " "
		if (index(external, page) > 0 || index(ours, page) > 0)
			next
	}
	{ print }
	')
	lint_report "mandoc -Tlint -Wstyle message(s) on $page" "$problems"
}

atf_init_test_cases()
{
	local path page case

	atf_add_test_case xen_page_exists

	for path in "$LINT_TOP"/man4/*.4; do
		[ -f "$path" ] || continue
		page=${path##*/}
		# A test case name is a shell function name: letters, digits, _.
		case=$(printf '%s' "${page%.4}" | tr -c 'A-Za-z0-9_' _)_page_is_lint_clean
		eval "${case}_head() {
			atf_set descr 'mandoc -Tlint -Wstyle man4/$page reports nothing'
			atf_set require.progs mandoc
		}"
		eval "${case}_body() { check_page '$page'; }"
		atf_add_test_case "$case"
	done
}
