// SPDX-License-Identifier: BSD-3-Clause
/* Joining a network namespace in a forked child (see netns.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "gcov_flush.h"
#include "netns.h"

/* The child's exit code when setns() failed: errno is sent first. */
#define NETNS_JOIN_FAILED 255

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int netns_open(const char *spec)
{
	char path[PATH_MAX];
	int fd;

	if (!spec || !*spec || strchr(spec, '\n')) {
		errno = EINVAL;
		return -1;
	}
	if (spec[0] == '/')
		snprintf(path, sizeof(path), "%s", spec);
	else if (all_digits(spec))
		snprintf(path, sizeof(path), "/proc/%s/ns/net", spec);
	else if (strchr(spec, '/') || strcmp(spec, ".") == 0 ||
		 strcmp(spec, "..") == 0)
		return errno = EINVAL, -1;
	else
		snprintf(path, sizeof(path), "/run/netns/%s", spec);
	/* O_NONBLOCK: a FIFO named here must not hang the timer's run. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	/* Only a network namespace will do (NS_GET_NSTYPE, 4.11+); an
	 * older kernel's ENOTTY leaves the check to setns(). */
	int type = ioctl(fd, NS_GET_NSTYPE);

	if ((type >= 0 && type != CLONE_NEWNET) ||
	    (type < 0 && errno != ENOTTY)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* Reads fd to its end into a growing buffer. */
static int slurp(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -1;
	for (;;) {
		ssize_t r;

		if (cap - n < 2048) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static void child(int nsfd, int wfd, int efd,
		  int (*fn)(FILE *fp, void *arg), void *arg)
{
	FILE *fp;
	int rc, err;

	if (setns(nsfd, CLONE_NEWNET) < 0) {
		err = errno;
		(void)!write(efd, &err, sizeof(err));
		_exit(NETNS_JOIN_FAILED);
	}
	close(efd);
	fp = fdopen(wfd, "w");
	if (!fp)
		_exit(NETNS_JOIN_FAILED);
	rc = fn(fp, arg);
	if (fclose(fp) != 0 && rc == 0)
		rc = 1;
	/* The child did the reading: coverage builds count it. */
	gcov_flush();
	_exit(rc & 0xff);
}

int netns_call(int nsfd, int (*fn)(FILE *fp, void *arg), void *arg,
	       char **out, size_t *len)
{
	int data[2], err[2], status, e = 0, rc;
	pid_t pid;

	*out = NULL;
	*len = 0;
	if (pipe2(data, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(data[0]);
		close(data[1]);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(data[0]);
		close(data[1]);
		close(err[0]);
		close(err[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(data[0]);
		close(err[0]);
		child(nsfd, data[1], err[1], fn, arg);
	}
	close(data[1]);
	close(err[1]);
	rc = slurp(data[0], out, len);
	e = errno;
	close(data[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (read(err[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		close(err[0]);
		free(*out);
		*out = NULL;
		errno = e;
		return -1;
	}
	close(err[0]);
	if (rc < 0) {
		errno = e;
		return -1;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	free(*out);
	*out = NULL;
	errno = ECHILD;
	return -1;
}

const char *netns_own_label(void)
{
	struct stat self, init;

	if (stat("/proc/self/ns/net", &self) == 0 &&
	    stat("/proc/1/ns/net", &init) == 0 &&
	    self.st_ino == init.st_ino && self.st_dev == init.st_dev)
		return "host";
	return "self";
}
