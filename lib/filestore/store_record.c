/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the store's files hold, on top of its lower layer (store_io.h): a
 * user's record file, the record text in one of two checksummed slots
 * (slots.h), and the inventory file.  mfa-enroll replaces a whole file,
 * so a change it makes leaves no older copy behind; a login writes the
 * spare slot in place, which costs one flush of data instead of the two
 * flushes (file, then directory) of a new file.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mfaerr.h"
#include "store.h"
#include "store_io.h"
#include "wipe.h"

#define RECORD_FILE_MAX		(1024 * 1024)
#define INVENTORY_FILE		".inventory"
#define INVENTORY_FILE_MAX	(16 * 1024 * 1024)

static void
rw_close(struct store_rw *h)
{
	if (h->fd >= 0)
		close(h->fd);
	memset(h, 0, sizeof(*h));
	h->fd = -1;
}

/* Reads the whole file open on fd, picks the newest intact slot, parses
 * its text as user's record. */
static int
read_record(struct store *st, int fd, const char *user,
    struct mfa_record *rec, struct slots *sl, char *err, size_t errlen)
{
	char	 perr[256];
	char	*buf = NULL;
	size_t	 len = 0;
	off_t	 size = 0;
	int	 r;

	r = store_check_file(fd, st, user, RECORD_FILE_MAX, &size, err,
	    errlen);
	if (r == MFA_OK)
		r = store_read_checked(fd, st, user, size, &buf, &len, err,
		    errlen);
	if (r != MFA_OK)
		return r;
	/* record_parse clears rec itself: once is enough for 30 KB. */
	if ((r = slots_pick((const unsigned char *)buf, len, sl, perr,
	    sizeof(perr))) != MFA_OK ||
	    (r = record_parse(buf + sl->off, sl->len, user, rec, perr,
	    sizeof(perr))) != MFA_OK)
		seterr(err, errlen, "%s/%s: %s", st->dir, user, perr);
	wipe_free(buf, len + 1);
	return r;
}

static int
open_record(struct store *st, const char *user, int flags, int *fd,
    char *err, size_t errlen)
{
	*fd = openat(st->dirfd, user, flags | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK);
	if (*fd != -1)
		return MFA_OK;
	if (errno == ENOENT) {
		seterr(err, errlen, "%s/%s: no such file", st->dir, user);
		return MFA_ERR_NOENT;
	}
	return store_open_error(st, user, "open", err, errlen);
}

static int
load(struct store *st, const char *user, struct mfa_record *rec,
    struct store_rw *h, int flags, char *err, size_t errlen)
{
	int	r;

	rw_close(h);
	if (!store_name_ok(user)) {
		record_init(rec, NULL);
		return store_badname(err, errlen);
	}
	r = open_record(st, user, flags, &h->fd, err, errlen);
	if (r == MFA_OK)
		r = read_record(st, h->fd, user, rec, &h->sl, err, errlen);
	if (r != MFA_OK) {
		record_init(rec, r == MFA_ERR_NOENT ? user : NULL);
		rw_close(h);
	}
	return r;
}

int
store_load(struct store *st, const char *user, struct mfa_record *rec,
    char *err, size_t errlen)
{
	struct store_rw	h = { .fd = -1 };
	int		r;

	r = load(st, user, rec, &h, O_RDONLY, err, errlen);
	rw_close(&h);
	return r;
}

int
store_load_rw(struct store *st, const char *user, struct mfa_record *rec,
    struct store_rw *h, char *err, size_t errlen)
{
	h->fd = -1;
	return load(st, user, rec, h, O_RDWR, err, errlen);
}

void
store_release(struct store_rw *h)
{
	rw_close(h);
}

/* ---- saving ---- */

/* For a formatter's failure r: a record or inventory that would not load
 * back is refused as corrupt. */
static int
format_error(int r, const char *what, char *err, size_t errlen)
{
	if (r == MFA_ERR_NOMEM)
		return mfa_fail(err, errlen, r, "out of memory formatting the "
		    "%s", what);
	if (r == MFA_ERR_INVALID)
		return mfa_fail(err, errlen, MFA_ERR_CORRUPT, "refusing to "
		    "write an invalid %s", what);
	return mfa_fail(err, errlen, r, "cannot format the %s: %s", what,
	    mfa_strerror(r));
}

/* A new record file: rec at sequence 1 in slot 0, slot 1 empty.  Each slot
 * has room for every number a login rewrites at its widest, so that logins
 * always save in place. */
static int
new_file(const char *text, size_t len, size_t ndevices, unsigned char **file,
    size_t *size)
{
	size_t	cap;
	int	r;

	cap = slots_cap(len + RECORD_LOGIN_GROWTH(ndevices), RECORD_FILE_MAX);
	if (cap == 0)
		return MFA_ERR_TOOBIG;
	if ((*file = calloc(2, cap)) == NULL)
		return MFA_ERR_NOMEM;
	if ((r = slots_put(*file, cap, 1, text, len)) != MFA_OK) {
		wipe_free(*file, 2 * cap);
		*file = NULL;
		return r;
	}
	*size = 2 * cap;
	return MFA_OK;
}

int
store_record_file(const struct mfa_record *rec, unsigned char **file,
    size_t *size)
{
	char	*text = NULL;
	size_t	 len = 0;
	int	 r;

	if ((r = record_format(rec, &text, &len)) != MFA_OK)
		return r;
	r = new_file(text, len, rec->ndevices, file, size);
	wipe_free(text, len);
	return r;
}

int
store_save(struct store *st, const struct mfa_record *rec, char *err,
    size_t errlen)
{
	unsigned char	*file = NULL;
	size_t		 size = 0;
	int		 r;

	if (strnlen(rec->user, sizeof(rec->user)) == sizeof(rec->user) ||
	    !store_name_ok(rec->user))
		return store_badname(err, errlen);
	/* Nothing left, not even an invitation: no record at all. */
	if (rec->ndevices == 0 && rec->nrecovery == 0 &&
	    rec->invite[0] == '\0')
		return store_remove_file(st, rec->user, 1, err, errlen);
	if ((r = store_record_file(rec, &file, &size)) == MFA_ERR_TOOBIG)
		return mfa_fail(err, errlen, r, "%s/%s: record too large",
		    st->dir, rec->user);
	if (r != MFA_OK)
		return format_error(r, "record", err, errlen);
	r = store_replace_file(st, rec->user, (const char *)file, size, 1,
	    err, errlen);
	wipe_free(file, size);
	return r;
}

/* Writes text into the spare slot of h's file and flushes it. */
static int
put_spare(struct store *st, struct store_rw *h, const char *user,
    const char *text, size_t len, char *err, size_t errlen)
{
	unsigned char	*slot;
	const char	*what = "write";
	unsigned	 spare = 1 - h->sl.active;

	if ((slot = malloc(h->sl.cap)) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "%s/%s: out of "
		    "memory", st->dir, user);
	if (slots_put(slot, h->sl.cap, h->sl.seq + 1, text, len) != MFA_OK)
		errno = EFBIG;
	else if (store_pwrite_all(h->fd, slot, h->sl.cap,
	    (off_t)(spare * h->sl.cap)) == MFA_OK) {
		what = "fdatasync";
		if (fdatasync(h->fd) == 0)
			what = NULL;
	}
	wipe_free(slot, h->sl.cap);
	if (what != NULL) {
		/* The slot may be torn: h no longer knows the file. */
		seterr(err, errlen, "%s/%s: %s: %s", st->dir, user, what,
		    strerror(errno));
		rw_close(h);
		return MFA_ERR_IO;
	}
	h->sl.active = spare;
	h->sl.seq++;
	return MFA_OK;
}

int
store_save_rw(struct store *st, struct store_rw *h,
    const struct mfa_record *rec, char *err, size_t errlen)
{
	char	*text = NULL;
	size_t	 len = 0;
	int	 r;

	/* store_save judges the name and removes an empty record. */
	if (h->fd < 0 || h->sl.seq == UINT64_MAX ||
	    (rec->ndevices == 0 && rec->nrecovery == 0 &&
	    rec->invite[0] == '\0')) {
		rw_close(h);
		return store_save(st, rec, err, errlen);
	}
	if ((r = record_format(rec, &text, &len)) != MFA_OK)
		return format_error(r, "record", err, errlen);
	if (len > h->sl.cap - SLOT_HDR) {
		rw_close(h);
		r = store_save(st, rec, err, errlen);
	} else
		r = put_spare(st, h, rec->user, text, len, err, errlen);
	wipe_free(text, len);
	return r;
}

/* ---- the inventory ---- */

int
store_load_inventory(struct store *st, struct inventory *inv, char *err,
    size_t errlen)
{
	char	 perr[256];
	char	*buf = NULL;
	size_t	 len = 0;
	int	 r;

	inventory_init(inv);
	r = store_read_file(st, INVENTORY_FILE, INVENTORY_FILE_MAX, &buf, &len,
	    err, errlen);
	if (r != MFA_OK)
		return r;
	if (inventory_parse(buf, len, inv, perr, sizeof(perr)) != MFA_OK)
		r = mfa_fail(err, errlen, MFA_ERR_CORRUPT, "%s/%s: %s",
		    st->dir, INVENTORY_FILE, perr);
	wipe_free(buf, len + 1);
	return r;
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
	if ((r = inventory_format(inv, &buf, &len)) != MFA_OK)
		return format_error(r, "inventory", err, errlen);
	r = store_replace_file(st, INVENTORY_FILE, buf, len, 1, err, errlen);
	wipe_free(buf, len);
	return r;
}
