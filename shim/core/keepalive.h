/* SPDX-License-Identifier: BSD-3-Clause */
/* The policy's keepalive, applied to sockets the shim creates. */
#ifndef MPTCPSHIM_KEEPALIVE_H
#define MPTCPSHIM_KEEPALIVE_H

#include "fdtable.h"

/*
 * Sets SO_KEEPALIVE and the policy's idle/interval/count on fd. Applied at
 * creation (and on a rebuilt socket before the app's own options are
 * replayed), so an explicit setting by the app always comes later and wins.
 */
void shim_apply_keepalive(int fd, struct shim_fd *entry);

#endif
