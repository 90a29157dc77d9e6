/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One registration line of an epoll fd's /proc/PID/fdinfo file
 * ("tfd: FD events: HEX data: HEX pos:N ino:HEX sdev:HEX"), read by the
 * library's rebuild (its own epoll sets) and by the seccomp supervisor
 * (never to switch a socket an epoll instance of the task holds).
 */
#ifndef MPTCPSHIM_FDINFO_EPOLL_H
#define MPTCPSHIM_FDINFO_EPOLL_H

#include <stdbool.h>
#include <stdint.h>

struct fdinfo_epoll_reg {
	int tfd;		/* the fd number it was registered under */
	uint32_t events;
	uint64_t data;
	unsigned long ino;	/* the registered file's inode */
};

/* True, with reg filled, when line is such a registration. */
bool fdinfo_epoll_line(const char *line, struct fdinfo_epoll_reg *reg);

#endif
