// SPDX-License-Identifier: BSD-3-Clause
/* Landlock: see landlock.h and include/landlock_probe.h for the probe. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

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
_Atomic int shim_landlock_unasked;

static bool probe_now(int ask)
{
	const struct shim_landlock_calls calls = SHIM_LANDLOCK_SYS_CALLS;

	return shim_landlock_restricts_tcp_of(&calls, ask);
}

/*
 * Whether the process has a seccomp filter (of its own, or its service
 * manager's): such a filter may kill bind() or connect() (a client that
 * forbids itself bind), so the probe must not make those calls before the
 * program does. PR_GET_SECCOMP answers 0 without a filter; a kernel
 * without seccomp says EINVAL.
 */
static bool seccomp_filtered(void)
{
	long mode = shim_raw_syscall(SYS_prctl, PR_GET_SECCOMP, 0, 0, 0, 0, 0);

	return mode != 0 && !(mode < 0 && errno == EINVAL);
}

static void note(const char *when)
{
	if (!atomic_exchange(&shim_landlock_tcp, true))
		shim_log(SHIM_LOG_INFO, "%s: %s (every socket of this process)",
			 when, SHIM_LANDLOCK_REASON);
}

/* After the fast mode was left, socket() takes the slow path, which
 * reads the flag. */
static void leave_fast_mode(void)
{
	if (atomic_load_explicit(&shim_socket_mode, memory_order_acquire) ==
	    SHIM_SOCKET_FAST)
		atomic_store_explicit(&shim_socket_mode, SHIM_SOCKET_SLOW,
				      memory_order_release);
}

bool shim_landlock_probe(void)
{
	int saved = errno;

	if (seccomp_filtered()) {
		/* Each access asked as the program first makes that call
		 * itself (its filter allows it then): shim_landlock_ask(). */
		atomic_store(&shim_landlock_unasked,
			     SHIM_LANDLOCK_BIND | SHIM_LANDLOCK_CONNECT);
		errno = saved;
		return false;
	}
	errno = saved;
	if (probe_now(SHIM_LANDLOCK_BIND | SHIM_LANDLOCK_CONNECT))
		note("Landlock domain");
	return shim_landlocked();
}

void shim_landlock_ask(bool connecting)
{
	int access = connecting ? SHIM_LANDLOCK_CONNECT : SHIM_LANDLOCK_BIND;
	int saved = errno;

	if (!(atomic_fetch_and(&shim_landlock_unasked, ~access) & access))
		return;
	shim_busy++;
	if (!shim_landlocked() && probe_now(access)) {
		note("Landlock domain");
		leave_fast_mode();
	}
	shim_busy--;
	errno = saved;
}

void shim_landlock_restricted_self(void)
{
	int saved = errno;

	shim_busy++;
	/* A process with a filter asks only what it has been seen to do
	 * (and, after this, whatever it does next). */
	if (seccomp_filtered()) {
		atomic_store(&shim_landlock_unasked,
			     SHIM_LANDLOCK_BIND | SHIM_LANDLOCK_CONNECT);
	} else if (!shim_landlocked() &&
		   probe_now(SHIM_LANDLOCK_BIND | SHIM_LANDLOCK_CONNECT)) {
		note("landlock_restrict_self");
		/* The fast mode makes MPTCP without asking: leave it. */
		leave_fast_mode();
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
