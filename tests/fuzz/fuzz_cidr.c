// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: the address and port rule parsers of [destinations].
 * What parses must print and parse back to the same rule.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cidr c = { 0 }, c2 = { 0 };
	struct port_range p, p2;
	char buf[128];
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!policy_cidr_parse(text, &c)) {
		policy_cidr_format(&c, buf, sizeof(buf));
		if (policy_cidr_parse(buf, &c2) || c.family != c2.family ||
		    c.prefix_len != c2.prefix_len ||
		    memcmp(c.addr, c2.addr, sizeof(c.addr)))
			__builtin_trap();
	}
	if (!policy_ports_parse(text, &p)) {
		policy_ports_format(&p, buf, sizeof(buf));
		if (policy_ports_parse(buf, &p2) || p.lo != p2.lo ||
		    p.hi != p2.hi)
			__builtin_trap();
	}
	free(text);
	return 0;
}
