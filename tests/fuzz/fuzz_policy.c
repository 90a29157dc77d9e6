// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target for the policy parser: arbitrary bytes go through the
 * same stream parser the shim uses, then through merge, resolve, every
 * decision path and show, so that no input can crash, hang or leak in any
 * of them.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "policy_internal.h"
#include "policy_show.h"

static void count_problem(void *ctx, const char *file, unsigned line,
			  const char *message)
{
	size_t *total = ctx;

	*total += strlen(file) + line + strlen(message);
}

static void decide_some(const struct policy *p)
{
	static const char *const names[][3] = {
		{ "curl", NULL }, { "x", "python3", NULL }, { NULL },
	};
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct policy_view view;

	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		policy_resolve(p, names[n], &view);
		for (int role = POLICY_CONNECT; role <= POLICY_LISTEN; role++) {
			sin.sin_port = htons(443);
			inet_pton(AF_INET, "10.1.2.3", &sin.sin_addr);
			policy_decide(&view, role, (void *)&sin, sizeof(sin));
			inet_pton(AF_INET6, "::ffff:127.0.0.1",
				  &sin6.sin6_addr);
			policy_decide(&view, role, (void *)&sin6, sizeof(sin6));
			sin6.sin6_port = htons(8080);
			inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
			policy_decide(&view, role, (void *)&sin6, sizeof(sin6));
		}
		policy_unsupported_for(&view, SOL_TCP, TCP_USER_TIMEOUT);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct policy *layer, *p;
	size_t total = 0;
	FILE *in;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (size == 0)
		return 0;

	/* The raw parse, problems or not, including `policy show` of it. */
	in = fmemopen((void *)data, size, "r");
	if (!in)
		return 0;
	if (policy_parse(in, "fuzz.conf", count_problem, &total, &layer) >= 0) {
		policy_show(layer, sink, false);
		policy_show(layer, sink, true);
		decide_some(layer);
		policy_free(layer);
	}
	fclose(in);

	/* As the shim loads it: merged over the defaults, or ignored. */
	in = fmemopen((void *)data, size, "r");
	if (!in)
		return 0;
	p = policy_load_stream(in, "fuzz.conf", count_problem, &total);
	fclose(in);
	decide_some(p);
	policy_show(p, sink, false);
	policy_free(p);
	return 0;
}
