# Makefile - build, boot and test domu.
#
# The two commands a new user needs (README.md):
#	make run	boot the sample kernel under Xen, show its console
#	make check	build everything and run the whole test suite (Kyua)
# Both set up what they need on first use (tools/xenlab/xenlab setup:
# Debian packages, a Xen hypervisor built from Debian's source, a dom0
# image) and cache it in ${XDG_CACHE_HOME:-~/.cache}/domu.
#
# Other targets:
#	all		the kernel for KERNCONF, the host tools, the tests
#	kernel		$(BUILD)/$(KERNCONF)/kernel only
#	dom0		programs boot tests run in dom0 (mk/dom0.mk)
#	setup		only the one-time set-up
#	handout, grade	labs: see labs/README.md (mk/labs.mk)
#	clean		remove $(BUILD)
#
# Variables: KERNCONF=XEN (src/conf/XEN, the PV i386 kernel) is the
# default; KERNEL=... on `make run` picks a configuration the same way;
# TEST=name runs one built-in test (`extra="test=name"`).

BUILD		?= build
KERNEL		?= XEN
KERNCONF	?= $(KERNEL)
CC		?= cc
LD		?= ld
HOSTCC		?= cc
XENLAB		:= tools/xenlab/xenlab
CONFIG_TOOL	:= $(BUILD)/tools/config

.DEFAULT_GOAL	:= all
.PHONY: all kernel setup run check clean tests

all: kernel tools tests dom0

include mk/tools.mk
include mk/kernel.mk
include mk/tests.mk
include mk/labs.mk
include mk/dom0.mk

setup:
	@$(XENLAB) setup

# Both commands set up first: on a new machine the build itself needs
# packages that the set-up installs (libxen-dev, gcc-multilib, libatf-dev).
# The set-up runs in the open, so its progress is visible and not hidden
# inside a test's time limit.

# Boot the kernel alone under Xen; xenlab prints its console and judges
# the result line.  With no TEST, the kernel runs every test that needs
# no help from dom0.
run: setup
	@$(MAKE) --no-print-directory -s all
	@$(XENLAB) guest $(KERNEL_IMAGE) $(if $(TEST),--extra "test=$(TEST)")

# The whole suite: every unit, boot, lab and lint test, through Kyua.
check: setup
	@$(MAKE) --no-print-directory -s all
	@tools/kyua-check $(BUILD)

clean:
	rm -rf $(BUILD)
