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
#	kernel		$(BUILD)/$(KERNCONF)/kernel only (and, for an amd64
#			configuration, its boot CD domu.iso: mk/iso.mk)
#	kernels		the kernels of the other configurations in KERNCONFS
#	dom0		programs boot tests run in dom0 (mk/dom0.mk)
#	setup		only the one-time set-up
#	handout, grade	labs: see labs/README.md (mk/labs.mk)
#	clean		remove $(BUILD)
#
# Variables: KERNCONF=XEN (src/conf/XEN, the PV i386 kernel) is the
# default; KERNEL=... on `make run` picks a configuration the same way
# (`make run KERNEL=XENHVM` boots the HVM kernel from its ISO);
# TEST=name runs one built-in test (`extra="test=name"`, or for HVM an
# ISO whose command line says it).

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
include mk/iso.mk

# `make` builds every configuration's kernel, so that the boot tests find
# both build/XEN/kernel and build/XENHVM/kernel (with its domu.iso);
# KERNCONF's own is built by `kernel`, the others by a make of their own.
KERNCONFS	?= XEN XENHVM
.PHONY: kernels
all: kernels
kernels:
	@for k in $(filter-out $(KERNCONF),$(KERNCONFS)); do \
	    $(MAKE) --no-print-directory KERNCONF=$$k kernel || exit 1; done

setup:
	@$(XENLAB) setup

# Both commands set up first: on a new machine the build itself needs
# packages that the set-up installs (libxen-dev, gcc-multilib, libatf-dev).
# The set-up runs in the open, so its progress is visible and not hidden
# inside a test's time limit.

# Boot the kernel alone under Xen; xenlab prints its console and judges
# the result line.  With no TEST, the kernel runs every test that needs
# no help from dom0.
# A PV kernel is booted as it is, with TEST on `extra=`; an HVM one
# (MACHINE amd64) from the ISO that mk/iso.mk makes for the command line.
RUN_IMAGE	?=
RUN_GUEST_ARGS	?= $(KERNEL_IMAGE) $(if $(TEST),--extra "test=$(TEST)")
run: setup
	@$(MAKE) --no-print-directory -s all $(RUN_IMAGE)
	@$(XENLAB) guest $(RUN_GUEST_ARGS)

# The whole suite: every unit, boot, lab and lint test, through Kyua.
check: setup
	@$(MAKE) --no-print-directory -s all
	@tools/kyua-check $(BUILD)

clean:
	rm -rf $(BUILD)
