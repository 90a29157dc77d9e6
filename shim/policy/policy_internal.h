/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the policy_*.c files share: the key table (one X-macro list drives
 * parsing, defaults and, through policy_walk.c, `policy show`), the parsed
 * representation and the address/port rule types.
 */
#ifndef MPTCPSHIM_POLICY_INTERNAL_H
#define MPTCPSHIM_POLICY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "name_index.h"
#include "policy.h"

/* Sections a key may appear in (bit set). */
enum {
	SEC_GLOBAL = 1,
	SEC_KEEPALIVE = 2,
	SEC_DESTINATIONS = 4,
	SEC_APP = 8,
};

enum key_type {
	KT_BOOL,
	KT_MODE,	/* all | listed */
	KT_UNSUP,	/* tcp | ignore | fail | auto */
	KT_LOG,		/* error | warn | info | debug */
	KT_INT,		/* decimal, within [min, max] */
	KT_CIDRS,	/* list of ADDR[/LEN], IPv4 and IPv6 */
	KT_PORTS,	/* list of PORT or LO-HI */
};

enum policy_mode { POLICY_MODE_ALL = 0, POLICY_MODE_LISTED = 1 };

/*
 * X(ID, SECTION, NAME, APP_NAME, TYPE, DEFAULT, MIN, MAX, HELP)
 * NAME is the key in SECTION ("": only in [app:NAME]); APP_NAME is the
 * key inside [app:NAME] ("": not allowed there). An app's value wins
 * over the section's for that program. HELP is shown by `policy show`.
 */
#define POLICY_KEYS(X)                                                         \
	X(MODE, SEC_GLOBAL, "mode", "", KT_MODE, POLICY_MODE_ALL, 0, 0,        \
	  "all: every program; listed: only programs with [app:NAME]")         \
	X(UNSUPPORTED, SEC_GLOBAL, "unsupported_option", "unsupported_option", \
	  KT_UNSUP, POLICY_UNSUP_AUTO, 0, 0,                                   \
	  "option MPTCP refuses: auto (per-option table), tcp, ignore, fail") \
	X(LOG, SEC_GLOBAL, "log", "", KT_LOG, 1, 0, 0,                         \
	  "shim log level (MPTCPSHIM_LOG overrides)")                          \
	X(CONNECT, SEC_GLOBAL, "connect", "connect", KT_BOOL, 1, 0, 0,         \
	  "convert outgoing (connecting) sockets")                             \
	X(LISTEN, SEC_GLOBAL, "listen", "listen", KT_BOOL, 1, 0, 0,            \
	  "convert listening sockets")                                         \
	X(ENABLED, 0, "", "enabled", KT_BOOL, 1, 0, 0,                         \
	  "false: leave this program alone")                                   \
	X(KA_ENABLED, SEC_KEEPALIVE, "enabled", "keepalive.enabled", KT_BOOL,  \
	  0, 0, 0, "set SO_KEEPALIVE and the timers below")                    \
	X(KA_IDLE, SEC_KEEPALIVE, "idle", "keepalive.idle", KT_INT, 60, 1,     \
	  32767, "seconds idle before the first probe")                        \
	X(KA_INTERVAL, SEC_KEEPALIVE, "interval", "keepalive.interval", KT_INT,\
	  10, 1, 32767, "seconds between probes")                              \
	X(KA_COUNT, SEC_KEEPALIVE, "count", "keepalive.count", KT_INT, 6, 1,   \
	  127, "unanswered probes before the connection drops")                \
	X(KA_ALL_TCP, SEC_KEEPALIVE, "all_tcp", "keepalive.all_tcp", KT_BOOL,  \
	  0, 0, 0, "also plain TCP sockets, not only MPTCP ones")              \
	X(INCLUDE, SEC_DESTINATIONS, "include", "include", KT_CIDRS, 0, 0, 0,  \
	  "only these addresses (empty: every address)")                       \
	X(EXCLUDE, SEC_DESTINATIONS, "exclude", "exclude", KT_CIDRS, 0, 0, 0,  \
	  "never these addresses (beats include)")                             \
	X(PORTS, SEC_DESTINATIONS, "ports", "ports", KT_PORTS, 0, 0, 0,        \
	  "only these ports (empty: every port)")

#define POLICY_KEY_ENUM(id, ...) KEY_##id,
enum policy_key { POLICY_KEYS(POLICY_KEY_ENUM) KEY_COUNT };
#undef POLICY_KEY_ENUM

/* Names in place, not pointed to: a table of pointers costs every process
 * that loads the shim a relocation per entry. */
#define KEY_NAME_MAX 20

struct key_info {
	int sections;
	char name[KEY_NAME_MAX];
	char app_name[KEY_NAME_MAX];
	enum key_type type;
	int def;
	int min, max;
	const char *help;
};

extern const struct key_info policy_key_info[KEY_COUNT];

/* Per-option prefix: "unsupported_option.TCP_USER_TIMEOUT". */
#define POLICY_OPT_PREFIX "unsupported_option."

struct cidr {
	uint8_t family;		/* AF_INET or AF_INET6; v4-mapped as AF_INET */
	uint8_t prefix_len;
	uint8_t addr[16];	/* network order; host bits zero */
	struct policy_origin origin;
};

struct port_range {
	uint16_t lo, hi;
	struct policy_origin origin;
};

struct rule_list {
	size_t count, cap;
	union {
		struct cidr *cidrs;
		struct port_range *ports;
		void *items;
	};
};

/* Largest members first: every [app:NAME] holds KEY_COUNT of these. */
struct setting {
	struct policy_origin origin;
	struct rule_list list;	/* KT_CIDRS, KT_PORTS */
	int value;		/* scalars */
	bool set;
};

struct opt_mode {
	int level, optname;
	enum policy_unsupported mode;
	struct policy_origin origin;
};

struct settings {
	struct setting key[KEY_COUNT];
	struct opt_mode *opts;
	size_t n_opts, cap_opts;
};

struct policy_app {
	char *name;
	struct policy_origin origin;	/* the section header */
	struct settings s;
};

struct source_record {
	const char *file;
	bool used;
};

/* A parsed file, and the merged policy: the same shape. */
struct policy {
	struct settings global;
	struct policy_app *apps;
	size_t n_apps, cap_apps;
	struct name_index app_index;	/* name -> index in apps */
	/* Owned file names that origins point to, and what was loaded. */
	char **files;
	size_t n_files, cap_files;
	struct source_record *sources;
	size_t n_sources, cap_sources;
};


/* What else policy_parse_with() does: on_section sees every section
 * header line (name, line, byte offset; false: out of memory), for the
 * compiled index; segs, when set, are read instead of the stream. */
typedef bool (*policy_section_fn)(void *ctx, const char *name, unsigned line,
				  size_t offset);
struct ini_segment;
struct policy_parse_opts {
	policy_section_fn on_section;
	void *section_ctx;
	const struct ini_segment *segs;
	size_t n_segs;
};
int policy_parse_with(FILE *in, const struct policy_parse_opts *opts,
		      const char *file, policy_diag_fn diag, void *ctx,
		      struct policy **out);

/* policy_parse.c: parses in into a fresh struct policy holding only what
 * the text sets; file must outlive the result. Returns the number of
 * problems, -1 when out of memory (*out NULL). */
static inline int policy_parse(FILE *in, const char *file,
			       policy_diag_fn diag, void *ctx,
			       struct policy **out)
{
	return policy_parse_with(in, NULL, file, diag, ctx, out);
}

/* policy_model.c */
void policy_settings_init_defaults(struct settings *s);
void policy_settings_release(struct settings *s);
bool policy_grow(void **items, size_t *cap, size_t count, size_t size);
/* NAME in [app:NAME] and apps.d/NAME.conf: a file name, not a path. */
bool policy_program_name_ok(const char *name);

/* policy_check.c: formats a rule for show; buf must hold
 * INET6_ADDRSTRLEN + 5 bytes. */
void policy_cidr_format(const struct cidr *c, char *buf, size_t len);
void policy_ports_format(const struct port_range *p, char *buf, size_t len);

/* policy_file.c */
/* Reports message about file through diag (if any), as a whole-file one. */
void policy_report(policy_diag_fn diag, void *ctx, const char *file,
		   const char *message);
/* Opens path read-only if it passes the safety rules (owner and mode only
 * when check_owner). Returns the fd; -1 after reporting a problem (counted
 * in *problems); -2 if it does not exist; -3 after reporting that it
 * cannot be opened or examined. st_out (if not NULL) gets its fstat. */
struct stat;
int policy_open_checked(const char *path, bool check_owner,
			policy_diag_fn diag, void *ctx, int *problems,
			struct stat *st_out);
/* The same with another size limit (a compiled index's). */
int policy_open_checked_max(const char *path, bool check_owner,
			    long long max_size, policy_diag_fn diag, void *ctx,
			    int *problems, struct stat *st_out);

/* policy_cidr.c */
/* Parses "ADDR" or "ADDR/LEN"; returns NULL or a static error message. */
const char *policy_cidr_parse(const char *text, struct cidr *out);
/* Parses "PORT" or "LO-HI"; returns NULL or a static error message. */
const char *policy_ports_parse(const char *text, struct port_range *out);
/* Reduces a sockaddr to family/address/port (v4-mapped -> AF_INET).
 * Returns false for anything but a full AF_INET/AF_INET6 address. */
bool policy_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len,
			       uint8_t *family, uint8_t addr[16],
			       uint16_t *port);
const struct cidr *policy_cidr_match(const struct rule_list *list,
				     uint8_t family, const uint8_t addr[16]);
const struct port_range *policy_port_match(const struct rule_list *list,
					   uint16_t port);

/* policy_model.c: value names, for the parser and `policy show`; the
 * index of value in names (count of them), or -1. */
int policy_name_index(const char *value, const char *const *names,
		      size_t count);
extern const char *const policy_mode_names[2];
extern const char *const policy_unsup_names[4];
extern const char *const policy_log_names[4];

#endif
