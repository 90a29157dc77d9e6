// SPDX-License-Identifier: BSD-3-Clause
/*
 * What systemd's SocketBindAllow=/SocketBindDeny= see of an MPTCP socket:
 * those rules are a cgroup bind4/bind6 BPF program matching the address
 * family, the port and the transport protocol (ctx->protocol, "tcp:8090").
 * This loads the smallest such program, "deny when the protocol is P",
 * attaches it to the cgroup given, and binds TCP and MPTCP sockets of
 * both families: it prints what each bind returned.
 *   cgroup_bind CGROUP_DIR P
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* r0 = 1 (allow); if ctx->protocol == P, r0 = 0 (deny: EPERM). */
static int load(enum bpf_attach_type type, unsigned proto)
{
	struct bpf_insn prog[] = {
		{ .code = BPF_LDX | BPF_W | BPF_MEM, .dst_reg = 2, .src_reg = 1,
		  .off = offsetof(struct bpf_sock_addr, protocol) },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = 2, .off = 1,
		  .imm = (int)proto },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
	attr.expected_attach_type = type;
	attr.insns = (unsigned long)prog;
	attr.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	attr.license = (unsigned long)"GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0) {
		printf("load=%s\n", strerrorname_np(errno));
		exit(77);
	}
	return fd;
}

static void attach(int cgroup, int prog, enum bpf_attach_type type, int cmd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (unsigned)cgroup;
	attr.attach_bpf_fd = (unsigned)prog;
	attr.attach_type = type;
	if (sys_bpf(cmd, &attr) != 0) {
		printf("attach=%s\n", strerrorname_np(errno));
		exit(77);
	}
}

static const char *try_bind(int family, int protocol)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(8090),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons(8090) };
	int fd = socket(family, SOCK_STREAM, protocol);
	const char *what;
	int rc;

	if (fd < 0)
		return strerrorname_np(errno);
	a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rc = family == AF_INET ? bind(fd, (void *)&a4, sizeof(a4)) :
				 bind(fd, (void *)&a6, sizeof(a6));
	what = rc == 0 ? "ok" : strerrorname_np(errno);
	close(fd);
	return what;
}

int main(int argc, char **argv)
{
	int cgroup, p4, p6;
	unsigned proto;

	if (argc != 3)
		return 2;
	proto = (unsigned)atoi(argv[2]);
	cgroup = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup < 0)
		return 2;
	p4 = load(BPF_CGROUP_INET4_BIND, proto);
	p6 = load(BPF_CGROUP_INET6_BIND, proto);
	attach(cgroup, p4, BPF_CGROUP_INET4_BIND, BPF_PROG_ATTACH);
	attach(cgroup, p6, BPF_CGROUP_INET6_BIND, BPF_PROG_ATTACH);
	printf("tcp4=%s mptcp4=%s tcp6=%s mptcp6=%s\n", try_bind(AF_INET, 6),
	       try_bind(AF_INET, IPPROTO_MPTCP), try_bind(AF_INET6, 6),
	       try_bind(AF_INET6, IPPROTO_MPTCP));
	attach(cgroup, p4, BPF_CGROUP_INET4_BIND, BPF_PROG_DETACH);
	attach(cgroup, p6, BPF_CGROUP_INET6_BIND, BPF_PROG_DETACH);
	return 0;
}
