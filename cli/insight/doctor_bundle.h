/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `doctor --bundle FILE`: the tar.gz MPTCP maintainers ask for in a bug
 * report (mptcpd's mptcp-get-debug collects the same), with a README
 * naming each file. Nothing secret goes in: no environment, no command
 * arguments (only the program's name), and addresses only with
 * --addresses (otherwise pseudonyms, the same in every file).
 */
#ifndef MPTCPSHIM_DOCTOR_BUNDLE_H
#define MPTCPSHIM_DOCTOR_BUNDLE_H

#include <stdbool.h>
#include <stdio.h>

struct bundle_options {
	const char *file;
	bool addresses;
	double duration;	/* without a command: the delta's interval;
				 * with one, when given: its time limit */
	bool limited;		/* --duration given with --reproduce */
	char **command;		/* --reproduce: run it meanwhile; NULL */
};

/*
 * doctor's options, the bundle's among them (-1: go on, CMD at optind;
 * else the exit code after help or a usage error).
 */
int doctor_parse(int argc, char **argv, void (*usage)(FILE *), bool *json,
		 struct bundle_options *b);

/* Writes the bundle; returns a CLI exit code after saying what failed. */
int doctor_bundle(const struct bundle_options *o);

#endif
