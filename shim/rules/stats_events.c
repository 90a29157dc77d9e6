// SPDX-License-Identifier: BSD-3-Clause
/* Stats events as records: names and fields decided once (stats_record.h). */
#include <stdio.h>

#include "stats_events.h"
#include "stats_record.h"

void stats_clean_copy(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	for (; src && src[i] && i + 1 < len; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[i] = '\0';
}

int stats_format_record(char *buf, size_t len, long pid, const char *program,
			const char *event, int fd, const char *a, long b,
			const char *text)
{
	char clean[STATS_TEXT_MAX], prog[STATS_PROGRAM_MAX];
	int n;

	stats_clean_copy(clean, sizeof(clean), text);
	stats_clean_copy(prog, sizeof(prog), program);
	n = snprintf(buf, len, "%s\t%ld\t%s\t%s\t%d\t%s\t%ld\t%s\n",
		     STATS_RECORD_VERSION, pid, prog, event, fd, a ? a : "", b,
		     clean);
	return n > 0 && (size_t)n < len ? n : -1;
}

void stats_socket(const struct stats_writer *w, int fd,
		  enum stats_socket_outcome outcome, int err,
		  const char *reason)
{
	static const char *const names[] = {
		[STATS_OUTCOME_CONVERTED] = STATS_SOCKET_CONVERTED,
		[STATS_OUTCOME_KEPT_TCP_POLICY] = STATS_SOCKET_KEPT_TCP,
		[STATS_OUTCOME_CREATION_FALLBACK] =
			STATS_SOCKET_CREATION_FALLBACK,
	};

	if ((unsigned)outcome >= sizeof(names) / sizeof(names[0]))
		return;
	w->emit(w, STATS_EV_SOCKET, fd, names[outcome], err, reason);
}

void stats_switch(const struct stats_writer *w, int fd, bool to_mptcp,
		  const char *why)
{
	w->emit(w, STATS_EV_SWITCH, fd,
		to_mptcp ? STATS_PROTO_MPTCP : STATS_PROTO_TCP, 0, why);
}

void stats_handshake(const struct stats_writer *w, int fd, bool mptcp,
		     bool accepted)
{
	w->emit(w, STATS_EV_HANDSHAKE, fd,
		mptcp ? STATS_PROTO_MPTCP : STATS_PROTO_TCP, accepted, NULL);
}

void stats_subflows(const struct stats_writer *w, int fd,
		    unsigned extra_subflows)
{
	char a[16];

	snprintf(a, sizeof(a), "%u", extra_subflows);
	w->emit(w, STATS_EV_SUBFLOWS, fd, a, 0, NULL);
}

void stats_option(const struct stats_writer *w, int fd, int level,
		  int optname, bool rescued)
{
	char a[16];

	snprintf(a, sizeof(a), "%d", level);
	w->emit(w, STATS_EV_OPTION, fd, a, optname,
		rescued ? STATS_OPTION_RESCUED : STATS_OPTION_IGNORED);
}

void stats_keepalive(const struct stats_writer *w, int fd)
{
	w->emit(w, STATS_EV_KEEPALIVE, fd, NULL, 0, NULL);
}

void stats_warning(const struct stats_writer *w, const char *message)
{
	w->emit(w, STATS_EV_WARNING, -1, NULL, 0, message);
}
