// SPDX-License-Identifier: BSD-3-Clause
/* libFuzzer target: /proc/net/netstat text through the MIB parser. */
#include <stdint.h>
#include <stdio.h>

#include "mib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mib_set set = { 0 };
	FILE *fp;

	if (!size)
		return 0;
	fp = fmemopen((void *)data, size, "r");
	if (!fp)
		return 0;
	if (mib_parse(fp, &set) == 0) {
		/* Every counter parsed must be found again by name. */
		for (size_t i = 0; i < set.n; i++)
			if (!mib_find(&set, set.v[i].name))
				__builtin_trap();
	}
	mib_free(&set);
	fclose(fp);
	return 0;
}
