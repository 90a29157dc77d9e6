// SPDX-License-Identifier: BSD-3-Clause
/*
 * The classic-BPF program of the seccomp route, built from the policy. It
 * traps the TCP socket() (the shim's own test: type & 0xf, the kernel's
 * SOCK_TYPE_MASK, so SOCK_NONBLOCK and SOCK_CLOEXEC still match), and only
 * where some program's policy needs them: connect(), sendto()/sendmsg()
 * with MSG_FASTOPEN (destination and port rules), listen() (role rules on
 * bound addresses) and setsockopt()/getsockopt() of the (level, name)
 * pairs the option table lists (option rescue). Everything else stays in the kernel: a
 * filter that trapped more would only add round trips to the supervisor.
 *
 * Other ABIs of the same kernel are let through, consistently, rather than
 * killed: an i386 program (AUDIT_ARCH_I386, socketcall(2) or socket 359) or
 * an x32 one (nr | __X32_SYSCALL_BIT) runs exactly as without the route,
 * with TCP. Killing them would break programs the route merely cannot help.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
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

#include "uapi_compat.h"

#include "option_table.h"
#include "policy_walk.h"
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
/*
 * A small assembler: instructions name their targets by label, resolved
 * once the program is complete (cBPF jumps are relative and forward only,
 * at most 255 instructions for a conditional one).
 */
enum label { L_ALLOW, L_NOTIFY, L_SOCKET, L_SENDTO, L_SENDMSG, L_SOCKOPT,
	     L_COUNT };

#define MAX_INSNS 512

struct program {
	struct sock_filter insn[MAX_INSNS];
	short jt_label[MAX_INSNS], jf_label[MAX_INSNS];	/* -1: literal */
	int at[L_COUNT];
	unsigned n;
	bool overflow;
};

static void emit(struct program *p, unsigned short code, unsigned k, int jt,
		 int jf)
{
	if (p->n >= MAX_INSNS) {
		p->overflow = true;
		return;
	}
	p->insn[p->n] = (struct sock_filter){ code, 0, 0, k };
	p->jt_label[p->n] = (short)jt;
	p->jf_label[p->n] = (short)jf;
	p->n++;
}

static void stmt(struct program *p, unsigned short code, unsigned k)
{
	emit(p, code, k, -1, -1);
}

/* if (A == k) goto jt; else goto jf; (-1: the next instruction) */
static void jeq(struct program *p, unsigned k, int jt, int jf)
{
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
}

static void here(struct program *p, enum label l)
{
	p->at[l] = (int)p->n;
}

static bool resolve(struct program *p)
{
	for (unsigned i = 0; i < p->n; i++) {
		short l[2] = { p->jt_label[i], p->jf_label[i] };
		unsigned char *off[2] = { &p->insn[i].jt, &p->insn[i].jf };

		for (int j = 0; j < 2; j++) {
			int d;

			if (l[j] < 0)
				continue;
			d = p->at[l[j]] - (int)i - 1;
			if (d < 0 || d > 255)
				return false;
			*off[j] = (unsigned char)d;
		}
	}
	return !p->overflow;
}

static void load_arg(struct program *p, int i)
{
	stmt(p, BPF_LD | BPF_W | BPF_ABS, (unsigned)ARG_LO(i));
}

static void build(struct program *p, const struct seccomp_filter_plan *plan)
{
	memset(p, 0, sizeof(*p));
	stmt(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	jeq(p, ROUTE_AUDIT_ARCH, -1, L_ALLOW);
	stmt(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	emit(p, BPF_JMP | BPF_JGE | BPF_K, ROUTE_NR_LIMIT, L_ALLOW, -1);
	/* The program sandboxing itself (seccomp_landlock.h). */
	jeq(p, __NR_landlock_restrict_self, L_NOTIFY, -1);
	jeq(p, __NR_socket, L_SOCKET, -1);
	if (plan->connect) {
		jeq(p, __NR_connect, L_NOTIFY, -1);
		jeq(p, __NR_sendto, L_SENDTO, -1);
		jeq(p, __NR_sendmsg, L_SENDMSG, -1);
	}
	if (plan->listen || plan->stats)
		jeq(p, __NR_listen, L_NOTIFY, -1);
	if (plan->stats) {
		jeq(p, __NR_close, L_NOTIFY, -1);
		jeq(p, __NR_shutdown, L_NOTIFY, -1);
		jeq(p, __NR_exit_group, L_NOTIFY, -1);
	}
	if (plan->n_options) {
		/* Both have level and name as arguments 1 and 2. */
		jeq(p, __NR_setsockopt, L_SOCKOPT, -1);
		jeq(p, __NR_getsockopt, L_SOCKOPT, -1);
	}
	stmt(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

	/* socket(AF_INET|AF_INET6, (type & 0xf) == SOCK_STREAM, 0|TCP) */
	here(p, L_SOCKET);
	load_arg(p, 0);
	jeq(p, AF_INET, 1, -1);
	jeq(p, AF_INET6, -1, L_ALLOW);
	load_arg(p, 1);
	stmt(p, BPF_ALU | BPF_AND | BPF_K, 0xf);
	jeq(p, SOCK_STREAM, -1, L_ALLOW);
	load_arg(p, 2);
	jeq(p, 0, L_NOTIFY, -1);
	if (plan->connect || plan->listen || plan->n_options || plan->stats) {
		/* The program's own MPTCP socket: later rules leave it alone
		 * (seccomp_ours.h). */
		jeq(p, IPPROTO_TCP, L_NOTIFY, -1);
		jeq(p, IPPROTO_MPTCP, L_NOTIFY, L_ALLOW);
	} else {
		jeq(p, IPPROTO_TCP, L_NOTIFY, L_ALLOW);
	}

	/* TCP Fast Open: the destination comes with the first data. */
	here(p, L_SENDTO);
	load_arg(p, 3);
	emit(p, BPF_JMP | BPF_JSET | BPF_K, MSG_FASTOPEN, L_NOTIFY, L_ALLOW);
	here(p, L_SENDMSG);
	load_arg(p, 2);
	emit(p, BPF_JMP | BPF_JSET | BPF_K, MSG_FASTOPEN, L_NOTIFY, L_ALLOW);

	/* setsockopt(fd, level, name): only the pairs of the plan. Options of
	 * one level are listed together, so each level is tested once. */
	here(p, L_SOCKOPT);
	for (size_t i = 0; i < plan->n_options;) {
		int level = plan->options[i].level;
		size_t j = i;

		while (j < plan->n_options && plan->options[j].level == level)
			j++;
		load_arg(p, 1);
		/* not this level: skip its name tests (2 + (j - i)) */
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, (unsigned)level, -1, -1);
		p->insn[p->n - 1].jf = (unsigned char)(1 + (j - i) + 1);
		load_arg(p, 2);
		for (; i < j; i++)
			jeq(p, (unsigned)plan->options[i].name, L_NOTIFY, -1);
		stmt(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	here(p, L_ALLOW);
	stmt(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	here(p, L_NOTIFY);
	stmt(p, BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
}
#endif

static bool decides_at_connect(const struct policy_view *v, void *ctx)
{
	(void)ctx;
	return v->decide_at_connect;
}

static bool decides_at_listen(const struct policy_view *v, void *ctx)
{
	(void)ctx;
	return v->decide_at_listen;
}

static bool rescues_options(const struct policy_view *v, void *ctx)
{
	(void)ctx;
	return v->unsupported != POLICY_UNSUP_FAIL ||
	       v->per_option_unsupported;
}

static int by_level(const void *a, const void *b)
{
	const struct seccomp_option *x = a, *y = b;

	return x->level != y->level ? (x->level > y->level) - (x->level < y->level)
				    : (x->name > y->name) - (x->name < y->name);
}

void seccomp_filter_plan_for(const struct policy *policy, bool names_matter,
			     struct seccomp_filter_plan *plan)
{
	size_t n = 0;
	const struct policy_opt_rule *rules = policy_option_rules(&n);

	memset(plan, 0, sizeof(*plan));
	/* apps.d files of programs not known yet may hold any rule. */
	plan->connect = names_matter ||
			policy_any_program(policy, decides_at_connect, NULL);
	plan->listen = names_matter ||
		       policy_any_program(policy, decides_at_listen, NULL);
	if (!names_matter && !policy_any_program(policy, rescues_options, NULL))
		return;
	for (size_t i = 0; i < n && plan->n_options < SECCOMP_MAX_OPTIONS; i++)
		plan->options[plan->n_options++] = (struct seccomp_option){
			rules[i].level, rules[i].optname
		};
	qsort(plan->options, plan->n_options, sizeof(plan->options[0]),
	      by_level);
}

/* The plan for whatever the run may start, from the files the shim reads
 * (MPTCPSHIM_CONFIG included); socket() alone when they cannot be read. */
void seccomp_filter_plan_default(struct seccomp_filter_plan *plan)
{
	struct policy_sources src;
	struct policy *policy;
	char user[PATH_MAX];

	memset(plan, 0, sizeof(*plan));
	policy_sources_default(&src, NULL, false, user, sizeof(user));
	/* run --stats: connections' fates are learnt at close and exit. */
	plan->stats = getenv("MPTCPSHIM_STATS") != NULL;
	policy = policy_load(&src, NULL, NULL);
	if (!policy)
		return;
	bool stats = plan->stats;

	seccomp_filter_plan_for(policy, policy_names_matter(policy, &src),
				plan);
	plan->stats = stats;
	policy_free(policy);
}

int seccomp_filter_install_plan(bool needs_nnp,
				const struct seccomp_filter_plan *plan)
{
#ifdef ROUTE_AUDIT_ARCH
	static struct program p;
	struct sock_fprog prog;
	int fd;

	build(&p, plan);
	if (!resolve(&p)) {
		/* Too many options for one program: socket() alone. */
		struct seccomp_filter_plan bare = { 0 };

		build(&p, &bare);
		if (!resolve(&p)) {
			errno = E2BIG;
			return -1;
		}
	}
	prog = (struct sock_fprog){ .len = (unsigned short)p.n,
				    .filter = p.insn };
	if (needs_nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			  SECCOMP_FILTER_FLAG_NEW_LISTENER |
				  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
			  &prog);
	if (fd < 0 && errno == EINVAL)	/* before 5.19 */
		fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				  SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	/* The listener is close-on-exec already (the kernel makes it so). */
	return fd;
#else
	(void)needs_nnp;
	(void)plan;
	errno = ENOSYS;
	return -1;
#endif
}

int seccomp_filter_install(bool needs_nnp)
{
	struct seccomp_filter_plan plan;

	seccomp_filter_plan_default(&plan);
	return seccomp_filter_install_plan(needs_nnp, &plan);
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
