/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state `enable`, `disable` and `status` share (struct sd), and the
 * pieces each sd_*.c file offers the others.
 */
#ifndef MPTCPSHIM_SD_CONTEXT_H
#define MPTCPSHIM_SD_CONTEXT_H

#include <limits.h>
#include <stdbool.h>

#include "dropin.h"
#include "output.h"
#include "unitname.h"

enum which { DO_ENABLE, DO_DISABLE, DO_STATUS };

struct sd {
	enum which which;
	const char *cmd;
	bool user, now, dry_run, socket, json;
	const char *root;		/* "" unless --root */
	struct unitname unit;
	struct unitname socket_unit;
	struct dropin_paths paths;
	char *config_home, *data_home;
	char unit_dir[PATH_MAX];	/* as seen inside the root */
	bool systemd_running;
	char library[PATH_MAX];
	char *library_unit;		/* library with '%' escaped */
	struct out *out;		/* standard output (output.h) */
};

/* Directory and file of a unit's drop-in, inside the root and on disk. */
struct target {
	const struct unitname *unit;
	char dir_shown[PATH_MAX];
	char dir[PATH_MAX];
	char file[PATH_MAX];
};

/* sd_context.c */

/* The .socket unit that activates unit (foo@1.service: foo.socket). */
int sd_socket_unit_for(const struct unitname *unit, struct unitname *out);

/* Paths, manager and library after the options are parsed: a CLI_* code. */
int sd_setup(struct sd *sd);

void sd_free(struct sd *sd);

/* Fills t for unit's drop-in; -1 (said on stderr) when a path is too long. */
int sd_target_init(const struct sd *sd, const struct unitname *unit,
		   struct target *t);

/*
 * Our drop-in for t: 0 with *text (NULL when absent); a file of the same
 * name that is not ours (DROPIN_FOREIGN) or unreadable (-1) is refused
 * with the reason on stderr, and must be left as it is.
 */
int sd_read_own(const struct sd *sd, const struct target *t, char **text);

/* Whether to ask the running manager about unit rather than read files. */
bool sd_ask_systemd(const struct sd *sd, const struct unitname *unit);

/* Whether unit exists (loaded, or a fragment that is not masked). */
int sd_unit_exists(const struct sd *sd, const struct unitname *unit);

/* sd_systemctl.c */

/* `systemctl [--user] VERB [-- UNIT]`, echoed first unless quiet_echo. */
int sd_systemctl(const struct sd *sd, const char *verb, const char *unit,
		 bool quiet_echo);

/* `systemctl show -p PROP --value UNIT` without the trailing newline;
 * malloc'd, or NULL. */
char *sd_property(const struct sd *sd, const char *prop, const char *unit);

/* The running systemd's version, or 0 when unknown. */
int sd_systemd_version(void);

/*
 * daemon-reload (+ restart) when a manager runs; otherwise say how.
 * cycle_socket: the .socket's drop-in changed, so its listener must be
 * created anew.
 */
int sd_apply(const struct sd *sd, bool changed, const char *restart,
	     bool cycle_socket);

/* The commands, each returning a CLI_* code. */
int sd_enable(struct sd *sd);
int sd_disable(struct sd *sd);
int sd_status(struct sd *sd);

#endif
