// SPDX-License-Identifier: BSD-3-Clause
/*
 * Reading just enough of an ELF file to tell whether the dynamic loader
 * (and so LD_PRELOAD) will run, and whether Go built it (Go makes its own
 * system calls, so only GODEBUG=multipathtcp reaches its sockets).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdpath.h"
#include "elfcheck.h"

#define GO_BUILDINFO_MAGIC "\xff Go buildinf:"
#define GO_BUILDINFO_HEADER 32
#define GO_FLAG_VERSION_INLINE 0x2
#define GO_NOTE_BUILDID 4

/* A mapped file and its header fields, whatever the ELF class. */
struct elf_view {
	const unsigned char *data;
	size_t size;
	bool is64;
	uint64_t phoff, shoff;
	unsigned phnum, phentsize, shnum, shentsize, shstrndx;
};

static bool in_file(const struct elf_view *v, uint64_t off, uint64_t len)
{
	return off <= v->size && len <= v->size - off;
}

/*
 * Runs the statements once with p pointing at the header at at_ptr,
 * typed T64 or T32 by the file's class: both classes name their fields
 * alike, so one text reads either.
 */
#define READ_EITHER_CLASS(is64, at_ptr, T32, T64, ...)                    \
	do {                                                              \
		if (is64) {                                               \
			const T64 *p = (const void *)(at_ptr);            \
			__VA_ARGS__                                       \
		} else {                                                  \
			const T32 *p = (const void *)(at_ptr);            \
			__VA_ARGS__                                       \
		}                                                         \
	} while (0)

static bool load_header(struct elf_view *v, struct elf_facts *f)
{
	const unsigned char *id = v->data;

	if (v->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0)
		return false;
	f->is_elf = true;
	f->elf_class = id[EI_CLASS];
	f->native = id[EI_DATA] == (__BYTE_ORDER__ ==
						 __ORDER_LITTLE_ENDIAN__ ?
					     ELFDATA2LSB :
					     ELFDATA2MSB);
	if (!f->native)
		return false;
	if (id[EI_CLASS] == ELFCLASS64)
		v->is64 = true;
	else if (id[EI_CLASS] != ELFCLASS32)
		return false;
	if (v->size < (v->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return false;
	READ_EITHER_CLASS(v->is64, v->data, Elf32_Ehdr, Elf64_Ehdr,
		f->machine = p->e_machine;
		v->phoff = p->e_phoff;
		v->phnum = p->e_phnum;
		v->phentsize = p->e_phentsize;
		v->shoff = p->e_shoff;
		v->shnum = p->e_shnum;
		v->shentsize = p->e_shentsize;
		v->shstrndx = p->e_shstrndx;
	);
	return v->phentsize >= (v->is64 ? sizeof(Elf64_Phdr)
					: sizeof(Elf32_Phdr)) ||
	       v->phnum == 0;
}

/* Program header i as (type, offset, size); false if out of the file. */
static bool phdr(const struct elf_view *v, unsigned i, uint32_t *type,
		 uint64_t *off, uint64_t *size)
{
	uint64_t at = v->phoff + (uint64_t)i * v->phentsize;

	if (!in_file(v, at, v->is64 ? sizeof(Elf64_Phdr) :
				      sizeof(Elf32_Phdr)))
		return false;
	READ_EITHER_CLASS(v->is64, v->data + at, Elf32_Phdr, Elf64_Phdr,
		*type = p->p_type;
		*off = p->p_offset;
		*size = p->p_filesz;
	);
	return in_file(v, *off, *size);
}

static bool shdr(const struct elf_view *v, unsigned i, uint32_t *name,
		 uint64_t *off, uint64_t *size)
{
	uint64_t at = v->shoff + (uint64_t)i * v->shentsize;
	size_t need = v->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);

	if (v->shentsize < need || !in_file(v, at, need))
		return false;
	READ_EITHER_CLASS(v->is64, v->data + at, Elf32_Shdr, Elf64_Shdr,
		*name = p->sh_name;
		*off = p->sh_offset;
		*size = p->sh_type == SHT_NOBITS ? 0 : p->sh_size;
	);
	return in_file(v, *off, *size);
}

/* The named section's bytes, or NULL. */
static const unsigned char *section(const struct elf_view *v,
				   const char *want, uint64_t *size)
{
	uint64_t str_off, str_size, off;
	uint32_t name;

	if (v->shnum == 0 || v->shstrndx >= v->shnum ||
	    !shdr(v, v->shstrndx, &name, &str_off, &str_size))
		return NULL;
	for (unsigned i = 0; i < v->shnum; i++) {
		if (!shdr(v, i, &name, &off, size) || name >= str_size)
			continue;
		if (strnlen((const char *)v->data + str_off + name,
			    str_size - name) == str_size - name)
			continue;
		if (strcmp((const char *)v->data + str_off + name, want) == 0)
			return v->data + off;
	}
	return NULL;
}

static bool go_build_id_note(const unsigned char *p, uint64_t size)
{
	while (size >= sizeof(Elf64_Nhdr)) {
		/* Elf32_Nhdr and Elf64_Nhdr are the same three words. */
		const Elf64_Nhdr *n = (const void *)p;
		uint64_t name_len = (n->n_namesz + 3) & ~3ull;
		uint64_t desc_len = (n->n_descsz + 3) & ~3ull;
		uint64_t len = sizeof(*n) + name_len + desc_len;

		if (len > size)
			return false;
		/* Go's linker writes "Go\0\0" with n_namesz 4. */
		if (n->n_type == GO_NOTE_BUILDID &&
		    (n->n_namesz == 3 || n->n_namesz == 4) &&
		    memcmp(p + sizeof(*n), "Go", 3) == 0)
			return true;
		p += len;
		size -= len;
	}
	return false;
}

/* Go 1.18+ keeps the version inline: a varint length, then the bytes. */
static void go_version(const unsigned char *info, uint64_t size,
		       struct elf_facts *f)
{
	uint64_t len = 0, at = GO_BUILDINFO_HEADER;
	int shift = 0;

	if (size < GO_BUILDINFO_HEADER ||
	    memcmp(info, GO_BUILDINFO_MAGIC, 14) != 0 ||
	    !(info[15] & GO_FLAG_VERSION_INLINE))
		return;
	while (at < size && shift < 63) {
		len |= (uint64_t)(info[at] & 0x7f) << shift;
		shift += 7;
		if (!(info[at++] & 0x80))
			break;
	}
	if (len == 0 || len >= sizeof(f->go_version) || at + len > size)
		return;
	memcpy(f->go_version, info + at, len);
	f->go_version[len] = '\0';
}

static void inspect(struct elf_view *v, struct elf_facts *f)
{
	const unsigned char *info;
	uint64_t off, size;
	uint32_t type;

	if (!load_header(v, f))
		return;
	for (unsigned i = 0; i < v->phnum; i++) {
		if (!phdr(v, i, &type, &off, &size))
			continue;
		if (type == PT_INTERP && size > 1) {
			size_t len = strnlen((const char *)v->data + off,
					     size);

			f->dynamic = true;
			if (len >= sizeof(f->interp))
				len = sizeof(f->interp) - 1;
			memcpy(f->interp, v->data + off, len);
			f->interp[len] = '\0';
		} else if (type == PT_NOTE && go_build_id_note(v->data + off,
								 size)) {
			f->go = true;
		}
	}
	info = section(v, ".go.buildinfo", &size);
	if (!info && v->shnum == 0) {
		/* Section headers stripped: look for the magic itself. */
		info = memmem(v->data, v->size, GO_BUILDINFO_MAGIC, 14);
		size = info ? v->size - (uint64_t)(info - v->data) : 0;
	}
	if (info) {
		f->go = true;
		go_version(info, size, f);
	}
	/* Go's function-name table and module list are in every build
	 * (stripped ones too), so a Landlock package shows its path: a
	 * package named landlock ("…/landlock.Func": go-landlock's, a
	 * program's own), the go-landlock modules, x/sys/unix's Landlock
	 * types. Not the bare word: container tools (podman) carry syscall
	 * name tables with landlock_create_ruleset in them. A match without
	 * a sandbox only keeps Go's MPTCP off: the safe side. */
	if (f->go) {
		static const char *const marks[] = { "/landlock.",
						     "go-landlock",
						     "unix.Landlock" };

		for (size_t i = 0; i < 3 && !f->go_landlock; i++)
			f->go_landlock = memmem(v->data, v->size, marks[i],
						strlen(marks[i])) != NULL;
	}
}

int elf_inspect(const char *path, struct elf_facts *f)
{
	struct elf_view v = { 0 };
	struct stat st;
	void *map;
	int fd;

	memset(f, 0, sizeof(*f));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < EI_NIDENT) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	v.data = map;
	v.size = st.st_size;
	inspect(&v, f);
	munmap(map, st.st_size);
	return 0;
}

int elf_inspect_header(const char *path, int *elf_class, int *machine)
{
	unsigned char buf[sizeof(Elf64_Ehdr)];
	struct elf_view v = { .data = buf };
	struct elf_facts f = { 0 };
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return -1;
	v.size = n;
	load_header(&v, &f);
	if (!f.is_elf) {
		errno = ENOEXEC;
		return -1;
	}
	*elf_class = f.elf_class;
	*machine = f.machine;
	return 0;
}

int elf_read_shebang(const char *path, char *interp, size_t interp_len,
		     char *arg, size_t arg_len)
{
	char line[256], *p, *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n < 0)
		return -1;
	line[n] = '\0';
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return 0;
	line[strcspn(line, "\n")] = '\0';
	/* The kernel's rule: the interpreter, then one optional argument. */
	p = line + 2 + strspn(line + 2, " \t");
	end = p + strcspn(p, " \t");
	if (end == p)
		return 0;
	snprintf(interp, interp_len, "%.*s", (int)(end - p), p);
	p = end + strspn(end, " \t");
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	snprintf(arg, arg_len, "%.*s", (int)(end - p), p);
	return 1;
}

int elf_go_at_least(const char *version, int major, int minor)
{
	int ma, mi;

	if (sscanf(version, "go%d.%d", &ma, &mi) != 2)
		return -1;
	return ma > major || (ma == major && mi >= minor);
}

int elf_script_runner(const char *path, char *out, size_t len)
{
	char interp[256], arg[256];
	const char *next = interp;
	int rc = elf_read_shebang(path, interp, sizeof(interp), arg,
				  sizeof(arg));

	if (rc <= 0) {
		if (len)
			out[0] = '\0';
		return rc;
	}
	/* "#!/usr/bin/env NAME": NAME is what runs, found in PATH. */
	if (strcmp(interp, "/usr/bin/env") == 0 ||
	    strcmp(interp, "/bin/env") == 0) {
		next = arg[0] == '-' ? NULL : arg;
		if (next && strchr(next, ' '))
			*strchr(arg, ' ') = '\0';
	}
	if (!next || !*next || !cmdpath_find(next, out, len)) {
		snprintf(out, len, "%s%s%s", interp, arg[0] ? " " : "", arg);
		return -1;
	}
	return 1;
}
