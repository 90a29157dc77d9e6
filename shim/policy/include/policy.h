/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy model: parsed once from INI files, immutable afterwards, and
 * shared by the shim (which acts on it) and the CLI (`policy check|explain|
 * show`), so that what the CLI predicts is what the shim does. Printing is
 * the CLI's (policy_walk.h gives it the settings to print).
 *
 * Memory: policy_load() allocates; nothing else here allocates, so the
 * decision functions are safe on the shim's hot and fork-child paths.
 */
#ifndef MPTCPSHIM_POLICY_H
#define MPTCPSHIM_POLICY_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

enum policy_choice { POLICY_TCP = 0, POLICY_MPTCP = 1 };

/* What to do when MPTCP refuses a socket option that TCP accepts. */
enum policy_unsupported {
	POLICY_UNSUP_TCP = 0,	/* rebuild the socket as TCP, then apply */
	POLICY_UNSUP_IGNORE,	/* report success, remember the value */
	POLICY_UNSUP_FAIL,	/* hand the kernel's error to the app */
	POLICY_UNSUP_AUTO,	/* default: the built-in per-option table
				 * (option_table.h) picks one of the above */
};

enum policy_role { POLICY_CONNECT = 0, POLICY_LISTEN = 1 };

/* Where a decision or a setting came from; file == NULL: built-in default. */
struct policy_origin {
	const char *file;
	unsigned line;
};

struct policy_decision {
	enum policy_choice choice;
	struct policy_origin origin;
	const char *reason;	/* static or owned by the policy; never freed */
};

struct policy_keepalive {
	bool enabled;
	bool all_tcp;		/* also plain TCP sockets, not only MPTCP */
	int idle, interval, count;	/* seconds, seconds, probes */
};

/*
 * One program's view of the policy, resolved once per process. The shim
 * reads the flat fields on its hot path; the pointer is for the slow
 * per-destination decisions.
 *
 * initial: what policy_decide(POLICY_CONNECT) gives an address that no
 *   rule mentions: TCP when the program is off (mode = listed without a
 *   section, or enabled = false) or connect = false, or when an include or
 *   ports list is set (connect() then converts the matches); else MPTCP.
 * decide_at_connect: the program is on, connect = true and an include,
 *   exclude or ports list is set (conservative: may be true when every
 *   address happens to get the same answer).
 * decide_at_listen: listen = true and a destination list is set, or the
 *   listen answer for an unmentioned address differs from initial (e.g.
 *   connect = false, listen = true); with listen = false or the program
 *   off: true iff initial is MPTCP.
 */
struct policy_view {
	const struct policy *policy;
	const void *app;		/* the matching [app:NAME], or NULL */
	struct policy_decision initial;	/* protocol to create at socket() */
	bool decide_at_connect;		/* connect() may need the other protocol */
	bool decide_at_listen;		/* listen() may need the other protocol */
	enum policy_unsupported unsupported;	/* default for any option */
	bool per_option_unsupported;	/* some option has its own mode */
	struct policy_keepalive keepalive;
	/* Additions (policy module): */
	int log_level;		/* [global] log: 0 error .. 3 debug; -1 unset */
	const char *app_name;	/* NAME of the matching [app:NAME], or NULL */
	struct policy_origin app_origin;	/* its (last) section header */
};

/* Where policy_load() looks, in increasing precedence; NULL entries skipped. */
struct policy_sources {
	const char *system_file;	/* ${sysconfdir}/mptcpshim/mptcpshim.conf */
	const char *apps_dir;		/* ${sysconfdir}/mptcpshim/apps.d */
	const char *user_file;		/* $XDG_CONFIG_HOME/...; NULL if secure */
	const char *env_file;		/* $MPTCPSHIM_CONFIG; NULL if secure */
	const char *const *program_names; /* NULL-terminated; apps.d/<name>.conf */
	/* Read big files through their compiled index (policy_index.h), for
	 * program_names only: the shim's way. `policy check`/`explain` read
	 * every file whole. */
	bool use_index;
};

/* One problem found while loading; file:line when known (line 0: whole file). */
typedef void (*policy_diag_fn)(void *ctx, const char *file, unsigned line,
			       const char *message);

struct policy;

/*
 * Loads every existing source in order. A file that is unsafe (writable by
 * group/others, owned by another user, not regular, > 1 MiB) or has any error
 * is reported through diag and ignored as a whole. Returns NULL only when out
 * of memory (errno set); an empty policy is the built-in defaults.
 */
struct policy *policy_load(const struct policy_sources *src,
			   policy_diag_fn diag, void *ctx);

/* Parses one file with no safety checks of ownership; for `policy check`.
 * Returns the number of problems reported (0 = clean), -1 if unreadable. */
int policy_check_file(const char *path, policy_diag_fn diag, void *ctx);

void policy_free(struct policy *policy);

/* Resolves the view for a program known by any of the NULL-terminated names. */
void policy_resolve(const struct policy *policy, const char *const *names,
		    struct policy_view *view);

/*
 * The protocol for a socket that connects to (peer address) / listens on
 * (local address it is bound to) addr. Rules, first match decides:
 * program off -> role off -> exclude -> include (if set) -> ports (if set)
 * -> MPTCP. origin is the deciding rule: the matching list entry's
 * file:line, the include/ports key's line when the address is not in it,
 * or the key that turned the program/role off; for an unrestricted MPTCP,
 * the connect/listen key, the app's enabled key or section header, the
 * mode key, or NULL (built-in default). A NULL addr, or one that is not a
 * full AF_INET/AF_INET6 sockaddr, keeps initial's choice with reason
 * "kept as created: ...". v4-mapped IPv6 is matched as IPv4. No allocation,
 * no lock, no syscall.
 */
struct policy_decision policy_decide(const struct policy_view *view,
				     enum policy_role role,
				     const struct sockaddr *addr,
				     socklen_t addrlen);

/* The unsupported_option mode for one (level, optname); may be
 * POLICY_UNSUP_AUTO, which policy_option_action() (option_table.h)
 * turns into tcp, ignore or fail for a given value. */
enum policy_unsupported policy_unsupported_for(const struct policy_view *view,
					       int level, int optname);

/* ---- Additions of the policy module ---- */

/* Largest policy file accepted, in bytes. */
#define POLICY_MAX_FILE_SIZE (1024 * 1024)

/*
 * Fills src with the standard locations so that the shim and the CLI read
 * the same files: system file and apps.d under MPTCPSHIM_SYSCONFDIR; the
 * user file from $XDG_CONFIG_HOME (absolute) or $HOME/.config, formatted
 * into user_buf; env_file from $MPTCPSHIM_CONFIG (NULL when empty). When
 * secure (AT_SECURE), user_file and env_file are NULL and the environment
 * is not read at all. program_names is stored as is (may be NULL).
 * Returns false when the user file's path does not fit in user_buf.
 */
bool policy_sources_default(struct policy_sources *src,
			    const char *const *program_names, bool secure,
			    char *user_buf, size_t user_buf_len);

/* The variables policy_sources_default() reads, for a caller that has
 * them already (the shim reads its environment in one pass). */
struct policy_env {
	const char *xdg_config_home;	/* $XDG_CONFIG_HOME */
	const char *home;		/* $HOME */
	const char *config;		/* $MPTCPSHIM_CONFIG */
};
bool policy_sources_from(struct policy_sources *src,
			 const char *const *program_names, bool secure,
			 const struct policy_env *env, char *user_buf,
			 size_t user_buf_len);

/*
 * The checks policy_load() makes before it parses a file (regular file, at
 * most POLICY_MAX_FILE_SIZE, not writable by group/others, owned by root
 * or the effective user, readable). Returns the number of problems
 * reported through diag (0: safe); -1 with nothing reported if the file
 * does not exist (errno ENOENT/ENOTDIR).
 */
int policy_file_safety(const char *path, policy_diag_fn diag, void *ctx);

/* policy_check_file() for an open stream; name is used in messages.
 * Returns the number of problems (0 = clean). */
int policy_check_stream(FILE *in, const char *name, policy_diag_fn diag,
			void *ctx);

/*
 * Built-in defaults with one stream on top (ignored as a whole if it has
 * any problem), without file safety checks: for tests, the fuzzer and
 * tools that hold the text already. NULL only when out of memory.
 */
struct policy *policy_load_stream(FILE *in, const char *name,
				  policy_diag_fn diag, void *ctx);

/* Every file policy_load() looked at, in order; used == false: ignored
 * (unsafe or erroneous; the diag said why). */
typedef void (*policy_source_fn)(void *ctx, const char *file, bool used);
void policy_for_each_source(const struct policy *policy, policy_source_fn fn,
			    void *ctx);

/*
 * For a program only reachable as a whole (Go's GODEBUG=multipathtcp):
 * whether the program is converted and the role on, i.e. whether some
 * socket of that role may get MPTCP; and whether include/exclude/ports
 * rules are set, which such a program cannot follow.
 */
bool policy_role_possible(const struct policy_view *view,
			  enum policy_role role);
bool policy_has_destination_rules(const struct policy_view *view);
/*
 * Whether the program's names can change the view: the policy has an
 * [app:NAME] section, or the sources have an apps.d directory with any
 * NAME.conf in it. When not, one view serves every program (the seccomp
 * supervisor then needs no names from /proc).
 */
bool policy_names_matter(const struct policy *policy,
			 const struct policy_sources *src);
/* The connect/listen key alone, whether or not the program is converted:
 * for settings that serve every program (`mptcpshim env`). */
bool policy_role_on(const struct policy_view *view, enum policy_role role);

/* "tcp"/"mptcp" and "tcp"/"ignore"/"fail"/"auto", for messages. */
const char *policy_choice_name(enum policy_choice choice);
const char *policy_unsupported_name(enum policy_unsupported mode);

#endif
