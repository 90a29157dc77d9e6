// SPDX-License-Identifier: BSD-3-Clause
/*
 * The compiled index of a policy file (see policy_index.h): written by the
 * CLI after a clean parse, read by the shim with every offset checked, as
 * the file may be anything (tests/fuzz/fuzz_policy_index.c feeds it junk).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "build_config.h"
#include "ini_lines.h"
#include "policy_index.h"
#include "policy_index_format.h"
#include "policy_internal.h"

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 5381;

	for (size_t i = 0; i < len; i++)
		h = h * 33 + (unsigned char)s[i];
	return h;
}

bool policy_index_path(const char *path, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%s", path, POLICY_INDEX_SUFFIX);

	return n > 0 && (size_t)n < len;
}

static void stamp(struct index_header *h, const struct stat *st)
{
	h->dev = (uint64_t)st->st_dev;
	h->ino = (uint64_t)st->st_ino;
	h->src_size = (uint64_t)st->st_size;
	h->mtime_sec = st->st_mtim.tv_sec;
	h->mtime_nsec = st->st_mtim.tv_nsec;
	h->ctime_sec = st->st_ctim.tv_sec;
	h->ctime_nsec = st->st_ctim.tv_nsec;
}

bool policy_index_fix_header(void *buf, size_t len, const struct stat *st)
{
	struct index_header h;

	if (len < sizeof(h) || len > UINT32_MAX)
		return false;
	memcpy(&h, buf, sizeof(h));
	memcpy(h.magic, INDEX_MAGIC, 8);
	h.version = INDEX_VERSION;
	h.size = (uint32_t)len;
	memset(h.shim_version, 0, sizeof(h.shim_version));
	snprintf(h.shim_version, sizeof(h.shim_version), "%s",
		 MPTCPSHIM_VERSION);
	stamp(&h, st);
	memcpy(buf, &h, sizeof(h));
	index_store_sums(buf, len);
	return true;
}

/* ---- reading ---- */

static bool usable(const struct index_header *h, size_t size,
		   const struct stat *st)
{
	struct index_header want = { 0 };

	stamp(&want, st);
	return size >= sizeof(*h) && memcmp(h->magic, INDEX_MAGIC, 8) == 0 &&
	       h->version == INDEX_VERSION && h->size == size &&
	       h->sum == index_head_sum((const char *)h, size) &&
	       strncmp(h->shim_version, MPTCPSHIM_VERSION,
		       sizeof(h->shim_version)) == 0 &&
	       h->dev == want.dev && h->ino == want.ino &&
	       h->src_size == want.src_size &&
	       h->mtime_sec == want.mtime_sec &&
	       h->mtime_nsec == want.mtime_nsec &&
	       h->ctime_sec == want.ctime_sec &&
	       h->ctime_nsec == want.ctime_nsec &&
	       index_inside(h, h->global_off, h->n_global, sizeof(struct index_seg)) &&
	       h->n_buckets > 0 &&
	       index_inside(h, h->buckets_off, h->n_buckets, sizeof(uint32_t)) &&
	       index_inside(h, h->apps_off, h->n_apps, sizeof(struct index_app)) &&
	       index_inside(h, h->names_off, h->names_size, 1) &&
	       index_inside(h, h->sums_off, h->n_buckets, sizeof(uint32_t));
}

static bool seg_ok(const struct index_seg *s, const struct stat *st)
{
	return s->line > 0 && s->offset <= st->st_size &&
	       s->len <= st->st_size - s->offset;
}

/* The app section of name in *out (NULL: none); false if the chain that
 * would hold it is damaged. */
static bool find_app(const char *base, const struct index_header *h,
		     const char *name, const struct index_app **out)
{
	size_t len = strlen(name);
	uint32_t hash = name_hash(name, len), at, steps = 0;
	const uint32_t *buckets = (const uint32_t *)(base + h->buckets_off);
	const uint32_t *sums = (const uint32_t *)(base + h->sums_off);
	const struct index_app *apps =
		(const struct index_app *)(base + h->apps_off);

	*out = NULL;
	if (index_chain_sum(base, h, hash % h->n_buckets) !=
	    sums[hash % h->n_buckets])
		return false;
	at = buckets[hash % h->n_buckets];
	while (at != 0 && at <= h->n_apps && steps++ < h->n_apps) {
		const struct index_app *a = &apps[at - 1];

		if (a->hash == hash && a->name_len == len &&
		    a->name_off <= h->names_size &&
		    len <= h->names_size - a->name_off &&
		    memcmp(base + h->names_off + a->name_off, name, len) == 0) {
			*out = a;
			return true;
		}
		at = a->next;
	}
	return true;
}

static int by_offset(const void *a, const void *b)
{
	const struct index_seg *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Reads the segments' text and parses it; segs sorted, all checked. */
static int parse_segments(int fd, struct index_seg *segs, size_t n,
			  const char *path, policy_diag_fn diag, void *ctx,
			  struct policy **out)
{
	struct ini_segment *parts = calloc(n ? n : 1, sizeof(*parts));
	struct policy_parse_opts opts = { 0 };
	size_t total = 0, at = 0;
	char *text;
	int rc;

	if (!parts)
		return -1;
	for (size_t i = 0; i < n; i++)
		total += segs[i].len;
	text = malloc(total ? total : 1);
	if (!text) {
		free(parts);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		ssize_t got = pread(fd, text + at, segs[i].len,
				    (off_t)segs[i].offset);

		if (got != (ssize_t)segs[i].len) {
			free(text);
			free(parts);
			return -2;	/* changed under us: read it whole */
		}
		parts[i] = (struct ini_segment){ text + at, segs[i].len,
						 segs[i].line };
		at += segs[i].len;
	}
	opts.segs = parts;
	opts.n_segs = n;
	rc = policy_parse_with(NULL, &opts, path, diag, ctx, out);
	free(text);
	free(parts);
	return rc;
}

int policy_index_parse(int fd, const struct stat *st, const char *path,
		       const char *const *names, policy_diag_fn diag,
		       void *ctx, struct policy **out)
{
	char ipath[4096];
	struct stat ist;
	const struct index_header *h;
	struct index_seg *segs = NULL;
	size_t n = 0, cap;
	int ifd, problems = 0, rc = -2;
	void *map;

	*out = NULL;
	if (st->st_size < POLICY_INDEX_MIN_SIZE || !names ||
	    !policy_index_path(path, ipath, sizeof(ipath)))
		return -2;
	/* Silent: a missing or unsafe index only means a whole parse. */
	ifd = policy_open_checked_max(ipath, true, POLICY_INDEX_MAX_SIZE, NULL,
				      NULL, &problems, &ist);
	if (ifd < 0)
		return -2;
	if (ist.st_size < (off_t)sizeof(*h) ||
	    ist.st_size > POLICY_INDEX_MAX_SIZE) {
		close(ifd);
		return -2;
	}
	map = mmap(NULL, (size_t)ist.st_size, PROT_READ, MAP_PRIVATE, ifd, 0);
	close(ifd);
	if (map == MAP_FAILED)
		return -2;
	h = map;
	if (!usable(h, (size_t)ist.st_size, st))
		goto out;
	cap = (size_t)h->n_global;
	for (size_t i = 0; names[i]; i++)
		cap++;
	segs = calloc(cap ? cap : 1, sizeof(*segs));
	if (!segs) {
		rc = -1;
		goto out;
	}
	for (uint32_t i = 0; i < h->n_global; i++) {
		memcpy(&segs[n], (const char *)map + h->global_off +
					 i * sizeof(*segs),
		       sizeof(*segs));
		if (!seg_ok(&segs[n++], st))
			goto out;
	}
	for (size_t i = 0; names[i]; i++) {
		const struct index_app *a;
		bool dup = false;

		if (!find_app(map, h, names[i], &a))
			goto out;
		if (!a)
			continue;
		for (size_t j = 0; j < n; j++)
			dup |= segs[j].offset == a->seg.offset;
		if (dup)
			continue;
		segs[n] = a->seg;
		if (!seg_ok(&segs[n++], st))
			goto out;
	}
	/* In the file's order, as a whole parse would meet them. */
	qsort(segs, n, sizeof(*segs), by_offset);
	for (size_t i = 1; i < n; i++)
		if (segs[i].offset < segs[i - 1].offset + segs[i - 1].len)
			goto out;
	rc = parse_segments(fd, segs, n, path, diag, ctx, out);
out:
	free(segs);
	munmap(map, (size_t)ist.st_size);
	return rc;
}

enum policy_index_state policy_index_state(const char *path)
{
	enum policy_index_state state = POLICY_INDEX_UNUSABLE;
	char ipath[4096];
	struct stat st, ist;
	int fd, ifd, problems = 0;
	void *map;

	if (!policy_index_path(path, ipath, sizeof(ipath)) ||
	    access(ipath, F_OK) != 0)
		return POLICY_INDEX_NONE;
	fd = policy_open_checked(path, true, NULL, NULL, &problems, &st);
	if (fd < 0)
		return state;
	close(fd);
	ifd = policy_open_checked_max(ipath, true, POLICY_INDEX_MAX_SIZE, NULL,
				      NULL, &problems, &ist);
	if (ifd < 0)
		return state;
	if (ist.st_size >= (off_t)sizeof(struct index_header)) {
		map = mmap(NULL, (size_t)ist.st_size, PROT_READ, MAP_PRIVATE,
			   ifd, 0);
		if (map != MAP_FAILED) {
			if (usable(map, (size_t)ist.st_size, &st) &&
			    index_chains_intact(map))
				state = POLICY_INDEX_CURRENT;
			munmap(map, (size_t)ist.st_size);
		}
	}
	close(ifd);
	return state;
}

/* ---- writing ---- */

struct section_mark {
	char *name;
	unsigned line;
	size_t offset;
};

struct section_marks {
	struct section_mark *items;
	size_t n, cap;
};

static bool mark_section(void *ctx, const char *name, unsigned line,
			 size_t offset)
{
	struct section_marks *m = ctx;

	if (!policy_grow((void **)&m->items, &m->cap, m->n, sizeof(*m->items)))
		return false;
	m->items[m->n].name = strdup(name);
	if (!m->items[m->n].name)
		return false;
	m->items[m->n].line = line;
	m->items[m->n++].offset = offset;
	return true;
}

/* Lays the index out in one buffer; NULL when out of memory. */
static char *build_index(const struct section_marks *m, const struct stat *st,
			 size_t *size_out)
{
	struct index_header h = { 0 };
	uint32_t n_apps = 0, n_global = 0, names_size = 0, buckets = 1;
	struct index_seg *global;
	struct index_app *apps;
	uint32_t *bucket;
	char *buf, *names;
	size_t size;

	for (size_t i = 0; i < m->n; i++) {
		if (strncmp(m->items[i].name, "app:", 4) == 0) {
			n_apps++;
			names_size += (uint32_t)strlen(m->items[i].name + 4);
		} else {
			n_global++;
		}
	}
	while (buckets < n_apps && buckets < (1u << 30))
		buckets <<= 1;
	memcpy(h.magic, INDEX_MAGIC, 8);
	h.version = INDEX_VERSION;
	snprintf(h.shim_version, sizeof(h.shim_version), "%s",
		 MPTCPSHIM_VERSION);
	stamp(&h, st);
	h.n_global = n_global;
	h.global_off = sizeof(h);
	h.n_buckets = buckets;
	h.buckets_off = h.global_off + n_global * sizeof(*global);
	h.n_apps = n_apps;
	h.apps_off = h.buckets_off + buckets * sizeof(*bucket);
	h.sums_off = h.apps_off + n_apps * sizeof(*apps);
	h.names_off = h.sums_off + buckets * sizeof(uint32_t);
	h.names_size = names_size;
	size = (size_t)h.names_off + names_size;
	h.size = (uint32_t)size;
	buf = calloc(1, size);
	if (!buf)
		return NULL;
	memcpy(buf, &h, sizeof(h));
	global = (struct index_seg *)(buf + h.global_off);
	bucket = (uint32_t *)(buf + h.buckets_off);
	apps = (struct index_app *)(buf + h.apps_off);
	names = buf + h.names_off;
	n_apps = n_global = names_size = 0;
	for (size_t i = 0; i < m->n; i++) {
		size_t end = i + 1 < m->n ? m->items[i + 1].offset
					  : (size_t)st->st_size;
		struct index_seg seg = { (uint32_t)m->items[i].offset,
					 (uint32_t)(end - m->items[i].offset),
					 m->items[i].line };
		const char *name = m->items[i].name;

		if (strncmp(name, "app:", 4) != 0) {
			global[n_global++] = seg;
			continue;
		}
		name += 4;
		apps[n_apps] = (struct index_app){
			.hash = name_hash(name, strlen(name)),
			.name_off = names_size,
			.name_len = (uint32_t)strlen(name),
			.seg = seg,
		};
		memcpy(names + names_size, name, strlen(name));
		names_size += (uint32_t)strlen(name);
		apps[n_apps].next = bucket[apps[n_apps].hash % buckets];
		bucket[apps[n_apps].hash % buckets] = n_apps + 1;
		n_apps++;
	}
	index_store_sums(buf, size);
	*size_out = size;
	return buf;
}

static int write_atomically(const char *ipath, const char *buf, size_t size)
{
	char tmp[4096 + 16];
	size_t done = 0;
	int fd, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", ipath) >= (int)sizeof(tmp))
		return errno = ENAMETOOLONG, -1;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	while (done < size) {
		ssize_t n = write(fd, buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0)
		goto fail;
	close(fd);
	if (rename(tmp, ipath) < 0) {
		saved = errno;
		unlink(tmp);
		return errno = saved, -1;
	}
	return 0;
fail:
	saved = errno;
	close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int policy_index_write(const char *path, policy_diag_fn diag, void *ctx,
		       size_t *sections)
{
	struct section_marks marks = { 0 };
	struct policy_parse_opts opts = { .on_section = mark_section,
					  .section_ctx = &marks };
	struct policy *parsed = NULL;
	char ipath[4096];
	struct stat st;
	int problems = 0, rc = -1, fd;
	size_t size;
	char *buf;
	FILE *in;

	if (!policy_index_path(path, ipath, sizeof(ipath)))
		return errno = ENAMETOOLONG, -1;
	fd = policy_open_checked(path, true, diag, ctx, &problems, &st);
	if (fd == -2)
		policy_report(diag, ctx, path, "cannot read: no such file");
	if (fd < 0)
		return problems ? problems : 1;
	in = fdopen(fd, "r");
	if (!in) {
		close(fd);
		return -1;
	}
	problems = policy_parse_with(in, &opts, path, diag, ctx, &parsed);
	fclose(in);
	policy_free(parsed);
	if (problems == 0) {
		buf = build_index(&marks, &st, &size);
		if (buf) {
			rc = write_atomically(ipath, buf, size);
			free(buf);
		}
		if (sections)
			*sections = marks.n;
	} else {
		rc = problems;
	}
	for (size_t i = 0; i < marks.n; i++)
		free(marks.items[i].name);
	free(marks.items);
	return rc;
}
