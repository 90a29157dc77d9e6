// SPDX-License-Identifier: BSD-3-Clause
/*
 * The drop-in we write: its text (with the record of the directories
 * `enable` created, for `disable`) and writing it atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dropin.h"
#include "strbuf.h"

static const char header[] =
	"# Written by mptcpshim enable: Multipath TCP for this unit through\n"
	"# the mptcpshim library. 'mptcpshim disable' removes this file (and\n"
	"# the directories listed below, which it created, once empty).\n";

static int add_created(struct strbuf *b, char *const *created, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strbuf_add(b, "# created: ", 11) < 0 ||
		    strbuf_add(b, created[i], strlen(created[i])) < 0 ||
		    strbuf_addc(b, '\n') < 0)
			return -1;
	return 0;
}

static int add_environment(struct strbuf *b, const char *name,
			   const char *value)
{
	char *assignment, *quoted;
	int rc;

	if (asprintf(&assignment, "%s=%s", name, value) < 0)
		return -1;
	quoted = dropin_quote(assignment);
	free(assignment);
	if (!quoted)
		return -1;
	rc = strbuf_add(b, "Environment=", 12) < 0 ||
	     strbuf_add(b, quoted, strlen(quoted)) < 0 || strbuf_addc(b, '\n') < 0;
	free(quoted);
	return rc ? -1 : 0;
}

char *dropin_render_service(const char *preload, const char *godebug,
			    char *const *created, size_t n_created)
{
	struct strbuf b = { 0 };

	if (strbuf_add(&b, header, strlen(header)) < 0 ||
	    add_created(&b, created, n_created) < 0 ||
	    strbuf_add(&b, "\n[Service]\n", 11) < 0 ||
	    add_environment(&b, "LD_PRELOAD", preload) < 0 ||
	    add_environment(&b, "GODEBUG", godebug) < 0) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char *dropin_render_socket(char *const *created, size_t n_created)
{
	static const char body[] =
		"\n[Socket]\n"
		"# The listener is systemd's own socket, which no preloaded\n"
		"# library can reach: ask systemd for MPTCP (systemd >= 257).\n"
		"SocketProtocol=mptcp\n";
	struct strbuf b = { 0 };

	if (strbuf_add(&b, header, strlen(header)) < 0 ||
	    add_created(&b, created, n_created) < 0 ||
	    strbuf_add(&b, body, strlen(body)) < 0) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

int dropin_created_dirs(const char *text, char ***dirs, size_t *n)
{
	static const char tag[] = "# created: ";
	size_t cap = 0;

	*dirs = NULL;
	*n = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");

		if (len > sizeof(tag) - 1 &&
		    strncmp(p, tag, sizeof(tag) - 1) == 0 &&
		    strv_push(dirs, n, &cap,
			      strndup(p + sizeof(tag) - 1,
				      len - (sizeof(tag) - 1))) < 0)
			return -1;
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

/* ---- files ------------------------------------------------------------ */

int dropin_read_own(const char *path, char **text)
{
	/* The header's first words: what every version has written. */
	static const char mark[] = "# Written by mptcpshim enable:";
	struct stat st;
	FILE *f;
	int fd;

	*text = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : errno == ELOOP ? DROPIN_FOREIGN : -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return DROPIN_FOREIGN;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -1;
	}
	*text = dropin_read_stream(f);
	if (!*text)
		return -1;
	if (strncmp(*text, mark, sizeof(mark) - 1) != 0) {
		free(*text);
		*text = NULL;
		return DROPIN_FOREIGN;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int dropin_write_atomic(const char *dir, const char *name, const char *text)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	size_t len = strlen(text), done = 0;
	int fd, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
		    sizeof(tmp) ||
	    (size_t)snprintf(final, sizeof(final), "%s/%s", dir, name) >=
		    sizeof(final)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		done += (size_t)w;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, final) < 0)
		goto fail;
	return fsync_dir(dir);
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}
