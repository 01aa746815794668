/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Locks of the store: one lock file per user (".lock.USER") and one for
 * the inventory, each taken with flock on a checked descriptor.  A lock
 * file holds nothing; it only has to exist and be root's.
 */
#include <sys/file.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mfaerr.h"
#include "store.h"
#include "store_io.h"

#define INVENTORY_LOCK		".inventory.lock"

/* Opens the lock file, creating it when missing, and when `record` is not
 * NULL only if that record exists.  Only a file this call created is given
 * to root:root; one found with another owner is refused by
 * store_check_file like any other file.  It exists after a user's first
 * login, so that is tried first: one openat instead of two. */
static int
open_lock(struct store *st, const char *name, const char *record, int *out,
    char *err, size_t errlen)
{
	const int	 flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
			    O_NONBLOCK;
	int		 fd, r;

	if ((fd = openat(st->dirfd, name, flags)) != -1) {
		*out = fd;
		return MFA_OK;
	}
	if (errno != ENOENT)
		return store_open_error(st, name, "open", err, errlen);
	if (record != NULL &&
	    (r = store_record_exists(st, record, err, errlen)) != MFA_OK)
		return r;
	fd = openat(st->dirfd, name, flags | O_CREAT | O_EXCL, 0600);
	if (fd != -1) {
		if (geteuid() == 0 && fchown(fd, 0, 0) == -1) {
			seterr(err, errlen, "%s/%s: chown: %s", st->dir, name,
			    strerror(errno));
			close(fd);
			return MFA_ERR_IO;
		}
		*out = fd;
		return MFA_OK;
	}
	if (errno == EEXIST)
		fd = openat(st->dirfd, name, flags);
	if (fd == -1)
		return store_open_error(st, name, "open", err, errlen);
	*out = fd;
	return MFA_OK;
}

static int
lock_file(struct store *st, const char *name, const char *record,
    int *lockfd, char *err, size_t errlen)
{
	int	fd = -1, r;

	*lockfd = -1;
	if ((r = open_lock(st, name, record, &fd, err, errlen)) != MFA_OK)
		return r;
	if ((r = store_check_file(fd, st, name, 0, NULL, err, errlen)) !=
	    MFA_OK) {
		close(fd);
		return r;
	}
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			seterr(err, errlen, "%s/%s: flock: %s", st->dir, name,
			    strerror(errno));
			close(fd);
			return MFA_ERR_IO;
		}
	}
	*lockfd = fd;
	return MFA_OK;
}

static int
lock_user(struct store *st, const char *user, int login, int *lockfd,
    char *err, size_t errlen)
{
	char	name[256];

	*lockfd = -1;
	if (!store_name_ok(user))
		return store_badname(err, errlen);
	snprintf(name, sizeof(name), "%s%s", STORE_LOCK_PREFIX, user);
	return lock_file(st, name, login ? user : NULL, lockfd, err, errlen);
}

int
store_lock_user(struct store *st, const char *user, int *lockfd, char *err,
    size_t errlen)
{
	return lock_user(st, user, 0, lockfd, err, errlen);
}

int
store_lock_login(struct store *st, const char *user, int *lockfd, char *err,
    size_t errlen)
{
	return lock_user(st, user, 1, lockfd, err, errlen);
}

int
store_lock_inventory(struct store *st, int *lockfd, char *err,
    size_t errlen)
{
	return lock_file(st, INVENTORY_LOCK, NULL, lockfd, err, errlen);
}

void
store_unlock(int lockfd)
{
	if (lockfd >= 0)
		close(lockfd);
}
