// SPDX-License-Identifier: BSD-3-Clause
/*
 * Destination, port, role and option rules on the seccomp route, decided
 * where the library decides them (shim/hooks/hooks_connect.c,
 * hooks_sockopt.c) and by the same policy functions. What differs is only
 * how the facts are had: the address and the option value are copied out
 * of the task's memory (a bad pointer: the task's own call runs and the
 * kernel gives it EFAULT), the socket is borrowed with pidfd_getfd, and a
 * switch is made with SECCOMP_ADDFD_FLAG_SETFD (seccomp_switch.c).
 * Every doubt ends in the task's own call running unchanged.
 */
#include <errno.h>
#include <stdatomic.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "cli.h"
#include "option_table.h"
#include "seccomp_decide.h"
#include "seccomp_fate.h"
#include "seccomp_landlock.h"
#include "seccomp_ours.h"
#include "seccomp_switch.h"
#include "seccomp_taskfd.h"
#include "sockopt_names.h"
#include "start_guess.h"
#include "uapi_compat.h"

/* Largest option value copied from the task (TCP_MD5SIG is 216 bytes). */
#define OPTION_VALUE_MAX 512

/* The start-protocol guess, one per task (direct-mapped by thread id; a
 * collision only costs a switch the guess would have saved). */
#define GUESSES 256
static struct {
	pid_t tid;
	struct start_guess g;
} guesses[GUESSES];

static struct start_guess *guess_for(pid_t tid)
{
	unsigned i = (unsigned)tid % GUESSES;

	if (guesses[i].tid != tid) {
		guesses[i].tid = tid;
		atomic_store(&guesses[i].g.other_outcomes, 0);
	}
	return &guesses[i].g;
}

bool seccomp_decide_start_other(pid_t tid, const struct policy_view *view,
				bool stats)
{
	return start_guess_allowed(view, stats) &&
	       start_guess_other(guess_for(tid));
}

bool seccomp_decide_handles(int nr)
{
	return nr == __NR_connect || nr == __NR_sendto ||
	       nr == __NR_sendmsg || nr == __NR_listen ||
	       nr == __NR_setsockopt || nr == __NR_getsockopt ||
	       nr == __NR_close ||
	       nr == __NR_shutdown || nr == __NR_exit_group;
}

static void say(const struct seccomp_call *c, int fd, const char *what,
		const char *why)
{
	if (c->debug)
		cli_error("run", "seccomp route: pid %d fd %d: %s: %s",
			  (int)c->tid, fd, what, why);
}

static bool still_pending(const struct seccomp_call *c)
{
	__u64 id = c->id;

	return ioctl(c->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static int int_opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	return getsockopt(fd, level, name, &v, &len) == 0 ? v : -1;
}

/* Our copy of the task's fd when it is a TCP socket or an MPTCP socket
 * made here (what the library tracks), else -1. *mptcp says which. */
static int borrow_candidate(const struct seccomp_call *c, int fd, bool *mptcp)
{
	int copy = seccomp_task_getfd(c->tid, fd);
	int protocol;

	if (copy < 0)
		return -1;
	protocol = int_opt(copy, SOL_SOCKET, SO_PROTOCOL);
	*mptcp = protocol == IPPROTO_MPTCP;
	if (int_opt(copy, SOL_SOCKET, SO_TYPE) == SOCK_STREAM &&
	    (protocol == IPPROTO_TCP || (*mptcp && seccomp_ours_is(copy))))
		return copy;
	close(copy);
	return -1;
}

/* borrow_candidate() for a call the task still waits on (else what we read
 * may be another task's): -1 when there is nothing to decide, with *gone
 * set when the task no longer waits. */
static int borrow_pending(const struct seccomp_call *c, int fd, bool *mptcp,
			  bool *gone)
{
	*gone = !still_pending(c);
	return *gone ? -1 : borrow_candidate(c, fd, mptcp);
}

/* Switches fd if the policy wants the other protocol for addr. */
static void decide_for(const struct seccomp_call *c, int fd,
		       enum policy_role role, const struct sockaddr *addr,
		       socklen_t len)
{
	struct policy_decision d;
	bool is_mptcp, want, gone;
	const char *why;
	int copy;

	copy = borrow_pending(c, fd, &is_mptcp, &gone);
	if (copy < 0)
		return;
	d = policy_decide(c->view, role, addr, len);
	/* Under a Landlock domain that restricts TCP, never MPTCP. */
	want = d.choice == POLICY_MPTCP && !seccomp_landlock_restricted();
	if (role == POLICY_CONNECT && start_guess_allowed(c->view, c->stats))
		start_guess_learn(guess_for(c->tid),
				  c->view->initial.choice == POLICY_MPTCP, want);
	if (want != is_mptcp) {
		unsigned long ino = 0;

		why = seccomp_switch(c->listener, c->id, c->tid, fd, copy, want,
				     c->view, &ino);
		if (!why) {
			if (c->stats)
				stats_switch(c->stats, fd, want, d.reason);
			say(c, fd, want ? "switched to MPTCP" :
					  "switched to TCP", d.reason);
		} else {
			say(c, fd, want ? "cannot switch to MPTCP" :
					  "cannot switch to TCP", why);
		}
	}
	close(copy);
}

/* The destination, as the kernel would read it; false: let the kernel
 * judge the arguments (EFAULT, EINVAL). */
static bool copy_address(const struct seccomp_call *c, __u64 ptr, __u64 len,
			 struct sockaddr_in6 *addr, socklen_t *n)
{
	*n = len < sizeof(*addr) ? (socklen_t)len : sizeof(*addr);
	memset(addr, 0, sizeof(*addr));
	if (!ptr || len < sizeof(sa_family_t) || (long long)len < 0 ||
	    seccomp_task_copy(c->tid, addr, (unsigned long)ptr, *n) != 0)
		return false;
	return addr->sin6_family == AF_INET || addr->sin6_family == AF_INET6;
}

static void on_connect(const struct seccomp_call *c, int fd, __u64 ptr,
		       __u64 len)
{
	struct sockaddr_in6 addr;
	socklen_t n;

	if (c->view->decide_at_connect && copy_address(c, ptr, len, &addr, &n))
		decide_for(c, fd, POLICY_CONNECT, (struct sockaddr *)&addr, n);
}

static void on_sendmsg(const struct seccomp_call *c, int fd, __u64 ptr)
{
	struct msghdr msg;

	if (seccomp_task_copy(c->tid, &msg, (unsigned long)ptr,
			      sizeof(msg)) == 0)
		on_connect(c, fd, (unsigned long)msg.msg_name,
			   msg.msg_namelen);
}

static void on_listen(const struct seccomp_call *c, int fd)
{
	struct sockaddr_in6 local = { 0 };
	socklen_t len = sizeof(local);
	bool is_mptcp;
	int copy;

	if (c->view->decide_at_listen) {
		copy = borrow_candidate(c, fd, &is_mptcp);
		if (copy < 0)
			return;
		/* Unbound, listen() binds the wildcard address, port 0. */
		if (getsockname(copy, (struct sockaddr *)&local, &len) != 0)
			len = 0;
		close(copy);
		if (len)
			decide_for(c, fd, POLICY_LISTEN,
				   (struct sockaddr *)&local, len);
	}
	/* --stats: what this listener accepts is counted as accepted. */
	if (c->stats) {
		copy = borrow_candidate(c, fd, &is_mptcp);
		if (copy >= 0 && is_mptcp)
			seccomp_fate_listening(c->tgid, copy);
		if (copy >= 0)
			close(copy);
	}
}

/*
 * A refused option on an MPTCP socket made here: the library's
 * rescue_set(). The value is copied out of the task first; the option is
 * then tried on the socket itself (the same open file), which is exactly
 * the task's own call when MPTCP takes it.
 */
static struct seccomp_verdict on_setsockopt(const struct seccomp_call *c)
{
	struct seccomp_verdict v = { 0 };
	int fd = (int)c->args[0], level = (int)c->args[1];
	int name = (int)c->args[2];
	socklen_t len = (socklen_t)c->args[4];
	unsigned char value[OPTION_VALUE_MAX], fresh[64];
	socklen_t fresh_len = sizeof(fresh);
	struct policy_opt_action act;
	char buf[48];
	const char *opt;
	bool is_mptcp, gone;
	int copy, tcp, domain, err;

	if (len > sizeof(value) ||
	    policy_unsupported_for(c->view, level, name) == POLICY_UNSUP_FAIL ||
	    seccomp_task_copy(c->tid, value, (unsigned long)c->args[3], len))
		return v;	/* the kernel answers (EFAULT, EINVAL...) */
	copy = borrow_pending(c, fd, &is_mptcp, &gone);
	if (copy < 0)
		return gone ? (struct seccomp_verdict){ .gone = true } : v;
	if (!is_mptcp || setsockopt(copy, level, name, value, len) == 0 ||
	    (errno != EOPNOTSUPP && errno != ENOPROTOOPT)) {
		/* TCP, or MPTCP takes it, or an error TCP gives too: the
		 * task's own call says the same. */
		close(copy);
		return v;
	}
	/* What TCP says of it: its error, and its default value. */
	domain = int_opt(copy, SOL_SOCKET, SO_DOMAIN);
	tcp = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (tcp < 0 || getsockopt(tcp, level, name, fresh, &fresh_len) != 0)
		fresh_len = 0;
	err = tcp >= 0 && setsockopt(tcp, level, name, value, len) != 0 ?
		      errno : 0;
	if (tcp >= 0)
		close(tcp);
	if (err) {
		close(copy);
		return (struct seccomp_verdict){ .answered = true, .value = -1,
						 .error = err };
	}
	act = policy_option_action(c->view, level, name, value, len,
				   fresh_len ? fresh : NULL, fresh_len);
	opt = sockopt_describe(level, name, buf, sizeof(buf));
	if (act.mode == POLICY_UNSUP_FAIL) {
		close(copy);
		return v;
	}
	if (act.mode == POLICY_UNSUP_TCP) {
		unsigned long ino;
		const char *why = seccomp_switch(c->listener, c->id, c->tid, fd,
						 copy, false, c->view, &ino);

		if (!why) {
			close(copy);
			if (c->stats) {
				stats_switch(c->stats, fd, false, opt);
				stats_option(c->stats, fd, level, name, true);
			}
			say(c, fd, opt, "switched to TCP for this option");
			return v;	/* the task's call sets it on TCP */
		}
		say(c, fd, "cannot switch to TCP, option ignored", why);
	}
	close(copy);
	if (c->stats)
		stats_option(c->stats, fd, level, name, false);
	say(c, fd, opt, "ignored, the socket stays MPTCP");
	return (struct seccomp_verdict){ .answered = true, .value = 0 };
}

/*
 * A refused read on an MPTCP socket made here: the library's rescue_get().
 * A read never costs MPTCP: it is answered as a fresh TCP socket answers
 * it (value and length written into the task), or with TCP's error.
 */
static struct seccomp_verdict on_getsockopt(const struct seccomp_call *c)
{
	struct seccomp_verdict v = { 0 };
	int fd = (int)c->args[0], level = (int)c->args[1];
	int name = (int)c->args[2];
	unsigned char value[OPTION_VALUE_MAX];
	socklen_t len, have;
	bool is_mptcp, gone;
	int copy, tcp, domain, err = 0;

	if (policy_unsupported_for(c->view, level, name) == POLICY_UNSUP_FAIL ||
	    seccomp_task_copy(c->tid, &len, (unsigned long)c->args[4],
			      sizeof(len)) ||
	    len > sizeof(value))
		return v;	/* the kernel answers (EFAULT, EINVAL...) */
	copy = borrow_pending(c, fd, &is_mptcp, &gone);
	if (copy < 0)
		return gone ? (struct seccomp_verdict){ .gone = true } : v;
	have = len;
	if (!is_mptcp || getsockopt(copy, level, name, value, &have) == 0 ||
	    (errno != EOPNOTSUPP && errno != ENOPROTOOPT)) {
		close(copy);
		return v;	/* the task's own call says the same */
	}
	domain = int_opt(copy, SOL_SOCKET, SO_DOMAIN);
	close(copy);
	tcp = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (tcp < 0)
		return v;	/* without a scratch socket: MPTCP's error */
	have = len;
	if (getsockopt(tcp, level, name, value, &have) != 0)
		err = errno;
	close(tcp);
	if (err)
		return (struct seccomp_verdict){ .answered = true, .value = -1,
						 .error = err };
	if (seccomp_task_write(c->tid, (unsigned long)c->args[3], value,
			       have) ||
	    seccomp_task_write(c->tid, (unsigned long)c->args[4], &have,
			       sizeof(have)))
		return v;
	say(c, fd, "refused read", "answered as a fresh TCP socket");
	return (struct seccomp_verdict){ .answered = true, .value = 0 };
}

struct seccomp_verdict seccomp_decide(const struct seccomp_call *c)
{
	struct seccomp_verdict v = { 0 };
	int fd = (int)c->args[0];

	switch (c->nr) {
	case __NR_connect:
		on_connect(c, fd, c->args[1], c->args[2]);
		break;
	case __NR_sendto:
		if (c->args[3] & MSG_FASTOPEN)
			on_connect(c, fd, c->args[4], c->args[5]);
		break;
	case __NR_sendmsg:
		if (c->args[2] & MSG_FASTOPEN)
			on_sendmsg(c, fd, c->args[1]);
		break;
	case __NR_listen:
		on_listen(c, fd);
		break;
	case __NR_setsockopt:
		return on_setsockopt(c);
	case __NR_getsockopt:
		return on_getsockopt(c);
	case __NR_close:
	case __NR_shutdown:
		if (c->stats)
			seccomp_fate_closing(c->stats, c->tid, c->tgid, fd);
		break;
	case __NR_exit_group:
		if (c->stats)
			seccomp_fate_exiting(c->stats, c->tid, c->tgid);
		break;
	}
	return v;
}
