#! /usr/bin/env atf-sh
#
# tests/boot/memory_test - the PV i386 kernel's memory under the real Xen:
# start_info, the direct map of all memory, the page allocator, the heap,
# pmap_enter/pmap_remove, page-table protection and the fault report.
#
# One Xen boot (tools/xenlab/xenlab script tests/boot/memory.dom0) runs
# eight guests one after the other; this program judges their console
# logs.  Each guest runs one built-in test (src/kern/test_boot.c,
# test_pmap.c, test_malloc.c, test_fault.c, src/i386/test_ptwrite.c):
#	mem32, mem128, mem512	test=boot mem=<MiB>: start_info sane, nr_pages
#				equal to the xl config's memory, every free
#				page allocatable
#	pmap, ptwrite, malloc	pass
#	fault, double-free	must end in "domu: result: ERROR panic: ..."
#				with the fault report before it
# The figures (time to build the direct map, pages allocatable per size)
# are printed on stdout, which Kyua keeps with the result.
#

# The shared helpers (xenlab_run, expect_line, fail_with_log).
. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

# judge_ok GUEST: the guest's log must be judged SUCCESS.
judge_ok()
{
	build/tools/judge "$dir/guest-$1.log" >"$dir.judge" 2>&1 ||
	    fail_with_log "guest $1 did not succeed" "$dir.judge"
}

# judge_refuses GUEST: the guest's log must NOT be judged a success.
judge_refuses()
{
	if build/tools/judge "$dir/guest-$1.log" >/dev/null 2>&1; then
		atf_fail "judge accepted guest $1, whose run must end in ERROR"
	fi
}

# check_size MIB: the boot test of the MIB guest.
check_size()
{
	local mib=$1 pages log free least
	pages=$((mib * 256))
	log=$dir/guest-mem$mib.log
	judge_ok "mem$mib"
	expect_line "^domu: boot: PASS flags 0x0, $pages pages, .*direct map $pages pages: " \
	    "$log" "mem$mib: start_info and the direct map"
	expect_line "^domu: boot-memory: PASS mem=$mib MiB is nr_pages $pages\$" \
	    "$log" "mem$mib: nr_pages against the xl config"
	expect_line '^domu: vm_page: PASS all [0-9]+ free pages' "$log" \
	    "mem$mib: the page allocator"
	# The kernel keeps for itself its image, the bootstrap pages (the
	# p2m list is 1/1024 of memory, start_info, the rings, a few page
	# tables: 32 pages at most) and one L1 table per 2 MiB (1/512):
	# everything else must be allocatable.
	free=$(sed -n 's/^domu: vm_page: PASS all \([0-9]*\) free pages.*/\1/p' "$log")
	least=$((pages - pages / 128 - $(image_pages build/XEN/kernel) - 32))
	[ "$free" -ge "$least" ] ||
	    fail_with_log "mem$mib: only $free of $pages pages allocatable, expected at least $least" "$log"
	echo "mem$mib: $free of $pages pages allocatable;" \
	    "$(sed -n 's/^domu: boot: PASS .*; \(direct map .*\)/\1/p' "$log")"
}

atf_test_case memory_of_32_128_512_mib_guests
memory_of_32_128_512_mib_guests_head()
{
	atf_set "descr" "guests of 32, 128 and 512 MiB map all their memory" \
	    "and can allocate every free page; pmap, page-table protection," \
	    "the heap and the fault report work (one Xen boot, eight guests)"
	atf_set "timeout" "300"
}
memory_of_32_128_512_mib_guests_body()
{
	# $dir is also read by judge_ok, judge_refuses and check_size.
	xenlab_run boot-memory-$$ script tests/boot/memory.dom0
	dir=$RUN_DIR
	expect_line '^domu: xen-memory: PASS' "$dir.out" "dom0's check of Xen's free memory"

	for mib in 32 128 512; do
		check_size "$mib"
	done

	judge_ok pmap
	expect_line '^domu: pmap-unmap: PASS after pmap_remove a read of 0xe0000000 takes a page fault .*address 0xe0000000' \
	    "$dir/guest-pmap.log" "pmap: the unmapped page faults"
	judge_ok ptwrite
	judge_ok malloc

	# The fault report: the vector's name, the address from arch.cr2,
	# the error code in words, the registers; then the panic's result.
	expect_line '^trap: page fault \(vector 14\) at eip 0x[0-9a-f]{8}$' \
	    "$dir/guest-fault.log" "fault: the report's first line"
	expect_line '^trap: faulting address 0x00000010 \(read, page not present, kernel mode\), error code 0x0$' \
	    "$dir/guest-fault.log" "fault: the faulting address"
	expect_line '^trap: eax 0x[0-9a-f]{8} ebx ' "$dir/guest-fault.log" \
	    "fault: the registers"
	expect_line '^domu: result: ERROR panic: page fault at eip 0x[0-9a-f]{8}, address 0x00000010$' \
	    "$dir/guest-fault.log" "fault: the result line"
	judge_refuses fault
	expect_line '^domu: result: ERROR panic: free: 0x[0-9a-f]+ freed twice$' \
	    "$dir/guest-double-free.log" "double_free: the heap's panic"
	judge_refuses double-free
}

atf_init_test_cases()
{
	atf_add_test_case memory_of_32_128_512_mib_guests
}
