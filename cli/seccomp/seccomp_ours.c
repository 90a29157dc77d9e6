// SPDX-License-Identifier: BSD-3-Clause
/*
 * A direct-mapped cache of the inodes of the programs' own MPTCP sockets
 * (seccomp_ours.h). An evicted entry would let a rule act on a program's
 * own MPTCP socket; 8192 slots hold far more than programs on this route
 * make (Go is given multipathtcp=0 there). Socket inodes are not reused
 * before the counter wraps.
 */
#include <sys/stat.h>

#include "seccomp_ours.h"

#define THEIRS_SLOTS 8192
static unsigned long theirs[THEIRS_SLOTS];

static unsigned long inode_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (unsigned long)st.st_ino : 0;
}

void seccomp_ours_note_theirs(int sock)
{
	unsigned long ino = inode_of(sock);

	if (ino)
		theirs[ino % THEIRS_SLOTS] = ino;
}

bool seccomp_ours_is(int copy)
{
	unsigned long ino = inode_of(copy);

	return ino && theirs[ino % THEIRS_SLOTS] != ino;
}
