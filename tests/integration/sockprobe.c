// SPDX-License-Identifier: BSD-3-Clause
/*
 * A small unmodified "application" for the integration tests: it makes the
 * calls real programs make and prints what the kernel says about them.
 *   sockprobe table            SO_PROTOCOL (or errno name) per socket() row
 *   sockprobe threads N M      N threads x M socket()+close(), all checked
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "table") == 0)
		return table();
	if (argc >= 5 && strcmp(argv[1], "threads") == 0)
		return threads(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: sockprobe table | threads N M PROTO\n");
	return 2;
}
