// SPDX-License-Identifier: BSD-3-Clause
/* execvp()'s search, without running anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdpath.h"

/* execvp() skips what it cannot run (a directory, a file without x). */
static bool runnable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

bool cmdpath_find(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char fallback[256];
	const char *p;

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return access(out, X_OK) == 0;
	}
	if (!path) {
		size_t n = confstr(_CS_PATH, fallback, sizeof(fallback));

		path = n > 0 && n <= sizeof(fallback) ? fallback
						  : "/bin:/usr/bin";
	}
	for (p = path;; p = strchr(p, ':') + 1) {
		size_t dir = strcspn(p, ":");

		/* An empty entry is the current directory: "./NAME", which
		 * no later execvp() would look up in $PATH again. */
		if ((size_t)snprintf(out, len, "%.*s/%s", dir ? (int)dir : 1,
				     dir ? p : ".", name) < len &&
		    runnable(out))
			return true;
		if (!p[dir])
			return false;
	}
}
