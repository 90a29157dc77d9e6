// SPDX-License-Identifier: BSD-3-Clause
/* Reading /proc/sys. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>

#include "sysctl.h"

#define SYSCTL_ROOT "/proc/sys"

static int read_int(const char *path)
{
	FILE *fp = fopen(path, "re");
	int v = -1;

	if (fp) {
		if (fscanf(fp, "%d", &v) != 1)
			v = -1;
		fclose(fp);
	}
	return v;
}

int sysctl_int(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), SYSCTL_ROOT "/%s", name);
	return read_int(path);
}

int sysctl_read_line(const char *dir, const char *name, char *buf,
		     size_t len)
{
	char path[512];
	FILE *fp;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	if (!fgets(buf, (int)len, fp)) {
		errno = EIO;
		rc = -1;
	}
	fclose(fp);
	return rc;
}

bool sysctl_dir_present(const char *dir)
{
	DIR *d = opendir(dir);

	if (d)
		closedir(d);
	return d != NULL;
}

int sysctl_rp_filter(const char *ifname)
{
	char name[128];
	int all, dev;

	all = sysctl_int("net/ipv4/conf/all/rp_filter");
	snprintf(name, sizeof(name), "net/ipv4/conf/%s/rp_filter", ifname);
	dev = sysctl_int(name);
	if (dev < 0)
		return -1;
	return all > dev ? all : dev;
}
