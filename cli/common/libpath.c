// SPDX-License-Identifier: BSD-3-Clause
/* Locating the shim library for `run`, `env` and the drop-ins. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_config.h"
#include "libpath.h"

static int accept_library_path(const char *path, char *buf, size_t len)
{
	char resolved[PATH_MAX];

	if (access(path, R_OK) != 0 || !realpath(path, resolved))
		return -1;
	if (strlen(resolved) >= len)
		return -1;
	strcpy(buf, resolved);
	return 0;
}

int libpath_find(char *buf, size_t len)
{
	const char *override = secure_getenv("MPTCPSHIM_LIBRARY");
	char exe[PATH_MAX], path[PATH_MAX * 2];
	ssize_t n;

	if (override && *override)
		return accept_library_path(override, buf, len);

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		/* Build tree: build/cli/mptcpshim beside build/shim/. */
		snprintf(path, sizeof(path), "%s/../shim/libmptcpshim.so", exe);
		if (accept_library_path(path, buf, len) == 0)
			return 0;
		snprintf(path, sizeof(path), "%s/%s/libmptcpshim.so", exe,
			 MPTCPSHIM_BIN_TO_LIB);
		if (accept_library_path(path, buf, len) == 0)
			return 0;
	}
	if (accept_library_path(MPTCPSHIM_INSTALLED_LIBRARY, buf, len) == 0)
		return 0;
	/* In a container given the library by a CDI device (`cdi`). */
	return accept_library_path(MPTCPSHIM_CDI_LIBRARY, buf, len);
}

void libpath_exec_helper_env(const char *library)
{
	char build[PATH_MAX];

	/* A build tree's library finds the build tree's launcher: the
	 * library's own default is the installed path. */
	if (library && !getenv("MPTCPSHIM_EXEC_HELPER") &&
	    realpath(MPTCPSHIM_BUILD_LIBRARY, build) &&
	    strcmp(build, library) == 0 &&
	    access(MPTCPSHIM_BUILD_EXEC_HELPER, X_OK) == 0)
		setenv("MPTCPSHIM_EXEC_HELPER", MPTCPSHIM_BUILD_EXEC_HELPER, 1);
}

const char *libpath_exec_helper(void)
{
	const char *env = secure_getenv("MPTCPSHIM_EXEC_HELPER");
	char exe[PATH_MAX], build[PATH_MAX];
	ssize_t n;

	if (env && *env == '/')
		return env;
	/* The CLI of a build tree speaks of that tree's launcher. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0 && realpath(MPTCPSHIM_BUILD_EXEC_HELPER, build)) {
		char *slash = strrchr(build, '/');

		exe[n] = '\0';
		if (slash && strncmp(exe, build, (size_t)(slash - build) + 1) == 0 &&
		    !strchr(exe + (slash - build) + 1, '/'))
			return MPTCPSHIM_BUILD_EXEC_HELPER;
	}
	return MPTCPSHIM_EXEC_HELPER;
}
