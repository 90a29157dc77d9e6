// SPDX-License-Identifier: BSD-3-Clause
/* LD_PRELOAD and GODEBUG merging. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>

#include "envmerge.h"

/* True if list (split on any of seps) has an entry equal to item. */
static bool list_has(const char *list, const char *seps, const char *item,
		     size_t item_len, bool prefix)
{
	const char *p = list;

	while (*p) {
		size_t n;

		p += strspn(p, seps);
		n = strcspn(p, seps);
		if (n && (prefix ? n >= item_len : n == item_len) &&
		    memcmp(p, item, item_len) == 0)
			return true;
		p += n;
	}
	return false;
}

static char *join(const char *existing, char sep, const char *item)
{
	size_t len = strlen(existing);
	char *out;

	/* Drop trailing separators so we never produce "a::b" or "a,,b". */
	while (len && (existing[len - 1] == sep || existing[len - 1] == ' '))
		len--;
	if (len == 0)
		return strdup(item);
	if (asprintf(&out, "%.*s%c%s", (int)len, existing, sep, item) < 0)
		return NULL;
	return out;
}

/* True if some entry of the preload list is the file lib, under any name
 * (a symlink, a relative path, /usr/lib vs /lib): same device and inode. */
static bool preload_has_file(const char *list, const char *lib)
{
	struct stat want, st;
	char path[PATH_MAX];
	const char *p = list;

	if (stat(lib, &want) < 0)
		return false;
	while (*p) {
		size_t n;

		p += strspn(p, ": ");
		n = strcspn(p, ": ");
		if (n && n < sizeof(path)) {
			memcpy(path, p, n);
			path[n] = '\0';
			if (stat(path, &st) == 0 && st.st_dev == want.st_dev &&
			    st.st_ino == want.st_ino)
				return true;
		}
		p += n;
	}
	return false;
}

char *envmerge_preload(const char *existing, const char *lib)
{
	if (!existing || !*existing)
		return strdup(lib);
	if (list_has(existing, ": ", lib, strlen(lib), false) ||
	    preload_has_file(existing, lib))
		return strdup(existing);
	return join(existing, ':', lib);
}

char *envmerge_godebug(const char *existing, int value)
{
	static const char key[] = "multipathtcp=";
	char item[sizeof(key) + 12];

	snprintf(item, sizeof(item), "%s%d", key, value);
	if (!existing || !*existing)
		return strdup(item);
	if (list_has(existing, ",", key, strlen(key), true))
		return strdup(existing);
	return join(existing, ',', item);
}
