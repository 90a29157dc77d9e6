// SPDX-License-Identifier: BSD-3-Clause
/*
 * A direct-mapped cache of inodes: an evicted entry only makes a socket
 * look like the program's own MPTCP socket, which is then left alone (the
 * safe side). Socket inodes are not reused before the counter wraps.
 */
#include <sys/stat.h>

#include "seccomp_ours.h"

#define OURS_SLOTS 8192
static unsigned long ours[OURS_SLOTS];

static unsigned long inode_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (unsigned long)st.st_ino : 0;
}

void seccomp_ours_note_inode(unsigned long ino)
{
	if (ino)
		ours[ino % OURS_SLOTS] = ino;
}

void seccomp_ours_note(int sock)
{
	seccomp_ours_note_inode(inode_of(sock));
}

bool seccomp_ours_is(int copy)
{
	unsigned long ino = inode_of(copy);

	return ino && ours[ino % OURS_SLOTS] == ino;
}
