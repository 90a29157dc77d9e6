/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one writer of stats records (format: stats_record.h), for the
 * library, which reports on its own process, and for the seccomp
 * supervisor, which reports on a trapped task. What differs between the two
 * (whose pid and program, which descriptor the record goes to) is the
 * writer's emit function; which events exist, their names and their fields
 * are decided here only.
 */
#ifndef MPTCPSHIM_STATS_EVENTS_H
#define MPTCPSHIM_STATS_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

enum stats_socket_outcome {
	STATS_OUTCOME_CONVERTED,	 /* created as MPTCP */
	STATS_OUTCOME_KEPT_TCP_POLICY,	 /* left TCP by the policy */
	STATS_OUTCOME_CREATION_FALLBACK, /* MPTCP refused at socket(): err */
};

/* A record's fields; emit formats (stats_format_record) and writes it. */
struct stats_writer {
	void (*emit)(const struct stats_writer *w, const char *event, int fd,
		     const char *a, long b, const char *text);
};

/* Every TCP candidate socket() seen, with what was done. */
void stats_socket(const struct stats_writer *w, int fd,
		  enum stats_socket_outcome outcome, int err,
		  const char *reason);
/* A socket switched between protocols at connect/listen/option time. */
void stats_switch(const struct stats_writer *w, int fd, bool to_mptcp,
		  const char *why);
/* A connection's handshake outcome (mptcp = still MPTCP), once. */
void stats_handshake(const struct stats_writer *w, int fd, bool mptcp,
		     bool accepted);
/* At close of an MPTCP socket: the extra subflows MPTCP_INFO reported. */
void stats_subflows(const struct stats_writer *w, int fd,
		    unsigned extra_subflows);
/* An option MPTCP refused: rescued (socket rebuilt as TCP) or ignored. */
void stats_option(const struct stats_writer *w, int fd, int level,
		  int optname, bool rescued);
/* Policy keepalive applied to a socket (only once it truly was). */
void stats_keepalive(const struct stats_writer *w, int fd);
/* A log line the program's stderr could not take. */
void stats_warning(const struct stats_writer *w, const char *message);

/*
 * One record line into buf (len >= STATS_RECORD_MAX): program and text
 * with control bytes replaced. Returns its length, or -1 if it does not fit.
 */
int stats_format_record(char *buf, size_t len, long pid, const char *program,
			const char *event, int fd, const char *a, long b,
			const char *text);

/* src with control bytes as '?', cut to len - 1 bytes (NULL: empty). */
void stats_clean_copy(char *dst, size_t len, const char *src);

#endif
