/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every hook test under LD_PRELOAD shares: the check that the shim is
 * really loaded and the kernel has MPTCP (else skip), and a loopback
 * server made with raw system calls, so that the server side never passes
 * through the shim under test.
 */
#ifndef MPTCPSHIM_TESTS_PRELOAD_H
#define MPTCPSHIM_TESTS_PRELOAD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* Exit status that ctest reports as a skip (SKIP_RETURN_CODE). */
#define PRELOAD_SKIP 77

/*
 * Exits PRELOAD_SKIP when this kernel gives no MPTCP socket (asked with a
 * raw syscall, past the shim), and fails when the shim is not the
 * socket() this program calls: a test without the shim proves nothing.
 */
void preload_require_shim(void);

/* SO_PROTOCOL of fd (6 TCP, 262 MPTCP), or -errno. */
int protocol_of(int fd);

/* A plain TCP listener on 127.0.0.1 (or ::1 when v6), any port, made
 * without the shim; *addr is where to connect. */
struct server {
	int fd;
	struct sockaddr_storage addr;
	socklen_t len;
};
void server_start(struct server *s, bool v6);
/* Accepts one connection (raw accept4), reads len bytes and checks they
 * are data; closes it. */
void server_expect(struct server *s, const char *data, size_t len);
void server_stop(struct server *s);

#endif
