// SPDX-License-Identifier: BSD-3-Clause
/*
 * Stands for an application's own preload (a proxy or tracing library):
 * it must stay in the chain under `mptcpshim run` and see the program's
 * original socket() arguments. Reports each TCP-family call on stderr.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <sys/socket.h>

__attribute__((visibility("default"))) int socket(int domain, int type,
						  int protocol)
{
	static int (*next)(int, int, int);

	if (!next)
		next = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
	if (domain == AF_INET || domain == AF_INET6)
		fprintf(stderr, "marker: socket protocol=%d\n", protocol);
	return next(domain, type, protocol);
}
