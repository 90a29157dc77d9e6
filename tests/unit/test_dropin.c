// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit names, Environment= parsing and drop-in discovery/rendering: the
 * pieces `enable` relies on to merge with a unit instead of clobbering it.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "dropin.h"
#include "envmerge.h"
#include "unitname.h"

static void expect_name(const char *in, const char *name, const char *suffix,
			enum unitname_kind kind)
{
	struct unitname u;
	const char *why = NULL;

	if (unitname_parse(in, &u, &why) != 0)
		fail_msg("'%s' rejected: %s", in, why);
	assert_string_equal(u.name, name);
	assert_string_equal(u.suffix, suffix);
	assert_int_equal(u.kind, kind);
}

static void expect_bad(const char *in, const char *why_part)
{
	struct unitname u;
	const char *why = NULL;

	if (unitname_parse(in, &u, &why) == 0)
		fail_msg("'%s' accepted as '%s'", in, u.name);
	assert_non_null(why);
	if (!strstr(why, why_part))
		fail_msg("'%s': reason '%s' lacks '%s'", in, why, why_part);
}

static void test_unit_names(void **state)
{
	char long_ok[256], long_bad[257], long_nosuffix[256];

	(void)state;
	expect_name("nginx", "nginx.service", "service", UNITNAME_PLAIN);
	expect_name("nginx.service", "nginx.service", "service",
		    UNITNAME_PLAIN);
	expect_name("my.app", "my.app.service", "service", UNITNAME_PLAIN);
	expect_name("web.socket", "web.socket", "socket", UNITNAME_PLAIN);
	expect_name("getty@.service", "getty@.service", "service",
		    UNITNAME_TEMPLATE);
	expect_name("getty@tty1", "getty@tty1.service", "service",
		    UNITNAME_INSTANCE);
	expect_name("a:b_c-d\\x2de@x@y.service", "a:b_c-d\\x2de@x@y.service",
		    "service", UNITNAME_INSTANCE);

	/* 255 characters is systemd's limit, suffix included. */
	memset(long_ok, 'a', sizeof(long_ok));
	strcpy(long_ok + 255 - strlen(".service"), ".service");
	expect_name(long_ok, long_ok, "service", UNITNAME_PLAIN);
	memset(long_bad, 'a', sizeof(long_bad));
	strcpy(long_bad + 256 - strlen(".service"), ".service");
	expect_bad(long_bad, "255");
	memset(long_nosuffix, 'a', sizeof(long_nosuffix));
	long_nosuffix[255 - strlen(".service") + 1] = '\0';
	expect_bad(long_nosuffix, "255");

	expect_bad("", "empty");
	expect_bad("/etc/systemd/system/x.service", "'/'");
	expect_bad("../x", "'/'");
	expect_bad("a..service", "'..'");
	expect_bad("x..", "'..'");
	expect_bad("a b", "letters");
	expect_bad("a$b", "letters");
	expect_bad("a;reboot", "letters");
	expect_bad("caf\xc3\xa9", "letters");
	expect_bad("tab\there", "letters");
	expect_bad(".hidden", "start with '.'");
	expect_bad("@x.service", "prefix");
	expect_bad("@.service", "prefix");
}

static void test_unit_name_relatives(void **state)
{
	struct unitname u, out;
	const char *why;

	(void)state;
	assert_int_equal(unitname_parse("getty@tty1", &u, &why), 0);
	assert_int_equal(unitname_template(&u, &out), 0);
	assert_string_equal(out.name, "getty@.service");
	assert_int_equal(out.kind, UNITNAME_TEMPLATE);
	assert_int_equal(unitname_with_suffix(&u, "socket", &out), 0);
	assert_string_equal(out.name, "getty@tty1.socket");
	assert_string_equal(out.suffix, "socket");
	assert_int_equal(unitname_parse("web", &u, &why), 0);
	assert_int_equal(unitname_template(&u, &out), -1);
}

static void expect_env(const char *const *lines, const char *name,
		       const char *want)
{
	struct dropin_env env = { 0 };

	for (; *lines; lines++)
		dropin_env_apply(&env, *lines);
	if (want)
		assert_string_equal(dropin_env_get(&env, name), want);
	else
		assert_null(dropin_env_get(&env, name));
	dropin_env_free(&env);
}

static void test_environment_syntax(void **state)
{
	struct dropin_env env = { 0 };

	(void)state;
	expect_env((const char *[]){ "A=1 B=2", NULL }, "B", "2");
	expect_env((const char *[]){ "\"A=x y\" B=2", NULL }, "A", "x y");
	expect_env((const char *[]){ "'A=x \"y\"'", NULL }, "A", "x \"y\"");
	/* Quotes may start inside a word. */
	expect_env((const char *[]){ "A=\"x y\"z", NULL }, "A", "x yz");
	expect_env((const char *[]){ "A=a\\tb\\x41\\101\\u00e9", NULL }, "A",
		   "a\tbAA\xc3\xa9");
	expect_env((const char *[]){ "\"A=q\\\"q\"", NULL }, "A", "q\"q");
	/* Later assignments replace; an empty Environment= clears. */
	expect_env((const char *[]){ "A=1", "A=2 B=3", NULL }, "A", "2");
	expect_env((const char *[]){ "A=1", "", "B=3", NULL }, "A", NULL);
	/* Specifiers are kept as written so that they can be written back. */
	expect_env((const char *[]){ "A=%i/%%", NULL }, "A", "%i/%%");

	/* An invalid assignment is skipped, the rest applies. */
	assert_int_equal(dropin_env_apply(&env, "1A=x B=ok =y C"), -1);
	assert_string_equal(dropin_env_get(&env, "B"), "ok");
	assert_null(dropin_env_get(&env, "1A"));
	assert_null(dropin_env_get(&env, "C"));
	/* A syntax error stops the line; what came before stays (systemd). */
	assert_int_equal(dropin_env_apply(&env, "D=1 \"E=2"), -1);
	assert_string_equal(dropin_env_get(&env, "D"), "1");
	assert_null(dropin_env_get(&env, "E"));
	assert_int_equal(dropin_env_apply(&env, "F=1 G=\\q H=3"), -1);
	assert_string_equal(dropin_env_get(&env, "F"), "1");
	assert_null(dropin_env_get(&env, "G"));
	assert_null(dropin_env_get(&env, "H"));
	assert_int_equal(dropin_env_apply(&env, "I=\\x00"), -1);
	assert_null(dropin_env_get(&env, "I"));
	dropin_env_free(&env);
}

static void expect_quote_roundtrip(const char *assignment, const char *want)
{
	struct dropin_env env = { 0 };
	char *q = dropin_quote(assignment), name[64];
	size_t n = strcspn(assignment, "=");

	assert_non_null(q);
	assert_string_equal(q, want);
	assert_int_equal(dropin_env_apply(&env, q), 0);
	snprintf(name, sizeof(name), "%.*s", (int)n, assignment);
	assert_string_equal(dropin_env_get(&env, name), assignment + n + 1);
	dropin_env_free(&env);
	free(q);
}

static void test_quote(void **state)
{
	char *e;

	(void)state;
	expect_quote_roundtrip("LD_PRELOAD=/usr/lib/libmptcpshim.so",
			       "LD_PRELOAD=/usr/lib/libmptcpshim.so");
	expect_quote_roundtrip("LD_PRELOAD=/opt/a.so /opt/b.so",
			       "\"LD_PRELOAD=/opt/a.so /opt/b.so\"");
	expect_quote_roundtrip("A=it's \"x\" \\ y",
			       "\"A=it's \\\"x\\\" \\\\ y\"");
	expect_quote_roundtrip("A=tab\there", "\"A=tab\\x09here\"");
	expect_quote_roundtrip("A=del\x7f", "\"A=del\\x7f\"");
	/* An empty word must still be a word. */
	e = dropin_quote("");
	assert_string_equal(e, "\"\"");
	free(e);
	e = dropin_escape_specifiers("/opt/100%/x.so");
	assert_string_equal(e, "/opt/100%%/x.so");
	free(e);
}

/* ---- files on a temporary root ------------------------------------------ */

static char root[] = "/tmp/test_dropin.XXXXXX";

static void put_file(const char *rel, const char *text)
{
	char path[4096], *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (p = strchr(path + strlen(root) + 1, '/'); p;
	     p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup_root(void **state)
{
	(void)state;
	strcpy(root, "/tmp/test_dropin.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown_root(void **state)
{
	char *argv[] = { "rm", "-rf", root, NULL };
	pid_t pid = fork();

	(void)state;
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, NULL, 0) == pid ? 0 : -1;
}

static const char *base(const char *path)
{
	return strrchr(path, '/') + 1;
}

static void test_find_and_read(void **state)
{
	struct dropin_paths paths = { .root = root, .scope = DROPIN_SYSTEM };
	struct dropin_files files;
	struct dropin_service svc;
	struct unitname u;
	const char *why;
	char skip[4096];

	(void)state;
	put_file("/usr/lib/systemd/system/web-api@.service",
		 "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n"
		 "Environment=FOO=1 \"BAR=a b\"\n"
		 "Environment=LD_PRELOAD=/opt/x.so\n");
	/* Shadowed by the /etc copy of the same name. */
	put_file("/usr/lib/systemd/system/web-api@.service.d/10-a.conf",
		 "[Service]\nEnvironment=GODEBUG=vendor=1\n");
	put_file("/etc/systemd/system/web-api@.service.d/10-a.conf",
		 "[Service]\nEnvironment=GODEBUG=http2client=0\n");
	/* Dash prefix and type-wide drop-ins apply too, by file name. */
	put_file("/run/systemd/system/web-.service.d/20-b.conf",
		 "[Unit]\nEnvironment=NOT_SERVICE=1\n[Service]\n"
		 "Environment=BAZ=3 \\\n  QUX=4\n");
	put_file("/usr/lib/systemd/system/service.d/05-c.conf",
		 "[Service]\n# comment\nEnvironment=EARLY=1 LD_PRELOAD=/x\n");
	/* Masked by a link to /dev/null in a more important directory. */
	put_file("/usr/lib/systemd/system/web-api@1.service.d/30-m.conf",
		 "[Service]\nEnvironment=MASKED=1\n");
	put_file("/etc/systemd/system/web-api@1.service.d/placeholder", "");
	{
		char link[4096];

		snprintf(link, sizeof(link),
			 "%s/etc/systemd/system/web-api@1.service.d/30-m.conf",
			 root);
		assert_int_equal(symlink("/dev/null", link), 0);
	}
	put_file("/etc/systemd/system/web-api@1.service.d/" DROPIN_FILE,
		 "[Service]\nEnvironment=LD_PRELOAD=/opt/x.so:/lib/s.so\n");
	put_file("/etc/systemd/system/web-api@1.service.d/notconf.txt",
		 "[Service]\nEnvironment=NOPE=1\n");

	assert_int_equal(unitname_parse("web-api@1", &u, &why), 0);
	assert_int_equal(dropin_find(&paths, &u, &files), 0);
	assert_non_null(files.fragment);
	assert_false(files.masked);
	assert_string_equal(base(files.fragment), "web-api@.service");
	assert_int_equal(files.n, 4);
	assert_string_equal(base(files.dropins[0]), "05-c.conf");
	assert_string_equal(base(files.dropins[1]), "10-a.conf");
	assert_non_null(strstr(files.dropins[1], "/etc/"));
	assert_string_equal(base(files.dropins[2]), "20-b.conf");
	assert_string_equal(base(files.dropins[3]), DROPIN_FILE);

	/* Without our own file: what the unit has on its own. */
	snprintf(skip, sizeof(skip),
		 "%s/etc/systemd/system/web-api@1.service.d/" DROPIN_FILE,
		 root);
	assert_int_equal(dropin_read_service(&files, skip, &svc, NULL, NULL),
			 0);
	assert_string_equal(dropin_env_get(&svc.env, "FOO"), "1");
	assert_string_equal(dropin_env_get(&svc.env, "BAR"), "a b");
	/* A continued line joins the next one (as systemd-analyze shows). */
	assert_string_equal(dropin_env_get(&svc.env, "BAZ"), "3");
	assert_string_equal(dropin_env_get(&svc.env, "QUX"), "4");
	assert_string_equal(dropin_env_get(&svc.env, "EARLY"), "1");
	assert_string_equal(dropin_env_get(&svc.env, "GODEBUG"),
			    "http2client=0");
	/* The drop-in (05-c.conf) comes after the unit file. */
	assert_string_equal(dropin_env_get(&svc.env, "LD_PRELOAD"), "/x");
	assert_string_equal(base(svc.preload_set_by), "05-c.conf");
	assert_null(dropin_env_get(&svc.env, "NOT_SERVICE"));
	assert_null(dropin_env_get(&svc.env, "MASKED"));
	assert_null(dropin_env_get(&svc.env, "NOPE"));
	assert_false(svc.environment_file);
	dropin_service_free(&svc);

	assert_int_equal(dropin_read_service(&files, NULL, &svc, NULL, NULL),
			 0);
	assert_string_equal(dropin_env_get(&svc.env, "LD_PRELOAD"),
			    "/opt/x.so:/lib/s.so");
	assert_string_equal(base(svc.preload_set_by), DROPIN_FILE);
	dropin_service_free(&svc);
	dropin_files_free(&files);

	/* A unit that does not exist has no fragment; a masked one says so. */
	assert_int_equal(unitname_parse("nope", &u, &why), 0);
	assert_int_equal(dropin_find(&paths, &u, &files), 0);
	assert_null(files.fragment);
	dropin_files_free(&files);
	{
		char link[4096];

		snprintf(link, sizeof(link),
			 "%s/etc/systemd/system/gone.service", root);
		assert_int_equal(symlink("/dev/null", link), 0);
	}
	assert_int_equal(unitname_parse("gone", &u, &why), 0);
	assert_int_equal(dropin_find(&paths, &u, &files), 0);
	assert_null(files.fragment);
	assert_true(files.masked);
	dropin_files_free(&files);
}

struct warnings {
	unsigned n, last_line;
	char last_file[4096], last_message[256];
};

static void collect_warning(void *ctx, const char *file, unsigned line,
			    const char *message)
{
	struct warnings *w = ctx;

	w->n++;
	w->last_line = line;
	snprintf(w->last_file, sizeof(w->last_file), "%s", file);
	snprintf(w->last_message, sizeof(w->last_message), "%s", message);
}

/* Reading what the files say: warnings with file and line, comments in
 * continued lines, clearing assignments, EnvironmentFile=, limits. */
static void test_read_warnings(void **state)
{
	char frag[4096], bad[4096], missing[4096], big[4096], *text;
	char *dropins[] = { bad, missing };
	struct dropin_files files = { .fragment = frag, .dropins = dropins,
				      .n = 2 };
	struct dropin_service svc;
	struct warnings w = { 0 };
	FILE *f;

	(void)state;
	put_file("/u.service",
		 "[Service]\n"
		 "Environment=LD_PRELOAD=/a.so GODEBUG=x=1   \r\n"
		 "EnvironmentFile=-/etc/default/u\n"
		 "Environment=A=1 \\\n"
		 "# a comment inside the continued line\n"
		 "  B=2\n");
	put_file("/d/10-bad.conf",
		 "; comment\n[Service]\n\n"
		 "Environment=C=3 \"D=unterminated\n"
		 "Environment=\n");
	snprintf(frag, sizeof(frag), "%s/u.service", root);
	snprintf(bad, sizeof(bad), "%s/d/10-bad.conf", root);
	snprintf(missing, sizeof(missing), "%s/d/20-missing.conf", root);

	assert_int_equal(dropin_read_service(&files, NULL, &svc,
					     collect_warning, &w), 0);
	/* The bad line (4) of 10-bad.conf, then the missing file (line 0). */
	assert_int_equal(w.n, 2);
	assert_string_equal(w.last_file, missing);
	assert_int_equal(w.last_line, 0);
	assert_string_equal(w.last_message, strerror(ENOENT));
	assert_true(svc.environment_file);
	/* The empty Environment= cleared everything before it, and counts
	 * as setting both variables (it removes ours). */
	assert_null(dropin_env_get(&svc.env, "A"));
	assert_null(dropin_env_get(&svc.env, "C"));
	assert_string_equal(svc.preload_set_by, bad);
	assert_string_equal(svc.godebug_set_by, bad);
	dropin_service_free(&svc);

	/* Skipping 10-bad.conf: the fragment's values, comment line left out. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(dropin_read_service(&files, bad, &svc,
					     collect_warning, &w), 0);
	assert_int_equal(w.n, 1);
	assert_string_equal(dropin_env_get(&svc.env, "B"), "2");
	assert_string_equal(dropin_env_get(&svc.env, "A"), "1");
	assert_string_equal(dropin_env_get(&svc.env, "GODEBUG"), "x=1");
	assert_string_equal(svc.preload_set_by, frag);
	dropin_service_free(&svc);

	/* The syntax warning names the line where the assignment starts. */
	files.fragment = bad;
	files.n = 0;
	memset(&w, 0, sizeof(w));
	assert_int_equal(dropin_read_service(&files, NULL, &svc,
					     collect_warning, &w), 0);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.last_line, 4);
	assert_non_null(strstr(w.last_message, "invalid syntax"));
	dropin_service_free(&svc);

	text = dropin_read_text(frag);
	assert_non_null(text);
	assert_non_null(strstr(text, "EnvironmentFile=-/etc/default/u\n"));
	free(text);
	errno = 0;
	assert_null(dropin_read_text(missing));
	assert_int_equal(errno, ENOENT);
	/* Over 1 MiB is not a unit file of ours. */
	snprintf(big, sizeof(big), "%s/big.conf", root);
	f = fopen(big, "w");
	assert_non_null(f);
	for (int i = 0; i < 1100; i++)
		for (int j = 0; j < 1024; j++)
			fputc('#', f);
	fclose(f);
	errno = 0;
	assert_null(dropin_read_text(big));
	assert_int_equal(errno, EFBIG);
}

static void test_user_search_path(void **state)
{
	struct dropin_paths paths = {
		.root = root, .scope = DROPIN_USER,
		.config_home = "/home/u/.config",
		.data_home = "/home/u/.local/share",
	};
	struct dropin_files files;
	struct unitname u;
	const char *why;

	(void)state;
	put_file("/usr/lib/systemd/user/agent.service", "[Service]\n");
	put_file("/home/u/.local/share/systemd/user/agent.service",
		 "[Service]\n");
	put_file("/home/u/.config/systemd/user/agent.service.d/x.conf",
		 "[Service]\n");
	assert_int_equal(unitname_parse("agent", &u, &why), 0);
	assert_int_equal(dropin_find(&paths, &u, &files), 0);
	assert_non_null(strstr(files.fragment, "/.local/share/"));
	assert_int_equal(files.n, 1);
	assert_non_null(strstr(files.dropins[0], "/.config/systemd/user/"));
	dropin_files_free(&files);
}

static void test_render(void **state)
{
	char *created[] = { "/etc/systemd/system/web.service.d" };
	char **dirs;
	size_t n;
	char *text;

	(void)state;
	text = dropin_render_service("/opt/x.so:/usr/lib/libmptcpshim.so",
				     "multipathtcp=1", created, 1);
	assert_string_equal(
		text,
		"# Written by mptcpshim enable: Multipath TCP for this unit "
		"through\n"
		"# the mptcpshim library. 'mptcpshim disable' removes this "
		"file (and\n"
		"# the directories listed below, which it created, once "
		"empty).\n"
		"# created: /etc/systemd/system/web.service.d\n"
		"\n[Service]\n"
		"Environment=LD_PRELOAD=/opt/x.so:/usr/lib/libmptcpshim.so\n"
		"Environment=GODEBUG=multipathtcp=1\n");
	assert_int_equal(dropin_created_dirs(text, &dirs, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(dirs[0], created[0]);
	dropin_strv_free(dirs, n);
	free(text);

	text = dropin_render_service("/a b.so", "x=1", NULL, 0);
	assert_non_null(strstr(text, "Environment=\"LD_PRELOAD=/a b.so\"\n"));
	assert_int_equal(dropin_created_dirs(text, &dirs, &n), 0);
	assert_int_equal(n, 0);
	free(dirs);
	free(text);

	text = dropin_render_socket(NULL, 0);
	assert_non_null(strstr(text, "\n[Socket]\n"));
	assert_non_null(strstr(text, "\nSocketProtocol=mptcp\n"));
	free(text);
}

static void test_write_atomic(void **state)
{
	char path[4096], *text;
	struct stat st;

	(void)state;
	umask(077);
	assert_int_equal(dropin_write_atomic(root, "a.conf", "one\n"), 0);
	assert_int_equal(dropin_write_atomic(root, "a.conf", "two\n"), 0);
	snprintf(path, sizeof(path), "%s/a.conf", root);
	text = dropin_read_text(path);
	assert_string_equal(text, "two\n");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	umask(022);
	/* No temporary file is left behind. */
	{
		DIR *d = opendir(root);
		struct dirent *e;
		int entries = 0;

		assert_non_null(d);
		while ((e = readdir(d)))
			entries += e->d_name[0] != '.' ||
				   strncmp(e->d_name, ".a.conf.", 8) == 0;
		closedir(d);
		assert_int_equal(entries, 1);
	}
	assert_int_equal(dropin_write_atomic("/nonexistent/dir", "a.conf",
					     "x"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_names),
		cmocka_unit_test(test_unit_name_relatives),
		cmocka_unit_test(test_environment_syntax),
		cmocka_unit_test(test_quote),
		cmocka_unit_test_setup_teardown(test_find_and_read, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_read_warnings, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_user_search_path,
						setup_root, teardown_root),
		cmocka_unit_test(test_render),
		cmocka_unit_test_setup_teardown(test_write_atomic, setup_root,
						teardown_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
