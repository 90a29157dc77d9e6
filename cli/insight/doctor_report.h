// SPDX-License-Identifier: BSD-3-Clause
/*
 * doctor's report: the PASS/WARN/FAIL lines that its checks add, each with
 * its fix, shared by the kernel checks (cmd_doctor.c) and the checks of a
 * program (doctor_program.c).
 */
#ifndef MPTCPSHIM_DOCTOR_REPORT_H
#define MPTCPSHIM_DOCTOR_REPORT_H

#include <stddef.h>

#define MAX_CHECKS 64

enum status { ST_PASS, ST_WARN, ST_FAIL };

struct check {
	const char *id;
	enum status status;
	char message[512];
	char fix[320];
};

struct report {
	struct check c[MAX_CHECKS];
	size_t n;
};

/* A line of the report (past MAX_CHECKS, a scratch line nobody prints). */
__attribute__((format(printf, 4, 5)))
struct check *doctor_add(struct report *r, const char *id, enum status st,
			 const char *fmt, ...);
/* The fix printed under the line. */
__attribute__((format(printf, 2, 3)))
void doctor_fix(struct check *c, const char *fmt, ...);

/* The checks of CMD: found, interpreter, set-id, capabilities, ELF, Go,
 * and which route it gets where (doctor_program.c). */
void doctor_check_command(struct report *r, const char *name, int lib_class,
			  int lib_machine);

#endif
