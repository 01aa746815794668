/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The root-owned store, its lower layer: the directory, the checks on
 * every file in it, reading a whole file, the list of users.  Every name
 * is opened relative to the directory descriptor checked in store_open,
 * without following symlinks, and every descriptor is checked with fstat
 * after opening, so a file swapped in between a check and a use is never
 * trusted.  Locks: store_lock.c; writes: store_write.c; what the files
 * hold: store_record.c and store_token.c, on top of these.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mfaerr.h"
#include "readall.h"
#include "safepath.h"
#include "store.h"
#include "store_io.h"
#include "wipe.h"

/* ".lock.USER" must fit in one directory entry (NAME_MAX 255), which
 * bounds the user names the store can hold below RECORD_USER_MAX. */
#define STORE_USER_MAX		(255 - (int)(sizeof(STORE_LOCK_PREFIX) - 1))

int
store_name_ok(const char *user)
{
	return record_username_ok(user) &&
	    strlen(user) <= (size_t)STORE_USER_MAX;
}

int
store_badname(char *err, size_t errlen)
{
	/* The name is not echoed: it may be anything a client sent. */
	seterr(err, errlen, "invalid user name for the store");
	return MFA_ERR_BADNAME;
}

/* ---- the directory and its ancestors ---- */

/* The store itself, beyond what every folder above it must be: root's
 * group too, and nobody else's to read. */
static int
check_store_dir(int fd, const char *path, char *err, size_t errlen)
{
	struct stat	sb;
	int		r;

	if ((r = safepath_check_root_dir(fd, path, &sb, err, errlen)) !=
	    MFA_OK)
		return r;
	if (sb.st_gid != 0) {
		seterr(err, errlen, "%s: group gid %u, must be root (0)", path,
		    (unsigned)sb.st_gid);
		return MFA_ERR_UNSAFE;
	}
	if ((sb.st_mode & 077) != 0) {
		seterr(err, errlen, "%s: mode %04o, must be 0700 or narrower",
		    path, (unsigned)(sb.st_mode & 07777));
		return MFA_ERR_UNSAFE;
	}
	return MFA_OK;
}

int
store_open(struct store *st, const char *dir, char *err, size_t errlen)
{
	int	fd, r;

	st->dirfd = -1;
	st->dir[0] = '\0';
	if (dir == NULL || dir[0] != '/') {
		seterr(err, errlen, "%s: store directory must be an absolute "
		    "path", dir == NULL ? "(null)" : dir);
		return MFA_ERR_UNSAFE;
	}
	if (strlen(dir) >= sizeof(st->dir)) {
		seterr(err, errlen, "store directory path too long");
		return MFA_ERR_UNSAFE;
	}
	if (dir[strspn(dir, "/")] == '\0') {
		seterr(err, errlen, "%s: the root directory cannot be the "
		    "store", dir);
		return MFA_ERR_UNSAFE;
	}
	if ((r = safepath_walk(dir, &fd, err, errlen)) != MFA_OK)
		return r;
	if ((r = check_store_dir(fd, dir, err, errlen)) != MFA_OK) {
		close(fd);
		return r;
	}
	st->dirfd = fd;
	memcpy(st->dir, dir, strlen(dir) + 1);
	return MFA_OK;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->dirfd >= 0)
		close(st->dirfd);
	st->dirfd = -1;
}

int
store_create(struct store *st, const char *dir, char *err, size_t errlen)
{
	int	fd;

	st->dirfd = -1;
	if (dir != NULL && dir[0] == '/' && mkdir(dir, 0700) == 0) {
		/* A setgid parent would hand the new directory its group. */
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd != -1) {
			if (geteuid() == 0 && fchown(fd, 0, 0) == -1) {
				seterr(err, errlen, "%s: chown: %s", dir,
				    strerror(errno));
				close(fd);
				return MFA_ERR_IO;
			}
			close(fd);
		}
	} else if (dir != NULL && dir[0] == '/' && errno != EEXIST) {
		seterr(err, errlen, "%s: mkdir: %s", dir, strerror(errno));
		return MFA_ERR_IO;
	}
	return store_open(st, dir, err, errlen);
}

/* ---- files in the store ---- */

/* *size (when not NULL) receives the size checked against max. */
int
store_check_file(int fd, const struct store *st, const char *name, off_t max,
    off_t *size, char *err, size_t errlen)
{
	struct stat	sb;

	if (fstat(fd, &sb) == -1) {
		seterr(err, errlen, "%s/%s: fstat: %s", st->dir, name,
		    strerror(errno));
		return MFA_ERR_IO;
	}
	if (!S_ISREG(sb.st_mode)) {
		seterr(err, errlen, "%s/%s: not a regular file", st->dir, name);
		return MFA_ERR_UNSAFE;
	}
	if (sb.st_uid != 0) {
		seterr(err, errlen, "%s/%s: owned by uid %u, must be root",
		    st->dir, name, (unsigned)sb.st_uid);
		return MFA_ERR_UNSAFE;
	}
	if (sb.st_gid != 0) {
		seterr(err, errlen, "%s/%s: group gid %u, must be root (0)",
		    st->dir, name, (unsigned)sb.st_gid);
		return MFA_ERR_UNSAFE;
	}
	if ((sb.st_mode & 07077) != 0) {
		seterr(err, errlen, "%s/%s: mode %04o, must be 0600 or "
		    "narrower", st->dir, name, (unsigned)(sb.st_mode & 07777));
		return MFA_ERR_UNSAFE;
	}
	if (sb.st_nlink != 1) {
		seterr(err, errlen, "%s/%s: has %lu hard links, must have 1",
		    st->dir, name, (unsigned long)sb.st_nlink);
		return MFA_ERR_UNSAFE;
	}
	if (sb.st_size > max) {
		seterr(err, errlen, "%s/%s: %lld bytes, larger than %lld",
		    st->dir, name, (long long)sb.st_size, (long long)max);
		return MFA_ERR_UNSAFE;
	}
	if (size != NULL)
		*size = sb.st_size;
	return MFA_OK;
}

int
store_open_error(const struct store *st, const char *name, const char *what,
    char *err, size_t errlen)
{
	switch (errno) {
	case ELOOP:
		seterr(err, errlen, "%s/%s: is a symlink", st->dir, name);
		return MFA_ERR_UNSAFE;
	case EISDIR:
		seterr(err, errlen, "%s/%s: not a regular file", st->dir,
		    name);
		return MFA_ERR_UNSAFE;
	case ENAMETOOLONG:
		return store_badname(err, errlen);
	default:
		seterr(err, errlen, "%s/%s: %s: %s", st->dir, name, what,
		    strerror(errno));
		return MFA_ERR_IO;
	}
}

/* Reads the whole file, of `size` bytes when store_check_file looked at it:
 * one that has grown or shrunk since is being changed by a writer that
 * does not take the locks, and is not trusted. */
int
store_read_checked(int fd, const struct store *st, const char *name,
    off_t size, char **buf, size_t *len, char *err, size_t errlen)
{
	int	r;

	r = read_all(fd, (size_t)size, buf, len);
	if (r == MFA_ERR_NOMEM)
		return mfa_fail(err, errlen, r, "%s/%s: out of memory",
		    st->dir, name);
	if (r == MFA_ERR_IO)
		return mfa_fail(err, errlen, r, "%s/%s: read: %s", st->dir,
		    name, strerror(errno));
	if (r == MFA_OK && *len == (size_t)size)
		return MFA_OK;
	if (r == MFA_OK)
		wipe_free(*buf, *len + 1);
	*buf = NULL;
	*len = 0;
	return mfa_fail(err, errlen, MFA_ERR_CORRUPT, "%s/%s: changed size "
	    "while being read", st->dir, name);
}

int
store_read_file(struct store *st, const char *name, off_t max, char **buf,
    size_t *len, char *err, size_t errlen)
{
	off_t	size = 0;
	int	fd, r;

	fd = openat(st->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT) {
			seterr(err, errlen, "%s/%s: no such file", st->dir,
			    name);
			return MFA_ERR_NOENT;
		}
		return store_open_error(st, name, "open", err, errlen);
	}
	r = store_check_file(fd, st, name, max, &size, err, errlen);
	if (r == MFA_OK)
		r = store_read_checked(fd, st, name, size, buf, len, err,
		    errlen);
	close(fd);
	return r;
}

int
store_record_exists(struct store *st, const char *user, char *err,
    size_t errlen)
{
	struct stat	sb;

	if (!store_name_ok(user))
		return store_badname(err, errlen);
	if (fstatat(st->dirfd, user, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return MFA_OK;
	if (errno == ENOENT) {
		seterr(err, errlen, "%s/%s: no such file", st->dir, user);
		return MFA_ERR_NOENT;
	}
	return store_open_error(st, user, "stat", err, errlen);
}

/* ---- listing ---- */

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
add_name(char ***users, size_t *n, size_t *cap, const char *name)
{
	char	**nu;
	size_t	  ncap;

	if (*n == *cap) {
		ncap = *cap == 0 ? 64 : *cap * 2;
		nu = reallocarray(*users, ncap, sizeof(*nu));
		if (nu == NULL)
			return MFA_ERR_NOMEM;
		*users = nu;
		*cap = ncap;
	}
	if (((*users)[*n] = strdup(name)) == NULL)
		return MFA_ERR_NOMEM;
	(*n)++;
	return MFA_OK;
}

/* Names only, from readdir: a file with a user's name is listed whatever
 * it is, so that loading it later reports what is wrong with it. */
int
store_list_users(struct store *st, char ***users, size_t *n, char *err,
    size_t errlen)
{
	struct dirent	*de;
	DIR		*d;
	size_t		 cap = 0;
	int		 fd, r = MFA_OK;

	*users = NULL;
	*n = 0;
	if ((fd = openat(st->dirfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (d = fdopendir(fd)) == NULL) {
		seterr(err, errlen, "%s: %s", st->dir, strerror(errno));
		if (fd != -1)
			close(fd);
		return MFA_ERR_IO;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (de->d_name[0] == '.' || !store_name_ok(de->d_name))
			continue;
		if ((r = add_name(users, n, &cap, de->d_name)) != MFA_OK)
			break;
	}
	if (errno != 0 || r != MFA_OK) {
		seterr(err, errlen, "%s: %s", st->dir, strerror(errno));
		store_free_users(*users, *n);
		*users = NULL;
		*n = 0;
		if (r == MFA_OK)
			r = MFA_ERR_IO;
	} else if (*n > 1)
		qsort(*users, *n, sizeof(**users), cmp_names);
	closedir(d);
	return r;
}

void
store_free_users(char **users, size_t n)
{
	size_t	i;

	if (users == NULL)
		return;
	for (i = 0; i < n; i++)
		free(users[i]);
	free(users);
}
