// SPDX-License-Identifier: BSD-3-Clause
/*
 * The compiled index gives the answers the whole file gives: every policy
 * fixture (grown past POLICY_INDEX_MIN_SIZE with trailing comments, so the
 * index is used) is loaded as `policy explain` loads it (whole) and as the
 * shim does (through its index), and the views, the decisions for a set of
 * addresses in both roles, the option modes and the problems reported must
 * be the same for every program the file names and one it does not. Then
 * the cases where the index must not be used: stale, unsafe, damaged.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "policy_index.h"
#include "policy_internal.h"

static char tmpdir[] = "/tmp/test_policy_index.XXXXXX";

/* Every problem reported, one per line, to compare the two loads. */
struct diag_log {
	char text[16384];
	size_t len;
};

static void log_problem(void *ctx, const char *file, unsigned line,
			const char *message)
{
	struct diag_log *log = ctx;
	int n = snprintf(log->text + log->len, sizeof(log->text) - log->len,
			 "%s:%u: %s\n", file, line, message);

	if (n > 0 && (size_t)n < sizeof(log->text) - log->len)
		log->len += (size_t)n;
}

static struct policy *load(const char *path, const char *const *names,
			   bool use_index, struct diag_log *log)
{
	struct policy_sources src = {
		.env_file = path,
		.program_names = names,
		.use_index = use_index,
	};

	memset(log, 0, sizeof(*log));
	return policy_load(&src, log_problem, log);
}

static void same_origin(const struct policy_origin *a,
			const struct policy_origin *b, const char *what)
{
	if ((a->file == NULL) != (b->file == NULL) ||
	    (a->file && strcmp(a->file, b->file) != 0) || a->line != b->line)
		fail_msg("%s: origin %s:%u against %s:%u", what,
			 a->file ? a->file : "-", a->line,
			 b->file ? b->file : "-", b->line);
}

static void same_decision(const struct policy_decision *a,
			  const struct policy_decision *b, const char *what)
{
	if (a->choice != b->choice)
		fail_msg("%s: choice %d against %d", what, a->choice,
			 b->choice);
	same_origin(&a->origin, &b->origin, what);
	if (strcmp(a->reason ? a->reason : "", b->reason ? b->reason : ""))
		fail_msg("%s: reason '%s' against '%s'", what, a->reason,
			 b->reason);
}

static const char *const addresses[] = {
	"127.0.0.1:80", "10.1.2.3:443", "192.0.2.7:22", "198.51.100.1:8080",
	"[::1]:80", "[2001:db8::1]:443", "[fe80::1]:22", "8.8.8.8:53",
	"[::ffff:10.0.0.1]:1", "172.16.0.1:65535",
};

static socklen_t parse_address(const char *text, struct sockaddr_storage *ss)
{
	char host[64];
	const char *colon = strrchr(text, ':');
	int port = atoi(colon + 1);

	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		snprintf(host, sizeof(host), "%.*s", (int)(colon - text - 2),
			 text + 1);
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET6, host, &a->sin6_addr), 1);
		return sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	snprintf(host, sizeof(host), "%.*s", (int)(colon - text), text);
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	assert_int_equal(inet_pton(AF_INET, host, &a->sin_addr), 1);
	return sizeof(*a);
}

static void same_views(const struct policy_view *a, const struct policy_view *b,
		       const char *what)
{
	static const int options[][2] = {
		{ IPPROTO_TCP, TCP_USER_TIMEOUT }, { IPPROTO_IP, IP_TTL },
		{ IPPROTO_TCP, TCP_NODELAY }, { SOL_SOCKET, SO_KEEPALIVE },
		{ IPPROTO_TCP, TCP_FASTOPEN }, { IPPROTO_IPV6, IPV6_V6ONLY },
	};
	char label[800];

	same_decision(&a->initial, &b->initial, what);
	assert_int_equal(a->decide_at_connect, b->decide_at_connect);
	assert_int_equal(a->decide_at_listen, b->decide_at_listen);
	assert_int_equal(a->unsupported, b->unsupported);
	assert_int_equal(a->per_option_unsupported, b->per_option_unsupported);
	assert_int_equal(a->keepalive.enabled, b->keepalive.enabled);
	assert_int_equal(a->keepalive.all_tcp, b->keepalive.all_tcp);
	assert_int_equal(a->keepalive.idle, b->keepalive.idle);
	assert_int_equal(a->keepalive.interval, b->keepalive.interval);
	assert_int_equal(a->keepalive.count, b->keepalive.count);
	assert_int_equal(a->log_level, b->log_level);
	assert_string_equal(a->app_name ? a->app_name : "-",
			    b->app_name ? b->app_name : "-");
	same_origin(&a->app_origin, &b->app_origin, what);
	for (size_t i = 0; i < sizeof(addresses) / sizeof(addresses[0]); i++) {
		struct sockaddr_storage ss;
		socklen_t len = parse_address(addresses[i], &ss);

		for (int role = POLICY_CONNECT; role <= POLICY_LISTEN; role++) {
			struct policy_decision x = policy_decide(
				a, role, (struct sockaddr *)&ss, len);
			struct policy_decision y = policy_decide(
				b, role, (struct sockaddr *)&ss, len);

			snprintf(label, sizeof(label), "%s %s %s", what,
				 role ? "listen" : "connect", addresses[i]);
			same_decision(&x, &y, label);
		}
	}
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		assert_int_equal(policy_unsupported_for(a, options[i][0],
							options[i][1]),
				 policy_unsupported_for(b, options[i][0],
							options[i][1]));
}

/* Copies src into the temporary directory, grown past the index's
 * threshold with comment lines; returns the copy's path (static). */
static const char *grown_copy(const char *src, const char *name)
{
	static char path[512];
	char buf[8192];
	FILE *in = fopen(src, "rb"), *out;
	size_t n, total = 0;
	bool newline = true;

	assert_non_null(in);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	out = fopen(path, "wb");
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		fwrite(buf, 1, n, out);
		newline = buf[n - 1] == '\n';
		total += n;
	}
	fclose(in);
	if (!newline)
		fputc('\n', out);
	while (total < POLICY_INDEX_MIN_SIZE + 100)
		total += (size_t)fprintf(out, "; padding, so that the file is "
					      "read through its index\n");
	fclose(out);
	chmod(path, 0644);
	return path;
}

/* The [app:NAME] names of a file, from a whole load. */
static size_t app_names(const struct policy *p, const char **names,
			size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_apps && n < max; i++)
		names[n++] = p->apps[i].name;
	return n;
}

static void compare_file(const char *path)
{
	struct diag_log whole_log, index_log;
	const char *apps[64];
	struct policy *all;
	size_t n_apps;
	int rc;

	all = load(path, NULL, false, &whole_log);
	assert_non_null(all);
	n_apps = app_names(all, apps, 60);
	apps[n_apps++] = "no-such-program";
	rc = policy_index_write(path, NULL, NULL, NULL);
	assert_true(rc >= 0);
	for (size_t i = 0; i < n_apps; i++) {
		/* A program known by two names, as python3 is: the pair
		 * with the next name in the list, and the name alone. */
		const char *pair[3] = { apps[i], apps[(i + 1) % n_apps], NULL };
		const char *one[2] = { apps[i], NULL };
		const char *const *sets[2] = { pair, one };

		for (int s = 0; s < 2; s++) {
			struct policy *whole = load(path, sets[s], false,
						    &whole_log);
			struct policy *indexed = load(path, sets[s], true,
						      &index_log);
			struct policy_view a, b;
			char what[600];

			assert_non_null(whole);
			assert_non_null(indexed);
			snprintf(what, sizeof(what), "%s [%s]", path, apps[i]);
			policy_resolve(whole, sets[s], &a);
			policy_resolve(indexed, sets[s], &b);
			same_views(&a, &b, what);
			if (strcmp(whole_log.text, index_log.text) != 0)
				fail_msg("%s: problems differ:\n%s---\n%s", what,
					 whole_log.text, index_log.text);
			policy_free(whole);
			policy_free(indexed);
		}
	}
	/* A file with a problem gets no index: it is read whole (above,
	 * with the same report). */
	if (whole_log.len) {
		char ipath[600];

		assert_true(rc > 0);
		assert_true(policy_index_path(path, ipath, sizeof(ipath)));
		assert_int_equal(access(ipath, F_OK), -1);
	} else {
		assert_int_equal(rc, 0);
	}
	policy_free(all);
}

static void test_fixtures_same_answers(void **state)
{
	const char *dirs[] = { FIXTURES, FIXTURES "/prec" };
	int files = 0;

	(void)state;
	for (size_t d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;

		assert_non_null(dir);
		while ((e = readdir(dir))) {
			char src[512];
			size_t len = strlen(e->d_name);

			if (len < 6 || strcmp(e->d_name + len - 5, ".conf"))
				continue;
			snprintf(src, sizeof(src), "%s/%s", dirs[d], e->d_name);
			compare_file(grown_copy(src, e->d_name));
			files++;
		}
		closedir(dir);
	}
	assert_true(files >= 20);
}

static const char big_policy_head[] = "[global]\nmode = all\n\n"
				      "[destinations]\nexclude = 10.0.0.0/8\n";

/* A clean file with many programs, compiled: the index is used. */
static const char *write_big(void)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/big.conf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(big_policy_head, f);
	for (int i = 0; i < 400; i++)
		fprintf(f, "\n[app:prog%d]\nconnect = %s\n", i,
			i % 2 ? "true" : "false");
	fclose(f);
	chmod(path, 0644);
	assert_int_equal(policy_index_write(path, NULL, NULL, NULL), 0);
	return path;
}

static int parse_through_index(const char *path, const char *name)
{
	const char *names[2] = { name, NULL };
	struct stat st;
	struct policy *out = NULL;
	int problems = 0;
	int fd = policy_open_checked(path, true, NULL, NULL, &problems, &st);
	int rc;

	assert_true(fd >= 0);
	rc = policy_index_parse(fd, &st, path, names, NULL, NULL, &out);
	close(fd);
	policy_free(out);
	return rc;
}

static void test_index_used_and_refused(void **state)
{
	const char *path = write_big();
	char ipath[600];
	struct timespec times[2] = { { 0, UTIME_OMIT }, { 12345, 0 } };
	FILE *f;

	(void)state;
	assert_true(policy_index_path(path, ipath, sizeof(ipath)));
	assert_int_equal(parse_through_index(path, "prog7"), 0);
	/* Writable by others: a setuid program must not trust it. */
	chmod(ipath, 0666);
	assert_int_equal(parse_through_index(path, "prog7"), -2);
	chmod(ipath, 0644);
	assert_int_equal(parse_through_index(path, "prog7"), 0);
	/* Owned by another user (checked where the test may chown). */
	if (geteuid() == 0) {
		assert_int_equal(chown(ipath, 12345, 12345), 0);
		assert_int_equal(parse_through_index(path, "prog7"), -2);
		assert_int_equal(chown(ipath, 0, 0), 0);
		assert_int_equal(parse_through_index(path, "prog7"), 0);
	}
	/* Damaged: a table at an offset its words cannot be read at (a
	 * misaligned read is undefined, a SIGBUS on some machines). The
	 * buckets' offset is the header's 26th 32-bit word. */
	{
		uint32_t off;
		int fd = open(ipath, O_RDWR);

		assert_true(fd >= 0);
		assert_int_equal(pread(fd, &off, 4, 100), 4);
		off += 2;
		assert_int_equal(pwrite(fd, &off, 4, 100), 4);
		close(fd);
		assert_int_equal(parse_through_index(path, "prog7"), -2);
		assert_int_equal(policy_index_write(path, NULL, NULL, NULL), 0);
		assert_int_equal(parse_through_index(path, "prog7"), 0);
	}
	/* Damaged inside, header intact: the buckets zeroed would hide every
	 * program's section (its settings silently lost), so the index is
	 * refused, not read as "no section". The buckets' count and offset
	 * are the header's 25th and 26th 32-bit words. */
	{
		uint32_t off, n, zero = 0;
		int fd = open(ipath, O_RDWR);

		assert_true(fd >= 0);
		assert_int_equal(pread(fd, &n, 4, 96), 4);
		assert_int_equal(pread(fd, &off, 4, 100), 4);
		for (uint32_t i = 0; i < n; i++)
			assert_int_equal(pwrite(fd, &zero, 4, off + 4 * i), 4);
		close(fd);
		assert_int_equal(parse_through_index(path, "prog7"), -2);
		assert_int_equal(policy_index_state(path),
				 POLICY_INDEX_UNUSABLE);
		assert_int_equal(policy_index_write(path, NULL, NULL, NULL), 0);
		assert_int_equal(parse_through_index(path, "prog7"), 0);
	}
	/* Damaged: cut short. */
	assert_int_equal(truncate(ipath, 100), 0);
	assert_int_equal(parse_through_index(path, "prog7"), -2);
	assert_int_equal(policy_index_write(path, NULL, NULL, NULL), 0);
	/* Stale: the file changed (same size, older mtime: ctime moved). */
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	assert_int_equal(parse_through_index(path, "prog7"), -2);
	assert_int_equal(policy_index_write(path, NULL, NULL, NULL), 0);
	/* Broken after compiling: read whole, reported as ever. */
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("[app:prog7]\n", f);
	fclose(f);
	assert_int_equal(parse_through_index(path, "prog7"), -2);
	{
		struct diag_log log;
		const char *names[2] = { "prog7", NULL };
		struct policy *p = load(path, names, true, &log);

		assert_non_null(p);
		assert_non_null(strstr(log.text, "duplicate section [app:prog7]"));
		policy_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_same_answers),
		cmocka_unit_test(test_index_used_and_refused),
	};
	int rc;

	if (!mkdtemp(tmpdir))
		return 1;
	char cmd[128];

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
