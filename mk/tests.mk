# mk/tests.mk - build the test tree that Kyua runs.
#
# Included by the top-level Makefile after mk/tools.mk (it links the
# tools' objects into unit tests and uses HOSTCC, HOSTCFLAGS, TOOLS_OBJDIR
# from there), with BUILD set.
#
# $(BUILD)/tests/ mirrors tests/:
#   tests/**/Kyuafile      copied as is
#   tests/**/NAME.sh       installed executable as $(BUILD)/tests/**/NAME
#                          (atf-sh test programs)
#   tests/**/data/**       copied as is (test data; a test finds it under
#                          atf_tc_get_config_var(tc, "srcdir"))
#   tests/unit/NAME_test.c compiled with ATF-C into
#                          $(BUILD)/tests/unit/NAME_test
#   tests/boot/NAME.c      a program for dom0, built static into
#                          $(BUILD)/dom0/NAME (see DOM0_PROGS)
#   src/conf/*             copied to $(BUILD)/tests/unit/data/src/conf/, so
#                          the unit tests can check the real kernel configs
# and then:  kyua test -k $(BUILD)/tests/Kyuafile
#
# Provides
#   targets     tests             the whole test tree (and the host tools,
#                                 which boot tests run)
#               test-tree         the same without the tools
#   variables   TESTS_BUILDDIR    $(BUILD)/tests
#               TEST_TREE         every file of the test tree
#               UNIT_TESTS        names of the ATF-C unit test programs
#               ATF_CFLAGS, ATF_LIBS   how to compile and link with ATF-C
#               UNIT_TEST_CPPFLAGS     include path of unit tests
#
# Adding a unit test: write tests/unit/NAME_test.c, list it in
# tests/unit/Kyuafile, and if it tests code outside the test file, set
# UNIT_TEST_OBJS_NAME_test below to the objects it links against.  Test
# programs written in sh need nothing here: NAME.sh is found by itself.

# The objects each unit test is linked against (defined before the rules,
# which expand them).
UNIT_TEST_OBJS_config_test	 = $(CONFIG_LIB_OBJS) $(RUN_TOOL_OBJ)
UNIT_TEST_OBJS_result_test	 = $(RESULT_OBJS) $(RUN_TOOL_OBJ)
UNIT_TEST_OBJS_cmdline_test	 = $(TOOLS_OBJDIR)/src/kern/cmdline.o
UNIT_TEST_OBJS_vm_page_test	 = $(TOOLS_OBJDIR)/src/kern/vm_page.o \
				   $(TOOLS_OBJDIR)/src/kern/malloc.o
# In a host program the kernel heap's malloc and free would replace the
# C library's (ATF's own allocations included): rename them.
$(TOOLS_OBJDIR)/src/kern/malloc.o: HOSTCFLAGS += -Dmalloc=kernel_malloc \
				   -Dfree=kernel_free

# A helper shared by the tests that run a built tool (tests/unit/run_tool.h).
RUN_TOOL_OBJ	 = $(TOOLS_OBJDIR)/tests/unit/run_tool.o
UNIT_TEST_OBJS_xenstore_test	 = $(TOOLS_OBJDIR)/src/xen/xs_msg.o
UNIT_TEST_OBJS_gnttab_test	 = $(TOOLS_OBJDIR)/src/xen/gnttab_v1.o
UNIT_TEST_OBJS_pvclock_test	 = $(TOOLS_OBJDIR)/src/xen/pvclock.o
UNIT_TEST_OBJS_blkfront_ring_test = $(TOOLS_OBJDIR)/src/dev/xen/blkfront/blkfront_ring.o
UNIT_TEST_OBJS_inet_test	 = $(TOOLS_OBJDIR)/src/net/inet.o

ATF_CFLAGS	?=
ATF_LIBS	?= -latf-c
UNIT_TEST_CPPFLAGS = -Itools/config -Itools/xenlab -iquote src

# Kernel sources that are plain C (parsers, ring arithmetic) are compiled
# for the host as they are and tested directly.
$(TOOLS_OBJDIR)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -iquote src -MMD -MP -c -o $@ $<

TESTS_BUILDDIR	 = $(BUILD)/tests
UNIT_DATADIR	 = $(TESTS_BUILDDIR)/unit/data

# The lists are taken from the tree when make starts, so a new test file
# is picked up without editing this file.
TEST_KYUAFILES	:= $(shell find tests -name Kyuafile -type f 2>/dev/null)
TEST_SCRIPTS	:= $(shell find tests -name '*.sh' -type f 2>/dev/null)
TEST_DATA	:= $(shell find tests -path '*/data/*' -type f 2>/dev/null)
UNIT_TEST_SRCS	:= $(wildcard tests/unit/*_test.c)
UNIT_TESTS	:= $(basename $(notdir $(UNIT_TEST_SRCS)))
UNIT_CONF	:= $(wildcard src/conf/*)

# Where each list lands in the test tree.
TEST_KYUAFILES_OUT = $(TEST_KYUAFILES:%=$(BUILD)/%)
TEST_SCRIPTS_OUT   = $(TEST_SCRIPTS:%.sh=$(BUILD)/%)
TEST_DATA_OUT	   = $(TEST_DATA:%=$(BUILD)/%)
UNIT_TESTS_OUT	   = $(UNIT_TESTS:%=$(TESTS_BUILDDIR)/unit/%)
UNIT_CONF_OUT	   = $(UNIT_CONF:src/conf/%=$(UNIT_DATADIR)/src/conf/%)

TEST_TREE	 = $(TEST_KYUAFILES_OUT) $(TEST_SCRIPTS_OUT) $(TEST_DATA_OUT) \
		   $(UNIT_TESTS_OUT) $(UNIT_CONF_OUT)

# Programs that boot tests run in dom0 (tests/boot/NAME.c): C programs
# built static on the host, whose architecture (amd64) is dom0's, into
# $(BUILD)/dom0/NAME, which dom0 sees as /domu/build/dom0/NAME.  Static,
# because dom0's image has only the libraries its own tools need.
DOM0_PROG_SRCS	:= $(wildcard tests/boot/*.c)
DOM0_PROGS	 = $(DOM0_PROG_SRCS:tests/boot/%.c=$(BUILD)/dom0/%)
TEST_TREE	+= $(DOM0_PROGS)

$(DOM0_PROGS): $(BUILD)/dom0/%: tests/boot/%.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -static -o $@ $<

.PHONY: tests test-tree
tests: test-tree tools
test-tree: $(TEST_TREE)

# Static pattern rules throughout: each list says exactly which rule
# makes which file, so none of them can be chosen for a file by accident.
$(TEST_KYUAFILES_OUT) $(TEST_DATA_OUT): $(BUILD)/%: %
	@mkdir -p $(@D)
	cp $< $@

$(TEST_SCRIPTS_OUT): $(BUILD)/%: %.sh
	@mkdir -p $(@D)
	install -m 755 $< $@

$(UNIT_CONF_OUT): $(UNIT_DATADIR)/src/conf/%: src/conf/%
	@mkdir -p $(@D)
	cp $< $@

# A unit test: its own object (in the tools' object tree, so that the
# test tree holds only what Kyua runs) linked with the objects it tests.
$(UNIT_TESTS:%=$(TOOLS_OBJDIR)/tests/unit/%.o) $(RUN_TOOL_OBJ): \
    $(TOOLS_OBJDIR)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) $(ATF_CFLAGS) $(UNIT_TEST_CPPFLAGS) \
	    -MMD -MP -c -o $@ $<

define UNIT_TEST_RULE
$(TESTS_BUILDDIR)/unit/$(1): $(TOOLS_OBJDIR)/tests/unit/$(1).o \
    $(UNIT_TEST_OBJS_$(1))
	@mkdir -p $$(@D)
	$$(HOSTCC) $$(HOSTLDFLAGS) -o $$@ $$^ $$(ATF_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call UNIT_TEST_RULE,$(t))))

-include $(UNIT_TESTS:%=$(TOOLS_OBJDIR)/tests/unit/%.d)
