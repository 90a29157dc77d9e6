// SPDX-License-Identifier: BSD-3-Clause
/*
 * The safety rules a policy file must pass before it is read, shared by
 * the loader and `policy check`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "glibc_floor.h"
#include "policy_internal.h"

void policy_report(policy_diag_fn diag, void *ctx, const char *file,
		   const char *message)
{
	if (diag)
		diag(ctx, file, 0, message);
}

/* O_NONBLOCK keeps a FIFO from hanging us before fstat tells us it is
 * not a regular file. */
int policy_open_checked(const char *path, bool check_owner,
			policy_diag_fn diag, void *ctx, int *problems,
			struct stat *st_out)
{
	return policy_open_checked_max(path, check_owner, POLICY_MAX_FILE_SIZE,
				       diag, ctx, problems, st_out);
}

int policy_open_checked_max(const char *path, bool check_owner,
			    long long max_size, policy_diag_fn diag, void *ctx,
			    int *problems, struct stat *st_out)
{
	char message[256];
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return -2;
		snprintf(message, sizeof(message), "cannot read: %s",
			 strerror(errno));
		policy_report(diag, ctx, path, message);
		(*problems)++;
		return -3;
	}
	if (shim_fstat(fd, &st) < 0) {
		snprintf(message, sizeof(message), "cannot stat: %s",
			 strerror(errno));
		policy_report(diag, ctx, path, message);
		(*problems)++;
		close(fd);
		return -3;
	}
	if (!S_ISREG(st.st_mode)) {
		policy_report(diag, ctx, path, "refused: not a regular file");
		close(fd);
		(*problems)++;
		return -1;
	}
	if (st.st_size > max_size) {
		snprintf(message, sizeof(message),
			 "refused: larger than %lld bytes", max_size);
		policy_report(diag, ctx, path, message);
		(*problems)++;
	}
	if (check_owner) {
		if (st.st_mode & (S_IWGRP | S_IWOTH)) {
			policy_report(diag, ctx, path,
			       "refused: writable by group or others "
			       "(chmod go-w)");
			(*problems)++;
		}
		if (st.st_uid != 0 && st.st_uid != geteuid()) {
			snprintf(message, sizeof(message),
				 "refused: owned by uid %u, neither root nor "
				 "the user (uid %u)",
				 (unsigned)st.st_uid, (unsigned)geteuid());
			policy_report(diag, ctx, path, message);
			(*problems)++;
		}
	}
	if (*problems) {
		close(fd);
		return -1;
	}
	if (st_out)
		*st_out = st;
	return fd;
}
