// SPDX-License-Identifier: BSD-3-Clause
/* The epoll registration lines of /proc/PID/fdinfo (fdinfo_epoll.h). */
#include <stdio.h>

#include "fdinfo_epoll.h"

bool fdinfo_epoll_line(const char *line, struct fdinfo_epoll_reg *reg)
{
	unsigned long long d, i;
	unsigned e;
	int tfd;

	if (sscanf(line, "tfd: %d events: %x data: %llx pos:%*d ino:%llx",
		   &tfd, &e, &d, &i) != 4)
		return false;
	reg->tfd = tfd;
	reg->events = e;
	reg->data = d;
	reg->ino = (unsigned long)i;
	return true;
}
