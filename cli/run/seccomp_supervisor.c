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
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
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
#include "seccomp_supervisor.h"
#include "seccomp_task.h"
#include "uapi_compat.h"

/* The kernel rejects any other type bit with EINVAL; let it say so. */
#define KNOWN_TYPE_BITS (0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)

/* Set once no task uses the filter: the supervisor's work is over. */
static atomic_bool orphaned;

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

#define INSTALL_GONE (-2)

/*
 * Puts sock into the task and answers with its number. Not with
 * SECCOMP_ADDFD_FLAG_SEND, although that would save a system call: when
 * the supervisor is stopped or frozen (SIGSTOP, a cgroup freeze) while the
 * kernel holds its ADDFD|SEND, the kernel withdraws the descriptor but
 * keeps the answer, and the task's socket() returns 0 -- its stdin --
 * (3,481 of 20,000 calls under a stop/continue storm of the supervisor).
 * A plain ADDFD leaves the notification unanswered whatever happens to
 * us, and an interrupted one is simply made again. Returns the task's fd,
 * INSTALL_GONE when the task no longer waits (killed; or, before 5.19,
 * interrupted: it restarts the call), or -1 with *err.
 */
static int install(const struct supervisor *s, __u64 id, int sock,
		   unsigned newfd_flags, int *err)
{
	struct seccomp_notif_addfd addfd = {
		.id = id, .srcfd = (__u32)sock, .newfd_flags = newfd_flags,
	};
	int target;

	for (;;) {
		target = ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
		if (target >= 0)
			break;
		*err = errno;
		if (*err == ENOENT || *err == ESRCH || *err == EINPROGRESS)
			return INSTALL_GONE;
		if (*err != EINTR || atomic_load(&orphaned))
			return -1;
	}
	memset(s->resp, 0, s->resp_size);
	s->resp->id = id;
	s->resp->val = target;
	while (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, s->resp) != 0)
		if (errno != EINTR)
			break;	/* killed meanwhile: its fds go with it */
	return target;
}

/* Makes the MPTCP socket and installs it in the task as its result. */
static void convert(const struct supervisor *s, const struct seccomp_task *t,
		    const struct policy_view *view, __u64 id, int domain,
		    int type)
{
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
	target = install(s, id, sock, type & SOCK_CLOEXEC ? O_CLOEXEC : 0,
			 &err);
	close(sock);
	if (target == INSTALL_GONE)
		return;	/* no answer owed; a restarted call comes again */
	if (target < 0) {
		/* EMFILE...: its own socket() gives it the kernel's errno. */
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
	if (view->initial.choice != POLICY_MPTCP) {
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

/*
 * The listener reports POLLHUP once no task uses the filter any more; the
 * receiving thread, blocked in SECCOMP_IOCTL_NOTIF_RECV, never hears of it
 * (that wait ends only on a notification or a signal). So a second thread
 * sleeps on POLLHUP alone (poll() with no events: notifications do not
 * wake it) and interrupts the receiver. The receiver thus makes one system
 * call per notification to take it, not two (poll, then receive), and is
 * already waiting in the kernel when the task's notification arrives,
 * which keeps short the only window in which a signal can still give the
 * task an EINTR (before the notification is received; see
 * libmptcpshim(8)).
 */
static void on_wake(int sig)
{
	(void)sig;	/* only to end the receiver's wait with EINTR */
}

struct watch {
	int listener;
	pthread_t receiver;
};

static void *watch_hangup(void *arg)
{
	const struct watch *w = arg;
	struct pollfd p = { .fd = w->listener, .events = 0 };

	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	atomic_store(&orphaned, true);
	/* Repeated: the signal may land between the flag test and the
	 * receive; a later one then ends the wait. */
	for (;;) {
		pthread_kill(w->receiver, SIGUSR1);
		usleep(50 * 1000);
	}
	return NULL;
}

static bool start_watch(struct watch *w)
{
	struct sigaction sa = { .sa_handler = on_wake };	/* no SA_RESTART */
	sigset_t all, old;
	pthread_t t;
	bool ok;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) != 0)
		return false;
	w->receiver = pthread_self();
	/* The watcher takes no signal of its own. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ok = pthread_create(&t, NULL, watch_hangup, w) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ok)
		pthread_detach(t);
	return ok;
}

/* The fallback where no thread can be started: wait for POLLIN first. */
static bool wait_readable(int listener)
{
	struct pollfd p = { .fd = listener, .events = POLLIN };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return false;
	return (p.revents & POLLIN) != 0;
}

void seccomp_supervise(int listener_fd, bool debug)
{
	struct supervisor s = { .listener = listener_fd, .debug = debug };
	static struct watch w;
	bool watched;
	__u64 sync_wake = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;

	if (alloc_buffers(&s) != 0)
		goto out;
	seccomp_record_open();
	s.stats = getenv("MPTCPSHIM_STATS") != NULL;
	/* 6.6+: the trapped task hands its CPU to us instead of waking
	 * another one (the cross-CPU wake-up is most of a round trip).
	 * Older kernels refuse it (EINVAL/ENOTTY); nothing else changes. */
	if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, sync_wake) != 0) {
		/* not available: the ordinary wake-up */
	}
	w.listener = listener_fd;
	watched = start_watch(&w);
	for (;;) {
		if (atomic_load(&orphaned))
			break;
		if (!watched && !wait_readable(listener_fd))
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
