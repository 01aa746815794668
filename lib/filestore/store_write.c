/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes into the store: a whole file replaced atomically (temp file,
 * fsync, rename, fsync of the directory), a file removed, bytes written in
 * place.  What the bytes are is the caller's (store_record.c).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "mfaerr.h"
#include "numparse.h"
#include "store.h"
#include "store_io.h"

#define TMP_PREFIX		".tmp."
#define TMP_HASH		16	/* bytes of SHA-256, in hex */
#define TMP_NAME_SIZE		(sizeof(TMP_PREFIX) + 2 * TMP_HASH)

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
			return MFA_ERR_IO;
		if (r == 0) {
			errno = EIO;
			return MFA_ERR_IO;
		}
		p += r;
		len -= (size_t)r;
		off += r;
	}
	return MFA_OK;
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
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	if (EVP_Digest(target, strlen(target), md, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen < TMP_HASH) {
		errno = EIO;	/* for the caller's message */
		return MFA_ERR_INTERNAL;
	}
	memcpy(name, TMP_PREFIX, sizeof(TMP_PREFIX) - 1);
	hex_encode(md, TMP_HASH, name + sizeof(TMP_PREFIX) - 1);
	return MFA_OK;
}

/* The temp file for target, created anew: a descriptor, or -1 (errno). */
static int
tmp_create(struct store *st, const char *target, char name[TMP_NAME_SIZE])
{
	const int	 flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC | O_NOCTTY;
	int		 fd;

	if (tmp_name(target, name) != MFA_OK)
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
		return MFA_ERR_IO;
	}
	what = "chown";
	if (geteuid() != 0 || fchown(fd, 0, 0) == 0) {
		what = "chmod";
		if (fchmod(fd, 0600) == 0) {
			what = "write";
			if (store_pwrite_all(fd, buf, len, 0) == MFA_OK) {
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
		return MFA_ERR_IO;
	}
	if (durable && fsync(st->dirfd) == -1) {
		seterr(err, errlen, "%s: fsync: %s", st->dir, strerror(errno));
		return MFA_ERR_IO;
	}
	return MFA_OK;
}

int
store_remove_file(struct store *st, const char *name, int durable, char *err,
    size_t errlen)
{
	char	tmp[TMP_NAME_SIZE];

	/* A killed writer's temp file goes with its target (tmp_name). */
	if (tmp_name(name, tmp) == MFA_OK)
		(void)unlinkat(st->dirfd, tmp, 0);
	if (unlinkat(st->dirfd, name, 0) == -1 && errno != ENOENT) {
		seterr(err, errlen, "%s/%s: unlink: %s", st->dir, name,
		    strerror(errno));
		return MFA_ERR_IO;
	}
	if (durable && fsync(st->dirfd) == -1) {
		seterr(err, errlen, "%s: fsync: %s", st->dir, strerror(errno));
		return MFA_ERR_IO;
	}
	return MFA_OK;
}
