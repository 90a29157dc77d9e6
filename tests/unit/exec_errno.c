// SPDX-License-Identifier: BSD-3-Clause
/*
 * The program of test_exec_errno.sh: each exec call of the shim's exec hooks
 * on a target that cannot run prints the errno it got; run with and
 * without the shim, the lines must be the same (the kernel's answers).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
extern char **environ;
int main(int argc, char **argv)
{
	char *args[] = { "x", NULL };
	int fd;

	if (argc < 2)
		return 2;
	execvp("mptcpshim-no-such-program", args);
	printf("execvp %s\n", strerrorname_np(errno));
	execvpe("mptcpshim-no-such-program", args, environ);
	printf("execvpe %s\n", strerrorname_np(errno));
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	fexecve(fd, args, environ);
	printf("fexecve %s\n", strerrorname_np(errno));
	execveat(AT_FDCWD, argv[1], args, environ, 0);
	printf("execveat %s\n", strerrorname_np(errno));
	execveat(fd, "", args, environ, AT_EMPTY_PATH);
	printf("execveat-empty %s\n", strerrorname_np(errno));
	fexecve(-1, args, environ);
	printf("fexecve-bad %s\n", strerrorname_np(errno));
	return 0;
}
