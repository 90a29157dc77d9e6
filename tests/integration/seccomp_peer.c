// SPDX-License-Identifier: BSD-3-Clause
/*
 * The static program of seccomp_route.sh (built there with gcc -static, so
 * no preloaded library can reach it). Every line it prints is a fact the
 * test checks: the protocol of each socket it made, its flags, keepalive.
 *
 *   seccomp_peer server PORT N     HTTP/1.0 server for N connections
 *   seccomp_peer client ADDR PORT  GET /, body to stdout
 *   seccomp_peer fork ADDR PORT    the client, in a forked child
 *   seccomp_peer others            UDP, UNIX, raw and IPPROTO_MPTCP sockets
 *   seccomp_peer flags             SOCK_NONBLOCK|SOCK_CLOEXEC kept?
 *   seccomp_peer hold SECONDS      one TCP socket, then sleep
 *   seccomp_peer twice             a TCP socket, then another after a
 *                                  line on stdin (or its errno name)
 *   seccomp_peer deny-seccomp CMD...  exec CMD where seccomp(2) fails
 *                                  with EPERM (a container's profile)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static int protocol_of(int fd)
{
	int p = -1;
	socklen_t len = sizeof(p);

	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &p, &len);
	return p;
}

static int int_opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	getsockopt(fd, level, name, &v, &len);
	return v;
}

static int serve(int port, int n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	static const char reply[] = "HTTP/1.0 200 OK\r\nContent-Length: 6\r\n"
				    "Connection: close\r\n\r\nstatic\n";
	int one = 1, ls = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(ls, 16) < 0) {
		perror("server");
		return 1;
	}
	printf("listener %d\n", protocol_of(ls));
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		char buf[2048];
		int c = accept(ls, NULL, NULL);

		if (c < 0)
			return 1;
		printf("accepted %d\n", protocol_of(c));
		fflush(stdout);
		if (read(c, buf, sizeof(buf)) > 0 &&
		    write(c, reply, sizeof(reply) - 1) < 0)
			perror("write");
		shutdown(c, SHUT_WR);
		while (read(c, buf, sizeof(buf)) > 0)
			;
		close(c);
	}
	return 0;
}

static int fetch(const char *addr, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	char buf[4096];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t n;

	if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("client");
		return 1;
	}
	printf("client %d keepalive %d idle %d\n", protocol_of(fd),
	       int_opt(fd, SOL_SOCKET, SO_KEEPALIVE),
	       int_opt(fd, IPPROTO_TCP, TCP_KEEPIDLE));
	if (write(fd, req, sizeof(req) - 1) < 0)
		return 1;
	/* Headers and body may come in separate reads (busybox httpd). */
	bool in_body = false;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char *end = in_body ? NULL :
				      memmem(buf, (size_t)n, "\r\n\r\n", 4);
		ssize_t from = in_body ? 0 : end ? end + 4 - buf : n;

		if (end)
			printf("body ");
		printf("%.*s", (int)(n - from), buf + from);
		in_body = in_body || end;
	}
	close(fd);
	return 0;
}

static void others(void)
{
	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	int unx = socket(AF_UNIX, SOCK_STREAM, 0);
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
	int mp = socket(AF_INET6, SOCK_STREAM, IPPROTO_MPTCP);
	int seq = socket(AF_INET, SOCK_SEQPACKET, 0);

	printf("udp %d\nunix %d\nraw %d\nmptcp %d\nseqpacket %s\n",
	       protocol_of(udp), protocol_of(unx), protocol_of(raw),
	       protocol_of(mp), seq < 0 ? "refused" : "made");
}

static void flags(void)
{
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			IPPROTO_TCP);
	int plain = socket(AF_INET, SOCK_STREAM, 0);

	printf("flagged %d nonblock %d cloexec %d\n", protocol_of(fd),
	       !!(fcntl(fd, F_GETFL) & O_NONBLOCK),
	       !!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	printf("plain %d nonblock %d cloexec %d keepalive %d idle %d\n",
	       protocol_of(plain), !!(fcntl(plain, F_GETFL) & O_NONBLOCK),
	       !!(fcntl(plain, F_GETFD) & FD_CLOEXEC),
	       int_opt(plain, SOL_SOCKET, SO_KEEPALIVE),
	       int_opt(plain, IPPROTO_TCP, TCP_KEEPIDLE));
}

/* Like a container runtime's profile that forbids seccomp(2) itself. */
static int deny_seccomp(char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_seccomp, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		perror("deny-seccomp");
		return 1;
	}
	execvp(argv[0], argv);
	perror("exec");
	return 127;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "server") == 0 && argc == 4)
		return serve(atoi(argv[2]), atoi(argv[3]));
	if (strcmp(mode, "client") == 0 && argc == 4)
		return fetch(argv[2], atoi(argv[3]));
	if (strcmp(mode, "fork") == 0 && argc == 4) {
		int status;
		pid_t pid = fork();

		if (pid == 0)
			_exit(fetch(argv[2], atoi(argv[3])));
		waitpid(pid, &status, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	if (strcmp(mode, "others") == 0) {
		others();
		return 0;
	}
	if (strcmp(mode, "flags") == 0) {
		flags();
		return 0;
	}
	if (strcmp(mode, "hold") == 0 && argc == 3) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		printf("held %d\n", protocol_of(fd));
		/* The socket stays open for the script to look at. */
		sleep((unsigned)atoi(argv[2]));
		return 0;
	}
	if (strcmp(mode, "twice") == 0) {
		char line[16];
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		printf("first %d\n", protocol_of(fd));
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			printf("second %s\n", strerrorname_np(errno));
		else
			printf("second %d\n", protocol_of(fd));
		return 0;
	}
	if (strcmp(mode, "deny-seccomp") == 0 && argc > 2)
		return deny_seccomp(argv + 2);
	fprintf(stderr, "usage: see the comment at the top\n");
	return 2;
}
