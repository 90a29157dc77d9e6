// SPDX-License-Identifier: BSD-3-Clause
/*
 * One walk over the loaded objects' dynamic symbol tables (see
 * symbol_walk.h for why). ld.so answers dlsym(RTLD_NEXT) with a full
 * lookup per name (~2 000 instructions each, 20 names); here each object
 * after ours costs a bloom-filter test per name, and the object that
 * defines the names a hash bucket walk and one strcmp() each.
 */
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <sys/auxv.h>

#include "symbol_walk.h"

struct object_tables {
	ElfW(Addr) base;
	const ElfW(Sym) *symtab;
	const char *strtab;
	const ElfW(Half) *versym;
	const uint32_t *gnu_hash;
	const ElfW(Word) *sysv_hash;
};

/*
 * glibc relocates the d_ptr entries of a writable dynamic section in
 * place; musl, and glibc for a read-only one (the vDSO), leave them as
 * offsets. An offset is smaller than any address the object is mapped at.
 */
static const void *dyn_pointer(ElfW(Addr) base, ElfW(Addr) value)
{
	return (const void *)(value >= base ? value : base + value);
}

static bool read_tables(ElfW(Addr) base, const ElfW(Dyn) *dyn,
			struct object_tables *t)
{
	*t = (struct object_tables){ .base = base };
	if (!dyn)
		return false;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_SYMTAB:
			t->symtab = dyn_pointer(base, dyn->d_un.d_ptr);
			break;
		case DT_STRTAB:
			t->strtab = dyn_pointer(base, dyn->d_un.d_ptr);
			break;
		case DT_VERSYM:
			t->versym = dyn_pointer(base, dyn->d_un.d_ptr);
			break;
		case DT_GNU_HASH:
			t->gnu_hash = dyn_pointer(base, dyn->d_un.d_ptr);
			break;
		case DT_HASH:
			t->sysv_hash = dyn_pointer(base, dyn->d_un.d_ptr);
			break;
		default:
			break;
		}
	}
	return t->symtab && t->strtab && (t->gnu_hash || t->sysv_hash);
}

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static uint32_t sysv_hash(const char *s)
{
	uint32_t h = 0, g;

	for (; *s; s++) {
		h = (h << 4) + (unsigned char)*s;
		g = h & 0xf0000000u;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/*
 * Symbol i if it is a definition ld.so would bind an unversioned lookup
 * to: defined, a function or data, global or weak, and not a hidden
 * (non-default) version, so fcntl resolves to fcntl@@GLIBC_2.28 and not
 * to the old fcntl@GLIBC_2.2.5, as dlsym() does.
 */
static void *accept_symbol(const struct object_tables *t, uint32_t i,
			   const char *name)
{
	const ElfW(Sym) *sym = &t->symtab[i];
	unsigned type = ELF64_ST_TYPE(sym->st_info);
	unsigned bind = ELF64_ST_BIND(sym->st_info);
	ElfW(Addr) addr;

	if (sym->st_shndx == SHN_UNDEF || sym->st_value == 0)
		return NULL;
	if (type != STT_FUNC && type != STT_NOTYPE && type != STT_OBJECT &&
	    type != STT_GNU_IFUNC)
		return NULL;
	if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE)
		return NULL;
	if (t->versym && (t->versym[i] & 0x8000))
		return NULL;
	/* By hand: strcmp() would cost a PLT binding in every process. */
	for (const char *have = t->strtab + sym->st_name; *have == *name;
	     have++, name++)
		if (!*have)
			goto same;
	return NULL;
same:
	addr = t->base + sym->st_value;
	/* What ld.so binds for an indirect function: its resolver's answer
	 * (x86 resolvers take no argument; others read AT_HWCAP first). */
	if (type == STT_GNU_IFUNC)
		addr = ((ElfW(Addr)(*)(unsigned long))addr)(
			getauxval(AT_HWCAP));
	return (void *)addr;
}

static void *gnu_lookup(const struct object_tables *t, const char *name,
			uint32_t h)
{
	enum { WORD_BITS = sizeof(ElfW(Addr)) * 8 };
	const uint32_t *gh = t->gnu_hash;
	uint32_t nbuckets = gh[0], symoffset = gh[1], bloom_size = gh[2];
	uint32_t shift = gh[3], i;
	const ElfW(Addr) *bloom = (const ElfW(Addr) *)&gh[4];
	const uint32_t *buckets, *chain;
	ElfW(Addr) word, mask;

	if (nbuckets == 0 || bloom_size == 0)
		return NULL;
	buckets = (const uint32_t *)&bloom[bloom_size];
	chain = &buckets[nbuckets];
	/* The bloom filter rejects most names an object does not define. */
	word = bloom[(h / WORD_BITS) % bloom_size];
	mask = ((ElfW(Addr))1 << (h % WORD_BITS)) |
	       ((ElfW(Addr))1 << ((h >> shift) % WORD_BITS));
	if ((word & mask) != mask)
		return NULL;
	i = buckets[h % nbuckets];
	if (i < symoffset)
		return NULL;
	for (;; i++) {
		uint32_t h2 = chain[i - symoffset];

		if ((h | 1) == (h2 | 1)) {
			void *found = accept_symbol(t, i, name);

			if (found)
				return found;
		}
		if (h2 & 1)
			return NULL;
	}
}

static void *sysv_lookup(const struct object_tables *t, const char *name)
{
	const ElfW(Word) *h = t->sysv_hash;
	ElfW(Word) nbucket = h[0];
	const ElfW(Word) *bucket = &h[2], *chain = &h[2 + nbucket];

	if (nbucket == 0)
		return NULL;
	for (ElfW(Word) i = bucket[sysv_hash(name) % nbucket]; i != STN_UNDEF;
	     i = chain[i]) {
		void *found = accept_symbol(t, i, name);

		if (found)
			return found;
	}
	return NULL;
}

static void *lookup(const struct object_tables *t, const char *name,
		    uint32_t gnu)
{
	return t->gnu_hash ? gnu_lookup(t, name, gnu) : sysv_lookup(t, name);
}

unsigned shim_symbol_hash(const char *name)
{
	return gnu_hash(name);
}

void *shim_symbol_in_object(unsigned long base, const void *dyn,
			    const char *name)
{
	struct object_tables t;

	if (!read_tables(base, dyn, &t))
		return NULL;
	return lookup(&t, name, gnu_hash(name));
}

/* At most this many names per walk (the library's own table is 31 with
 * the exec functions; the unit test adds a few). */
#define WALK_MAX 48

/* The state of one walk: objects come in load order. */
struct walk {
	const void *own_dynamic;
	struct symbol_want *want;
	size_t n, missing;
	uint32_t hashes[WALK_MAX];
	const char *marker;
	uint32_t marker_hash;
	bool seen_self;
	bool marker_before;
};

/* Returns true when nothing is left to look for. */
static bool visit(struct walk *w, ElfW(Addr) base, const ElfW(Dyn) *dyn)
{
	struct object_tables t;

	bool self = (const void *)dyn == w->own_dynamic;

	if (!read_tables(base, dyn, &t)) {
		w->seen_self |= self;
		return w->seen_self && w->missing == 0;
	}
	if (self) {
		/* Our own table: only for what is searched from the first
		 * object (data the program and we may both refer to). */
		for (size_t i = 0; i < w->n; i++) {
			if (w->want[i].found || !w->want[i].from_first)
				continue;
			w->want[i].found = lookup(&t, w->want[i].name,
						  w->hashes[i]);
			if (w->want[i].found)
				w->missing--;
		}
		w->seen_self = true;
		return w->missing == 0;
	}
	if (!w->seen_self) {
		if (!w->marker_before && w->marker &&
		    lookup(&t, w->marker, w->marker_hash))
			w->marker_before = true;
	}
	for (size_t i = 0; i < w->n; i++) {
		if (w->want[i].found ||
		    (!w->seen_self && !w->want[i].from_first))
			continue;
		w->want[i].found = lookup(&t, w->want[i].name, w->hashes[i]);
		if (w->want[i].found)
			w->missing--;
	}
	return w->seen_self && w->missing == 0;
}

/* The head of the dynamic linker's list of objects, from the r_debug
 * structure it stores in the main program's DT_DEBUG entry. */
static const struct link_map *first_object(void)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	size_t phnum = getauxval(AT_PHNUM);
	const ElfW(Dyn) *dyn = NULL;
	ElfW(Addr) bias = 0;
	bool have_phdr = false;

	if (!ph)
		return NULL;
	for (size_t i = 0; i < phnum; i++) {
		if (ph[i].p_type == PT_PHDR) {
			bias = (ElfW(Addr))ph - ph[i].p_vaddr;
			have_phdr = true;
		}
	}
	/* Without PT_PHDR the load bias is unknown: do not guess. */
	if (!have_phdr)
		return NULL;
	for (size_t i = 0; i < phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(bias + ph[i].p_vaddr);
	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_DEBUG) {
			const struct r_debug *r =
				(const struct r_debug *)dyn->d_un.d_ptr;

			return r ? r->r_map : NULL;
		}
	}
	return NULL;
}

static int visit_phdr(struct dl_phdr_info *info, size_t size, void *data)
{
	const ElfW(Dyn) *dyn = NULL;

	(void)size;
	for (size_t i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(info->dlpi_addr +
						  info->dlpi_phdr[i].p_vaddr);
	return visit(data, info->dlpi_addr, dyn) ? 1 : 0;
}

bool shim_symbol_walk(const void *own_dynamic, struct symbol_want *want,
		      size_t n, const char *first_copy_marker)
{
	struct walk w = {
		.own_dynamic = own_dynamic,
		.want = want,
		.n = n < WALK_MAX ? n : WALK_MAX,
		.missing = n < WALK_MAX ? n : WALK_MAX,
		.marker = first_copy_marker,
		.marker_hash = first_copy_marker ? gnu_hash(first_copy_marker)
						 : 0,
	};
	const struct link_map *m;

	for (size_t i = 0; i < w.n; i++) {
		want[i].found = NULL;
		w.hashes[i] = want[i].hash ? want[i].hash : gnu_hash(want[i].name);
	}
	for (m = first_object(); m; m = m->l_next)
		if (visit(&w, m->l_addr, m->l_ld))
			break;
	if (w.seen_self)
		return w.marker_before;
	/* Not on that list: ask the loader, from the top. */
	w.marker_before = false;
	w.missing = w.n;
	for (size_t i = 0; i < w.n; i++)
		want[i].found = NULL;
	dl_iterate_phdr(visit_phdr, &w);
	return w.marker_before;
}
