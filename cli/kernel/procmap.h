/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which process holds a socket: the socket inodes behind /proc/PID/fd,
 * the only link from sock_diag's idiag_inode to a program.
 */
#ifndef MPTCPSHIM_PROCMAP_H
#define MPTCPSHIM_PROCMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct procmap_entry {
	uint64_t inode;
	pid_t pid;
};

struct procmap {
	struct procmap_entry *v; /* sorted by inode, then pid */
	size_t n;
	size_t unreadable; /* processes whose fds we may not read */
};

/*
 * Reads the socket fds of pids[0..npids) or, pids NULL, of every process.
 * Returns 0, or -1 (no memory, /proc missing) with errno set.
 */
int procmap_build(struct procmap *m, const pid_t *pids, size_t npids);

/* The lowest pid holding inode, or -1. */
pid_t procmap_find(const struct procmap *m, uint64_t inode);

void procmap_free(struct procmap *m);

/*
 * root and every process descending from it, into *pids (malloc'd).
 * Returns the count (0 if root does not exist) or -1 (no memory).
 */
ssize_t procmap_tree(pid_t root, pid_t **pids);

/* The process's name (comm) into buf; "?" when it has gone. */
void procmap_comm(pid_t pid, char *buf, size_t len);

/* running[i]: whether a process called names[i] (comm) runs. */
void procmap_running(const char *const *names, size_t n, bool *running);

/* Parses "socket:[N]" (a /proc/PID/fd link); 0 if it is not a socket. */
uint64_t procmap_socket_inode(const char *link);

#endif
