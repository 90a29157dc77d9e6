// SPDX-License-Identifier: BSD-3-Clause
/*
 * Which exec targets need the launcher, and exec'ing it. The launcher
 * (cli/run/exec_main.c) makes the full decision, as `run` does (Go's
 * version, file capabilities, the kernel's support); this only spots the
 * candidates, cheaply enough that the exec of a dynamic program costs what
 * it did: the dynamic, non-Go case is one open, one pread and one close.
 *
 * Its own files are opened and closed with raw system calls (inline, no
 * libc), an exception to core's rule (libc through shim_real): in a fork
 * child that only execs, each libc function called for the first time
 * costs a lazy binding, and shim_real.open a whole resolution (2% of
 * starting /bin/true); the descriptors never outlive the call.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "build_config.h"
#include "exec_route.h"
#include "glibc_floor.h"
#include "raw_syscall.h"
#include "real.h"

/* The kernel follows at most this many "#!" interpreters. */
#define MAX_SCRIPT_DEPTH 4
#define HEAD_BYTES 1024
#define NOTE_BYTES 512
#define GO_NOTE_BUILDID 4

#if defined(__x86_64__)
#define NATIVE_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define NATIVE_MACHINE EM_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define NATIVE_MACHINE EM_PPC64
#elif defined(__s390x__)
#define NATIVE_MACHINE EM_S390
#else
#define NATIVE_MACHINE EM_NONE	/* no route: the filter knows no arch */
#endif

/*
 * A fork child that execs would otherwise resolve the real functions
 * itself, every time (the walk of the loaded objects' symbol tables, and
 * the page faults of reading them in a fresh child; a first dlsym() there
 * measured 9-17 us, 2% of starting /bin/true). The parent resolves them
 * once, before its first fork (vfork and posix_spawn run the hooks in the
 * parent's memory).
 */
static void before_fork(void)
{
	static _Atomic bool warm;

	if (atomic_load_explicit(&warm, memory_order_relaxed))
		return;
	shim_real_resolve_once();
	atomic_store_explicit(&warm, true, memory_order_relaxed);
}

__attribute__((constructor)) static void exec_route_prefork(void)
{
	pthread_atfork(before_fork, NULL, NULL);
}

static int open_at(int dirfd, const char *path, int flags)
{
	return (int)shim_raw_syscall(SYS_openat, dirfd, (long)path, flags, 0, 0,
				     0);
}

static void close_fd(int fd)
{
	shim_raw_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
}

static ssize_t read_at(int fd, void *buf, size_t len, off_t off)
{
	return shim_raw_syscall(SYS_pread64, fd, (long)buf, (long)len, off, 0,
				0);
}

static bool go_note(const unsigned char *p, size_t size)
{
	while (size >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr n;
		size_t len;

		memcpy(&n, p, sizeof(n));
		len = sizeof(n) + ((n.n_namesz + 3u) & ~3u) +
		      ((n.n_descsz + 3u) & ~3u);
		/* Go's linker writes the name "Go\0\0" with n_namesz 4. */
		if (n.n_type == GO_NOTE_BUILDID &&
		    (n.n_namesz == 3 || n.n_namesz == 4) &&
		    size >= sizeof(n) + 3 && p[sizeof(n)] == 'G' &&
		    p[sizeof(n) + 1] == 'o' && p[sizeof(n) + 2] == '\0')
			return true;
		if (len > size || len < sizeof(n))
			return false;
		p += len;
		size -= len;
	}
	return false;
}

/* A native ELF program: static (no PT_INTERP), or Go (a "Go" build-ID
 * note), which makes its own system calls even when dynamic. */
static bool elf_needs_route(int fd, const unsigned char *head, size_t got)
{
	Elf64_Ehdr eh;
	bool dynamic = false;

	if (got < sizeof(eh))
		return false;
	memcpy(&eh, head, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_machine != NATIVE_MACHINE || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN))
		return false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		unsigned long off = eh.e_phoff + (unsigned long)i * sizeof(ph);

		if (off + sizeof(ph) > got)
			return false;	/* headers past the first KiB: odd */
		memcpy(&ph, head + off, sizeof(ph));
		if (ph.p_type == PT_INTERP)
			dynamic = true;
	}
	if (!dynamic)
		return true;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		unsigned char note[NOTE_BYTES];
		Elf64_Phdr ph;
		size_t size;
		ssize_t n;

		memcpy(&ph, head + eh.e_phoff + (unsigned long)i * sizeof(ph),
		       sizeof(ph));
		if (ph.p_type != PT_NOTE)
			continue;
		size = ph.p_filesz < NOTE_BYTES ? ph.p_filesz : NOTE_BYTES;
		if (ph.p_offset + size <= got) {
			if (go_note(head + ph.p_offset, size))
				return true;
			continue;
		}
		n = read_at(fd, note, size, (off_t)ph.p_offset);
		if (n > 0 && go_note(note, (size_t)n))
			return true;
	}
	return false;
}

static void fd_text(char *out, int fd)
{
	char digits[12];
	int n = 0;

	do {
		digits[n++] = (char)('0' + fd % 10);
		fd /= 10;
	} while (fd && n < 11);
	while (n)
		*out++ = digits[--n];
	*out = '\0';
}

/* The kernel's own linux_dirent64 (glibc declares none). */
struct dirent_raw {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Is this descriptor the memfd_create() one? Its file is made without an
 * open, so it does not count as a writer and does not make exec fail. */
static bool memfd_made(int fd)
{
	char proc[32], link[8];

	memcpy(proc, "/proc/self/fd/", 14);
	fd_text(proc + 14, fd);
	return shim_raw_syscall(SYS_readlink, (long)proc, (long)link,
				sizeof(link), 0, 0, 0) == (long)sizeof(link) &&
	       memcmp(link, "/memfd:", 7) == 0;
}

/*
 * Does this process hold the file open for writing? The kernel then fails
 * the exec with ETXTBSY; through the launcher, a close-on-exec writer
 * would be gone by then (the target would run) or the launcher would fail
 * after the caller's exec succeeded (exit 126): either way not the errno
 * the program must see. Writers in other processes cannot be seen from
 * here (a race the program has without us too).
 */
static bool written_here(const struct stat *target)
{
	char buf[512];
	long n;
	bool found = false;
	int dir = open_at(AT_FDCWD, "/proc/self/fd",
			  O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dir < 0)
		return false;
	while (!found && (n = shim_raw_syscall(SYS_getdents64, dir, (long)buf,
					       sizeof(buf), 0, 0, 0)) > 0) {
		for (long off = 0; off < n && !found;) {
			struct dirent_raw *d = (struct dirent_raw *)(buf + off);
			const char *c = d->name;
			int fd = 0;
			long flags;
			struct stat st;

			off += d->reclen;
			if (*c < '0' || *c > '9')
				continue;
			while (*c >= '0' && *c <= '9')
				fd = fd * 10 + (*c++ - '0');
			if (fd == dir)
				continue;
			flags = shim_raw_syscall(SYS_fcntl, fd, F_GETFL, 0, 0,
						 0, 0);
			if (flags < 0 || (flags & O_PATH) ||
			    (flags & O_ACCMODE) == O_RDONLY)
				continue;
			found = fstat(fd, &st) == 0 &&
				st.st_dev == target->st_dev &&
				st.st_ino == target->st_ino && !memfd_made(fd);
		}
	}
	close_fd(dir);
	return found;
}

/* Would the kernel exec this file, so that the launcher's exec of it
 * gives the same result as the program's own? */
static bool execable(int fd)
{
	struct statvfs vfs;
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & (S_ISUID | S_ISGID)))
		return false;
	/* AT_EACCESS: the effective ids decide, as in the kernel's exec. */
	if (shim_raw_syscall(SYS_faccessat2, fd, (long)"", X_OK,
			     AT_EACCESS | AT_EMPTY_PATH, 0, 0) != 0)
		return false;
	return fstatvfs(fd, &vfs) == 0 && !(vfs.f_flag & ST_NOEXEC) &&
	       !written_here(&st);
}

static bool judge(int fd, int depth, bool *script);

/* "#!interpreter [arg]": judged by the interpreter the kernel runs. */
static bool script_needs_route(const unsigned char *head, size_t got,
			       int depth)
{
	char interp[256];
	size_t i = 2, n = 0;
	int fd;
	bool needs;

	while (i < got && (head[i] == ' ' || head[i] == '\t'))
		i++;
	while (i < got && n < sizeof(interp) - 1 && head[i] != ' ' &&
	       head[i] != '\t' && head[i] != '\n' && head[i] != '\0')
		interp[n++] = (char)head[i++];
	if (n == 0 || n == sizeof(interp) - 1 || depth >= MAX_SCRIPT_DEPTH)
		return false;
	interp[n] = '\0';
	fd = open_at(AT_FDCWD, interp, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	needs = judge(fd, depth + 1, NULL);
	close_fd(fd);
	return needs;
}

static bool judge(int fd, int depth, bool *script)
{
	unsigned char head[HEAD_BYTES];
	ssize_t got = read_at(fd, head, sizeof(head), 0);
	bool needs;

	if (script)
		*script = false;
	if (got < 4)
		return false;
	if (head[0] == '#' && head[1] == '!') {
		if (script)
			*script = true;
		needs = script_needs_route(head, (size_t)got, depth);
	} else {
		needs = head[EI_MAG0] == ELFMAG0 && head[EI_MAG1] == ELFMAG1 &&
			head[EI_MAG2] == ELFMAG2 && head[EI_MAG3] == ELFMAG3 &&
			elf_needs_route(fd, head, (size_t)got);
	}
	/* Only now, for the few that need it: the exec checks. */
	return needs && execable(fd);
}

bool shim_exec_needs_route(int dirfd, const char *path, bool nofollow,
			   bool *script)
{
	int fd;
	bool needs;

	if (!path || !*path)
		return false;
	fd = open_at(dirfd, path,
		     O_RDONLY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0)
		return false;
	needs = judge(fd, 0, script);
	close_fd(fd);
	return needs;
}

bool shim_exec_fd_needs_route(int fd, bool *script)
{
	char proc[32];
	int own;
	bool needs;
	int flags = (int)shim_raw_syscall(SYS_fcntl, fd, F_GETFL, 0, 0, 0, 0);

	if (flags < 0)
		return false;
	if ((flags & O_PATH) == 0 && (flags & O_ACCMODE) != O_WRONLY)
		return judge(fd, 0, script);
	/* An O_PATH descriptor cannot be read: the file, opened again. */
	memcpy(proc, "/proc/self/fd/", 14);
	fd_text(proc + 14, fd);
	own = open_at(AT_FDCWD, proc, O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return false;
	needs = judge(own, 0, script);
	close_fd(own);
	return needs;
}

bool shim_exec_search(const char *file, struct shim_exec_plan *plan)
{
	const char *dirs = getenv("PATH"), *p;
	size_t flen;

	if (!file || !*file)
		return false;
	if (strchr(file, '/')) {
		plan->path = file;
		return shim_exec_needs_route(AT_FDCWD, file, false, NULL);
	}
	if (!dirs)
		dirs = "/bin:/usr/bin";	/* glibc's default for execvp */
	flen = strlen(file);
	for (p = dirs;; p++) {
		const char *end = strchrnul(p, ':');
		size_t dlen = (size_t)(end - p);
		struct stat st;
		char *out = plan->found;

		if (dlen + 1 + flen + 1 <= sizeof(plan->found)) {
			if (dlen) {
				memcpy(out, p, dlen);
				out[dlen++] = '/';
			}
			memcpy(out + dlen, file, flen + 1);
			/* The first file that exists and may be exec'd is
			 * the one glibc's search runs. */
			if (shim_stat(out, &st) == 0 && S_ISREG(st.st_mode) &&
			    faccessat(AT_FDCWD, out, X_OK, AT_EACCESS) == 0) {
				plan->path = out;
				return shim_exec_needs_route(AT_FDCWD, out,
							     false, NULL);
			}
		}
		if (!*end)
			return false;
		p = end;
	}
}

const char *shim_exec_helper(void)
{
	const char *env = secure_getenv("MPTCPSHIM_EXEC_HELPER");

	return env && *env == '/' ? env : MPTCPSHIM_EXEC_HELPER;
}

bool shim_exec_route_wanted(void)
{
	const char *off = getenv("MPTCPSHIM_DISABLE");
	const char *route = getenv("MPTCPSHIM_ROUTE");

	if (off && *off && strcmp(off, "0") != 0)
		return false;
	/* Under the route already (the launcher said so, and a filter is in
	 * place): the tree's supervisor converts this program too, and a
	 * second listener cannot be installed anyway. */
	if (route && strcmp(route, "seccomp") == 0 &&
	    prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2)
		return false;
	return access(shim_exec_helper(), X_OK) == 0;
}

static unsigned argc_of(char *const argv[])
{
	unsigned n = 0;

	while (argv && argv[n])
		n++;
	return n;
}

static char **fill(struct shim_exec_plan *plan, char *const argv[],
		   char **out, unsigned argc)
{
	static char name[] = "mptcpshim-exec";
	static char mode[3][3] = { "-p", "-f", "-F" };
	out[0] = name;
	out[1] = mode[plan->by == SHIM_EXEC_BY_PATH ? 0 :
		      plan->by == SHIM_EXEC_BY_FD   ? 1 : 2];
	if (plan->by == SHIM_EXEC_BY_PATH) {
		out[2] = (char *)plan->path;
	} else {
		fd_text(plan->arg, plan->fd);
		out[2] = plan->arg;
	}
	for (unsigned i = 0; i < argc; i++)
		out[3 + i] = argv[i];
	out[3 + argc] = NULL;
	return out;
}

char **shim_exec_argv(struct shim_exec_plan *plan, char *const argv[],
		      char **buf, unsigned n)
{
	unsigned argc = argc_of(argv);
	size_t need = (size_t)argc + 4;
	void *big;

	if (need <= n)
		return fill(plan, argv, buf, argc);
	/* A vfork child's mapping stays in the parent when the exec
	 * succeeds: only for argv beyond the stack buffer, a rare case. */
	big = mmap(NULL, need * sizeof(char *), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return big == MAP_FAILED ? NULL : fill(plan, argv, big, argc);
}

void shim_exec_argv_free(char **made, char **buf)
{
	unsigned n;

	if (!made || made == buf)
		return;
	n = argc_of(made);
	munmap(made, ((size_t)n + 1) * sizeof(char *));
}

void shim_exec_launch(struct shim_exec_plan *plan, char *const argv[],
		      char *const envp[])
{
	char *buf[256], **made = shim_exec_argv(plan, argv, buf, 256);

	if (!made)
		return;
	/* The raw call: another preload's execve would judge this again. */
	shim_raw_syscall(SYS_execve, (long)shim_exec_helper(), (long)made,
			 (long)envp, 0, 0, 0);
	shim_exec_argv_free(made, buf);
}
