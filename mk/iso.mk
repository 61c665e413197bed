# mk/iso.mk - the HVM kernel's boot CD, and how `make run` boots it.
#
# Included by the top-level Makefile after mk/kernel.mk (it needs MACHINE,
# KBUILD and KERNEL_IMAGE from there).  An HVM domain boots like a PC:
# hvmloader, SeaBIOS, then a boot loader from a disk.  So for an amd64
# configuration `make` also writes $(KBUILD)/domu.iso, a GRUB CD that
# loads $(KBUILD)/kernel by multiboot with an empty command line
# (tools/mkiso).  An HVM domain has no `extra=`: the command line lives
# in the ISO, so `make run TEST=name` makes $(KBUILD)/test-name.iso with
# `test=name` in it, and boot tests make their own the same way.
#
# Provides
#   targets     $(KERNEL_ISO) (built by `kernel`), $(KBUILD)/test-%.iso
#   variables   KERNEL_ISO, and RUN_IMAGE / RUN_GUEST_ARGS for `make
#               run`: what to build and what to give `xenlab guest`

ifeq ($(MACHINE),amd64)
KERNEL_ISO	:= $(KBUILD)/domu.iso

kernel: $(KERNEL_ISO)

$(KERNEL_ISO): $(KERNEL_IMAGE) tools/mkiso
	tools/mkiso -o $@ $(KERNEL_IMAGE)

$(KBUILD)/test-%.iso: $(KERNEL_IMAGE) tools/mkiso
	tools/mkiso -o $@ $(KERNEL_IMAGE) test=$*

RUN_IMAGE	= $(if $(TEST),$(KBUILD)/test-$(TEST).iso,$(KERNEL_ISO))
RUN_GUEST_ARGS	= --hvm $(RUN_IMAGE)
endif
