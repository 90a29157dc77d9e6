// SPDX-License-Identifier: BSD-3-Clause
/*
 * `policy compile [FILE...]`: writes each clean policy file's compiled
 * index (FILE.compiled, policy_index.h), which lets every process read
 * only its own sections of a big policy; without FILE, the system file,
 * the user file and $MPTCPSHIM_CONFIG, those that exist. A file with a
 * problem gets no index (its problems are printed as `check` prints
 * them), and the shim then reads it whole, as before.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "policy_index.h"
#include "policy_verbs.h"

static void print_problem(void *ctx, const char *file, unsigned line,
			  const char *message)
{
	(void)ctx;
	if (line)
		fprintf(stderr, "%s:%u: %s\n", file, line, message);
	else
		fprintf(stderr, "%s: %s\n", file, message);
}

/* 0 written, 1 a problem. */
static int compile_one(const char *path)
{
	size_t sections = 0;
	char ipath[PATH_MAX];
	int rc = policy_index_write(path, print_problem, NULL, &sections);

	if (rc < 0) {
		cli_error("policy compile", "%s: cannot write %s%s: %s", path,
			  path, POLICY_INDEX_SUFFIX, strerror(errno));
		return 1;
	}
	if (rc > 0) {
		fprintf(stderr, "%s: not compiled: %d problem%s (the shim "
			"reads it whole; see 'mptcpshim policy check')\n",
			path, rc, rc == 1 ? "" : "s");
		return 1;
	}
	policy_index_path(path, ipath, sizeof(ipath));
	printf("%s: %zu sections indexed in %s\n", path, sections, ipath);
	return 0;
}

int policy_compile_cmd(int argc, char **argv)
{
	char user[PATH_MAX];
	struct policy_sources src;
	const char *files[3];
	int failed = 0, n = 0;

	if (argc > 1 && argv[1][0] == '-') {
		bool help = strcmp(argv[1], "-h") == 0 ||
			    strcmp(argv[1], "--help") == 0;

		if (!help)
			cli_error("policy compile", "unknown option %s",
				  argv[1]);
		policy_usage(help ? stdout : stderr);
		return help ? CLI_OK : CLI_USAGE;
	}
	for (int i = 1; i < argc; i++)
		failed |= compile_one(argv[i]);
	if (argc > 1)
		return failed ? CLI_CHECK_FAILED : CLI_OK;
	policy_sources_default(&src, NULL, false, user, sizeof(user));
	files[0] = src.system_file;
	files[1] = src.user_file;
	files[2] = src.env_file;
	for (int i = 0; i < 3; i++) {
		if (!files[i] || access(files[i], F_OK) != 0)
			continue;
		n++;
		failed |= compile_one(files[i]);
	}
	if (n == 0)
		printf("no policy file to compile (the shim uses its "
		       "built-in defaults)\n");
	return failed ? CLI_CHECK_FAILED : CLI_OK;
}
