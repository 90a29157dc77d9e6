// SPDX-License-Identifier: BSD-3-Clause
/*
 * Resolving inside an image tree: openat2(RESOLVE_IN_ROOT) where the kernel
 * has it (5.6+), which treats the root as "/" for every absolute link and
 * "..", else the same walk by hand, one component at a time with lstat and
 * readlink. The result is a host path without links, for the code that
 * opens, writes and removes by path.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "rootpath.h"

/* The link count systemd and the kernel both give up at. */
#define MAX_LINKS 40

/* The kernel's resolution: the host path of what inside names, or -1. */
static int by_kernel(const char *root, const char *inside, char *out,
		     size_t len)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	char proc[64];
	int rootfd, fd, saved;
	ssize_t n;

	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -1;
	fd = (int)syscall(SYS_openat2, rootfd, inside, &how, sizeof(how));
	saved = errno;
	close(rootfd);
	if (fd < 0) {
		errno = saved;
		return -1;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, out, len - 1);
	saved = errno;
	close(fd);
	if (n < 0 || (size_t)n >= len - 1) {
		errno = n < 0 ? saved : ENAMETOOLONG;
		return -1;
	}
	out[n] = '\0';
	return 0;
}

/*
 * The walk by hand, for kernels without openat2: inside is consumed
 * component by component onto done (a host path below root, links
 * resolved); a link's target replaces what was consumed, from root for an
 * absolute one. ".." never climbs above root. Like the kernel's, it fails
 * with ENOENT when some component does not exist.
 */
int root_path_walk(const char *root, const char *inside, char *out,
		   size_t len)
{
	char todo[PATH_MAX], done[PATH_MAX], link[PATH_MAX], next[PATH_MAX];
	size_t root_len = strlen(root);
	int links = 0;

	if ((size_t)snprintf(todo, sizeof(todo), "%s", inside) >= sizeof(todo) ||
	    (size_t)snprintf(done, sizeof(done), "%s", root) >= sizeof(done))
		goto too_long;
	for (char *p = todo; *p;) {
		char comp[NAME_MAX + 1];
		size_t n = strcspn(p += strspn(p, "/"), "/");
		struct stat st;
		ssize_t l;

		if (!n)
			break;
		if (n > NAME_MAX)
			goto too_long;
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *slash = strrchr(done, '/');

			if (slash && (size_t)(slash - done) >= root_len)
				*slash = '\0';
			continue;
		}
		if (strlen(done) + 1 + n >= sizeof(done))
			goto too_long;
		strcat(strcat(done, "/"), comp);
		if (lstat(done, &st) < 0)
			return -1;
		if (!S_ISLNK(st.st_mode))
			continue;
		if (++links > MAX_LINKS) {
			errno = ELOOP;
			return -1;
		}
		l = readlink(done, link, sizeof(link) - 1);
		if (l < 0)
			return -1;
		link[l] = '\0';
		*strrchr(done, '/') = '\0';
		if (link[0] == '/')
			done[root_len] = '\0';
		if ((size_t)snprintf(next, sizeof(next), "%s%s", link, p) >=
		    sizeof(next))
			goto too_long;
		memcpy(todo, next, sizeof(todo));
		p = todo;
	}
	if ((size_t)snprintf(out, len, "%s", *done ? done : "/") >= len)
		goto too_long;
	return 0;
too_long:
	errno = ENAMETOOLONG;
	return -1;
}

/* The kernel's resolution, or the walk where the kernel has no openat2
 * (or a seccomp policy refuses it). */
static int resolve_existing(const char *root, const char *inside, char *out,
			    size_t len)
{
	if (by_kernel(root, inside, out, len) == 0)
		return 0;
	if (errno == ENOSYS || errno == EPERM || errno == E2BIG)
		return root_path_walk(root, inside, out, len);
	return -1;
}

int root_path(const char *root, const char *inside, char *out, size_t len)
{
	char head[PATH_MAX], resolved[PATH_MAX];
	const char *tail = "";
	char *slash;

	if (!*root) {
		if ((size_t)snprintf(out, len, "%s", inside) >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		return 0;
	}
	if ((size_t)snprintf(head, sizeof(head), "%s", inside) >= sizeof(head)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* The longest prefix that exists, resolved; what is missing after it
	 * cannot hold a link. */
	for (;;) {
		if (resolve_existing(root, *head ? head : "/", resolved,
				     sizeof(resolved)) == 0)
			break;
		if (errno != ENOENT)
			return -1;
		slash = strrchr(head, '/');
		if (!slash)
			return -1;
		*slash = '\0';
		tail = inside + (slash - head);
	}
	if (*tail) {
		/* The first missing component is missing indeed, not a link
		 * whose target is (which the host would follow). */
		struct stat st;
		const char *first = tail + strspn(tail, "/");
		size_t n = strcspn(first, "/");

		if ((size_t)snprintf(head, sizeof(head), "%s/%.*s", resolved,
				     (int)n, first) < sizeof(head) &&
		    lstat(head, &st) == 0) {
			errno = ENOENT;
			return -1;
		}
	}
	if ((size_t)snprintf(out, len, "%s%s",
			     strcmp(resolved, "/") == 0 ? "" : resolved,
			     tail) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

char *root_resolve(const char *root, const char *host_path)
{
	size_t root_len = strlen(root);
	char out[PATH_MAX];

	if (strncmp(host_path, root, root_len) != 0 ||
	    (host_path[root_len] != '/' && host_path[root_len] != '\0')) {
		errno = EXDEV;
		return NULL;
	}
	if (root_path(root, host_path[root_len] ? host_path + root_len : "/", out,
		      sizeof(out)) < 0)
		return NULL;
	return strdup(out);
}
