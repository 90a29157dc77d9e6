/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What `doctor` says inside a container: which runtime made it, the libc
 * its programs use, whether the shim library loads there as a preload, and
 * which of mptcpshim's CDI devices (cdi_names.h) fits.
 */
#ifndef MPTCPSHIM_CONTAINER_PROBE_H
#define MPTCPSHIM_CONTAINER_PROBE_H

#include <limits.h>
#include <stdbool.h>

enum container_libc { LIBC_UNKNOWN, LIBC_GLIBC, LIBC_MUSL, LIBC_STATIC };

struct container_facts {
	bool inside;		/* false: not a container, nothing below */
	char runtime[32];	/* podman, docker, kubernetes, container */
	enum container_libc libc;
	char libc_version[32];	/* glibc's, "" when not known */
	char program[PATH_MAX];	/* whose libc this is (CMD or /bin/sh) */
	char device[32];	/* the attached device ($MPTCPSHIM_CDI), "" */
	bool own_preload_file;	/* /etc/ld.so.preload without the shim */
	char library[PATH_MAX];	/* the library tried, "" when none */
	int loads;		/* 1 yes, 0 no, -1 not tried */
	char load_error[256];	/* the loader's words when it does not */
	const char *fits;	/* the device for this libc, NULL: none */
};

/*
 * Fills f for the container this runs in; program is the command doctor
 * was given (NULL: /bin/sh stands for the image's programs). A preload is
 * tried by running a dynamically linked program of the image with the
 * library in LD_PRELOAD and every symbol bound at start (LD_BIND_NOW).
 */
void container_probe(struct container_facts *f, const char *program);

/* What doctor prints: status 0 PASS, 1 WARN, 2 FAIL; fix may be NULL. */
typedef void (*container_emit_fn)(void *ctx, const char *id, int status,
				  const char *message, const char *fix);

/* Nothing outside a container; inside, the libc, whether the library
 * loads, and the device that fits, each as one emitted line. */
void container_report(const char *program, container_emit_fn emit,
		      void *ctx);

#endif
