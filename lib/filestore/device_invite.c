/* SPDX-License-Identifier: BSD-2-Clause */
/* invite: an admin's one-time invitation for a user without a device, on
 * the file store (sql/invite.sql on PostgreSQL).  The record keeps only
 * the hash and the expiry; a login accepts it (lib/verify.c) until the
 * first device is enabled (lib/device.c) or it expires.  Like every
 * mfa-enroll verb, the record is replaced whole under the user's lock, so
 * after a crash it holds the old invitation or the new one. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "device.h"
#include "invite.h"
#include "wipe.h"

/* The record holds secrets: on the heap, wiped when freed.  NULL when
 * out of memory. */
static struct mfa_record *
new_record(char *err, size_t errlen)
{
	struct mfa_record	*rec;

	if ((rec = calloc(1, sizeof(*rec))) == NULL)
		seterr(err, errlen, "out of memory");
	return rec;
}

int
device_invite(struct store *st, const char *user, int64_t ttl, int64_t now,
    char code[INVITE_CODE_BUFLEN], int64_t *expires, char *err,
    size_t errlen)
{
	struct mfa_record	*rec = NULL;
	char			 hash[RECORD_HASH_MAX + 1];
	int			 lockfd, r;

	if (ttl <= 0 || ttl > INVITE_TTL_MAX || now < 0)
		return mfa_fail(err, errlen, MFA_ERR_INVALID,
		    "invitation lifetime out of range");
	if (user == NULL || !record_username_ok(user))
		return mfa_fail(err, errlen, MFA_ERR_BADNAME,
		    "invalid user name");
	if ((r = store_lock_user(st, user, &lockfd, err, errlen)) != MFA_OK)
		return r;
	if ((rec = new_record(err, errlen)) == NULL) {
		store_unlock(lockfd);
		return MFA_ERR_NOMEM;
	}
	r = store_load(st, user, rec, err, errlen);
	if (r == MFA_ERR_NOENT) {
		record_init(rec, user);
		r = MFA_OK;
	}
	if (r != MFA_OK)
		goto out;
	/* An invitation stands for a first device only. */
	if (record_has_active(rec)) {
		r = mfa_fail(err, errlen, MFA_ERR_STATE, "user %s already has "
		    "an active MFA device; an invitation is for a first "
		    "device", user);
		goto out;
	}
	if (invite_generate(code, hash) != MFA_OK) {
		r = mfa_fail(err, errlen, MFA_ERR_INTERNAL,
		    "cannot generate an invitation");
		goto out;
	}
	invite_clear(rec);
	memcpy(rec->invite, hash, sizeof(rec->invite));
	rec->invite_expires = now + ttl;
	if ((r = store_save(st, rec, err, errlen)) != MFA_OK)
		OPENSSL_cleanse(code, INVITE_CODE_BUFLEN);
	else
		*expires = rec->invite_expires;
 out:
	OPENSSL_cleanse(hash, sizeof(hash));
	wipe_free(rec, sizeof(*rec));
	store_unlock(lockfd);
	return r;
}

int
device_revoke_invite(struct store *st, const char *user, char *err,
    size_t errlen)
{
	struct mfa_record	*rec = NULL;
	int			 lockfd, r;

	if (user == NULL || !record_username_ok(user))
		return mfa_fail(err, errlen, MFA_ERR_BADNAME,
		    "invalid user name");
	if ((r = store_lock_user(st, user, &lockfd, err, errlen)) != MFA_OK)
		return r;
	if ((rec = new_record(err, errlen)) == NULL) {
		store_unlock(lockfd);
		return MFA_ERR_NOMEM;
	}
	r = store_load(st, user, rec, err, errlen);
	if (r == MFA_OK && rec->invite[0] == '\0')
		r = MFA_ERR_NOENT;
	if (r == MFA_ERR_NOENT)
		r = mfa_fail(err, errlen, MFA_ERR_NOENT, "user %s has no "
		    "invitation", user);
	if (r == MFA_OK) {
		invite_clear(rec);
		r = store_save(st, rec, err, errlen);
	}
	wipe_free(rec, sizeof(*rec));
	store_unlock(lockfd);
	return r;
}
