// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target for the compiled-index reader (policy_index.c): the
 * shim maps whatever FILE.compiled holds, so arbitrary bytes, given a
 * valid header for the policy file beside them (else the stamps would stop
 * nearly every input at the door), must never crash, hang or read outside
 * the index or the file. The policy file is fixed; what the reader builds
 * from it is resolved and decided on, as the shim would.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "policy_index.h"
#include "policy_internal.h"

static char dir[] = "/tmp/fuzz_policy_index.XXXXXX";
static char path[256], ipath[300];
static int fd = -1;
static struct stat st;

static void setup(void)
{
	FILE *f;

	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/p.conf", dir);
	snprintf(ipath, sizeof(ipath), "%s%s", path, POLICY_INDEX_SUFFIX);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs("[global]\nmode = all\n\n[destinations]\nexclude = 10.0.0.0/8\n"
	      "\n[app:curl]\nconnect = false\n\n[app:python3]\n"
	      "keepalive.enabled = true\n", f);
	for (int i = 0; i < 200; i++)
		fprintf(f, "[app:p%d]\nlisten = false\n", i);
	fclose(f);
	chmod(path, 0644);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "curl", "python3", "p7", NULL };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct policy *out = NULL;
	struct policy_view view;
	uint8_t *buf;
	FILE *f;

	if (fd < 0)
		setup();
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	policy_index_fix_header(buf, size, &st);
	f = fopen(ipath, "w");
	if (!f)
		abort();
	fwrite(buf, 1, size, f);
	fclose(f);
	chmod(ipath, 0644);
	free(buf);
	if (policy_index_parse(fd, &st, path, names, NULL, NULL, &out) >= 0 &&
	    out) {
		policy_resolve(out, names, &view);
		inet_pton(AF_INET, "10.1.2.3", &sin.sin_addr);
		(void)policy_decide(&view, POLICY_CONNECT,
				    (struct sockaddr *)&sin, sizeof(sin));
	}
	policy_free(out);
	return 0;
}
