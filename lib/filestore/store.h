/* SPDX-License-Identifier: BSD-2-Clause */
/* The root-owned store: one record file per user plus the hardware token
 * inventory, in one directory.  Every open refuses symlinks, hard links,
 * files not owned by root:root and modes wider than 0600 (0700 for the
 * directory).  Whole files are written as temp file + fsync + rename +
 * fsync(dir); a login saves its new state in place, into the spare one of
 * the record file's two checksummed slots, then fdatasync (slots.h). */
#ifndef AWSMFA_STORE_H
#define AWSMFA_STORE_H

#include <stddef.h>
#include "mfaerr.h"
#include "inventory.h"
#include "record.h"
#include "slots.h"

/* Every function below returns MFA_OK or an MFA_ERR_* code (mfaerr.h)
 * with the path in err. */
struct store {
	int	dirfd;
	char	dir[4096];
};

/* Opens dir (must exist) and checks it: directory, root:root, mode 0700 or
 * narrower, not a symlink; every ancestor owned by root and not writable
 * by group or others unless sticky.  Messages in err name the path. */
int	store_open(struct store *st, const char *dir, char *err, size_t errlen);
void	store_close(struct store *st);

/* Creates dir 0700 root:root when missing (parents must exist), then
 * store_open.  For mfa-enroll and install, never for the PAM module. */
int	store_create(struct store *st, const char *dir, char *err,
	    size_t errlen);

/* Exclusive lock for one user's read-modify-write; blocks.  Held until
 * store_unlock.  *lockfd receives the descriptor. */
int	store_lock_user(struct store *st, const char *user, int *lockfd,
	    char *err, size_t errlen);
/* store_lock_user for a login: a user without a record gets no lock file
 * (MFA_ERR_NOENT), or every name a client makes up would leave one behind.
 * The check costs nothing once the lock file exists. */
int	store_lock_login(struct store *st, const char *user, int *lockfd,
	    char *err, size_t errlen);
/* Lock order when both are needed: inventory first, then the user. */
int	store_lock_inventory(struct store *st, int *lockfd, char *err,
	    size_t errlen);
void	store_unlock(int lockfd);

/* MFA_OK when something exists under user's record name (whatever it
 * is: store_load judges it), MFA_ERR_NOENT when nothing does. */
int	store_record_exists(struct store *st, const char *user, char *err,
	    size_t errlen);

/* MFA_ERR_NOENT leaves rec as record_init(user). */
int	store_load(struct store *st, const char *user, struct mfa_record *rec,
	    char *err, size_t errlen);
/* Writes a whole new record file: its first slot holds rec, the other is
 * empty, so nothing of the previous record stays in the store (a destroyed
 * secret, a burnt recovery code).  A record with no device and no recovery
 * code is removed instead. */
int	store_save(struct store *st, const struct mfa_record *rec, char *err,
	    size_t errlen);

/* The bytes store_save writes for rec: *file is malloc'd (the caller
 * cleanses and frees it).  MFA_ERR_INVALID for a record that
 * record_format refuses, MFA_ERR_TOOBIG, MFA_ERR_NOMEM. */
int	store_record_file(const struct mfa_record *rec, unsigned char **file,
	    size_t *size);

/* A record opened for a login's read-modify-write, under the user's lock:
 * the file stays open so that the new state goes into the file that was
 * read. */
struct store_rw {
	int		fd;	/* -1 when closed */
	struct slots	sl;	/* where the newest copy is */
};

/* store_load, keeping the file open in *h for store_save_rw.  On any result
 * but MFA_OK, h is closed. */
int	store_load_rw(struct store *st, const char *user,
	    struct mfa_record *rec, struct store_rw *h, char *err,
	    size_t errlen);
/* Saves rec into the slot of h's file that does not hold the newest copy,
 * then fdatasync: on MFA_OK the new state is on disk, and a crash at any
 * instant before leaves the previous state whole.  That previous state
 * stays in the other slot until the next save, so a change that must leave
 * no copy behind goes through store_save.  Falls back to store_save when rec
 * does not fit the slot or h is closed. */
int	store_save_rw(struct store *st, struct store_rw *h,
	    const struct mfa_record *rec, char *err, size_t errlen);
void	store_release(struct store_rw *h);

/* All users with a record, sorted; *users is a malloc'd array of malloc'd
 * names, freed with store_free_users. */
int	store_list_users(struct store *st, char ***users, size_t *n, char *err,
	    size_t errlen);
void	store_free_users(char **users, size_t n);

/* MFA_ERR_NOENT leaves inv empty. */
int	store_load_inventory(struct store *st, struct inventory *inv,
	    char *err, size_t errlen);
int	store_save_inventory(struct store *st, const struct inventory *inv,
	    char *err, size_t errlen);

/* Whether t is assigned: the inventory names t->user AND that user's
 * record holds the token.  The record is the truth; a name in the
 * inventory that the record does not confirm (left by a crash between
 * enable's or deactivate's two writes) means unassigned.  *held is 1 or
 * 0 on MFA_OK; on anything else the holder is unknown (fail closed).
 * Call it under the inventory lock (see store_token.c). */
int	store_token_held(struct store *st, const struct hw_token *t,
	    int *held, char *err, size_t errlen);

#endif
