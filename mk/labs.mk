#
# mk/labs.mk - the student's two lab targets (design.md, section 6).
#
# Included by the top-level Makefile, which sets BUILD (build/ by default)
# before including it.  Targets:
#
#   make handout [HANDOUT=dir]
#	Copy the tree into dir (default handout/, which .gitignore ignores)
#	with every lab's solution, the code between LAB name: BEGIN and END
#	markers, replaced by a stub comment.  See tools/labs/handout.
#
#   make grade LAB=name
#	Build the tree, run labs/NN-name/Kyuafile, and print each test case's
#	points and result, then "Score: N/M".  Exits non-zero unless every
#	point was earned.  See tools/labs/grade.
#
# Neither target depends on "all": grade runs "make -s all" itself, so it
# builds the tree it is run in, the full tree or a handout alike.
#
# tools/labs/check-handout LAB (not a make target: it boots Xen, so it is
# slow) proves that a lab's tests fail on the handout and pass on the
# solution.
#

# The top of the tree, found from this file's own path, so that the
# targets work whatever directory make was started in.
LABS_TOP :=	$(patsubst %/mk/labs.mk,%,$(abspath $(lastword $(MAKEFILE_LIST))))

HANDOUT ?=	handout

.PHONY: handout grade

handout:
	$(LABS_TOP)/tools/labs/handout $(HANDOUT)

grade:
	@BUILD=$(BUILD) MAKE="$(MAKE)" $(LABS_TOP)/tools/labs/grade $(LAB)
