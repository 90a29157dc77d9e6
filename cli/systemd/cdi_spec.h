/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CDI spec `mptcpshim cdi` writes: what a container runtime mounts
 * from this host (the libraries, the ld.so.preload line, the policy) and
 * the variables it sets, per device (cdi_names.h).
 */
#ifndef MPTCPSHIM_CDI_SPEC_H
#define MPTCPSHIM_CDI_SPEC_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

/* What the spec mounts, as paths on the host. */
struct cdi_source {
	char library[PATH_MAX]; /* the glibc library */
	char preload[PATH_MAX]; /* <libdir>/mptcpshim/ld.so.preload */
	char musl[PATH_MAX];	/* the musl library; "" when not built */
	char policy[PATH_MAX];	/* the policy directory; "" for none */
	char launcher[PATH_MAX];	/* the seccomp route's launcher, "" */
	char launcher_at[PATH_MAX];	/* where the library looks for it */
	int go_multipathtcp;	/* GODEBUG value from the global policy */
};

/*
 * Fills src: library (NULL: the one `run` uses), the files beside it, and
 * policy (NULL: the system policy directory when it exists; "none": no
 * policy mount). Returns 0, or -1 with why (a sentence) filled in.
 */
int cdi_source_find(struct cdi_source *src, const char *library,
		    const char *policy, char *why, size_t why_len);

/* The spec as YAML (malloc'd), or NULL when out of memory. */
char *cdi_spec_render(const struct cdi_source *src);

/* One "- NAME=VALUE" list item of a containerEdits env list, indented by
 * indent spaces, the value quoted as YAML (and JSON) would. */
void cdi_put_env(FILE *fp, int indent, const char *name, const char *value);

#endif
