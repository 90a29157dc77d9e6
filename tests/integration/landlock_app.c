// SPDX-License-Identifier: BSD-3-Clause
/*
 * A program that sandboxes itself with Landlock, as landrun, go-landlock or
 * a sandboxed agent does: TCP bind and connect allowed on port ALLOW only.
 * Built dynamic and -static (the seccomp route). Prints one word=value line
 * per step for landlock.sh:
 *   landlock_app sandbox ALLOW DENY   restrict, then bind/connect both ports
 *   landlock_app late ALLOW DENY      a socket first, restrict, then more
 *   landlock_app shared ALLOW DENY    two sockets with a second fd each
 *                                     (dup: cannot be replaced), restrict,
 *                                     then bind one, connect the other
 *   landlock_app exec ALLOW DENY PROG ARGS...   restrict, then exec PROG
 *   landlock_app loop N               N socket()+close(), no domain
 *   landlock_app confined N           the same in a domain (for costs)
 *   landlock_app filtered ALLOW DENY  a seccomp filter (as a service
 *                                     manager adds one), then the steps of
 *                                     sandbox in the domain it was given
 *                                     (run it under exec)
 *   landlock_app nobind DENY          no domain; a seccomp filter that
 *                                     kills bind() (a client's own), then
 *                                     a socket connects to DENY
 *   landlock_app nobind-exec PROG ARGS...  that filter, then exec PROG
 * proto=N is SO_PROTOCOL (6 TCP, 262 MPTCP); errors are errno names.
 * Debian 12's headers lack the net part of the API: declared here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
#define ACCESS_NET_BIND_TCP (1ULL << 0)
#define ACCESS_NET_CONNECT_TCP (1ULL << 1)
#define RULE_NET_PORT 2

struct ruleset_attr {
	uint64_t handled_access_fs, handled_access_net;
};
struct net_port_attr {
	uint64_t allowed_access, port;
} __attribute__((packed));

static const char *result(int rc)
{
	return rc == 0 ? "0" : strerrorname_np(errno);
}

static int protocol(int fd)
{
	int p = -1;
	socklen_t len = sizeof(p);

	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &p, &len);
	return p;
}

static void sandbox(int allow)
{
	struct ruleset_attr attr = {
		.handled_access_net = ACCESS_NET_BIND_TCP |
				      ACCESS_NET_CONNECT_TCP,
	};
	struct net_port_attr rule = {
		.allowed_access = ACCESS_NET_BIND_TCP | ACCESS_NET_CONNECT_TCP,
		.port = (uint64_t)allow,
	};
	int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
			      0);

	if (fd < 0 ||
	    syscall(SYS_landlock_add_rule, fd, RULE_NET_PORT, &rule, 0) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_landlock_restrict_self, fd, 0) != 0) {
		printf("landlock=%s\n", strerrorname_np(errno));
		exit(77);
	}
	close(fd);
	printf("landlock=on\n");
}

/* A seccomp filter of the program's own: bind() kills the process when
 * kill_bind, else everything is allowed (a filter all the same). */
static void seccomp_filter(bool kill_bind)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bind, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, kill_bind ? SECCOMP_RET_KILL_PROCESS
						    : SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = code };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		printf("seccomp=%s\n", strerrorname_np(errno));
		exit(77);
	}
	printf("seccomp=on\n");
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int tcp(void)
{
	return socket(AF_INET, SOCK_STREAM, 0);
}

/* bind DENY, bind+listen ALLOW, connect DENY, connect ALLOW (to itself). */
static void exercise(int allow, int deny)
{
	struct sockaddr_in a;
	int s, l, c;

	s = tcp();
	a = loopback(deny);
	printf("proto=%d\n", protocol(s));
	printf("bind_deny=%s\n", result(bind(s, (void *)&a, sizeof(a))));
	close(s);

	l = tcp();
	a = loopback(allow);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	printf("bind_allow=%s\n", result(bind(l, (void *)&a, sizeof(a))));
	printf("listen=%s listen_proto=%d\n", result(listen(l, 4)),
	       protocol(l));

	c = tcp();
	a = loopback(deny);
	printf("connect_deny=%s\n", result(connect(c, (void *)&a, sizeof(a))));
	close(c);
	c = tcp();
	a = loopback(allow);
	printf("connect_allow=%s\n",
	       result(connect(c, (void *)&a, sizeof(a))));
	close(c);
	close(l);
}

int main(int argc, char **argv)
{
	int allow, deny;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && (strcmp(argv[1], "loop") == 0 ||
			  strcmp(argv[1], "confined") == 0)) {
		int n = atoi(argv[2]), p = -1;

		if (argv[1][0] == 'c')
			sandbox(1);
		for (int i = 0; i < n; i++) {
			int fd = tcp();

			if (i == 0)
				p = protocol(fd);
			close(fd);
		}
		printf("proto=%d\n", p);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "nobind-exec") == 0) {
		seccomp_filter(true);
		execvp(argv[2], argv + 2);
		printf("exec=%s\n", strerrorname_np(errno));
		return 127;
	}
	if (argc == 3 && strcmp(argv[1], "nobind") == 0) {
		struct sockaddr_in a = loopback(atoi(argv[2]));
		int c;

		seccomp_filter(true);
		c = tcp();
		printf("proto=%d\n", protocol(c));
		printf("connect=%s\n", result(connect(c, (void *)&a, sizeof(a))));
		return 0;
	}
	if (argc < 4)
		return 2;
	allow = atoi(argv[2]);
	deny = atoi(argv[3]);
	if (strcmp(argv[1], "sandbox") == 0) {
		sandbox(allow);
		exercise(allow, deny);
	} else if (strcmp(argv[1], "filtered") == 0) {
		seccomp_filter(false);
		exercise(allow, deny);
	} else if (strcmp(argv[1], "late") == 0) {
		struct sockaddr_in a = loopback(deny);
		int early = tcp();

		printf("early_proto=%d\n", protocol(early));
		sandbox(allow);
		/* The socket made before the sandbox: held to it all the same. */
		printf("early_bind_deny=%s\n",
		       result(bind(early, (void *)&a, sizeof(a))));
		printf("early_proto_after=%d\n", protocol(early));
		close(early);
		exercise(allow, deny);
	} else if (strcmp(argv[1], "shared") == 0) {
		struct sockaddr_in deny_addr = loopback(deny);
		struct sockaddr_in allow_addr = loopback(allow);
		int b = tcp(), c = tcp(), b2 = dup(b), c2 = dup(c);

		printf("shared_proto=%d\n", protocol(b));
		sandbox(allow);
		printf("shared_bind_deny=%s\n",
		       result(bind(b, (void *)&deny_addr, sizeof(deny_addr))));
		printf("shared_connect_deny=%s\n",
		       result(connect(c, (void *)&deny_addr,
				      sizeof(deny_addr))));
		printf("shared_bind_allow=%s\n",
		       result(bind(b, (void *)&allow_addr, sizeof(allow_addr))));
		close(b2);
		close(c2);
	} else if (strcmp(argv[1], "exec") == 0 && argc > 4) {
		sandbox(allow);
		execvp(argv[4], argv + 4);
		printf("exec=%s\n", strerrorname_np(errno));
		return 127;
	} else {
		return 2;
	}
	return 0;
}
