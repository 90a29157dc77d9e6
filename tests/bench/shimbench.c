// SPDX-License-Identifier: BSD-3-Clause
/*
 * The timed loops behind tests/bench/run. Each mode runs one variant in a
 * fresh process (the runner chooses what is preloaded), so the runner can
 * interleave variants and compare medians measured side by side. socket()
 * and spawn times are CPU time (this process, plus its children for spawn),
 * so other load on a shared machine does not land in one variant's figure;
 * connect times are wall-clock time, because MPTCP finishes part of a
 * connection's work in kernel workers that no process is charged for.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

extern char **environ;

static void usage(void)
{
	fprintf(stderr,
		"Usage: shimbench socket N tcp|mptcp|default\n"
		"       shimbench socket-wall N tcp|mptcp|default   (wall clock)\n"
		"       shimbench loop N tcp|mptcp|default   (for callgrind)\n"
		"       shimbench connect N tcp|mptcp|default\n"
		"       shimbench spawn N PRELOAD|-\n"
		"       shimbench rss\n"
		"default: protocol 0, what an unmodified program asks for.\n");
	exit(2);
}

static double wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double rusage_ns(const struct rusage *ru)
{
	return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e9 +
	       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1e3;
}

static int parse_protocol(const char *name)
{
	if (strcmp(name, "tcp") == 0)
		return IPPROTO_TCP;
	if (strcmp(name, "mptcp") == 0)
		return IPPROTO_MPTCP;
	if (strcmp(name, "default") == 0)
		return 0;
	usage();
	return -1;
}

static long parse_count(const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (*end || n <= 0)
		usage();
	return n;
}

static void die(const char *what)
{
	fprintf(stderr, "shimbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* socket()+close() pairs; the first 1000 warm caches and the shim's init. */
static void socket_loop(long n, int protocol)
{
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, protocol);

		if (fd < 0)
			die("socket");
		close(fd);
	}
}

/* clock: cpu_ns, or wall_ns where another process does part of the work
 * (run's seccomp supervisor), which this process's CPU time would miss. */
static int bench_socket(long n, int protocol, double (*clock)(void))
{
	double start;

	socket_loop(1000, protocol);
	start = clock();
	socket_loop(n, protocol);
	printf("ns_per_op=%.1f\n", (clock() - start) / n);
	return 0;
}

static int protocol_of(int fd)
{
	int value = -1;
	socklen_t len = sizeof(value);

	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &value, &len) < 0)
		return -1;
	return value;
}

/*
 * connect()+accept()+close() over loopback against a listener of the same
 * kind; prints what the last connection really was, so a policy that
 * switches the socket at connect() shows whether it did.
 */
static int bench_connect(long n, int protocol)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int listener, client = -1, peer = -1, client_proto = -1;
	int peer_proto = -1;
	double start = 0;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM, protocol);
	if (listener < 0)
		die("socket (listener)");
	if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(listener, 128) < 0 ||
	    getsockname(listener, (struct sockaddr *)&addr, &len) < 0)
		die("listener");
	for (long i = -100; i < n; i++) {
		if (i == 0)
			start = wall_ns();
		client = socket(AF_INET, SOCK_STREAM, protocol);
		if (client < 0)
			die("socket");
		if (connect(client, (struct sockaddr *)&addr,
			    sizeof(addr)) < 0)
			die("connect");
		peer = accept(listener, NULL, NULL);
		if (peer < 0)
			die("accept");
		if (i == n - 1) {
			client_proto = protocol_of(client);
			peer_proto = protocol_of(peer);
		}
		close(client);
		close(peer);
	}
	printf("ns_per_op=%.1f client_protocol=%d accepted_protocol=%d "
	       "listener_protocol=%d\n", (wall_ns() - start) / n, client_proto,
	       peer_proto, protocol_of(listener));
	close(listener);
	return 0;
}

/* The environment for the children: ours without LD_PRELOAD, plus preload. */
static char **child_environment(const char *preload)
{
	static char entry[4096];
	size_t count = 0, i, j = 0;
	char **env;

	while (environ[count])
		count++;
	env = calloc(count + 2, sizeof(*env));
	if (!env)
		die("calloc");
	for (i = 0; i < count; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
			env[j++] = environ[i];
	if (strcmp(preload, "-") != 0) {
		snprintf(entry, sizeof(entry), "LD_PRELOAD=%s", preload);
		env[j++] = entry;
	}
	env[j] = NULL;
	return env;
}

static int bench_spawn(long n, const char *preload)
{
	char *argv[] = { "/bin/true", NULL };
	char **env = child_environment(preload);
	double start = 0, children = 0;

	for (long i = -20; i < n; i++) {
		struct rusage ru;
		pid_t pid;
		int status, err;

		if (i == 0)
			start = cpu_ns();
		err = posix_spawn(&pid, argv[0], NULL, NULL, argv, env);
		if (err) {
			errno = err;
			die("posix_spawn /bin/true");
		}
		if (wait4(pid, &status, 0, &ru) < 0)
			die("wait4");
		if (i >= 0)
			children += rusage_ns(&ru);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "shimbench: /bin/true failed (%d)\n",
				status);
			return 1;
		}
	}
	printf("ns_per_op=%.1f\n", (cpu_ns() - start + children) / n);
	free(env);
	return 0;
}

static long vm_rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		die("/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Resident memory before any socket (idle) and after the first one. */
static int bench_rss(void)
{
	long idle = vm_rss_kib(), active;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	active = vm_rss_kib();
	close(fd);
	printf("idle_kib=%ld after_socket_kib=%ld\n", idle, active);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "rss") == 0)
		return bench_rss();
	if (argc != 4)
		usage();
	if (strcmp(argv[1], "socket") == 0 ||
	    strcmp(argv[1], "socket-wall") == 0)
		return bench_socket(parse_count(argv[2]),
				    parse_protocol(argv[3]),
				    argv[1][6] ? wall_ns : cpu_ns);
	if (strcmp(argv[1], "loop") == 0) {
		socket_loop(parse_count(argv[2]), parse_protocol(argv[3]));
		return 0;
	}
	if (strcmp(argv[1], "connect") == 0)
		return bench_connect(parse_count(argv[2]),
				     parse_protocol(argv[3]));
	if (strcmp(argv[1], "spawn") == 0)
		return bench_spawn(parse_count(argv[2]), argv[3]);
	usage();
	return 2;
}
