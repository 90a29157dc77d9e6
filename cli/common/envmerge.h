/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Adding the shim to an environment without taking anything away: the app's
 * own preloads and GODEBUG settings stay. Shared by `run`, `env` and the
 * systemd drop-ins so that all three merge the same way.
 */
#ifndef MPTCPSHIM_ENVMERGE_H
#define MPTCPSHIM_ENVMERGE_H

/*
 * LD_PRELOAD with lib appended (after the app's preloads, so they see the
 * app's own socket() arguments), unless lib is already listed, by name or
 * as the same file under another name (device and inode). Entries are
 * separated by ':' or spaces, as ld.so accepts. Returns malloc'd text.
 */
char *envmerge_preload(const char *existing, const char *lib);

/* GODEBUG with multipathtcp=VALUE added (0 off, 1 dial and listen, 2
 * listen only, 3 dial only: gomptcp.h) unless a multipathtcp= is already
 * set (an explicit choice wins). Returns malloc'd text. */
char *envmerge_godebug(const char *existing, int value);

#endif
