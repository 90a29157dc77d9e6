// SPDX-License-Identifier: BSD-3-Clause
/*
 * A dynamic program that starts another in one of the ways programs do,
 * for exec_route.sh: each way must give a static target the seccomp route
 * when this program runs under the library, and leave a failing exec with
 * the kernel's own errno.
 *
 *   exec_paths METHOD PROG [ARGS...]
 *
 * METHOD: execve execv execvp execvpe execl execle execlp execveat
 * execveat-dirfd fexecve fexecve-cloexec posix_spawn posix_spawn-chdir
 * (the child's directory "/") posix_spawnp system
 * popen vfork thread. The target runs in a child (its output passes
 * through); on a failed start the line "error NAME" is printed (the errno
 * or posix_spawn's result). Exit status: the target's, or 100.
 * EXEC_PATHS_WRITER=1: the program holds PROG open for writing
 * (close-on-exec) while it starts it: the kernel says ETXTBSY.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *method;
static char **target;

static void report(int err)
{
	printf("error %s\n", strerrorname_np(err));
	fflush(stdout);
}

/* In the child: one exec call; returns only on failure. */
static void exec_one(void)
{
	const char *path = target[0];
	int fd;

	if (!strcmp(method, "execve")) {
		execve(path, target, environ);
	} else if (!strcmp(method, "execv")) {
		execv(path, target);
	} else if (!strcmp(method, "execvp")) {
		execvp(path, target);
	} else if (!strcmp(method, "execvpe")) {
		execvpe(path, target, environ);
	} else if (!strcmp(method, "execl")) {
		execl(path, target[0], target[1], target[2], target[3],
		      (char *)NULL);
	} else if (!strcmp(method, "execle")) {
		execle(path, target[0], target[1], target[2], target[3],
		       (char *)NULL, environ);
	} else if (!strcmp(method, "execlp")) {
		execlp(path, target[0], target[1], target[2], target[3],
		       (char *)NULL);
	} else if (!strcmp(method, "execveat")) {
		execveat(AT_FDCWD, path, target, environ, 0);
	} else if (!strcmp(method, "execveat-dirfd")) {
		char *copy = strdup(path), *dir = dirname(copy);
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		char *copy2 = strdup(path);

		execveat(dfd, basename(copy2), target, environ, 0);
	} else if (!strcmp(method, "fexecve") ||
		   !strcmp(method, "fexecve-cloexec")) {
		fd = open(path, O_RDONLY |
				(strchr(method, '-') ? O_CLOEXEC : 0));
		if (fd < 0)
			return;
		fexecve(fd, target, environ);
	} else {
		errno = EINVAL;
	}
}

static int wait_for(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return 100;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static void *thread_start(void *arg)
{
	pid_t pid = fork();

	(void)arg;
	if (pid == 0) {
		execvp(target[0], target);
		report(errno);
		_exit(100);
	}
	return (void *)(long)wait_for(pid);
}

static void *spin(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	for (;;)
		n++;
	return NULL;
}

int main(int argc, char **argv)
{
	pid_t pid;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: exec_paths METHOD PROG [ARGS...]\n");
		return 2;
	}
	method = argv[1];
	target = argv + 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (getenv("EXEC_PATHS_WRITER") &&
	    open(target[0], O_WRONLY | O_CLOEXEC) < 0) {
		perror(target[0]);
		return 2;
	}
	if (!strcmp(method, "posix_spawn-chdir")) {
		/* The child's directory is "/": a relative PROG is looked up
		 * there, not in this program's directory. */
		posix_spawn_file_actions_t fa;

		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addchdir_np(&fa, "/");
		rc = posix_spawn(&pid, target[0], &fa, NULL, target, environ);
		posix_spawn_file_actions_destroy(&fa);
		if (rc) {
			report(rc);
			return 100;
		}
		return wait_for(pid);
	}
	if (!strcmp(method, "posix_spawn") || !strcmp(method, "posix_spawnp")) {
		rc = (method[11] ? posix_spawnp : posix_spawn)(
			&pid, target[0], NULL, NULL, target, environ);
		if (rc) {
			report(rc);
			return 100;
		}
		return wait_for(pid);
	}
	if (!strcmp(method, "system") || !strcmp(method, "popen")) {
		char cmd[4096] = "";

		for (char **a = target; *a; a++)
			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
				 "%s'%s'", a == target ? "" : " ", *a);
		if (method[0] == 's') {
			rc = system(cmd);
			return WIFEXITED(rc) ? WEXITSTATUS(rc) : 100;
		} else {
			FILE *f = popen(cmd, "r");
			char line[512];

			while (f && fgets(line, sizeof(line), f))
				fputs(line, stdout);
			rc = f ? pclose(f) : -1;
			return rc >= 0 && WIFEXITED(rc) ? WEXITSTATUS(rc) : 100;
		}
	}
	if (!strcmp(method, "thread")) {
		pthread_t spinner, starter;
		void *res;

		/* A second thread busy while the first forks and execs. */
		pthread_create(&spinner, NULL, spin, NULL);
		pthread_create(&starter, NULL, thread_start, NULL);
		pthread_join(starter, &res);
		return (int)(long)res;
	}
	if (!strcmp(method, "vfork")) {
		pid = vfork();
		if (pid == 0) {
			execv(target[0], target);
			_exit(errno == ENOENT ? 101 : 102);
		}
		rc = wait_for(pid);
		if (rc == 101 || rc == 102)
			report(rc == 101 ? ENOENT : EACCES);
		return rc;
	}
	pid = fork();
	if (pid == 0) {
		exec_one();
		report(errno);
		_exit(100);
	}
	return wait_for(pid);
}
