/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside lib/store*.c: the lower layer of the store, the checked directory
 * and its files (store.c, store_lock.c, store_write.c), for the layer of
 * records and the inventory on top of it (store_record.c).
 * Nothing in the lower layer knows what a file holds.  Every name is
 * opened relative to the store's checked directory descriptor, without
 * following symlinks. */
#ifndef AWSMFA_STORE_IO_H
#define AWSMFA_STORE_IO_H

#include <sys/types.h>
#include <stddef.h>
#include "store.h"

#define STORE_LOCK_PREFIX	".lock."

/* 1 when user can name a record and its lock file. */
int	store_name_ok(const char *user);
/* Fills err for a name the store cannot hold; MFA_ERR_BADNAME. */
int	store_badname(char *err, size_t errlen);
/* A regular file of root:root, mode 0600 or narrower, one link, at most
 * max bytes; *size (when not NULL) receives its size. */
int	store_check_file(int fd, const struct store *st, const char *name,
	    off_t max, off_t *size, char *err, size_t errlen);
/* The code and message for a failed open of name (errno). */
int	store_open_error(const struct store *st, const char *name,
	    const char *what, char *err, size_t errlen);
/* Reads fd to its end, which must come after exactly size bytes
 * (MFA_ERR_CORRUPT otherwise); *buf is malloc'd and NUL-terminated, and
 * freed with wipe_free(*buf, *len + 1). */
int	store_read_checked(int fd, const struct store *st, const char *name,
	    off_t size, char **buf, size_t *len, char *err, size_t errlen);
/* Opens, checks and reads the whole of name; MFA_ERR_NOENT when it does not
 * exist. */
int	store_read_file(struct store *st, const char *name, off_t max,
	    char **buf, size_t *len, char *err, size_t errlen);
/* The whole of buf at offset off, through short writes and EINTR:
 * MFA_OK, or MFA_ERR_IO with errno set. */
int	store_pwrite_all(int fd, const void *buf, size_t len, off_t off);
/* Temp file, write, fsync, rename over name, and when `durable`, fsync of
 * the directory.  These and the functions above return MFA_OK or an
 * MFA_ERR_* code with the path in err. */
int	store_replace_file(struct store *st, const char *name, const char *buf,
	    size_t len, int durable, char *err, size_t errlen);
int	store_remove_file(struct store *st, const char *name, int durable,
	    char *err, size_t errlen);

#endif
