// SPDX-License-Identifier: BSD-3-Clause
/* A library with only a DT_HASH table (--hash-style=sysv), for the
 * symbol walk's older lookup (test_real.c). */
__attribute__((visibility("default"))) int symwalk_sysv_answer(void);
int symwalk_sysv_answer(void)
{
	return 42;
}
