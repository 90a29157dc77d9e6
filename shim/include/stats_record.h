/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stats record format, shared by the one writer (shim/rules/stats_events.c,
 * used by the library and the seccomp supervisor) and the reader
 * (cli/run/runstats.c) so that they cannot disagree.
 *
 * $MPTCPSHIM_STATS is a private directory made by `mptcpshim run --stats`.
 * Every process appends to STATS_RECORDS_FILE in it, one record per write(2)
 * (O_APPEND, at most STATS_RECORD_MAX bytes, so records never interleave):
 *
 *   v1 TAB pid TAB program TAB event TAB fd TAB a TAB b TAB text LF
 *
 * program is the basename of /proc/self/exe; program and text never hold
 * TAB, LF or other control bytes (replaced by '?'). Events and fields:
 *   socket     a = converted | kept_tcp | creation_fallback, b = errno,
 *              text = the policy's reason
 *   switch     a = mptcp | tcp (the new protocol), text = why
 *   handshake  a = mptcp | tcp (what the connection runs), b = 1 if
 *              accepted (server side), 0 if connected
 *   subflows   a = extra subflows MPTCP_INFO reported at close
 *   option     a = level, b = optname, text = rescued | ignored
 *   keepalive  (no fields)
 *   warning    fd = -1, text = a log line that could not go to the
 *              program's stderr (a socket there, or not the stderr it was
 *              given); also sent to the system log
 * Unused fields are 0 or empty.
 */
#ifndef MPTCPSHIM_STATS_RECORD_H
#define MPTCPSHIM_STATS_RECORD_H

#define STATS_RECORDS_FILE "records"

/* The event names and their values, written by shim/rules/stats_events.c
 * (for the library and the seccomp route alike) and read by runstats.c. */
#define STATS_EV_SOCKET "socket"
#define STATS_EV_SWITCH "switch"
#define STATS_EV_HANDSHAKE "handshake"
#define STATS_EV_SUBFLOWS "subflows"
#define STATS_EV_OPTION "option"
#define STATS_EV_KEEPALIVE "keepalive"
#define STATS_EV_WARNING "warning"
#define STATS_SOCKET_CONVERTED "converted"
#define STATS_SOCKET_KEPT_TCP "kept_tcp"
#define STATS_SOCKET_CREATION_FALLBACK "creation_fallback"
#define STATS_PROTO_MPTCP "mptcp"
#define STATS_PROTO_TCP "tcp"
#define STATS_OPTION_RESCUED "rescued"
#define STATS_OPTION_IGNORED "ignored"
#define STATS_RECORD_VERSION "v1"
#define STATS_RECORD_MAX 640
#define STATS_PROGRAM_MAX 64
#define STATS_TEXT_MAX 420

#endif
