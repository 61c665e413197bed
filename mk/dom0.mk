# mk/dom0.mk - programs that run in dom0 during boot tests.
#
# Included by the top-level Makefile.  Some boot tests need dom0 to do
# what no shell tool does (map a grant through /dev/xen/gntdev, ...).
# Such a program is written in C under tools/dom0/, compiled here on the
# host and linked static, so that it runs in dom0 whatever libraries
# dom0's image has; xenlab puts build/ in dom0, where the program is
# /domu/build/dom0/NAME.  Host and dom0 are both amd64.
#
# Provides: target `dom0`, and DOM0_PROGS (their paths).

DOM0_SRCS	:= $(wildcard tools/dom0/*.c)
DOM0_PROGS	:= $(DOM0_SRCS:tools/dom0/%.c=$(BUILD)/dom0/%)

.PHONY: dom0
dom0: $(DOM0_PROGS)

$(DOM0_PROGS): $(BUILD)/dom0/%: tools/dom0/%.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -static -o $@ $<
