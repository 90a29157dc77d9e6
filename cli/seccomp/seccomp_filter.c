// SPDX-License-Identifier: BSD-3-Clause
/*
 * The classic-BPF program of the seccomp route. It mirrors the shim's own
 * test (type & 0xf, the kernel's SOCK_TYPE_MASK, so SOCK_NONBLOCK and
 * SOCK_CLOEXEC still match) and lets everything else through untouched:
 * a filter that trapped more would only add a round trip to the supervisor.
 *
 * Other ABIs of the same kernel are let through, consistently, rather than
 * killed: an i386 program (AUDIT_ARCH_I386, socketcall(2) or socket 359) or
 * an x32 one (nr | __X32_SYSCALL_BIT) runs exactly as without the route,
 * with TCP. Killing them would break programs the route merely cannot help.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <netinet/in.h>

#include "seccomp_filter.h"

#if defined(__x86_64__) && !defined(__ILP32__)
#define ROUTE_AUDIT_ARCH AUDIT_ARCH_X86_64
#define ROUTE_NR_LIMIT 0x40000000U	/* __X32_SYSCALL_BIT */
#elif defined(__aarch64__)
#define ROUTE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#define ROUTE_NR_LIMIT 0xffffffffU
#endif

/* The low 32 bits of argument i: the kernel reads int arguments so. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#else
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#endif

bool seccomp_filter_supported(void)
{
#ifdef ROUTE_AUDIT_ARCH
	return true;
#else
	return false;
#endif
}

bool seccomp_filter_needs_nnp(void)
{
	cap_flag_value_t admin = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (!caps)
		return true;
	if (cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &admin) != 0)
		admin = CAP_CLEAR;
	cap_free(caps);
	return admin != CAP_SET;
}

#ifdef ROUTE_AUDIT_ARCH
/* Jump offsets count instructions after the jump; ALLOW and NOTIFY are the
 * last two, so each test names its distance to them. */
static const struct sock_filter route_program[] = {
	/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, arch)),
	/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ROUTE_AUDIT_ARCH, 0, 13),
	/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, nr)),
	/* 3 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, ROUTE_NR_LIMIT, 11, 0),
	/* 4: the program sandboxing itself (seccomp_landlock.h) */
	/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			 __NR_landlock_restrict_self, 11, 0),
	/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 9),
	/* 6 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)),
	/* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 1, 0),
	/* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 0, 6),
	/* 9 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)),
	/* 10 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf),
	/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_STREAM, 0, 3),
	/* 12 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)),
	/* 13 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0),
	/* 14 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 1, 0),
	/* 15 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	/* 16 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
};
#endif

int seccomp_filter_install(bool needs_nnp)
{
#ifdef ROUTE_AUDIT_ARCH
	struct sock_fprog prog = {
		.len = sizeof(route_program) / sizeof(route_program[0]),
		.filter = (struct sock_filter *)route_program,
	};
	int fd;

	if (needs_nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			  SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	/* The listener is close-on-exec already (the kernel makes it so). */
	return fd;
#else
	(void)needs_nnp;
	errno = ENOSYS;
	return -1;
#endif
}

int seccomp_filter_probe_addfd(int listener_fd)
{
	struct seccomp_notif_addfd addfd = {
		.id = 0,	/* no such notification */
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = (unsigned)listener_fd,
	};

	/* 5.14+ gets past the flag check and looks the id up: ENOENT.
	 * Older kernels refuse the flag or the ioctl itself: EINVAL. */
	if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) == 0)
		return 0;
	return errno == ENOENT ? 0 : errno;
}
