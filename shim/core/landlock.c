// SPDX-License-Identifier: BSD-3-Clause
/* Landlock: see landlock.h and include/landlock_probe.h for the probe. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "landlock.h"
#include "raw_syscall.h"
#define SHIM_LANDLOCK_SYSCALL(n, a, b, c)                                      \
	shim_raw_syscall(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#include "landlock_probe.h"
#include "log.h"
#include "real.h"
#include "rebuild.h"
#include "runtime.h"

_Atomic bool shim_landlock_tcp;

static bool probe_now(void)
{
	const struct shim_landlock_calls calls = SHIM_LANDLOCK_SYS_CALLS;

	return shim_landlock_restricts_tcp(&calls);
}

static void note(const char *when)
{
	if (!atomic_exchange(&shim_landlock_tcp, true))
		shim_log(SHIM_LOG_INFO, "%s: %s (every socket of this process)",
			 when, SHIM_LANDLOCK_REASON);
}

bool shim_landlock_probe(void)
{
	if (probe_now())
		note("Landlock domain");
	return shim_landlocked();
}

void shim_landlock_restricted_self(void)
{
	int saved = errno;

	shim_busy++;
	if (!shim_landlocked() && probe_now()) {
		note("landlock_restrict_self");
		/* The fast mode makes MPTCP without asking: leave it. */
		if (atomic_load_explicit(&shim_socket_mode,
					 memory_order_acquire) ==
		    SHIM_SOCKET_FAST)
			atomic_store_explicit(&shim_socket_mode,
					      SHIM_SOCKET_SLOW,
					      memory_order_release);
	}
	shim_busy--;
	errno = saved;
}

/* The port of an AF_INET/AF_INET6 address the kernel would read, or -1. */
static int port_of(const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_in6 copy = { 0 };

	if (!addr || len < sizeof(struct sockaddr_in))
		return -1;
	memcpy(&copy, addr, len < sizeof(copy) ? len : sizeof(copy));
	if (copy.sin6_family != AF_INET && copy.sin6_family != AF_INET6)
		return -1;
	return ntohs(copy.sin6_port);	/* same offset in both */
}

/*
 * Would the rules let TCP bind or connect to this port? Asked with a
 * throwaway AF_INET TCP socket and an address the network stack refuses
 * after Landlock has looked at the port: binding a TEST-NET-1 address
 * (not local: EADDRNOTAVAIL) or connecting to a multicast one (TCP:
 * ENETUNREACH, nothing sent). Landlock rules name ports, not addresses.
 */
static bool rules_forbid(bool connecting, int port)
{
	struct sockaddr_in probe = { .sin_family = AF_INET,
				     .sin_port = htons((uint16_t)port) };
	int fd = shim_landlock_sys_socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
					  IPPROTO_TCP);
	int rc, err;

	if (fd < 0)
		return false;
	probe.sin_addr.s_addr = htonl(connecting ? 0xe0000001u /* 224.0.0.1 */
						 : 0xc0000201u /* 192.0.2.1 */);
	rc = connecting ? shim_landlock_sys_connect(fd,
						     (struct sockaddr *)&probe,
						     sizeof(probe)) :
			  shim_landlock_sys_bind(fd, (struct sockaddr *)&probe,
						 sizeof(probe));
	err = errno;
	shim_landlock_sys_close(fd);
	return rc != 0 && err == EACCES;
}

int shim_landlock_guard(int fd, struct shim_fd *entry, bool connecting,
			const struct sockaddr *addr, socklen_t len)
{
	int saved = errno, port;
	bool forbid;

	if (!(entry->flags & SHIM_FD_MPTCP))
		return 0;
	shim_busy++;
	if (shim_rebuild(fd, entry, false, SHIM_LANDLOCK_REASON) == 0) {
		shim_busy--;
		errno = saved;
		return 0;	/* TCP now: the kernel applies the rules */
	}
	port = port_of(addr, len);
	forbid = port >= 0 && rules_forbid(connecting, port);
	shim_busy--;
	if (forbid) {
		shim_log(SHIM_LOG_INFO, "%s to port %d refused as TCP would be: "
			 "the socket could not be made TCP and the program's "
			 "Landlock rules forbid it", connecting ? "connect" : "bind",
			 port);
		errno = EACCES;
		return -1;
	}
	errno = saved;
	return 0;
}
