/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which file an fd-table entry was made for. A number can change files
 * behind the hooks' back (a raw close or close_range system call, a socket
 * made with a raw system call, io_uring): the entry then describes a file
 * that is gone. The identity is the socket's SO_COOKIE, which the kernel
 * never hands out twice, taken on the slow paths that make an entry and
 * checked only where a stale entry would mislead: remembered option values
 * read back, option rescues, rebuilds and stats. socket() and close()
 * never pay for it.
 */
#ifndef MPTCPSHIM_FDIDENTITY_H
#define MPTCPSHIM_FDIDENTITY_H

#include <stdbool.h>
#include <stdint.h>

#include "fdtable.h"

/* fd's socket cookie; 0 when fd is no socket (or the kernel cannot say). */
uint64_t shim_fd_cookie(int fd);

/* An entry for a socket this very call made (socket(), accept()): its
 * identity is taken now. NULL if untrackable. */
struct shim_fd *shim_fd_claim_new(int fd, int domain, int protocol,
				  unsigned flags);

/*
 * True while fd is still the file entry was made for. Otherwise what the
 * table knows of the number is forgotten and false returned: the caller
 * then treats fd as a file the shim never saw.
 */
bool shim_fd_still_same(int fd, struct shim_fd *entry);

#endif
