/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The line reader we hand to inih's ini_parse_stream(). Debian's inih gives
 * the handler no line numbers, silently truncates long lines, cuts a line
 * at a NUL byte and drops section headers and malformed lines without a
 * word; this reader counts lines, refuses the lines inih would mangle, and
 * tells what inih will do with each line it hands over, so that the policy
 * parser can report every line that does not reach its handler.
 *
 * Its rules mirror inih's; tests/unit/test_ini_lines.c checks each of them
 * against the real library, so an inih that behaves differently fails a
 * test instead of misleading a user. Where inih's releases differ (Debian
 * 12 has r55, Debian 13 r59), CMake runs cmake/inih_probe.c against the
 * inih the build links and defines, 0 or 1:
 *  MPTCPSHIM_INIH_STRIPS_CONTINUATION_COMMENTS: inih cuts " ; comment" off
 *    continuation lines as well as first lines (r56 on); the parser cuts
 *    it itself where inih does not.
 *  MPTCPSHIM_INIH_DISCARDS_LONG_LINE_REST: inih reads the rest of an
 *    overlong line away (r59 on) instead of parsing it as the next line.
 *    Neither reaches a user: the reader never hands over a line that
 *    fills inih's buffer (see ini_lines_limit()).
 */
#ifndef MPTCPSHIM_INI_LINES_H
#define MPTCPSHIM_INI_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#if !defined(MPTCPSHIM_INIH_STRIPS_CONTINUATION_COMMENTS) || \
	!defined(MPTCPSHIM_INIH_DISCARDS_LONG_LINE_REST)
#error "the inih probe's definitions are missing (shim/CMakeLists.txt)"
#endif

/* What inih will do with the line just read. */
enum ini_line_kind {
	INI_LINE_BLANK,		/* empty, comment, or replaced after a problem */
	INI_LINE_SECTION,	/* "[name]": inih keeps it, calls nobody */
	INI_LINE_SECTION_OPEN,	/* "[name" without ']': inih's syntax error */
	INI_LINE_OTHER,		/* must reach the handler as key = value */
};

enum ini_lines_problem {
	INI_LINES_TOO_LONG,	/* longer than inih takes whole; blanked */
	INI_LINES_NUL,		/* contains a NUL byte; blanked */
	INI_LINES_TOO_BIG,	/* more than max_bytes in all; reading stops */
	INI_LINES_READ_ERROR,	/* the stream failed (errno); reading stops */
};

/* Longer than any line inih takes, so a header's name is never cut. */
#define INI_LINES_SECTION_MAX 256

struct ini_lines;

/* A run of whole lines of a text in memory, starting at line first_line:
 * the parts of a file its compiled index (policy_index.h) says a program
 * needs, read with their own line numbers. */
struct ini_segment {
	const char *text;
	size_t len;
	unsigned first_line;
};

/* A line the handler was not called for, once inih is done with it. */
typedef void (*ini_lines_unhandled_fn)(void *ctx, const struct ini_lines *r);
/* limit: the longest line accepted (TOO_LONG), max_bytes (TOO_BIG). */
typedef void (*ini_lines_problem_fn)(void *ctx, unsigned lineno,
				     enum ini_lines_problem what,
				     size_t limit);

struct ini_lines {
	/* Read-only for callers, valid while inih works on a line. */
	unsigned lineno;		/* 1-based; 0 before the first line */
	size_t line_offset;		/* byte offset of the line in the stream */
	enum ini_line_kind kind;
	bool indented;			/* inih's continuation-line test */
	char section[INI_LINES_SECTION_MAX];	/* INI_LINE_SECTION's name */
	size_t section_len;

	/* Private. */
	FILE *in;
	const struct ini_segment *segs;	/* instead of in */
	size_t n_segs, next_seg;
	const char *data;		/* buf, or the current segment */
	size_t max_bytes, bytes;
	bool stopped;
	unsigned handled_line;
	ini_lines_unhandled_fn unhandled;
	ini_lines_problem_fn problem;
	void *ctx;
	char *buf;
	size_t pos, len;
};

/* Reads in, at most max_bytes. Returns false when out of memory. */
bool ini_lines_open(struct ini_lines *r, FILE *in, size_t max_bytes,
		    ini_lines_unhandled_fn unhandled,
		    ini_lines_problem_fn problem, void *ctx);
/* Reads segments of a text in memory (they end at line ends) instead of
 * the stream, each line numbered from its segment's first_line. */
void ini_lines_segments(struct ini_lines *r, const struct ini_segment *segs,
			size_t n_segs);
/* Reports the last line if need be and frees the buffer. */
void ini_lines_close(struct ini_lines *r);

/* The ini_reader: pass it to ini_parse_stream() with r as the stream. */
char *ini_lines_read(char *str, int num, void *r);

/* The handler says it got the current line (it is then not unhandled). */
static inline void ini_lines_handled(struct ini_lines *r)
{
	r->handled_line = r->lineno;
}

/* The longest line, without its '\n', accepted from inih's num: fgets
 * semantics leave num - 1 characters, and a line that fills them without
 * its '\n' sends inih down its long-line path (cut and discard). */
static inline size_t ini_lines_limit(int num)
{
	return num > 2 ? (size_t)num - 2 : 0;
}

#endif
