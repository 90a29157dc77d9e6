// SPDX-License-Identifier: BSD-3-Clause
/*
 * One notification at a time: the trapped task waits in the kernel while we
 * decide. Every path ends in exactly one answer, and every doubt (policy
 * TCP, MPTCP refused, another namespace we may not enter, a full fd table)
 * ends in CONTINUE, so the task's own socket() runs and it sees exactly
 * what the kernel would have given it without the route.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"
#include "seccomp_filter.h"
#include "seccomp_landlock.h"
#include "seccomp_supervisor.h"
#include "seccomp_task.h"
#include "uapi_compat.h"

/* The kernel rejects any other type bit with EINVAL; let it say so. */
#define KNOWN_TYPE_BITS (0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)

struct supervisor {
	int listener;
	bool debug;
	bool stats;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size, resp_size;
};

static void say(const struct supervisor *s, const struct seccomp_task *t,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(const struct supervisor *s, const struct seccomp_task *t,
		const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (!s->debug)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	cli_error("run", "seccomp route: pid %d %s (%s): %s", (int)t->tgid,
		  t->exe_name[0] ? t->exe_name : "?", t->argv0_name, line);
}

static void answer_continue(const struct supervisor *s, __u64 id)
{
	memset(s->resp, 0, s->resp_size);
	s->resp->id = id;
	s->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the task went away (or a signal took it) meanwhile. */
	ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, s->resp);
}

static bool still_pending(const struct supervisor *s, __u64 id)
{
	return ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* The policy's keepalive, as the shim sets it on a converted socket. */
static bool apply_keepalive(int fd, const struct policy_keepalive *ka)
{
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) == 0 &&
	       setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &ka->idle,
			  sizeof(ka->idle)) == 0 &&
	       setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &ka->interval,
			  sizeof(ka->interval)) == 0 &&
	       setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &ka->count,
			  sizeof(ka->count)) == 0;
}

static void fallback(const struct supervisor *s, const struct seccomp_task *t,
		     __u64 id, int err, const char *why)
{
	if (s->stats)
		seccomp_record(t, "socket", -1, "creation_fallback", err, why);
	say(s, t, "TCP (%s: %s)", why, strerror(err));
	answer_continue(s, id);
}

/* Makes the MPTCP socket and installs it in the task as its result. */
static void convert(const struct supervisor *s, const struct seccomp_task *t,
		    const struct policy_view *view, __u64 id, int domain,
		    int type)
{
	struct seccomp_notif_addfd addfd = { .id = id };
	int sock, err, target;

	err = seccomp_task_enter_netns(t);
	if (err) {
		fallback(s, t, id, err, "cannot enter its network namespace");
		return;
	}
	/* O_NONBLOCK lives on the open file, which the task will share. */
	sock = socket(domain, (type & ~SOCK_CLOEXEC) | SOCK_CLOEXEC,
		      IPPROTO_MPTCP);
	if (sock < 0) {
		fallback(s, t, id, errno, "MPTCP refused");
		return;
	}
	if (view->keepalive.enabled && !apply_keepalive(sock, &view->keepalive))
		say(s, t, "keepalive policy refused: %s", strerror(errno));
	addfd.srcfd = (__u32)sock;
	addfd.flags = SECCOMP_ADDFD_FLAG_SEND;
	addfd.newfd_flags = (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0;
	target = ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
	err = errno;
	close(sock);
	if (target < 0) {
		/* ENOENT: gone or interrupted, no answer is owed. Otherwise
		 * (EMFILE...) its own socket() gives it the kernel's errno. */
		if (err != ENOENT)
			fallback(s, t, id, err, "cannot install the socket");
		return;
	}
	if (s->stats) {
		seccomp_record(t, "socket", target, "converted", 0,
			       view->initial.reason);
		if (view->keepalive.enabled)
			seccomp_record(t, "keepalive", target, NULL, 0, NULL);
	}
	say(s, t, "socket(%s, SOCK_STREAM%s%s) = %d: MPTCP",
	    domain == AF_INET ? "AF_INET" : "AF_INET6",
	    type & SOCK_NONBLOCK ? "|SOCK_NONBLOCK" : "",
	    type & SOCK_CLOEXEC ? "|SOCK_CLOEXEC" : "", target);
}

static void handle(const struct supervisor *s)
{
	const struct seccomp_notif *req = s->req;
	int domain = (int)req->data.args[0];
	int type = (int)req->data.args[1];
	const struct policy_view *view;
	struct seccomp_task t;

	if (req->data.nr != __NR_socket) {
		/* landlock_restrict_self: the task's own call runs. */
		int swapped = seccomp_landlock_noted(s->listener, req->id,
						     (pid_t)req->pid);

		if (s->debug)
			cli_error("run", "seccomp route: pid %d restricts "
				  "itself with Landlock: later sockets TCP, "
				  "%d unused MPTCP socket(s) made TCP",
				  (int)req->pid, swapped);
		answer_continue(s, req->id);
		return;
	}
	if (type & ~KNOWN_TYPE_BITS) {
		answer_continue(s, req->id);
		return;
	}
	if (seccomp_task_read((pid_t)req->pid, s->stats, &t) != 0) {
		answer_continue(s, req->id);
		return;
	}
	/* Everything read from /proc above belongs to the trapped task only
	 * if its notification is still pending: pids are reused. */
	if (!still_pending(s, req->id))
		return;
	view = seccomp_policy_for(&t);
	if (seccomp_landlock_restricted()) {
		if (s->stats)
			seccomp_record(&t, "socket", -1, "kept_tcp", 0,
				       SHIM_LANDLOCK_REASON);
		say(s, &t, "TCP (%s)", SHIM_LANDLOCK_REASON);
		answer_continue(s, req->id);
	} else if (view->initial.choice != POLICY_MPTCP) {
		if (s->stats)
			seccomp_record(&t, "socket", -1, "kept_tcp", 0,
				       view->initial.reason);
		say(s, &t, "TCP by policy (%s)", view->initial.reason);
		answer_continue(s, req->id);
	} else {
		convert(s, &t, view, req->id, domain, type);
	}
}

static int alloc_buffers(struct supervisor *s)
{
	struct seccomp_notif_sizes sizes = { 0 };

	/* The kernel's structs may be larger than our headers' ones. */
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0)
		return -1;
	s->req_size = sizes.seccomp_notif > sizeof(*s->req) ?
			      sizes.seccomp_notif : sizeof(*s->req);
	s->resp_size = sizes.seccomp_notif_resp > sizeof(*s->resp) ?
			       sizes.seccomp_notif_resp : sizeof(*s->resp);
	s->req = calloc(1, s->req_size);
	s->resp = calloc(1, s->resp_size);
	return s->req && s->resp ? 0 : -1;
}

void seccomp_supervise(int listener_fd, bool debug)
{
	struct supervisor s = { .listener = listener_fd, .debug = debug };

	if (alloc_buffers(&s) != 0)
		goto out;
	seccomp_record_open();
	s.stats = getenv("MPTCPSHIM_STATS") != NULL;
	for (;;) {
		struct pollfd p = { .fd = listener_fd, .events = POLLIN };

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		/* POLLHUP: the last task using the filter is gone. */
		if (!(p.revents & POLLIN))
			break;
		memset(s.req, 0, s.req_size);
		if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_RECV, s.req) != 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			break;
		}
		handle(&s);
	}
out:
	free(s.req);
	free(s.resp);
}
