/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store's calls for each verb, one place for both stores.  On files
 * the helper is root and calls the lifecycle, pam_awsmfa having judged
 * the code, and a pair of codes that does not prove the device counts as
 * a login's miss (lib/filestore/device_self.c).  On PostgreSQL its role
 * of awsmfa_self changes nothing without the ticket the database gave
 * for a proof it judged itself (proof.c's proof_db), and the database
 * counts every pair before it judges it (sql/self.sql).
 */
#include <syslog.h>
#include <time.h>

#include <openssl/crypto.h>

#include "self.h"

int
call_list(struct helper *h, backend_row_fn *fn, void *arg, char *err,
    size_t errlen)
{
	if (h->in_db)
		return backend_self_list(&h->be, h->user, fn, arg, err,
		    errlen);
	return backend_list(&h->be, h->user, (int64_t)time(NULL), fn, arg,
	    err, errlen);
}

/* A user's own device is a phone app's: time-based.  Counter tokens are
 * hardware an admin assigns (import-tokens). */
int
call_create(struct helper *h, struct mfa_device *d, char *err,
    size_t errlen)
{
	if (h->in_db)
		return backend_self_create(&h->be, h->user, h->req.device,
		    &h->ticket, d, &h->enrol, err, errlen);
	return backend_create(&h->be, h->user, h->req.device, OTP_TOTP,
	    (int64_t)time(NULL), d, err, errlen);
}

static void
count_refused(struct helper *h, int r)
{
	char	err[MFA_ERRLEN];

	if (r == MFA_ERR_REFUSED && backend_self_failure(&h->be, h->user,
	    (int64_t)time(NULL), err, sizeof(err)) != MFA_OK)
		syslog(LOG_ERR, "%s", err);
}

int
call_pair(struct helper *h, int resync, const char *c1, const char *c2,
    char *err, size_t errlen)
{
	struct device_resync_report	rep;
	const struct backend_ticket	*t;
	int				 r;

	if (h->in_db) {
		/* Create's own ticket for its device, else the proof's;
		 * resync's codes are the proof. */
		t = resync ? NULL : h->enrol.t[0] != '\0' ? &h->enrol :
		    &h->ticket;
		return backend_self_pair(&h->be, h->user, resync ? "resync" :
		    "enable", h->req.device, t, c1, c2, err, errlen);
	}
	if (resync)
		r = backend_resync(&h->be, h->user, h->req.device, c1, c2,
		    (int64_t)time(NULL), &rep, err, errlen);
	else
		r = backend_enable(&h->be, h->user, h->req.device, c1, c2,
		    (int64_t)time(NULL), err, errlen);
	count_refused(h, r);
	return r;
}

/* The device create made and the user did not enable. */
void
call_abandon(struct helper *h)
{
	char	err[MFA_ERRLEN];
	int	r;

	if (h->in_db)
		r = backend_self_abandon(&h->be, h->user, h->req.device,
		    &h->enrol, err, sizeof(err));
	else
		r = backend_deactivate(&h->be, h->user, h->req.device, err,
		    sizeof(err));
	if (r != MFA_OK)
		syslog(LOG_ERR, "user %s: %s", h->user, err);
}

int
call_deactivate(struct helper *h, char *err, size_t errlen)
{
	if (h->in_db)
		return backend_self_deactivate(&h->be, h->user,
		    h->req.device, &h->ticket, err, errlen);
	return backend_deactivate(&h->be, h->user, h->req.device, err,
	    errlen);
}

int
call_recovery(struct helper *h, unsigned n,
    char (*codes)[RECOVERY_CODE_BUFLEN], char *err, size_t errlen)
{
	if (h->in_db)
		return backend_self_recovery(&h->be, h->user, &h->ticket, n,
		    codes, err, errlen);
	return backend_recovery_codes(&h->be, h->user, n, codes, err,
	    errlen);
}
