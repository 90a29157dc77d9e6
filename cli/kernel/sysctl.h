/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every read of /proc/sys the CLI makes, so that which sysctls it consults
 * (and how it reads them) is in one place.
 */
#ifndef MPTCPSHIM_SYSCTL_H
#define MPTCPSHIM_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

/* net.mptcp.* of this network namespace. */
#define SYSCTL_MPTCP_DIR "/proc/sys/net/mptcp"

/* The integer in /proc/sys/NAME (e.g. "net/mptcp/stale_loss_cnt"), or -1
 * when it is missing or not a number. */
int sysctl_int(const char *name);

/*
 * The first line of dir/name (dir: SYSCTL_MPTCP_DIR, or a copy of it for
 * tests), as read, into buf. Returns 0, or -1 with errno when it cannot
 * be read.
 */
int sysctl_read_line(const char *dir, const char *name, char *buf,
		     size_t len);

/* Whether dir exists (a kernel without MPTCP has no net/mptcp). */
bool sysctl_dir_present(const char *dir);

/* The rp_filter the kernel applies on ifname (the larger of "all" and the
 * interface's own), or -1 when unknown. */
int sysctl_rp_filter(const char *ifname);

#endif
