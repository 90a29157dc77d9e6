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

#include "candidate.h"
#include "cli.h"
#include "keepalive_rule.h"
#include "seccomp_decide.h"
#include "seccomp_filter.h"
#include "seccomp_landlock.h"
#include "seccomp_ours.h"
#include "seccomp_supervisor.h"
#include "seccomp_task.h"
#include "stats_events.h"
#include "uapi_compat.h"

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

/*
 * Makes the task's socket here (MPTCP, or TCP where only we can give it
 * the policy's keepalive), installs it and answers. The same rules as the
 * library's socket(): keepalive_wanted/keepalive_apply, the stats events,
 * shim_errno_means_no_mptcp. after_fallback: the TCP socket after MPTCP
 * was refused, already counted as a creation fallback. Returns false when
 * nothing was answered and the task's own socket() should run.
 */
static bool make_and_install(const struct supervisor *s,
			     const struct seccomp_task *t,
			     const struct stats_writer *w,
			     const struct policy_view *view, __u64 id,
			     int domain, int type, int protocol,
			     bool after_fallback)
{
	bool mptcp = protocol == IPPROTO_MPTCP;
	bool keepalive = false;
	int sock, err, target;

	/* O_NONBLOCK lives on the open file, which the task will share. */
	sock = socket(domain, (type & ~SOCK_CLOEXEC) | SOCK_CLOEXEC, protocol);
	if (sock < 0) {
		err = errno;
		/* Whatever the reason (MPTCP off, or the supervisor's own
		 * limits), the task's own socket() now decides: TCP, or the
		 * kernel's errno for the task. */
		if (mptcp && s->stats)
			stats_socket(w, -1, STATS_OUTCOME_CREATION_FALLBACK, err,
				     view->initial.reason);
		say(s, t, "TCP (%s: %s)",
		    shim_errno_means_no_mptcp(err) ? "MPTCP refused" :
						     "cannot make a socket",
		    strerror(err));
		return false;
	}
	if (keepalive_wanted(&view->keepalive, mptcp)) {
		keepalive = keepalive_apply(sock, &view->keepalive, setsockopt);
		if (!keepalive)
			say(s, t, "keepalive policy refused: %s",
			    strerror(errno));
	}
	target = install(s, id, sock, type & SOCK_CLOEXEC ? O_CLOEXEC : 0,
			 &err);
	close(sock);
	if (target == INSTALL_GONE)
		return true;	/* no answer owed; a restarted call comes again */
	if (target < 0) {
		/* EMFILE...: its own socket() gives it the kernel's errno. */
		if (mptcp && s->stats)
			stats_socket(w, -1, STATS_OUTCOME_CREATION_FALLBACK, err,
				     view->initial.reason);
		say(s, t, "TCP (cannot install the socket: %s)", strerror(err));
		return false;
	}
	if (s->stats) {
		if (!after_fallback)
			stats_socket(w, target,
				     mptcp ? STATS_OUTCOME_CONVERTED :
					     STATS_OUTCOME_KEPT_TCP_POLICY,
				     0, view->initial.reason);
		if (keepalive)
			stats_keepalive(w, target);
	}
	say(s, t, "socket(%s, SOCK_STREAM%s%s) = %d: %s",
	    domain == AF_INET ? "AF_INET" : "AF_INET6",
	    type & SOCK_NONBLOCK ? "|SOCK_NONBLOCK" : "",
	    type & SOCK_CLOEXEC ? "|SOCK_CLOEXEC" : "", target,
	    mptcp ? "MPTCP" : "TCP with the policy's keepalive");
	return true;
}

/*
 * The program asked MPTCP itself: made here, as asked, and remembered as
 * its own (seccomp_ours.h), so that no later rule touches it. Any failure:
 * the program's own call runs and gets the kernel's answer.
 */
static void handle_own_mptcp(const struct supervisor *s)
{
	const struct seccomp_notif *req = s->req;
	int domain = (int)req->data.args[0];
	int type = (int)req->data.args[1];
	struct seccomp_task t;
	int sock, err;

	if (!shim_is_tcp_candidate(domain, type, 0) ||
	    seccomp_task_read_netns((pid_t)req->pid, &t) != 0 ||
	    seccomp_task_enter_netns(&t) != 0) {
		answer_continue(s, req->id);
		return;
	}
	sock = socket(domain, (type & ~SOCK_CLOEXEC) | SOCK_CLOEXEC,
		      IPPROTO_MPTCP);
	if (sock < 0) {
		answer_continue(s, req->id);
		return;
	}
	seccomp_ours_note_theirs(sock);
	if (install(s, req->id, sock, type & SOCK_CLOEXEC ? O_CLOEXEC : 0,
		    &err) == -1)
		answer_continue(s, req->id);
	close(sock);
}

static void handle_socket(const struct supervisor *s)
{
	const struct seccomp_notif *req = s->req;
	int domain = (int)req->data.args[0];
	int type = (int)req->data.args[1];
	int protocol = (int)req->data.args[2];
	struct seccomp_task_writer w;
	const struct policy_view *view;
	struct seccomp_task t;
	bool mptcp;

	if (protocol == IPPROTO_MPTCP) {
		handle_own_mptcp(s);
		return;
	}
	/* The filter sends only candidates; the library's own test decides
	 * anyway (other type bits: the kernel's EINVAL, from its own call). */
	if (!shim_is_tcp_candidate(domain, type, protocol)) {
		answer_continue(s, req->id);
		return;
	}
	/* Without names to tell programs apart, and without stats (which name
	 * the process), the task's network namespace is all we need; a stale
	 * one (the task gone, its pid reused) is harmless, as the task's
	 * notification is then gone too and nothing can be installed. */
	view = s->stats || s->debug ? NULL : seccomp_policy_shared();
	if (view) {
		if (seccomp_task_read_netns((pid_t)req->pid, &t) != 0) {
			answer_continue(s, req->id);
			return;
		}
	} else {
		if (seccomp_task_read((pid_t)req->pid, s->stats, &t) != 0) {
			answer_continue(s, req->id);
			return;
		}
		/* What was read from /proc decides the policy and names the
		 * process: it belongs to the trapped task only if its
		 * notification is still pending (pids are reused). */
		if (!still_pending(s, req->id))
			return;
		view = seccomp_policy_for(&t);
	}
	seccomp_task_writer_init(&w, &t);
	if (seccomp_landlock_restricted()) {
		if (s->stats)
			stats_socket(&w.writer, -1,
				     STATS_OUTCOME_KEPT_TCP_POLICY, 0,
				     SHIM_LANDLOCK_REASON);
		say(s, &t, "TCP (%s)", SHIM_LANDLOCK_REASON);
		answer_continue(s, req->id);
		return;
	}
	mptcp = view->initial.choice == POLICY_MPTCP;
	/* After connects the policy sent the other way, start as they
	 * ended: connect() and listen() still decide this socket. */
	if (seccomp_decide_start_other(t.tid, view, s->stats))
		mptcp = !mptcp;
	if (mptcp || keepalive_wanted(&view->keepalive, false)) {
		int err = seccomp_task_enter_netns(&t);

		if (err) {
			if (mptcp && s->stats)
				stats_socket(&w.writer, -1,
					     STATS_OUTCOME_CREATION_FALLBACK, err,
					     "cannot enter its network namespace");
			say(s, &t, "TCP (cannot enter its network namespace: %s)",
			    strerror(err));
			answer_continue(s, req->id);
			return;
		}
		if (make_and_install(s, &t, &w.writer, view, req->id, domain,
				     type, mptcp ? IPPROTO_MPTCP : protocol,
				     false))
			return;
		/* MPTCP refused: TCP, which only the task's call gives
		 * without keepalive; with keepalive.all_tcp, made here. */
		if (mptcp && keepalive_wanted(&view->keepalive, false) &&
		    make_and_install(s, &t, &w.writer, view, req->id, domain,
				     type, protocol, true))
			return;
		answer_continue(s, req->id);
		return;
	}
	if (s->stats)
		stats_socket(&w.writer, -1, STATS_OUTCOME_KEPT_TCP_POLICY, 0,
			     view->initial.reason);
	say(s, &t, "TCP by policy (%s)", view->initial.reason);
	answer_continue(s, req->id);
}

/* The policy view for the task of the current notification; NULL (and
 * nothing answered) when the notification is gone. */
static const struct policy_view *view_for(const struct supervisor *s,
					  struct seccomp_task *t, bool *ok)
{
	const struct policy_view *view = s->stats || s->debug ? NULL :
						    seccomp_policy_shared();

	*ok = true;
	if (view) {
		memset(t, 0, sizeof(*t));
		t->tid = t->tgid = (pid_t)s->req->pid;
		return view;
	}
	if (seccomp_task_read((pid_t)s->req->pid, s->stats, t) != 0) {
		*ok = false;
		return NULL;
	}
	if (!still_pending(s, s->req->id))
		return NULL;
	return seccomp_policy_for(t);
}

/* connect, Fast Open sends, listen, setsockopt: seccomp_decide.c. */
static void handle_decision(const struct supervisor *s)
{
	const struct seccomp_notif *req = s->req;
	struct seccomp_call call = {
		.listener = s->listener, .id = req->id, .tid = (pid_t)req->pid,
		.nr = req->data.nr, .debug = s->debug,
	};
	struct seccomp_task_writer w;
	struct seccomp_verdict v;
	struct seccomp_task t;
	bool ok;

	call.view = view_for(s, &t, &ok);
	if (!call.view) {
		if (!ok)
			answer_continue(s, req->id);
		return;
	}
	seccomp_task_writer_init(&w, &t);
	call.tgid = t.tgid;
	if (s->stats)
		call.stats = &w.writer;
	memcpy(call.args, req->data.args, sizeof(call.args));
	v = seccomp_decide(&call);
	if (v.gone)
		return;
	if (!v.answered) {
		answer_continue(s, req->id);
		return;
	}
	memset(s->resp, 0, s->resp_size);
	s->resp->id = req->id;
	s->resp->val = v.value;
	s->resp->error = v.error ? -v.error : 0;
	while (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, s->resp) != 0 &&
	       errno == EINTR)
		;
}

/* landlock_restrict_self: the task's own call runs (seccomp_landlock.h). */
static void handle_landlock(const struct supervisor *s)
{
	const struct seccomp_notif *req = s->req;
	int swapped = seccomp_landlock_noted(s->listener, req->id,
					     (pid_t)req->pid);

	if (s->debug)
		cli_error("run", "seccomp route: pid %d restricts itself with "
			  "Landlock: later sockets TCP, %d unused MPTCP "
			  "socket(s) made TCP", (int)req->pid, swapped);
	answer_continue(s, req->id);
}

static void handle(const struct supervisor *s)
{
	if (s->req->data.nr == __NR_socket)
		handle_socket(s);
	else if (s->req->data.nr == __NR_landlock_restrict_self)
		handle_landlock(s);
	else if (seccomp_decide_handles(s->req->data.nr))
		handle_decision(s);
	else
		answer_continue(s, s->req->id);
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
