/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Paths inside an image tree (`--root DIR`) as the tree itself would see
 * them: every symbolic link, absolute ones included, resolved inside DIR,
 * never on the host. An image's /etc/systemd/system/foo.service is often a
 * link to /lib/systemd/system/foo.service: read on the host, that is the
 * host's unit.
 */
#ifndef MPTCPSHIM_ROOTPATH_H
#define MPTCPSHIM_ROOTPATH_H

#include <stddef.h>

/*
 * inside (absolute, as seen inside root) as a host path below root with
 * its symbolic links resolved inside root; components that do not exist
 * yet are appended as given. root "" (the running system): inside as is.
 * Returns 0, or -1 with errno (ENAMETOOLONG, ELOOP, EACCES...).
 */
int root_path(const char *root, const char *inside, char *out, size_t len);

/* root_path's resolution by hand, used where the kernel has no openat2
 * (before 5.6); every component must exist. For tests. */
int root_path_walk(const char *root, const char *inside, char *out,
		   size_t len);

/* The same for a host path already below root (root + inside); NULL with
 * errno when it cannot be resolved. malloc'd. */
char *root_resolve(const char *root, const char *host_path);

#endif
