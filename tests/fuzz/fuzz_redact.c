// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: any text through the bundle's address redactor. What
 * comes out holds no address inet_pton() accepts that the input had (all
 * but loopback and unspecified), and redacting it again changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct redact r = { 0 }, again = { 0 };
	size_t len, len2;
	char *out, *out2;

	out = redact_text(&r, (const char *)data, size, &len);
	if (!out)
		return 0;
	/* A pseudonym is never mistaken for an address: idempotent. */
	out2 = redact_text(&again, out, len, &len2);
	if (out2 && (len2 != len || memcmp(out, out2, len) != 0))
		__builtin_trap();
	free(out);
	free(out2);
	redact_free(&r);
	redact_free(&again);
	return 0;
}
