/*
 * kern/linker_set.h - linker sets: lists that build themselves at link
 * time.
 *
 * A file that defines a built-in test (kern/test.h) or a xenbus driver
 * (xen/xenbus.h) registers it with one macro, and no central table has to
 * name it.  The macro puts a pointer to the object in a section named
 * after the set; the linker script (src/i386/kernel.ld) gathers each such
 * section between the symbols <set>_start and <set>_stop, and the code
 * that uses the set walks the pointers between them.  A file the kernel
 * configuration leaves out simply adds nothing.  FreeBSD's sys/linker_set.h
 * is the model (SET_DECLARE, DATA_SET, SET_FOREACH).
 *
 * Adding a set takes three lines in each architecture's linker script;
 * the sets there are domu_tests and domu_xenbus.
 */
#ifndef _KERN_LINKER_SET_H_
#define _KERN_LINKER_SET_H_

/*
 * Add &obj to set.  `used` keeps the compiler from dropping a pointer
 * that no code names; the linker script's KEEP does the same at link
 * time.
 */
#define	LINKER_SET_ADD(set, obj)					\
	static const __typeof__(obj) *const set##_entry_##obj		\
	    __attribute__((section(#set), used)) = &(obj)

/* Declare the bounds of set, whose entries point to objects of type. */
#define	LINKER_SET_DECLARE(set, type)					\
	extern type *const set##_start[];				\
	extern type *const set##_stop[]

/* Walk set: var points at each entry (a pointer to an object) in turn. */
#define	LINKER_SET_FOREACH(var, set)					\
	for ((var) = set##_start; (var) < set##_stop; (var)++)

#endif /* !_KERN_LINKER_SET_H_ */
