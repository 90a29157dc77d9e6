/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The next definitions of many symbols from one walk of the loaded
 * objects' own symbol tables, instead of one dlsym(RTLD_NEXT) each: the
 * objects after ours in load order (the order ld.so searches them), each
 * symbol taken from the first object that defines it, in its default
 * version (the one ld.so binds an unversioned reference to), as
 * dlsym(RTLD_NEXT) would. Works under glibc and musl; needs nothing newer
 * than glibc 2.2.5.
 *
 * The walk starts from the r_debug list the dynamic linker publishes
 * through the main program's DT_DEBUG entry, reading only what is mapped
 * read-only: no lock, no allocation, no system call, so it is safe in a
 * forked child of a threaded program and in a signal handler. Only when
 * that list cannot be found (no DT_DEBUG, or our object is not on it, as
 * when the library was dlopen()ed in another namespace) does it fall back
 * to dl_iterate_phdr(), which takes the loader's lock.
 */
#ifndef MPTCPSHIM_SYMBOL_WALK_H
#define MPTCPSHIM_SYMBOL_WALK_H

#include <stdbool.h>
#include <stddef.h>

struct symbol_want {
	const char *name;
	unsigned hash;		/* shim_symbol_hash(name), or 0: computed */
	/* Searched from the first object on (but ours), as a reference
	 * from the program binds it: for data such as environ, which the
	 * program may hold a copy of (a copy relocation). Else from the
	 * object after ours, as dlsym(RTLD_NEXT). */
	bool from_first;
	void *found;		/* NULL: no such object defines it */
};

/* The GNU hash of a name (DT_GNU_HASH's), for callers that precompute. */
unsigned shim_symbol_hash(const char *name);

/*
 * Fills want[i].found for each name (at most 48 per walk); returns whether some object before
 * ours defines first_copy_marker (a second copy of this library that
 * loaded first). own_dynamic is our own _DYNAMIC.
 */
bool shim_symbol_walk(const void *own_dynamic, struct symbol_want *want,
		      size_t n, const char *first_copy_marker);

/* The lookup inside one object, exposed for the unit test: the default
 * version of name in the object whose dynamic section is dyn, mapped at
 * base; NULL if it does not define it. */
void *shim_symbol_in_object(unsigned long base, const void *dyn,
			    const char *name);

#endif
