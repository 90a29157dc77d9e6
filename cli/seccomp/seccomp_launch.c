// SPDX-License-Identifier: BSD-3-Clause
/*
 * The program keeps the CLI's pid (it is exec'd in place), so the
 * supervisor must be some other process. Forked directly it would be the
 * program's child, visible to wait(-1) and reaped by programs that reap
 * everything; so it is double-forked: the intermediate process exits at
 * once and the supervisor is re-parented to init or the nearest subreaper.
 * That intermediate process is also where the kernel is probed (it
 * installs a filter of its own and dies with it), so that a kernel without
 * the route is found out before anything is installed on the program.
 *
 * The supervisor is forked before the program's filter exists: holding the
 * filter itself, it would keep the listener from ever reporting POLLHUP.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "gcov_flush.h"
#include "seccomp_filter.h"
#include "seccomp_launch.h"
#include "seccomp_supervisor.h"

/* Exit codes of the probing process. */
enum { PROBE_OK, PROBE_NO_NOTIF, PROBE_NO_ADDFD, PROBE_DENIED, PROBE_FORK,
       PROBE_NESTED, PROBE_OTHER };

static int probe_here(void)
{
	static const struct seccomp_filter_plan bare;
	int fd, err;

	if (!seccomp_filter_supported())
		return PROBE_NO_NOTIF;
	/* Always with no_new_privs: this process only lives to exit. A
	 * socket()-only filter: one that traps exit_group (run --stats)
	 * would hold the probe's own exit, with nobody to answer. */
	fd = seccomp_filter_install_plan(true, &bare);
	if (fd < 0) {
		err = errno;
		return err == EINVAL || err == ENOSYS ? PROBE_NO_NOTIF :
		       err == EACCES || err == EPERM ? PROBE_DENIED :
		       err == EBUSY		     ? PROBE_NESTED :
						       PROBE_OTHER;
	}
	return seccomp_filter_probe_addfd(fd) ? PROBE_NO_ADDFD : PROBE_OK;
}

static enum seccomp_launch_result probe_result(int status, char *why,
					       size_t len)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : PROBE_OTHER;

	switch (code) {
	case PROBE_OK:
		return SECCOMP_LAUNCH_OK;
	case PROBE_NO_NOTIF:
		snprintf(why, len, "this kernel has no seccomp user "
			 "notification for this architecture (Linux 5.14+ "
			 "needed)");
		return SECCOMP_LAUNCH_UNSUPPORTED;
	case PROBE_NO_ADDFD:
		snprintf(why, len, "this kernel cannot install a socket into "
			 "a trapped program (SECCOMP_ADDFD_FLAG_SEND, Linux "
			 "5.14+)");
		return SECCOMP_LAUNCH_UNSUPPORTED;
	case PROBE_DENIED:
		snprintf(why, len, "installing a seccomp filter is not "
			 "permitted here (a container's seccomp profile or "
			 "an LSM?)");
		return SECCOMP_LAUNCH_NOT_PERMITTED;
	case PROBE_NESTED:
		snprintf(why, len, "this process is already under a seccomp "
			 "filter with a listener (only one per process)");
		return SECCOMP_LAUNCH_NESTED;
	case PROBE_FORK:
		snprintf(why, len, "cannot start the supervisor process");
		return SECCOMP_LAUNCH_NO_HELPER;
	default:
		snprintf(why, len, "the seccomp probe failed");
		return SECCOMP_LAUNCH_UNSUPPORTED;
	}
}

enum seccomp_launch_result seccomp_launch_probe(char *why, size_t why_len)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int rc = probe_here();

		gcov_flush();
		_exit(rc);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		snprintf(why, why_len, "cannot fork the seccomp probe: %s",
			 strerror(errno));
		return SECCOMP_LAUNCH_NO_HELPER;
	}
	return probe_result(status, why, why_len);
}

static void close_range_between(int lo, int hi)
{
	if (lo <= hi && syscall(SYS_close_range, (unsigned)lo, (unsigned)hi,
				0U) != 0)
		for (int fd = lo; fd <= hi && fd < 1024; fd++)
			close(fd);
}

static void close_others(int a, int b)
{
	int lo = b < 0 || a < b ? a : b, hi = a > b ? a : b;

	/* Whatever the program inherited (a socket-activated listener, a
	 * pipe its reader waits on) must not stay open in the supervisor. */
	close_range_between(3, lo - 1);
	close_range_between(lo + 1, hi - 1);
	close_range_between(hi + 1, 0x7fffffff);
}

static void detach(bool debug)
{
	/* SIGTERM too: stopping a service signals every process of its
	 * cgroup, and the program may still open sockets while it shuts
	 * down; the supervisor leaves right after it anyway. */
	static const int job_control[] = { SIGINT,  SIGQUIT, SIGTSTP,
					   SIGTTIN, SIGTTOU, SIGHUP,
					   SIGPIPE, SIGTERM };
	int null;

	/* A name of its own in ps and pgrep (it would be "mptcpshim"). */
	prctl(PR_SET_NAME, SECCOMP_SUPERVISOR_NAME, 0, 0, 0);
	/* Its own session: the terminal's ^C, ^Z and hang-up, and kill(0)
	 * from timeout(1), are the program's, never the supervisor's. */
	setsid();
	for (size_t i = 0; i < sizeof(job_control) / sizeof(job_control[0]);
	     i++)
		signal(job_control[i], SIG_IGN);
	if (chdir("/") != 0) {
		/* Only so as not to keep a mount busy. */
	}
	/* None of the program's descriptors: a pipeline, $(...) or an ssh
	 * session reading its output ends when the program's own processes
	 * end, not when the last of them leaves the supervisor idle. stdin
	 * and stdout: /dev/null. stderr: a socket nobody reads, so that
	 * cli_error() sends the supervisor's warnings (a broken policy file)
	 * to the system log, where the program's stderr is out of reach.
	 * Only run -d keeps the program's stderr, for its debug lines. */
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	if (!debug) {
		int sink[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sink) ==
		    0) {
			close(sink[1]);
			dup2(sink[0], STDERR_FILENO);
			close(sink[0]);
		} else {
			close(STDERR_FILENO);	/* closed: the log too */
		}
		cli_error_keep_off_sockets();
	}
	if (null < 0) {
		/* No /dev/null (a bare chroot): closed, never the
		 * program's (a socket of ours that takes the number is
		 * never written to: it is a socket). */
		close(STDIN_FILENO);
		close(STDOUT_FILENO);
	}
}

static int recv_fd(int sock)
{
	char byte, control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static int send_fd(int sock, int fd)
{
	char byte = 'L', control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static __attribute__((noreturn)) void supervisor_main(int sock, bool debug,
						     int keep_fd)
{
	char ack = 'A';
	int listener;

	detach(debug);
	listener = recv_fd(sock);
	/* Not if the route was not installed after all. */
	if (listener >= 0 && send(sock, &ack, 1, MSG_NOSIGNAL) == 1) {
		close(sock);
		close_others(listener, keep_fd);
		seccomp_supervise(listener, debug);
	}
	gcov_flush();
	_exit(0);
}

/* The intermediate process: starts the supervisor, probes, exits. */
static __attribute__((noreturn)) void intermediate(int sock, bool debug,
						  int keep_fd)
{
	pid_t pid = fork();
	int rc = PROBE_FORK;

	if (pid == 0)
		supervisor_main(sock, debug, keep_fd);
	if (pid > 0) {
		close(sock);
		rc = probe_here();
	}
	gcov_flush();
	_exit(rc);
}

static enum seccomp_launch_result launch(bool needs_nnp, bool debug,
					int keep_fd, char *why, size_t why_len);

enum seccomp_launch_result seccomp_launch(bool needs_nnp, bool debug,
					  int keep_fd, char *why,
					  size_t why_len)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	enum seccomp_launch_result rc;

	/* An ignored SIGCHLD (inherited) would make waitpid() fail; the
	 * program gets the disposition it came with back. */
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &old);
	rc = launch(needs_nnp, debug, keep_fd, why, why_len);
	sigaction(SIGCHLD, &old, NULL);
	return rc;
}

static enum seccomp_launch_result launch(bool needs_nnp, bool debug,
					int keep_fd, char *why, size_t why_len)
{
	enum seccomp_launch_result rc;
	int sv[2], status, listener;
	char ack;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		snprintf(why, why_len, "socketpair: %s", strerror(errno));
		return SECCOMP_LAUNCH_NO_HELPER;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		intermediate(sv[1], debug, keep_fd);
	}
	close(sv[1]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		snprintf(why, why_len, "cannot start the supervisor: %s",
			 strerror(errno));
		close(sv[0]);
		return SECCOMP_LAUNCH_NO_HELPER;
	}
	rc = probe_result(status, why, why_len);
	if (rc != SECCOMP_LAUNCH_OK) {
		close(sv[0]);	/* the supervisor sees EOF and exits */
		return rc;
	}
	listener = seccomp_filter_install(needs_nnp);
	if (listener < 0) {
		snprintf(why, why_len, "cannot install the seccomp filter: %s",
			 strerror(errno));
		close(sv[0]);
		return errno == EACCES || errno == EPERM ?
			       SECCOMP_LAUNCH_NOT_PERMITTED :
			       SECCOMP_LAUNCH_UNSUPPORTED;
	}
	/* From here on socket() is trapped: without a supervisor holding
	 * the listener it would fail with ENOSYS, so a failure is fatal. */
	if (send_fd(sv[0], listener) != 0 ||
	    recv(sv[0], &ack, 1, 0) != 1) {
		snprintf(why, why_len, "the supervisor did not take over");
		close(listener);
		close(sv[0]);
		return SECCOMP_LAUNCH_BROKEN;
	}
	close(listener);
	close(sv[0]);
	return SECCOMP_LAUNCH_OK;
}
