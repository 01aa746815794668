/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Self-service's share of the lockout on the file store.  Where
 * awsmfa-self judges a device's two consecutive codes itself (a first
 * device, resync), no login ran, so the lock is checked here and a
 * refused pair counted here, by the login's own rule
 * (verify_count_failure): guesses through the helper and through a
 * login drain one budget.
 */
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "verify.h"
#include "wipe.h"

/* The record under the login's lock, or MFA_ERR_NOENT for a user
 * without one (nothing to lock, nothing to count). */
static int
load_locked(struct store *st, const char *user, int *lockfd,
    struct mfa_record **rec, char *err, size_t errlen)
{
	int	r;

	*rec = NULL;
	if (user == NULL || !record_username_ok(user))
		return mfa_fail(err, errlen, MFA_ERR_BADNAME,
		    "invalid user name");
	if ((r = store_lock_login(st, user, lockfd, err, errlen)) != MFA_OK)
		return r;
	if ((*rec = calloc(1, sizeof(**rec))) == NULL) {
		store_unlock(*lockfd);
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	}
	if ((r = store_load(st, user, *rec, err, errlen)) != MFA_OK) {
		wipe_free(*rec, sizeof(**rec));
		*rec = NULL;
		store_unlock(*lockfd);
	}
	return r;
}

int
device_self_locked(struct store *st, const char *user, int64_t now,
    int64_t *until, char *err, size_t errlen)
{
	struct mfa_record	*rec;
	int			 lockfd, r;

	*until = 0;
	r = load_locked(st, user, &lockfd, &rec, err, errlen);
	if (r == MFA_ERR_NOENT)
		return MFA_OK;
	if (r != MFA_OK || rec == NULL)
		return r != MFA_OK ? r : MFA_ERR_INTERNAL;
	if (rec->locked_until != 0 && now < rec->locked_until)
		*until = rec->locked_until;
	wipe_free(rec, sizeof(*rec));
	store_unlock(lockfd);
	return MFA_OK;
}

int
device_self_failure(struct store *st, const struct awsmfa_config *cfg,
    const char *user, int64_t now, char *err, size_t errlen)
{
	struct mfa_record	*rec;
	int			 lockfd, r;

	r = load_locked(st, user, &lockfd, &rec, err, errlen);
	if (r == MFA_ERR_NOENT)
		return MFA_OK;
	if (r != MFA_OK || rec == NULL)
		return r != MFA_OK ? r : MFA_ERR_INTERNAL;
	/* A lock that ran out gives a fresh set of tries, as at a login. */
	if (rec->locked_until != 0 && now >= rec->locked_until) {
		rec->locked_until = 0;
		rec->failures = 0;
	}
	if (verify_count_failure(rec, cfg, now))
		r = store_save(st, rec, err, errlen);
	wipe_free(rec, sizeof(*rec));
	store_unlock(lockfd);
	return r;
}
