// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_spawn_route.sh's program: posix_spawn / posix_spawnp of argv[2]
 * (mode argv[1]: "spawn", "spawnp", "spawn-fa": with a file action) running
 * "sh -c CMD" (argv[3]); prints the child's output's own lines through
 * and "rc=<posix_spawn's result> status=<exit status>".
 */
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char *args[] = { "sh", "-c", argv[3], NULL };
	pid_t pid;
	int rc, status = -1;

	if (argc != 4)
		return 2;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 9, "/dev/null", 0, 0);
	if (strcmp(argv[1], "spawnp") == 0)
		rc = posix_spawnp(&pid, argv[2], NULL, NULL, args, environ);
	else
		rc = posix_spawn(&pid, argv[2],
				 strcmp(argv[1], "spawn-fa") == 0 ? &fa : NULL,
				 NULL, args, environ);
	if (rc == 0 && waitpid(pid, &status, 0) == pid)
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	posix_spawn_file_actions_destroy(&fa);
	printf("rc=%s status=%d\n", rc ? strerror(rc) : "0", status);
	return 0;
}
