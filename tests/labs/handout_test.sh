#! /usr/bin/env atf-sh
#
# tests/labs/handout_test - every lab is gradable: its tests fail on the
# handout (solutions cut out by `make handout`) and pass on the full tree
# (design.md section 6).
#
# One test case per lab directory labs/NN-name, each running
# tools/labs/check-handout, which builds the handout in a temporary
# directory, grades it (every point must be lost), then grades this tree
# (every point must be earned).  Both grades boot Xen, so each case takes
# about half a minute.
#

top()
{
	(cd "$(atf_get_srcdir)/../../.." && pwd -P)
}

# check_lab NAME: the body shared by every lab's test case.
check_lab()
{
	local out="$PWD/check.out"	# in Kyua's work directory

	cd "$(top)" || atf_fail "no tree"
	if ! tools/labs/check-handout "$1" >"$out" 2>&1; then
		cat "$out" >&2
		atf_fail "lab $1: check-handout failed (see its output)"
	fi
}

atf_init_test_cases()
{
	local dir name tc

	for dir in "$(top)"/labs/[0-9][0-9]-*/; do
		name=$(basename "$dir")
		name=${name#[0-9][0-9]-}
		# One case per lab, named after it; bodies share check_lab.  A
		# case name is also a shell identifier here ("pv-boot" is not):
		# anything but a letter, digit or underscore becomes "_".
		tc=$(printf '%s' "$name" | tr -c 'A-Za-z0-9_' '_')
		eval "${tc}_fails_on_handout_passes_on_solution_head() {
			atf_set descr 'lab $name: tests fail on the handout, pass on the solution'
			atf_set timeout 600
		}
		${tc}_fails_on_handout_passes_on_solution_body() {
			check_lab $name
		}"
		atf_add_test_case "${tc}_fails_on_handout_passes_on_solution"
	done
}
