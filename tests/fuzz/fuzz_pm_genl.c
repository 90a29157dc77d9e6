// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: raw netlink bytes, as the kernel's "mptcp_pm" family
 * answers GET_LIMITS and GET_ADDR dumps, through the endpoints parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pm_state st;
	void *copy;

	/* Netlink messages are 4-byte aligned in the kernel's buffer. */
	copy = aligned_alloc(4, (size + 3) & ~(size_t)3);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&st, 0, sizeof(st));
	pm_parse_reply(copy, size, &st);
	for (size_t i = 0; i < st.n; i++)
		if (strnlen(st.ep[i].address, sizeof(st.ep[i].address)) ==
		    sizeof(st.ep[i].address))
			__builtin_trap();
	pm_state_free(&st);
	free(copy);
	return 0;
}
