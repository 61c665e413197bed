# mk/kernel.mk - build one kernel: $(BUILD)/$(KERNCONF)/kernel.
#
# Included by the top-level Makefile.  The kernel configuration
# src/conf/$(KERNCONF) goes through tools/config (mk/tools.mk), which
# writes two files into $(KBUILD):
#	opt_global.h	#define for every option and DEV_<name> for every
#			device; forced into every compile with -include
#	config.mk	MACHINE (i386 or amd64), IDENT and KERNEL_SRCS, the
#			source files this configuration compiles
# GNU make rebuilds config.mk when the configuration changes and then
# re-reads this makefile, so the source list always matches the config.
#
# Provides: `kernel` (the default configuration's kernel), the variables
# KBUILD and KERNEL_IMAGE, and per-object dependency tracking.

KBUILD	:= $(BUILD)/$(KERNCONF)
KERNEL_IMAGE	:= $(KBUILD)/kernel

# tools/config rewrites an output only when its contents change, so that
# an unchanged opt_global.h recompiles nothing; the stamp records when it
# last ran.  CONFIG_INPUTS (from config.mk) adds the DEFAULTS files.
$(KBUILD)/config.stamp: src/conf/$(KERNCONF) src/conf/options \
    src/conf/files $(CONFIG_INPUTS) $(CONFIG_TOOL)
	@mkdir -p $(KBUILD)
	$(CONFIG_TOOL) -d $(KBUILD) src/conf/$(KERNCONF)
	@touch $@
# The stamp's recipe writes these.  The empty recipe matters: make
# re-reads config.mk (restarts) only when a rule ran and its mtime moved.
$(KBUILD)/config.mk $(KBUILD)/opt_global.h: $(KBUILD)/config.stamp
	@:

# Not for `make clean`: there is nothing to configure then.
ifeq ($(filter clean,$(MAKECMDGOALS)),)
-include $(KBUILD)/config.mk
endif

# The compiler's own freestanding headers (stdint.h, stdarg.h, ...) and
# nothing from the host's libc: -nostdinc, then add them back by hand.
GCC_INCLUDE	:= $(shell $(CC) -print-file-name=include)

# Architecture flags.  Both kernels are compiled without floating point
# or vector registers: the kernel never saves them on a switch.
ifeq ($(MACHINE),i386)
ARCH_CFLAGS	:= -m32 -march=i686 -mno-sse -mno-mmx -mno-80387
ARCH_LDFLAGS	:= -m elf_i386
# 64-bit division on a 32-bit CPU calls helpers in libgcc.
ARCH_LIBS	:= $(shell $(CC) -m32 -print-libgcc-file-name)
endif
# The HVM kernel runs identity-mapped at 1 MiB (src/amd64/layout.h), so
# the small code model (everything below 2 GiB) is the right one; no red
# zone, since interrupts push onto the interrupted code's stack.  4 KiB
# segment alignment keeps the multiboot header in the file's first 8 KiB.
ifeq ($(MACHINE),amd64)
ARCH_CFLAGS	:= -m64 -mno-red-zone -mcmodel=small -mno-sse -mno-mmx \
		   -mno-80387
ARCH_LDFLAGS	:= -m elf_x86_64 -z max-page-size=0x1000
ARCH_LIBS	:=
endif

KERNEL_CFLAGS	:= -std=gnu11 -O2 -g $(ARCH_CFLAGS) \
		   -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
		   -fno-omit-frame-pointer -fno-common \
		   -Wall -Wextra -Werror -Wmissing-prototypes \
		   -Wstrict-prototypes -Wshadow \
		   -nostdinc -isystem $(GCC_INCLUDE) \
		   -I$(KBUILD) -I$(BUILD)/include -iquote src \
		   -include opt_global.h -MMD -MP

KERNEL_OBJS	:= $(patsubst src/%,$(KBUILD)/%.o,$(KERNEL_SRCS))

kernel: $(KERNEL_IMAGE)

# <machine/...> is the running architecture's src/$(MACHINE)/include,
# and <xen/...> Xen's public headers from libxen-dev, both reached
# through links in the build tree (FreeBSD builds the same way).
$(KBUILD)/machine:
	@mkdir -p $(KBUILD)
	ln -sfn $(CURDIR)/src/$(MACHINE)/include $@
$(BUILD)/include/xen:
	@test -f /usr/include/xen/xen.h || { echo "Xen public headers" \
	    "missing: /usr/include/xen/xen.h (install libxen-dev, or run" \
	    "make setup)" >&2; exit 1; }
	@mkdir -p $(BUILD)/include
	ln -sfn /usr/include/xen $@

$(KBUILD)/%.c.o: src/%.c $(KBUILD)/opt_global.h | $(KBUILD)/machine \
    $(BUILD)/include/xen
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

$(KBUILD)/%.S.o: src/%.S $(KBUILD)/opt_global.h | $(KBUILD)/machine \
    $(BUILD)/include/xen
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

$(KERNEL_IMAGE): $(KERNEL_OBJS) src/$(MACHINE)/kernel.ld
	$(LD) $(ARCH_LDFLAGS) -nostdlib -T src/$(MACHINE)/kernel.ld \
	    -o $@ $(KERNEL_OBJS) $(ARCH_LIBS)

-include $(KERNEL_OBJS:.o=.d)
