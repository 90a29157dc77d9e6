/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * systemd unit files without systemd: where a unit and its drop-ins live,
 * what Environment= they set (with systemd's quoting and ordering rules),
 * and writing our own drop-in atomically. Lets `enable` merge with what a
 * unit already has even when no manager is running (images, --root).
 * dropin_env.c: Environment= words; unitpaths.c: where the files are;
 * unitread.c: what they say; dropin.c: the drop-in we write.
 */
#ifndef MPTCPSHIM_DROPIN_H
#define MPTCPSHIM_DROPIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "strbuf.h"
#include "unitname.h"

/* The file `enable` writes into <unit>.d/. */
#define DROPIN_FILE "50-mptcpshim.conf"

/*
 * An ordered environment as a unit file spells it: "NAME=value" entries
 * whose values keep systemd specifiers (%i, %%) unexpanded, so that they
 * can be written back unchanged.
 */
struct dropin_env {
	char **items;
	size_t n, cap;
};

/*
 * Applies one Environment= value: whitespace-separated assignments with
 * '...' / "..." quoting and C escapes; an empty value clears the list; a
 * later assignment of a name replaces the earlier one. Assignments before
 * a syntax error stay applied, as in systemd. Returns 0, or -1 when some
 * part was ignored (syntax error or an invalid assignment).
 */
int dropin_env_apply(struct dropin_env *env, const char *rvalue);

/* The value of name, or NULL. */
const char *dropin_env_get(const struct dropin_env *env, const char *name);

void dropin_env_free(struct dropin_env *env);

/*
 * One NAME=value assignment as an Environment= word: bare when systemd
 * would read it back unchanged, otherwise double-quoted with C escapes.
 * Returns malloc'd text, or NULL when out of memory.
 */
char *dropin_quote(const char *assignment);

/* Doubles every '%' so that systemd's specifier expansion yields text. */
char *dropin_escape_specifiers(const char *text);

/* Which manager's unit search path to use. */
enum dropin_scope { DROPIN_SYSTEM, DROPIN_USER };

struct dropin_paths {
	const char *root;	/* "" for the running system */
	enum dropin_scope scope;
	const char *config_home;	/* user scope: ~/.config (no root) */
	const char *data_home;	/* user scope: ~/.local/share (no root) */
};

/* The files systemd would load for one unit, in the order it applies them. */
struct dropin_files {
	char *fragment;		/* the unit file, NULL if none found */
	bool masked;		/* the unit file is a link to /dev/null */
	char **dropins;		/* *.conf, sorted by file name */
	size_t n;
};

/*
 * Searches the unit directories (below paths->root) for unit, its
 * template, the dash-prefix drop-in directories and the type-wide
 * "service.d". A drop-in name found in a more important directory hides
 * the same name in a less important one. Returns 0, or -1 when out of
 * memory.
 */
int dropin_find(const struct dropin_paths *paths, const struct unitname *unit,
		struct dropin_files *out);

void dropin_files_free(struct dropin_files *files);

/* What the [Service] sections of a set of files add up to. */
struct dropin_service {
	struct dropin_env env;
	char *preload_set_by;	/* last file setting LD_PRELOAD, or NULL */
	char *godebug_set_by;	/* last file that set GODEBUG, or NULL */
	bool environment_file;	/* some file has EnvironmentFile= */
};

/* A problem in a file: file, line and a message. */
typedef void (*dropin_warn_fn)(void *ctx, const char *file, unsigned line,
			       const char *message);

/*
 * Reads the fragment and drop-ins in order, skipping the file named skip
 * (NULL: none). Returns 0, or -1 when out of memory.
 */
int dropin_read_service(const struct dropin_files *files, const char *skip,
			struct dropin_service *out, dropin_warn_fn warn,
			void *ctx);

void dropin_service_free(struct dropin_service *svc);

/*
 * Our drop-in's text. preload and godebug are the merged values, spelled
 * as in a unit file; created lists the directories `enable` made (shown
 * as seen from inside the root) so that `disable` can remove them again.
 */
char *dropin_render_service(const char *preload, const char *godebug,
			    char *const *created, size_t n_created);

/* The .socket drop-in: the listener itself becomes MPTCP. */
char *dropin_render_socket(char *const *created, size_t n_created);

/* The directories a drop-in records as its own ("# created: DIR" lines). */
int dropin_created_dirs(const char *text, char ***dirs, size_t *n);

/*
 * Writes text to dir/name through a temporary file in dir: write, fsync,
 * chmod 0644, rename over name, fsync dir. Returns 0, or -1 with errno.
 */
int dropin_write_atomic(const char *dir, const char *name, const char *text);

/*
 * A unit file or drop-in opened for reading only if it is a regular file
 * (a FIFO is never waited on; a directory, FIFO or device is skipped, as
 * systemd skips them); NULL with errno otherwise.
 */
FILE *dropin_open_regular(const char *path);

/* Reads a whole (small) regular file; NULL with errno on failure. */
char *dropin_read_text(const char *path);

/* The same from an open stream, which it closes. */
char *dropin_read_stream(FILE *f);

/*
 * Our drop-in at path, read without following a link: 0 with *text (NULL
 * when there is no file), DROPIN_FOREIGN when the file there is not ours
 * (a link, not a regular file, or without the header `enable` writes:
 * someone else's file of the same name, never to be overwritten or
 * removed), or -1 with errno.
 */
#define DROPIN_FOREIGN 1
int dropin_read_own(const char *path, char **text);

/* The lists above are strv vectors (strbuf.h); this frees one. */
static inline void dropin_strv_free(char **v, size_t n)
{
	strv_free(v, n);
}

#endif
