#! /usr/bin/env atf-sh
#
# tests/boot/balloon_test - the balloon driver (balloon(4)) under the
# real toolstack: `xl mem-set` down, up past the boot memory, down again
# and below the floor, in one Xen boot (tools/xenlab/xenlab script
# tests/boot/balloon.dom0).
#
# The guest (256 MiB, maxmem 512 MiB) runs test=balloon
# (src/dev/xen/balloon/test_balloon.c); after each step dom0 prints
# "domu: dom0-<step>: ..." (xl list, Xen's free memory, time to target)
# and the guest "domu: balloon-<step>: ..." (Xen's count against its
# own, a page given back faults, a pattern over every free page).  This
# program judges both, and prints the figures on stdout, which Kyua
# keeps with the result.

# The shared helpers (xenlab_run, expect_line, fail_with_log).
. "$(atf_get_srcdir)/../../../tests/boot/boot.subr"

# boot: the one Xen boot of this program (boot_once in boot.subr); the
# HVM guest's ISO is made first.
boot()
{
	boot_once balloon tests/boot/balloon.dom0 700 \
	    "tools/mkiso -o build/XENHVM/test-hbal.iso build/XENHVM/kernel test=balloon"
}

atf_test_case mem_set_down_up_down_and_below_the_floor
mem_set_down_up_down_and_below_the_floor_head()
{
	atf_set "descr" "xl mem-set 96, 384, 128 and 8 MiB on a 256 MiB" \
	    "guest with maxmem 512: Xen's counts follow, the floor holds," \
	    "every free page still works"
	atf_set "timeout" "760"
}
mem_set_down_up_down_and_below_the_floor_body()
{
	local dir log step
	boot
	dir=$DIR
	log=$dir/guest-bal.log
	build/tools/judge "$log" >"$dir.judge" 2>&1 ||
	    fail_with_log "the balloon guest did not succeed" "$dir.judge"
	expect_line '^domu: dom0-start: PASS' "$dir.out" "dom0: guest started"
	expect_line '^domu: balloon-init: PASS 65536 pages, room for 131072' \
	    "$log" "room up to maxmem (512 MiB)"
	for step in down-96 up-384 down-128 floor; do
		expect_line "^domu: dom0-$step: PASS" "$dir.out" "dom0: $step"
		expect_line "^domu: balloon-$step: PASS" "$log" "guest: $step"
	done
	# The floor is logged, not silent.
	expect_line '^balloon: target 2048 pages is below the floor' "$log" \
	    "the clipped target is logged"
	expect_line '^domu: balloon-floor: PASS 4096 pages .*stopped at the floor' \
	    "$log" "the guest stops at its floor"
	grep '^domu: dom0-' "$dir.out"
	grep -E '^domu: balloon-(down|up|floor|served)' "$log"
}

atf_test_case hvm_kernel_gives_back_and_takes_again
hvm_kernel_gives_back_and_takes_again_head()
{
	atf_set "descr" "the HVM kernel's balloon (the same driver): xl" \
	    "mem-set 160 then 256 MiB; the guest reaches memory/target each" \
	    "time and its page checks pass"
	atf_set "timeout" "760"
}
hvm_kernel_gives_back_and_takes_again_body()
{
	boot
	build/tools/judge "$DIR/guest-hbal.log" >"$DIR.judge-hbal" 2>&1 ||
	    fail_with_log "the HVM balloon guest did not succeed" \
	    "$DIR.judge-hbal"
	for step in down-160 up-256; do
		expect_line "^domu: hvm-dom0-$step: PASS" "$DIR.out" "dom0: $step"
		expect_line "^domu: balloon-$step: PASS" "$DIR/guest-hbal.log" \
		    "guest: $step"
	done
	grep -E '^domu: hvm-dom0-' "$DIR.out"
}

atf_init_test_cases()
{
	atf_add_test_case mem_set_down_up_down_and_below_the_floor
	atf_add_test_case hvm_kernel_gives_back_and_takes_again
}
