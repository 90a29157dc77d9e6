// SPDX-License-Identifier: BSD-3-Clause
/*
 * Socket inodes to processes through /proc/PID/fd, as ss -p does. Other
 * users' fd directories are unreadable without privileges: counted, so
 * that the caller can say what it could not see.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procmap.h"

uint64_t procmap_socket_inode(const char *link)
{
	char *end;
	unsigned long long v;

	if (strncmp(link, "socket:[", 8) != 0 ||
	    !isdigit((unsigned char)link[8]))
		return 0;
	errno = 0;
	v = strtoull(link + 8, &end, 10);
	if (errno || strcmp(end, "]") != 0)
		return 0;
	return v;
}

static int add(struct procmap *m, size_t *cap, uint64_t inode, pid_t pid)
{
	if (m->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct procmap_entry *p = realloc(m->v, ncap * sizeof(*p));

		if (!p)
			return -1;
		m->v = p;
		*cap = ncap;
	}
	m->v[m->n].inode = inode;
	m->v[m->n].pid = pid;
	m->n++;
	return 0;
}

/* Returns 0, 1 when the directory could not be read, -1 no memory. */
static int scan_process(struct procmap *m, size_t *cap, pid_t pid)
{
	char path[64], link[64];
	struct dirent *de;
	DIR *d;
	int dfd, rc = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : 1;
	dfd = dirfd(d);
	while ((de = readdir(d))) {
		ssize_t n;
		uint64_t ino;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dfd, de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		ino = procmap_socket_inode(link);
		if (ino && add(m, cap, ino, pid) < 0) {
			rc = -1;
			break;
		}
	}
	closedir(d);
	return rc;
}

static pid_t pid_of(const char *name)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)name[0]))
		return 0;
	v = strtol(name, &end, 10);
	return *end || v <= 0 ? 0 : (pid_t)v;
}

/* Calls fn for every process in /proc until it returns nonzero; returns
 * that, 0 at the end, or -1 when /proc cannot be read. */
static int each_process(int (*fn)(pid_t pid, void *arg), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int rc = 0;

	if (!d)
		return -1;
	while (rc == 0 && (de = readdir(d))) {
		pid_t pid = pid_of(de->d_name);

		if (pid)
			rc = fn(pid, arg);
	}
	closedir(d);
	return rc;
}

static int by_inode(const void *a, const void *b)
{
	const struct procmap_entry *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

struct scan {
	struct procmap *m;
	size_t cap;
};

/* 0 to go on, 1 when out of memory. */
static int scan_one(pid_t pid, void *arg)
{
	struct scan *sc = arg;
	int rc = scan_process(sc->m, &sc->cap, pid);

	if (rc == 1)
		sc->m->unreadable++;
	return rc < 0 ? 1 : 0;
}

int procmap_build(struct procmap *m, const pid_t *pids, size_t npids)
{
	struct scan sc = { .m = m };
	int rc = 0;

	memset(m, 0, sizeof(*m));
	if (pids) {
		for (size_t i = 0; i < npids && rc == 0; i++)
			rc = scan_one(pids[i], &sc);
	} else {
		rc = each_process(scan_one, &sc);
		if (rc < 0)
			return -1;
	}
	if (rc != 0) {
		procmap_free(m);
		errno = ENOMEM;
		return -1;
	}
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), by_inode);
	return 0;
}

static int inode_order(const void *key, const void *entry)
{
	uint64_t a = *(const uint64_t *)key;
	uint64_t b = ((const struct procmap_entry *)entry)->inode;

	return (a > b) - (a < b);
}

pid_t procmap_find(const struct procmap *m, uint64_t inode)
{
	const struct procmap_entry *e;

	if (!inode || !m->n)
		return -1;
	e = bsearch(&inode, m->v, m->n, sizeof(*m->v), inode_order);
	if (!e)
		return -1;
	/* Sorted by inode, then pid: the lowest pid is the first entry. */
	while (e > m->v && e[-1].inode == inode)
		e--;
	return e->pid;
}

void procmap_free(struct procmap *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* The parent pid from /proc/PID/stat ("pid (comm) state ppid ..."). */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512];
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: the last ')' ends it. */
	p = strrchr(buf, ')');
	if (!p || strlen(p) < 4)
		return 0;
	return (pid_t)strtol(p + 4, NULL, 10);
}

struct family {
	struct {
		pid_t pid, ppid;
	} *all;
	size_t n, cap;
};

/* 0 to go on, 1 when out of memory. */
static int add_parent(pid_t pid, void *arg)
{
	struct family *f = arg;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		void *p = realloc(f->all, cap * sizeof(*f->all));

		if (!p)
			return 1;
		f->all = p;
		f->cap = cap;
	}
	f->all[f->n].pid = pid;
	f->all[f->n].ppid = parent_of(pid);
	f->n++;
	return 0;
}

ssize_t procmap_tree(pid_t root, pid_t **out)
{
	struct family f = { 0 };
	size_t count = 0;
	pid_t *tree;
	char path[64];

	*out = NULL;
	snprintf(path, sizeof(path), "/proc/%d", (int)root);
	if (access(path, F_OK) != 0)
		return 0;
	if (each_process(add_parent, &f) != 0) {
		free(f.all);
		return -1;
	}
	tree = malloc((f.n + 1) * sizeof(*tree));
	if (!tree) {
		free(f.all);
		return -1;
	}
	tree[count++] = root;
	/* Breadth first: every process whose parent is already in. */
	for (size_t i = 0; i < count; i++)
		for (size_t j = 0; j < f.n; j++)
			if (f.all[j].ppid == tree[i] && f.all[j].pid != root)
				tree[count++] = f.all[j].pid;
	free(f.all);
	*out = tree;
	return (ssize_t)count;
}

void procmap_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, len - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		snprintf(buf, len, "?");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

struct wanted {
	const char *const *names;
	size_t n;
	bool *running;
};

static int match_name(pid_t pid, void *arg)
{
	struct wanted *w = arg;
	char comm[64];

	procmap_comm(pid, comm, sizeof(comm));
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(comm, w->names[i]) == 0)
			w->running[i] = true;
	return 0;
}

void procmap_running(const char *const *names, size_t n, bool *running)
{
	struct wanted w = { names, n, running };

	for (size_t i = 0; i < n; i++)
		running[i] = false;
	each_process(match_name, &w);
}
