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
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <spawn.h>
#include <stdbool.h>
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
		"       shimbench spawn N PRELOAD|- [socket]\n"
		"       shimbench one   (opens and closes one TCP socket)\n"
		"       shimbench exec N spawn|fork|fail PATH ARGV0 [ARG...]\n"
		"       shimbench threads N T tcp|mptcp|default\n"
		"       shimbench highfd N tcp|mptcp|default [BASE_FD]\n"
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
	double start = 0, cpu_start = 0;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM, protocol);
	if (listener < 0)
		die("socket (listener)");
	if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(listener, 128) < 0 ||
	    getsockname(listener, (struct sockaddr *)&addr, &len) < 0)
		die("listener");
	for (long i = -100; i < n; i++) {
		if (i == 0) {
			start = wall_ns();
			cpu_start = cpu_ns();
		}
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
	/* CPU time too: a TCP connection's work is all charged to this
	 * process (MPTCP's is not: part runs in kernel workers), and it is
	 * what a loaded machine perturbs least. */
	printf("ns_per_op=%.1f cpu_ns_per_op=%.1f client_protocol=%d "
	       "accepted_protocol=%d listener_protocol=%d\n",
	       (wall_ns() - start) / n, (cpu_ns() - cpu_start) / n,
	       client_proto, peer_proto, protocol_of(listener));
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

/* What a process that opens one socket does: the start-up figure. */
static int one_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	close(fd);
	return 0;
}

/* posix_spawn+wait4 of /bin/true, or with "socket" of ourselves opening one
 * socket (the shim's first-socket path: init, policy, probe). */
static int bench_spawn(long n, const char *preload, const char *what)
{
	static char self[PATH_MAX];
	char *argv[] = { "/bin/true", NULL, NULL };
	char **env = child_environment(preload);
	ssize_t len;

	if (what) {
		len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (len <= 0)
			die("readlink /proc/self/exe");
		self[len] = '\0';
		argv[0] = self;
		argv[1] = "one";
	}
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
			die("posix_spawn");
		}
		if (wait4(pid, &status, 0, &ru) < 0)
			die("wait4");
		if (i >= 0)
			children += rusage_ns(&ru);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "shimbench: %s failed (%d)\n",
				argv[0], status);
			return 1;
		}
	}
	printf("ns_per_op=%.1f\n", (cpu_ns() - start + children) / n);
	free(env);
	return 0;
}

/*
 * What a program pays to start another when it has the library itself
 * (the exec hooks run in it): posix_spawn, or fork + execv, of PATH with
 * this process's own environment. CPU time (ns_per_op, this process and
 * its children) and wall-clock time (wall_ns_per_op: a seccomp-route
 * supervisor is no child of ours and is charged to nobody here).
 */
static int bench_exec(long n, const char *how, char **argv)
{
	bool fork_exec = strcmp(how, "fork") == 0;
	double start = 0, wall = 0, children = 0;

	/* "fail": only the exec call itself, in this process: an argv the
	 * kernel refuses (EFAULT) after it opened the file, so what a hook
	 * adds to an exec is timed without the noise of a process start. */
	if (strcmp(how, "fail") == 0) {
		char **bad = (char **)8;

		__asm__("" : "+r"(bad));	/* a pointer the kernel refuses */
		start = cpu_ns();
		for (long i = 0; i < n * 100; i++)
			if (execve(argv[0], bad, environ) == 0 ||
			    errno != EFAULT)
				die("execve with a bad argv");
		printf("ns_per_op=%.1f wall_ns_per_op=0\n",
		       (cpu_ns() - start) / (n * 100));
		return 0;
	}
	for (long i = -10; i < n; i++) {
		struct rusage ru;
		pid_t pid;
		int status, err = 0;

		if (i == 0) {
			start = cpu_ns();
			wall = wall_ns();
		}
		if (fork_exec) {
			pid = fork();
			if (pid == 0) {
				execv(argv[0], argv + 1);
				_exit(127);
			}
			if (pid < 0)
				die("fork");
		} else {
			err = posix_spawn(&pid, argv[0], NULL, NULL, argv + 1,
					  environ);
		}
		if (err) {
			errno = err;
			die("posix_spawn");
		}
		if (wait4(pid, &status, 0, &ru) < 0)
			die("wait4");
		if (i >= 0)
			children += rusage_ns(&ru);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "shimbench: %s failed (%d)\n",
				argv[0], status);
			return 1;
		}
	}
	printf("ns_per_op=%.1f wall_ns_per_op=%.1f\n",
	       (cpu_ns() - start + children) / n, (wall_ns() - wall) / n);
	return 0;
}

struct thread_job {
	long n;
	int protocol;
};

static void *thread_loop(void *arg)
{
	const struct thread_job *job = arg;

	socket_loop(job->n, job->protocol);
	return NULL;
}

/*
 * T threads, each N socket()+close() pairs at once: CPU time per pair over
 * all threads, so contention on shared state shows as more CPU per pair.
 */
static int bench_threads(long n, long threads, int protocol)
{
	struct thread_job job = { n, protocol };
	pthread_t tid[64];
	double start;

	if (threads < 1 || threads > 64)
		usage();
	socket_loop(1000, protocol);
	start = cpu_ns();
	for (long i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, thread_loop, &job) != 0)
			die("pthread_create");
	for (long i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	printf("ns_per_op=%.1f\n", (cpu_ns() - start) / (n * threads));
	return 0;
}

static long vm_rss_kib(void);

/*
 * N sockets kept open at fds from BASE_FD (65536: above the shim's byte map,
 * where it tracks each socket with a full entry): resident bytes per socket. Filling
 * fds below with one shared /dev/null keeps the kernel's cost out of VmRSS.
 */
static int bench_highfd(long n, int protocol, long base)
{
	struct rlimit rl = { base + n + 64, base + n + 64 };
	long before, after;
	int filler, fd;

	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		/* Without CAP_SYS_RESOURCE the hard limit is the ceiling. */
		getrlimit(RLIMIT_NOFILE, &rl);
		printf("skipped=rlimit hard_limit=%lld\n",
		       (long long)rl.rlim_max);
		return 0;
	}
	filler = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (filler < 0)
		die("/dev/null");
	for (fd = filler + 1; fd < base; fd++)
		if (dup2(filler, fd) < 0)
			die("dup2");
	/* One socket first, so that a chunk mapped once is not counted. */
	fd = socket(AF_INET, SOCK_STREAM, protocol);
	if (fd < base)
		die("socket below the base fd");
	before = vm_rss_kib();
	for (long i = 1; i < n; i++)
		if (socket(AF_INET, SOCK_STREAM, protocol) < 0)
			die("socket");
	after = vm_rss_kib();
	printf("bytes_per_socket=%.1f first_fd=%d\n",
	       (after - before) * 1024.0 / (n - 1), fd);
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
	if (argc == 2 && strcmp(argv[1], "one") == 0)
		return one_socket();
	if (argc >= 6 && strcmp(argv[1], "exec") == 0)
		return bench_exec(parse_count(argv[2]), argv[3], argv + 4);
	if (argc == 5 && strcmp(argv[1], "spawn") == 0 &&
	    strcmp(argv[4], "socket") == 0)
		return bench_spawn(parse_count(argv[2]), argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "threads") == 0)
		return bench_threads(parse_count(argv[2]),
				     parse_count(argv[3]),
				     parse_protocol(argv[4]));
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "highfd") == 0)
		return bench_highfd(parse_count(argv[2]),
				    parse_protocol(argv[3]),
				    argc == 5 ? parse_count(argv[4]) : 65536);
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
		return bench_spawn(parse_count(argv[2]), argv[3], NULL);
	usage();
	return 2;
}
