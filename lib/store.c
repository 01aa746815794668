/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The root-owned store.  Every name is opened relative to the directory
 * descriptor checked in store_open, without following symlinks, and every
 * descriptor is checked with fstat after opening, so a file swapped in
 * between a check and a use is never trusted.
 */
#include <sys/file.h>
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

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "mfaerr.h"
#include "safepath.h"
#include "store.h"
#include "store_io.h"

#define LOCK_PREFIX		".lock."
#define INVENTORY_FILE		".inventory"
#define INVENTORY_LOCK		".inventory.lock"
#define TMP_PREFIX		".tmp."
#define TMP_HASH		16	/* bytes of SHA-256, in hex */
#define TMP_NAME_SIZE		(sizeof(TMP_PREFIX) + 2 * TMP_HASH)
#define INVENTORY_FILE_MAX	(16 * 1024 * 1024)
/* ".lock.USER" must fit in one directory entry (NAME_MAX 255), which
 * bounds the user names the store can hold below RECORD_USER_MAX. */
#define STORE_USER_MAX		(255 - (int)(sizeof(LOCK_PREFIX) - 1))

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
	return STORE_BADNAME;
}

/* ---- the directory and its ancestors ---- */

static int
from_safepath(int r)
{
	return r == SAFEPATH_OK ? STORE_OK :
	    r == SAFEPATH_UNSAFE ? STORE_UNSAFE : STORE_IO;
}

/* The store itself, beyond what every folder above it must be: root's
 * group too, and nobody else's to read. */
static int
check_store_dir(int fd, const char *path, char *err, size_t errlen)
{
	struct stat	 sb;
	int		 r;

	r = safepath_check_root_dir(fd, path, &sb, err, errlen);
	if (r != SAFEPATH_OK)
		return from_safepath(r);
	if (sb.st_gid != 0) {
		seterr(err, errlen, "%s: group gid %u, must be root (0)", path,
		    (unsigned)sb.st_gid);
		return STORE_UNSAFE;
	}
	if ((sb.st_mode & 077) != 0) {
		seterr(err, errlen, "%s: mode %04o, must be 0700 or narrower",
		    path, (unsigned)(sb.st_mode & 07777));
		return STORE_UNSAFE;
	}
	return STORE_OK;
}

int
store_open(struct store *st, const char *dir, char *err, size_t errlen)
{
	int	 fd, r;

	st->dirfd = -1;
	st->dir[0] = '\0';
	if (dir == NULL || dir[0] != '/') {
		seterr(err, errlen, "%s: store directory must be an absolute "
		    "path", dir == NULL ? "(null)" : dir);
		return STORE_UNSAFE;
	}
	if (strlen(dir) >= sizeof(st->dir)) {
		seterr(err, errlen, "store directory path too long");
		return STORE_UNSAFE;
	}
	if (dir[strspn(dir, "/")] == '\0') {
		seterr(err, errlen, "%s: the root directory cannot be the "
		    "store", dir);
		return STORE_UNSAFE;
	}
	if ((r = from_safepath(safepath_walk(dir, &fd, err, errlen))) !=
	    STORE_OK)
		return r;
	if ((r = check_store_dir(fd, dir, err, errlen)) != STORE_OK) {
		close(fd);
		return r;
	}
	st->dirfd = fd;
	memcpy(st->dir, dir, strlen(dir) + 1);
	return STORE_OK;
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
	int	 fd;

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
				return STORE_IO;
			}
			close(fd);
		}
	} else if (dir != NULL && dir[0] == '/' && errno != EEXIST) {
		seterr(err, errlen, "%s: mkdir: %s", dir, strerror(errno));
		return STORE_IO;
	}
	return store_open(st, dir, err, errlen);
}

/* ---- files in the store ---- */

/* *size (when not NULL) receives the size checked against max. */
int
store_check_file(int fd, const struct store *st, const char *name, off_t max,
    off_t *size, char *err, size_t errlen)
{
	struct stat	 sb;

	if (fstat(fd, &sb) == -1) {
		seterr(err, errlen, "%s/%s: fstat: %s", st->dir, name,
		    strerror(errno));
		return STORE_IO;
	}
	if (!S_ISREG(sb.st_mode)) {
		seterr(err, errlen, "%s/%s: not a regular file", st->dir, name);
		return STORE_UNSAFE;
	}
	if (sb.st_uid != 0) {
		seterr(err, errlen, "%s/%s: owned by uid %u, must be root",
		    st->dir, name, (unsigned)sb.st_uid);
		return STORE_UNSAFE;
	}
	if (sb.st_gid != 0) {
		seterr(err, errlen, "%s/%s: group gid %u, must be root (0)",
		    st->dir, name, (unsigned)sb.st_gid);
		return STORE_UNSAFE;
	}
	if ((sb.st_mode & 07077) != 0) {
		seterr(err, errlen, "%s/%s: mode %04o, must be 0600 or "
		    "narrower", st->dir, name, (unsigned)(sb.st_mode & 07777));
		return STORE_UNSAFE;
	}
	if (sb.st_nlink != 1) {
		seterr(err, errlen, "%s/%s: has %lu hard links, must have 1",
		    st->dir, name, (unsigned long)sb.st_nlink);
		return STORE_UNSAFE;
	}
	if (sb.st_size > max) {
		seterr(err, errlen, "%s/%s: %lld bytes, larger than %lld",
		    st->dir, name, (long long)sb.st_size, (long long)max);
		return STORE_UNSAFE;
	}
	if (size != NULL)
		*size = sb.st_size;
	return STORE_OK;
}

int
store_open_error(const struct store *st, const char *name, const char *what,
    char *err, size_t errlen)
{
	switch (errno) {
	case ELOOP:
		seterr(err, errlen, "%s/%s: is a symlink", st->dir, name);
		return STORE_UNSAFE;
	case EISDIR:
		seterr(err, errlen, "%s/%s: not a regular file", st->dir,
		    name);
		return STORE_UNSAFE;
	case ENAMETOOLONG:
		return store_badname(err, errlen);
	default:
		seterr(err, errlen, "%s/%s: %s: %s", st->dir, name, what,
		    strerror(errno));
		return STORE_IO;
	}
}

/* Reads the whole file, of `size` bytes when store_check_file looked at it;
 * *buf is malloc'd and NUL-terminated. */
int
store_read_checked(int fd, const struct store *st, const char *name,
    off_t size, off_t max, char **buf, size_t *len, char *err, size_t errlen)
{
	size_t		 cap, n = 0, want;
	ssize_t		 r;
	char		*b;

	/* One spare byte shows a file that grew after store_check_file. */
	cap = (size_t)size + 1;
	if ((b = malloc(cap + 1)) == NULL) {
		seterr(err, errlen, "%s/%s: out of memory", st->dir, name);
		return STORE_IO;
	}
	while (n < cap) {
		want = cap - n;
		r = read(fd, b + n, want);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			seterr(err, errlen, "%s/%s: read: %s", st->dir, name,
			    strerror(errno));
			OPENSSL_cleanse(b, cap + 1);
			free(b);
			return STORE_IO;
		}
		n += (size_t)r;
		/* A regular file reads short only at its end (check_file
		 * saw a regular file): no second read to hear it say so. */
		if ((size_t)r < want)
			break;
	}
	if (n != (size_t)size || n > (size_t)max) {
		seterr(err, errlen, "%s/%s: changed size while being read",
		    st->dir, name);
		OPENSSL_cleanse(b, cap + 1);
		free(b);
		return STORE_CORRUPT;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return STORE_OK;
}

/* Opens and reads name; STORE_NOENT when it does not exist. */
static int
load_file(struct store *st, const char *name, off_t max, char **buf,
    size_t *len, char *err, size_t errlen)
{
	off_t	 size = 0;
	int	 fd, r;

	fd = openat(st->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT) {
			seterr(err, errlen, "%s/%s: no such file", st->dir,
			    name);
			return STORE_NOENT;
		}
		return store_open_error(st, name, "open", err, errlen);
	}
	r = store_check_file(fd, st, name, max, &size, err, errlen);
	if (r == STORE_OK)
		r = store_read_checked(fd, st, name, size, max, buf, len, err,
		    errlen);
	close(fd);
	return r;
}

void
store_free_text(char *buf, size_t len)
{
	if (buf == NULL)
		return;
	OPENSSL_cleanse(buf, len);
	free(buf);
}

int
store_load_inventory(struct store *st, struct inventory *inv, char *err,
    size_t errlen)
{
	char	 perr[256];
	char	*buf = NULL;
	size_t	 len = 0;
	int	 r;

	inventory_init(inv);
	r = load_file(st, INVENTORY_FILE, INVENTORY_FILE_MAX, &buf, &len, err,
	    errlen);
	if (r != STORE_OK)
		return r;
	if (inventory_parse(buf, len, inv, perr, sizeof(perr)) == -1) {
		seterr(err, errlen, "%s/%s: %s", st->dir, INVENTORY_FILE,
		    perr);
		r = STORE_CORRUPT;
	}
	store_free_text(buf, len);
	return r;
}

/* ---- locks ---- */

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
		return STORE_OK;
	}
	if (errno != ENOENT)
		return store_open_error(st, name, "open", err, errlen);
	if (record != NULL &&
	    (r = store_record_exists(st, record, err, errlen)) != STORE_OK)
		return r;
	fd = openat(st->dirfd, name, flags | O_CREAT | O_EXCL, 0600);
	if (fd != -1) {
		if (geteuid() == 0 && fchown(fd, 0, 0) == -1) {
			seterr(err, errlen, "%s/%s: chown: %s", st->dir, name,
			    strerror(errno));
			close(fd);
			return STORE_IO;
		}
		*out = fd;
		return STORE_OK;
	}
	if (errno == EEXIST)
		fd = openat(st->dirfd, name, flags);
	if (fd == -1)
		return store_open_error(st, name, "open", err, errlen);
	*out = fd;
	return STORE_OK;
}

static int
lock_file(struct store *st, const char *name, const char *record,
    int *lockfd, char *err, size_t errlen)
{
	int	 fd = -1, r;

	*lockfd = -1;
	if ((r = open_lock(st, name, record, &fd, err, errlen)) != STORE_OK)
		return r;
	if ((r = store_check_file(fd, st, name, 0, NULL, err, errlen)) !=
	    STORE_OK) {
		close(fd);
		return r;
	}
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			seterr(err, errlen, "%s/%s: flock: %s", st->dir, name,
			    strerror(errno));
			close(fd);
			return STORE_IO;
		}
	}
	*lockfd = fd;
	return STORE_OK;
}

static int
lock_user(struct store *st, const char *user, int login, int *lockfd,
    char *err, size_t errlen)
{
	char	 name[256];

	*lockfd = -1;
	if (!store_name_ok(user))
		return store_badname(err, errlen);
	snprintf(name, sizeof(name), "%s%s", LOCK_PREFIX, user);
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

/* ---- atomic writes ---- */

int
store_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const unsigned char	*p = buf;
	ssize_t			 r;

	while (len > 0) {
		r = pwrite(fd, p, len, off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0) {
			errno = EIO;
			return -1;
		}
		p += r;
		len -= (size_t)r;
		off += r;
	}
	return 0;
}

/*
 * The temp file of a whole-file write is named after its target: ".tmp."
 * and SHA-256 of the target's name, cut to TMP_HASH bytes, in hex.  Every
 * whole-file write or removal of a target happens under the target's lock
 * (the user's, or the inventory's), so a temp file found under that name
 * is what a writer killed before its rename left behind, and the next
 * writer of the target removes it: no copy of a secret destroyed since
 * outlives it there.
 */
static int
tmp_name(const char *target, char name[TMP_NAME_SIZE])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;

	if (EVP_Digest(target, strlen(target), md, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen < TMP_HASH) {
		errno = EIO;
		return -1;
	}
	memcpy(name, TMP_PREFIX, sizeof(TMP_PREFIX) - 1);
	for (i = 0; i < TMP_HASH; i++) {
		name[sizeof(TMP_PREFIX) - 1 + 2 * i] = hex[md[i] >> 4];
		name[sizeof(TMP_PREFIX) - 1 + 2 * i + 1] = hex[md[i] & 15];
	}
	name[TMP_NAME_SIZE - 1] = '\0';
	return 0;
}

static int
tmp_create(struct store *st, const char *target, char name[TMP_NAME_SIZE])
{
	const int	 flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC | O_NOCTTY;
	int		 fd;

	if (tmp_name(target, name) == -1)
		return -1;
	fd = openat(st->dirfd, name, flags, 0600);
	if (fd == -1 && errno == EEXIST &&
	    unlinkat(st->dirfd, name, 0) == 0)
		fd = openat(st->dirfd, name, flags, 0600);
	return fd;
}

/* Temp file, write, fsync, rename over name, and when `durable`, fsync
 * the directory.  The file's fsync before the rename is what makes the
 * replacement atomic, so it is never left out.  On failure before the
 * rename the temp file is removed and name is as it was. */
int
store_replace_file(struct store *st, const char *name, const char *buf,
    size_t len, int durable, char *err, size_t errlen)
{
	char		 tmp[TMP_NAME_SIZE];
	const char	*what;
	int		 fd, saved;

	if ((fd = tmp_create(st, name, tmp)) == -1) {
		seterr(err, errlen, "%s: cannot create a temporary file: %s",
		    st->dir, strerror(errno));
		return STORE_IO;
	}
	what = "chown";
	if (geteuid() != 0 || fchown(fd, 0, 0) == 0) {
		what = "chmod";
		if (fchmod(fd, 0600) == 0) {
			what = "write";
			if (store_pwrite_all(fd, buf, len, 0) == 0) {
				what = "fsync";
				if (fsync(fd) == 0)
					what = NULL;
			}
		}
	}
	saved = errno;
	if (close(fd) == -1 && what == NULL) {
		what = "close";
		saved = errno;
	}
	if (what == NULL && renameat(st->dirfd, tmp, st->dirfd, name) == -1) {
		what = "rename";
		saved = errno;
	}
	if (what != NULL) {
		unlinkat(st->dirfd, tmp, 0);
		seterr(err, errlen, "%s/%s: %s: %s", st->dir, name, what,
		    strerror(saved));
		return STORE_IO;
	}
	if (durable && fsync(st->dirfd) == -1) {
		seterr(err, errlen, "%s: fsync: %s", st->dir, strerror(errno));
		return STORE_IO;
	}
	return STORE_OK;
}

int
store_remove_file(struct store *st, const char *name, int durable, char *err,
    size_t errlen)
{
	char	 tmp[TMP_NAME_SIZE];

	/* A killed writer's temp file goes with its target (tmp_name). */
	if (tmp_name(name, tmp) == 0)
		(void)unlinkat(st->dirfd, tmp, 0);
	if (unlinkat(st->dirfd, name, 0) == -1 && errno != ENOENT) {
		seterr(err, errlen, "%s/%s: unlink: %s", st->dir, name,
		    strerror(errno));
		return STORE_IO;
	}
	if (durable && fsync(st->dirfd) == -1) {
		seterr(err, errlen, "%s: fsync: %s", st->dir, strerror(errno));
		return STORE_IO;
	}
	return STORE_OK;
}

int
store_format_error(const char *what, char *err, size_t errlen)
{
	if (errno == ENOMEM) {
		seterr(err, errlen, "out of memory formatting the %s", what);
		return STORE_IO;
	}
	seterr(err, errlen, "refusing to write an invalid %s", what);
	return STORE_CORRUPT;
}

int
store_save_inventory(struct store *st, const struct inventory *inv,
    char *err, size_t errlen)
{
	char	*buf = NULL;
	size_t	 len = 0;
	int	 r;

	if (inv->n == 0)
		return store_remove_file(st, INVENTORY_FILE, 1, err, errlen);
	if (inventory_format(inv, &buf, &len) == -1)
		return store_format_error("inventory", err, errlen);
	r = store_replace_file(st, INVENTORY_FILE, buf, len, 1, err, errlen);
	store_free_text(buf, len);
	return r;
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
			return -1;
		*users = nu;
		*cap = ncap;
	}
	if (((*users)[*n] = strdup(name)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* Names only, from readdir: a file with a user's name is listed whatever
 * it is, so that loading it later reports what is wrong with it. */
int
store_list_users(struct store *st, char ***users, size_t *n, char *err,
    size_t errlen)
{
	struct dirent	 *de;
	DIR		 *d;
	size_t		  cap = 0;
	int		  fd, r = STORE_OK;

	*users = NULL;
	*n = 0;
	if ((fd = openat(st->dirfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (d = fdopendir(fd)) == NULL) {
		seterr(err, errlen, "%s: %s", st->dir, strerror(errno));
		if (fd != -1)
			close(fd);
		return STORE_IO;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (de->d_name[0] == '.' || !store_name_ok(de->d_name))
			continue;
		if (add_name(users, n, &cap, de->d_name) == -1)
			break;
	}
	if (errno != 0) {
		seterr(err, errlen, "%s: %s", st->dir, strerror(errno));
		store_free_users(*users, *n);
		*users = NULL;
		*n = 0;
		r = STORE_IO;
	} else if (*n > 1)
		qsort(*users, *n, sizeof(**users), cmp_names);
	closedir(d);
	return r;
}

void
store_free_users(char **users, size_t n)
{
	size_t	 i;

	if (users == NULL)
		return;
	for (i = 0; i < n; i++)
		free(users[i]);
	free(users);
}
