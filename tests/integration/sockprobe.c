// SPDX-License-Identifier: BSD-3-Clause
/*
 * A small unmodified "application" for the integration tests: it makes the
 * calls real programs make and prints what the kernel says about them.
 *   sockprobe table            SO_PROTOCOL (or errno name) per socket() row
 *   sockprobe threads N M      N threads x M socket()+close(), all checked
 *   sockprobe connect ADDR PORT [nonblock] [OPTION=VALUE | get:OPTION...]
 *       sets the options, connects (with poll() if nonblock), sends a line;
 *       prints setsockopt results, then SO_PROTOCOL, TCP_IS_MPTCP and each
 *       option as getsockopt reads it back after connect
 *   sockprobe listen ADDR PORT [OPTION=VALUE | get:OPTION...]
 *       binds, listens, prints SO_PROTOCOL, accepts one connection and
 *       prints the accepted socket's SO_PROTOCOL and TCP_IS_MPTCP
 * OPTION is a name such as TCP_USER_TIMEOUT, SO_KEEPALIVE or IP_TTL;
 * get:OPTION only reads it back (what a policy set, not the probe).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockopt_names.h"

#ifndef __GLIBC__
/* The musl-linked copy of the probe (tests/integration/musl_preload.sh):
 * musl has no strerrorname_np; the names the tests compare. */
#define NAME(e) { e, #e }
static const struct {
	int err;
	const char *name;
} errno_names[] = {
	NAME(ESOCKTNOSUPPORT), NAME(EPROTONOSUPPORT), NAME(ENOPROTOOPT),
	NAME(EAFNOSUPPORT), NAME(EOPNOTSUPP), NAME(EINVAL), NAME(EPERM),
	NAME(EACCES), NAME(ECONNREFUSED), NAME(ECONNRESET), NAME(ETIMEDOUT),
	NAME(EINPROGRESS), NAME(EPIPE), NAME(EBADF), NAME(ENOTSOCK),
	NAME(EADDRINUSE), NAME(ENOMEM), NAME(EMFILE),
};
#undef NAME
static const char *strerrorname_np(int err)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return "E?";
}
#endif

#ifndef TCP_IS_MPTCP
#define TCP_IS_MPTCP 43
#endif

static const struct {
	const char *name;
	int domain, type, protocol;
} rows[] = {
	{ "inet-stream-0", AF_INET, SOCK_STREAM, 0 },
	{ "inet-stream-tcp", AF_INET, SOCK_STREAM, IPPROTO_TCP },
	{ "inet6-stream-0", AF_INET6, SOCK_STREAM, 0 },
	{ "inet-stream-nonblock-cloexec", AF_INET,
	  SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0 },
	{ "inet6-stream-nonblock", AF_INET6, SOCK_STREAM | SOCK_NONBLOCK,
	  IPPROTO_TCP },
	{ "inet-stream-mptcp", AF_INET, SOCK_STREAM, 262 },
	{ "inet-dgram-0", AF_INET, SOCK_DGRAM, 0 },
	{ "inet6-dgram-udp", AF_INET6, SOCK_DGRAM, IPPROTO_UDP },
	{ "inet-raw-tcp", AF_INET, SOCK_RAW, IPPROTO_TCP },
	{ "inet-seqpacket-0", AF_INET, SOCK_SEQPACKET, 0 },
	{ "unix-stream-0", AF_UNIX, SOCK_STREAM, 0 },
};

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static int protocol_of(int fd)
{
	int p = -1;
	socklen_t l = sizeof(p);

	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &p, &l) < 0)
		return -1;
	return p;
}

/* "PROTO [nonblock] [cloexec]" per row, and errno must stay untouched. */
static int table(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int fd;

		errno = 0;
		fd = socket(rows[i].domain, rows[i].type, rows[i].protocol);
		if (fd < 0) {
			printf("%s %s\n", rows[i].name, strerrorname_np(errno));
			continue;
		}
		printf("%s %d%s%s%s\n", rows[i].name, protocol_of(fd),
		       fcntl(fd, F_GETFL) & O_NONBLOCK ? " nonblock" : "",
		       fcntl(fd, F_GETFD) & FD_CLOEXEC ? " cloexec" : "",
		       errno ? " errno-changed" : "");
		close(fd);
	}
	return 0;
}

static int rounds;
static int expected_protocol;
static int thread_failures;

static void *churn(void *arg)
{
	(void)arg;
	for (int i = 0; i < rounds; i++) {
		int fd = socket(i & 1 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);

		if (fd < 0 || protocol_of(fd) != expected_protocol)
			__atomic_add_fetch(&thread_failures, 1,
					   __ATOMIC_RELAXED);
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

/* N threads create and close M sockets each; reports failures and leaks. */
static int threads(int n, int m, int protocol)
{
	pthread_t tid[64];
	int before = count_fds(), after;

	rounds = m;
	expected_protocol = protocol;
	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++)
		pthread_create(&tid[i], NULL, churn, NULL);
	for (int i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	after = count_fds();
	printf("threads=%d sockets=%d failures=%d fd_delta=%d\n", n, n * m,
	       thread_failures, after - before);
	return thread_failures || after != before;
}

static int parse_addr(const char *host, const char *port,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(atoi(port));
		*len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(atoi(port));
		*len = sizeof(*in6);
		return 0;
	}
	return -1;
}

static int get_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, name, &v, &l) < 0)
		return -errno;
	return v;
}

/* OPTION=VALUE arguments; prints "set NAME=VALUE ok|ERRNO". */
static void set_options(int fd, char **opts, int n)
{
	for (int i = 0; i < n; i++) {
		char name[64];
		const char *eq = strchr(opts[i], '=');
		const struct sockopt_name *o;
		int v;

		if (!eq || eq - opts[i] >= (int)sizeof(name))
			continue;
		memcpy(name, opts[i], eq - opts[i]);
		name[eq - opts[i]] = '\0';
		o = sockopt_by_name(name);
		if (!o) {
			printf("set %s unknown\n", name);
			continue;
		}
		v = atoi(eq + 1);
		errno = 0;
		if (setsockopt(fd, o->level, o->optname, &v, sizeof(v)) == 0)
			printf("set %s=%d ok%s\n", name, v,
			       errno ? " errno-changed" : "");
		else
			printf("set %s=%d %s\n", name, v,
			       strerrorname_np(errno));
	}
}

/* The option an OPTION=VALUE or get:OPTION argument names, into name. */
static bool option_name(const char *arg, char *name, size_t size)
{
	const char *end = strchr(arg, '=');

	if (strncmp(arg, "get:", 4) == 0) {
		arg += 4;
		end = arg + strlen(arg);
	}
	if (!end || (size_t)(end - arg) >= size)
		return false;
	memcpy(name, arg, end - arg);
	name[end - arg] = '\0';
	return true;
}

static void print_options(int fd, char **opts, int n)
{
	for (int i = 0; i < n; i++) {
		char name[64];
		const struct sockopt_name *o;
		int v;

		if (!option_name(opts[i], name, sizeof(name)))
			continue;
		o = sockopt_by_name(name);
		if (!o)
			continue;
		v = get_int(fd, o->level, o->optname);
		if (v < 0)
			printf("get %s %s\n", name, strerrorname_np(-v));
		else
			printf("get %s=%d\n", name, v);
	}
}

static void print_state(const char *what, int fd)
{
	int is_mptcp = get_int(fd, IPPROTO_TCP, TCP_IS_MPTCP);

	printf("%s protocol=%d is_mptcp=%d\n", what,
	       get_int(fd, SOL_SOCKET, SO_PROTOCOL), is_mptcp < 0 ? 0 : is_mptcp);
}

static int do_connect(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool nonblock = argc > 4 && strcmp(argv[4], "nonblock") == 0;
	int first_opt = nonblock ? 5 : 4;
	int fd, rc, flags;

	if (parse_addr(argv[2], argv[3], &ss, &len) < 0)
		return 2;
	fd = socket(ss.ss_family, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0),
		    0);
	if (fd < 0) {
		printf("socket %s\n", strerrorname_np(errno));
		return 1;
	}
	set_options(fd, argv + first_opt, argc - first_opt);
	rc = connect(fd, (struct sockaddr *)&ss, len);
	if (rc < 0 && nonblock && errno == EINPROGRESS) {
		struct pollfd p = { fd, POLLOUT, 0 };
		int err;

		printf("connect EINPROGRESS\n");
		if (poll(&p, 1, 10000) != 1)
			return 1;
		err = get_int(fd, SOL_SOCKET, SO_ERROR);
		if (err) {
			printf("connect %s\n", strerrorname_np(err));
			return 1;
		}
	} else if (rc < 0) {
		printf("connect %s\n", strerrorname_np(errno));
		return 1;
	}
	flags = fcntl(fd, F_GETFL);
	printf("connected fd=%d%s%s\n", fd,
	       flags & O_NONBLOCK ? " nonblock" : "",
	       fcntl(fd, F_GETFD) & FD_CLOEXEC ? " cloexec" : "");
	print_state("socket", fd);
	print_options(fd, argv + first_opt, argc - first_opt);
	if (send(fd, "hello\n", 6, MSG_NOSIGNAL) != 6)
		printf("send %s\n", strerrorname_np(errno));
	close(fd);
	return 0;
}

static int do_listen(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, c, one = 1;
	char buf[64];

	if (parse_addr(argv[2], argv[3], &ss, &len) < 0)
		return 2;
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	set_options(fd, argv + 4, argc - 4);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 8) < 0) {
		printf("listen %s\n", strerrorname_np(errno));
		return 1;
	}
	print_state("listener", fd);
	fflush(stdout);
	c = accept(fd, NULL, NULL);
	if (c < 0)
		return 1;
	print_state("accepted", c);
	print_options(c, argv + 4, argc - 4);
	while (read(c, buf, sizeof(buf)) > 0)
		;
	close(c);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "table") == 0)
		return table();
	if (argc >= 5 && strcmp(argv[1], "threads") == 0)
		return threads(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc >= 4 && strcmp(argv[1], "connect") == 0)
		return do_connect(argc, argv);
	if (argc >= 4 && strcmp(argv[1], "listen") == 0)
		return do_listen(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "usage: sockprobe table | threads N M PROTO | "
			"connect ADDR PORT [nonblock] [OPT=V|get:OPT...] | "
			"listen ADDR PORT [OPT=V|get:OPT...]\n");
	return 2;
}
