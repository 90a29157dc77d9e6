/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The files of `doctor --bundle` (doctor_bundle.c runs the collection):
 * the working state they share and one writer per file.
 */
#ifndef MPTCPSHIM_BUNDLE_FILES_H
#define MPTCPSHIM_BUNDLE_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "doctor_bundle.h"
#include "mib.h"
#include "pm_events.h"

#define BUNDLE_DIR "mptcpshim-bundle"

struct bundle {
	char root[256];		/* the temporary directory */
	char dir[512];		/* root/BUNDLE_DIR */
	struct pm_event *ev;
	size_t nev;
	bool events_ok, events_lost;
	char events_note[160];
	double t0;
	double last_established;	/* an (sf_)established event, or 0 */
	bool snapped;			/* the "-during" snapshot was taken */
	bool stopped;			/* the program hit --duration */
};

/* name in the bundle directory, created 0600 (never an existing file). */
FILE *bundle_create(const struct bundle *b, const char *name);

void bundle_write_readme(const struct bundle *b,
			 const struct bundle_options *o);
void bundle_write_kernel(const struct bundle *b);
void bundle_write_sysctls(const struct bundle *b);
/* set NULL: the file says missing instead. */
void bundle_write_mib(const struct bundle *b, const char *name,
		      const struct mib_set *set, const char *missing);
void bundle_write_events(const struct bundle *b);
void bundle_write_reproduce(const struct bundle *b,
			    const struct bundle_options *o, int status,
			    double took, int start_error);

/* Every file the README lists through the address redactor, in one pass
 * so that pseudonyms agree across files. 0 or -1. */
int bundle_redact(const struct bundle *b);

#endif
