// SPDX-License-Identifier: BSD-3-Clause
/*
 * inih reads one line per reader call; this reader hands over whole
 * physical lines only, found with memchr() in a block buffer, so the cost
 * per byte stays at a few instructions (a 1 MiB policy is read in
 * milliseconds) and nothing inih would truncate reaches it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ini_lines.h"

/* Big enough that a policy file is a handful of fread() calls. */
#define BLOCK_SIZE 16384

bool ini_lines_open(struct ini_lines *r, FILE *in, size_t max_bytes,
		    ini_lines_unhandled_fn unhandled,
		    ini_lines_problem_fn problem, void *ctx)
{
	*r = (struct ini_lines){
		.in = in,
		.max_bytes = max_bytes,
		.unhandled = unhandled,
		.problem = problem,
		.ctx = ctx,
	};
	r->buf = malloc(BLOCK_SIZE);
	r->data = r->buf;
	return r->buf != NULL;
}

void ini_lines_segments(struct ini_lines *r, const struct ini_segment *segs,
			size_t n_segs)
{
	r->in = NULL;
	r->segs = segs;
	r->n_segs = n_segs;
}

/* Runs once inih is done with the current line. */
static void finish_line(struct ini_lines *r)
{
	if (r->lineno == 0 || r->handled_line == r->lineno)
		return;
	r->handled_line = r->lineno;	/* finish it once */
	if (r->kind != INI_LINE_BLANK && r->unhandled)
		r->unhandled(r->ctx, r);
}

void ini_lines_close(struct ini_lines *r)
{
	finish_line(r);
	free(r->buf);
	r->buf = NULL;
}

static bool is_comment_start(char c)
{
	return c == ';' || c == '#';
}

/* What inih will make of line (NUL-terminated, '\n' included). */
static void note_line_kind(struct ini_lines *r, const char *line)
{
	const char *start = line, *end;

	/* inih skips a UTF-8 byte order mark on the first line only. */
	if (r->lineno == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0)
		start += 3;
	r->indented = isspace((unsigned char)*start) != 0;
	while (isspace((unsigned char)*start))
		start++;
	if (!*start || is_comment_start(*start)) {
		r->kind = INI_LINE_BLANK;
		return;
	}
	if (*start != '[') {
		r->kind = INI_LINE_OTHER;
		return;
	}
	/* inih ends the name at ']' or at a ';' comment after whitespace. */
	for (end = start + 1; *end; end++) {
		if (*end == ']')
			break;
		if (*end == ';' && isspace((unsigned char)end[-1]))
			break;
	}
	if (*end != ']') {
		r->kind = INI_LINE_SECTION_OPEN;
		return;
	}
	r->kind = INI_LINE_SECTION;
	/* Lines are shorter than the buffer: the name always fits. */
	r->section_len = (size_t)(end - start - 1);
	memcpy(r->section, start + 1, r->section_len);
	r->section[r->section_len] = '\0';
}

static void stop(struct ini_lines *r, enum ini_lines_problem what,
		 size_t limit)
{
	if (!r->stopped && r->problem)
		r->problem(r->ctx, what == INI_LINES_TOO_BIG ? 0 : r->lineno,
			   what, limit);
	r->stopped = true;
}

/* Refills the block buffer, or moves to the next segment (whose lines
 * carry their own numbers); false at the end of the stream. */
static bool fill(struct ini_lines *r)
{
	r->pos = 0;
	if (!r->in) {
		const struct ini_segment *seg;

		do {
			if (r->next_seg >= r->n_segs)
				return false;
			seg = &r->segs[r->next_seg++];
		} while (seg->len == 0);
		r->data = seg->text;
		r->len = seg->len;
		r->lineno = seg->first_line ? seg->first_line - 1 : 0;
		return true;
	}
	r->len = fread(r->buf, 1, BLOCK_SIZE, r->in);
	return r->len > 0;
}

char *ini_lines_read(char *str, int num, void *stream)
{
	struct ini_lines *r = stream;
	size_t limit = ini_lines_limit(num), n = 0;
	bool too_long = false, nul = false, any = false;

	finish_line(r);
	if (r->stopped)
		return NULL;
	r->line_offset = r->bytes;
	for (;;) {
		const char *p, *nl;
		size_t avail, take, text, copy;

		if (r->pos == r->len && !fill(r))
			break;
		p = r->data + r->pos;
		avail = r->len - r->pos;
		nl = memchr(p, '\n', avail);
		take = nl ? (size_t)(nl - p) + 1 : avail;
		if (take > r->max_bytes - r->bytes) {
			stop(r, INI_LINES_TOO_BIG, r->max_bytes);
			return NULL;
		}
		r->bytes += take;
		r->pos += take;
		any = true;
		text = nl ? take - 1 : take;
		if (!nul && memchr(p, '\0', text))
			nul = true;
		copy = text < limit - n ? text : limit - n;
		memcpy(str + n, p, copy);
		n += copy;
		too_long |= copy < text;
		if (nl)
			break;
	}
	if (!any) {
		if (r->in && ferror(r->in))
			stop(r, INI_LINES_READ_ERROR, 0);
		return NULL;
	}
	r->lineno++;
	r->kind = INI_LINE_BLANK;
	r->indented = false;
	if (too_long || nul) {
		if (r->problem)
			r->problem(r->ctx, r->lineno,
				   too_long ? INI_LINES_TOO_LONG
					    : INI_LINES_NUL,
				   limit);
		/* Hand inih a blank line: nothing of it may take effect. */
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	str[n++] = '\n';
	str[n] = '\0';
	note_line_kind(r, str);
	/* A header's only effect inside inih is to end a key's continuation
	 * lines (its name we keep above): the shortest header does that. An
	 * indented one may be a continuation itself, so it stays as it is. */
	if (r->kind == INI_LINE_SECTION && !r->indented && num >= 4)
		memcpy(str, "[]\n", 4);
	return str;
}
