# mk/tools.mk - the host tools: tools/config and tools/xenlab/judge.
#
# Included by the top-level Makefile, which must set BUILD (the build
# directory) before including this file.  The tools run on the build
# machine, so they are compiled with HOSTCC, never with the kernel's CC.
#
# Provides
#   targets     tools             both tools
#               $(CONFIG_TOOL)    $(BUILD)/tools/config   (config(8) in small)
#               $(JUDGE)          $(BUILD)/tools/judge    (result-line judge)
#   variables   HOSTCC            host compiler (default: cc)
#               HOSTCFLAGS        (default: -O2 -Wall -Wextra -Werror -std=c11)
#               HOSTLDFLAGS       (default: empty)
#               CONFIG_TOOL, JUDGE  paths of the tools, for recipes
#               CONFIG_LIB_OBJS   objects of the config tool without main(),
#                                 for unit tests (mk/tests.mk links them)
#               RESULT_OBJS       objects of the result parser, likewise
#               TOOLS_OBJDIR      where the objects go
#
# A kernel build uses the config tool like this (see tools/config/config.c):
#
#   $(BUILD)/XEN/config.mk: $(CONFIG_TOOL) src/conf/XEN src/conf/options ...
#           $(CONFIG_TOOL) -d $(BUILD)/XEN src/conf/XEN
#
# config only rewrites opt_global.h and config.mk when their contents
# change, so such a rule does not cause needless kernel rebuilds.

HOSTCC		?= cc
HOSTCFLAGS	?= -O2 -Wall -Wextra -Werror -std=c11
HOSTLDFLAGS	?=

TOOLS_OBJDIR	 = $(BUILD)/tools/obj
CONFIG_TOOL	 = $(BUILD)/tools/config
JUDGE		 = $(BUILD)/tools/judge

# The library halves are kept apart from the mains so tests can link them.
CONFIG_LIB_OBJS	 = $(TOOLS_OBJDIR)/config/confparse.o \
		   $(TOOLS_OBJDIR)/config/confgen.o
CONFIG_OBJS	 = $(CONFIG_LIB_OBJS) $(TOOLS_OBJDIR)/config/config.o
RESULT_OBJS	 = $(TOOLS_OBJDIR)/xenlab/result.o
JUDGE_OBJS	 = $(RESULT_OBJS) $(TOOLS_OBJDIR)/xenlab/judge.o

.PHONY: tools
tools: $(CONFIG_TOOL) $(JUDGE)

$(CONFIG_TOOL): $(CONFIG_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTLDFLAGS) -o $@ $(CONFIG_OBJS)

$(JUDGE): $(JUDGE_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTLDFLAGS) -o $@ $(JUDGE_OBJS)

# tools/X/Y.c -> $(BUILD)/tools/obj/X/Y.o.  -MMD writes Y.d beside the
# object, listing the headers it read, so editing a header rebuilds the
# objects that include it.
# A static pattern rule, so that it cannot compete with the kernel's
# pattern rules for objects under $(BUILD).
$(sort $(CONFIG_OBJS) $(JUDGE_OBJS)): $(TOOLS_OBJDIR)/%.o: tools/%.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -MMD -MP -c -o $@ $<

-include $(CONFIG_OBJS:.o=.d) $(JUDGE_OBJS:.o=.d)
