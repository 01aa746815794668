/* SPDX-License-Identifier: BSD-2-Clause */
/* unlock: an admin ends a user's lockout before its time, on the file
 * store (sql/unlock.sql is the same on PostgreSQL).  The failures an
 * attacker ran up are forgotten with it, so the user gets a fresh set of
 * tries; nothing else of the record changes. */
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "wipe.h"

int
device_unlock(struct store *st, const char *user,
    struct device_unlock_report *rep, char *err, size_t errlen)
{
	struct mfa_record	*rec;
	int			 lockfd, r;

	memset(rep, 0, sizeof(*rep));
	if (user == NULL || !record_username_ok(user))
		return mfa_fail(err, errlen, MFA_ERR_BADNAME,
		    "invalid user name");
	/* The login's lock: a user without a record gets no lock file. */
	r = store_lock_login(st, user, &lockfd, err, errlen);
	if (r == MFA_ERR_NOENT)
		return mfa_fail(err, errlen, MFA_ERR_NOENT, "user %s has no "
		    "MFA record", user);
	if (r != MFA_OK)
		return r;
	/* A record holds secrets: on the heap, wiped when freed. */
	if ((rec = calloc(1, sizeof(*rec))) == NULL) {
		store_unlock(lockfd);
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	}
	r = store_load(st, user, rec, err, errlen);
	if (r == MFA_ERR_NOENT)
		r = mfa_fail(err, errlen, MFA_ERR_NOENT, "user %s has no MFA "
		    "record", user);
	if (r == MFA_OK) {
		rep->failures = rec->failures;
		rep->locked_until = rec->locked_until;
		rec->failures = 0;
		rec->locked_until = 0;
		/* The whole-file write of every mfa-enroll verb: after a
		 * crash the record is the old one or the new one. */
		r = store_save(st, rec, err, errlen);
	}
	wipe_free(rec, sizeof(*rec));
	store_unlock(lockfd);
	return r;
}
