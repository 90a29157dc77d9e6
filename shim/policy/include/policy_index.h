/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The compiled form of a policy file (FILE.compiled, next to it), which
 * `mptcpshim policy compile` writes and the shim reads so that a process
 * pays for its own sections only, whatever the size of the file.
 *
 * It is an index, not a second copy of the rules: where each section of
 * the file starts and ends (byte offsets and line numbers), with a hash
 * table of the [app:NAME] sections, written only for a file that parses
 * without a problem. The shim reads the file's global sections and its
 * own program's through it, with the same parser, so every answer and
 * every file:line is the one the whole file gives (`policy check` and
 * `explain` always read the whole file). The index records the file's
 * device, inode, size, mtime and ctime: any change to the file makes it
 * stale, and a stale, foreign or damaged index is ignored (the whole file
 * is parsed, and a broken file reported as ever). It must pass the safety
 * rules of a policy file (regular, not group/other-writable, owned by root
 * or the user), so a setuid program never trusts one another user wrote.
 */
#ifndef MPTCPSHIM_POLICY_INDEX_H
#define MPTCPSHIM_POLICY_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "policy.h"

/* Appended to a policy file's path. */
#define POLICY_INDEX_SUFFIX ".compiled"
/* Smaller files are parsed whole: that costs less than opening an index
 * (and a process pays no open() for an index that cannot help). */
#define POLICY_INDEX_MIN_SIZE 4096
/* Largest index accepted (a 1 MiB policy's is well under this). */
#define POLICY_INDEX_MAX_SIZE (64 * 1024 * 1024)

struct policy;

/*
 * Parses path (a safe policy file, already open as fd with st its fstat)
 * through its index, keeping only the global sections and those of the
 * NULL-terminated names. Returns the number of problems (as policy_parse),
 * with *out the result; or -2 when no usable index exists (*out NULL; the
 * caller parses the whole file); -1 when out of memory.
 */
int policy_index_parse(int fd, const struct stat *st, const char *path,
		       const char *const *names, policy_diag_fn diag,
		       void *ctx, struct policy **out);

/*
 * Writes path's index (path POLICY_INDEX_SUFFIX, replaced atomically, mode
 * 0644) if path passes the safety rules and parses cleanly; problems are
 * reported through diag. Returns the number of problems (0: written), -1
 * with errno when the index cannot be written. *sections (if not NULL)
 * gets the number of sections indexed.
 */
int policy_index_write(const char *path, policy_diag_fn diag, void *ctx,
		       size_t *sections);

/* Whether path has an index, and whether the shim would use it. */
enum policy_index_state {
	POLICY_INDEX_NONE,	/* no FILE.compiled */
	POLICY_INDEX_CURRENT,	/* written for the file as it is now */
	POLICY_INDEX_UNUSABLE,	/* stale, damaged or unsafe: ignored */
};
enum policy_index_state policy_index_state(const char *path);

/* For the fuzzer: makes buf (len bytes, an index body) carry a valid
 * header for the file st describes, keeping its offsets and counts, so
 * that the reader gets past the stamps. False if len is too short. */
bool policy_index_fix_header(void *buf, size_t len, const struct stat *st);

/* The index path of a policy file; false if it does not fit. */
bool policy_index_path(const char *path, char *buf, size_t len);

#endif
