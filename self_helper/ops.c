/* SPDX-License-Identifier: BSD-2-Clause */
/* The verbs of self-service once the user has passed the proof: the
 * same lib/ calls as mfa-enroll's, on the peer's own account only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <openssl/crypto.h>

#include "base32.h"
#include "self.h"
#include "uri.h"
#include "wipe.h"

#define ENABLE_TRIES	3

static void
when(int64_t t, char buf[32])
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "-");
}

int
ops_done(struct helper *h, int r, const char *err)
{
	self_audit(h, r == 0 ? "success" : "failure", r == 0 ? NULL : err);
	if (r != 0)
		say(h, SELF_ERROR, "%s", err);
	return r == 0 ? 0 : -1;
}

static void
list_row(void *arg, const struct backend_row *row)
{
	struct helper	*h = arg;
	char		 en[32], used[32];

	if (row->user == NULL || strcmp(row->user, h->user) != 0)
		return;
	if (row->device == NULL) {
		say(h, SELF_INFO, "an invitation from your administrator "
		    "(%s)", row->status);
		return;
	}
	when(row->enabled, en);
	when(row->last_used, used);
	say(h, SELF_INFO, "%-16s %-8s %-8s enabled %s, last used %s",
	    row->device, row->hardware ? "hardware" : "virtual", row->status,
	    en, used);
}

int
ops_list(struct helper *h)
{
	char	err[MFA_ERRLEN];
	int	r;

	say(h, SELF_INFO, "MFA devices of %s:", h->user);
	r = h->in_db ? backend_self_list(&h->be, h->user, list_row, h, err,
	    sizeof(err)) : backend_list(&h->be, h->user, (int64_t)time(NULL),
	    list_row, h, err, sizeof(err));
	return r == MFA_OK ? 0 : ops_done(h, r, err);
}

/* Two codes: from the request, else asked for. */
int
ops_two_codes(struct helper *h, char **c1, char **c2)
{
	*c1 = *c2 = NULL;
	if (h->req.code1[0] != '\0' && h->req.code2[0] != '\0') {
		*c1 = strdup(h->req.code1);
		*c2 = strdup(h->req.code2);
	} else if (ask(h, 1, "First code: ", c1) == 0)
		(void)ask(h, 1, "Next code: ", c2);
	OPENSSL_cleanse(h->req.code1, sizeof(h->req.code1));
	OPENSSL_cleanse(h->req.code2, sizeof(h->req.code2));
	if (*c1 != NULL && *c2 != NULL)
		return 0;
	wipe_free_str(*c1);
	wipe_free_str(*c2);
	*c1 = *c2 = NULL;
	return -1;
}

/* A pair that does not prove the device counts against the lockout as
 * a wrong code at a login does (lib/device_self.c). */
static void
count_refused(struct helper *h, int r)
{
	char	err[MFA_ERRLEN];

	if (r == MFA_ERR_REFUSED && backend_self_failure(&h->be, h->user,
	    (int64_t)time(NULL), err, sizeof(err)) != MFA_OK)
		syslog(LOG_ERR, "%s", err);
}

static int
enable_once(struct helper *h, char *err, size_t errlen)
{
	char	*c1, *c2;
	int	 r;

	if (ops_two_codes(h, &c1, &c2) == -1)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "no codes "
		    "given");
	r = backend_enable(&h->be, h->user, h->req.device, c1, c2,
	    (int64_t)time(NULL), err, errlen);
	wipe_free_str(c1);
	wipe_free_str(c2);
	count_refused(h, r);
	return r;
}

static int
do_enable(struct helper *h)
{
	char	err[MFA_ERRLEN];
	int	r;

	r = enable_once(h, err, sizeof(err));
	if (r == MFA_OK)
		say(h, SELF_INFO, "MFA device %s is enabled.", h->req.device);
	return ops_done(h, r, err);
}

/* The secret goes to the peer alone, over its connection: the URI for
 * the client to draw, the grouped base32 for typing. */
int
ops_show_secret(struct helper *h, const struct mfa_device *d, char *err,
    size_t errlen)
{
	char	grouped[2 * OTP_SECRET_MAX * 8 / 5 + 16], *uri;
	int	r;

	uri = uri_build(h->cfg.issuer, h->user, d->secret, d->secret_len,
	    d->alg, d->digits, d->period);
	if (uri == NULL)
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "cannot build "
		    "the otpauth URI");
	r = selfproto_write(h->fd, SELF_URI, uri, strlen(uri), err, errlen);
	wipe_free_str(uri);
	if (r != MFA_OK)
		return r;
	if (base32_encode_grouped(d->secret, d->secret_len, grouped,
	    sizeof(grouped)) == 0)
		say(h, SELF_INFO, "Secret: %s\nType: TOTP, %s, %u digits, "
		    "every %u seconds", grouped, otp_alg_name(d->alg),
		    d->digits, d->period);
	OPENSSL_cleanse(grouped, sizeof(grouped));
	return MFA_OK;
}

/*
 * create: the pending device, its secret shown, then two codes to
 * enable it, in one request.  A device that was not enabled here is
 * removed again: the user never proved they copied it.
 */
static int
do_create(struct helper *h)
{
	struct mfa_device	d;
	char			err[MFA_ERRLEN], why[MFA_ERRLEN];
	int			i, r;

	if (h->req.device[0] == '\0')
		snprintf(h->req.device, sizeof(h->req.device), "default");
	/* A user's own device is a phone app's: time-based.  Counter
	 * tokens are hardware an admin assigns (import-tokens). */
	r = backend_create(&h->be, h->user, h->req.device, OTP_TOTP,
	    (int64_t)time(NULL), &d, err, sizeof(err));
	if (r != MFA_OK)
		return ops_done(h, r, err);
	r = ops_show_secret(h, &d, err, sizeof(err));
	OPENSSL_cleanse(&d, sizeof(d));
	if (r == MFA_OK)
		say(h, SELF_INFO, "Enter two consecutive codes from the app "
		    "to enable it.");
	for (i = 0; r == MFA_OK && i < ENABLE_TRIES; i++) {
		r = enable_once(h, err, sizeof(err));
		if (r == MFA_OK) {
			say(h, SELF_INFO, "MFA device %s is enabled.",
			    h->req.device);
			return ops_done(h, 0, NULL);
		}
		if (r == MFA_ERR_INVALID && strcmp(err, "no codes given") ==
		    0)
			break;
		say(h, SELF_ERROR, "%s", err);
		r = MFA_OK;
	}
	snprintf(why, sizeof(why), "MFA device %s was not enabled and is "
	    "removed", h->req.device);
	(void)backend_deactivate(&h->be, h->user, h->req.device, err,
	    sizeof(err));
	return ops_done(h, MFA_ERR_REFUSED, why);
}

static int
do_resync(struct helper *h)
{
	struct device_resync_report	rep;
	char				err[MFA_ERRLEN], *c1, *c2;
	int				r;

	if (ops_two_codes(h, &c1, &c2) == -1)
		return ops_done(h, MFA_ERR_INVALID, "no codes given");
	r = backend_resync(&h->be, h->user, h->req.device, c1, c2,
	    (int64_t)time(NULL), &rep, err, sizeof(err));
	wipe_free_str(c1);
	wipe_free_str(c2);
	count_refused(h, r);
	if (r == MFA_OK)
		say(h, SELF_INFO, "MFA device %s is resynchronised.",
		    h->req.device);
	return ops_done(h, r, err);
}

/* The last device: what follows is said before it happens. */
int
ops_confirmed(struct helper *h)
{
	char	*a;
	int	 yes;

	say(h, SELF_INFO, "%s is your last active MFA device.  Without it, "
	    "where logins use nullok your password alone logs you in; "
	    "everywhere else you cannot log in until your administrator "
	    "gives you a new invitation or device.", h->req.device);
	if (ask(h, 1, "Type yes to deactivate it: ", &a) == -1)
		return 0;
	yes = strcmp(a, "yes") == 0;
	wipe_free_str(a);
	return yes;
}

static int
do_deactivate(struct helper *h)
{
	char	err[MFA_ERRLEN];
	int	r;

	if (!h->dev_exists)
		return ops_done(h, MFA_ERR_NOENT, "you have no MFA device of "
		    "that name");
	if (self_is_last(h->req.verb, h->nactive, h->dev_active) &&
	    !ops_confirmed(h))
		return ops_done(h, MFA_ERR_REFUSED, "not confirmed: nothing "
		    "changed");
	r = backend_deactivate(&h->be, h->user, h->req.device, err,
	    sizeof(err));
	if (r == MFA_OK)
		say(h, SELF_INFO, "MFA device %s is deactivated.",
		    h->req.device);
	return ops_done(h, r, err);
}

void
ops_show_recovery(struct helper *h, char (*codes)[RECOVERY_CODE_BUFLEN],
    unsigned n)
{
	unsigned	i;

	say(h, SELF_INFO, "Your new recovery codes, each good for one login; "
	    "the old ones no longer work:");
	for (i = 0; i < n; i++)
		say(h, SELF_INFO, "  %s", codes[i]);
}

static int
do_recovery(struct helper *h)
{
	char		(*codes)[RECOVERY_CODE_BUFLEN];
	char		  err[MFA_ERRLEN];
	unsigned	  n = h->cfg.recovery_codes;
	int		  r;

	if ((codes = calloc(n, sizeof(*codes))) == NULL)
		return ops_done(h, MFA_ERR_NOMEM, "out of memory");
	r = backend_recovery_codes(&h->be, h->user, n, codes, err,
	    sizeof(err));
	if (r == MFA_OK)
		ops_show_recovery(h, codes, n);
	wipe_free(codes, n * sizeof(*codes));
	return ops_done(h, r, err);
}

int
ops_run(struct helper *h)
{
	if (h->in_db)
		return ops_db_run(h);
	switch (h->req.verb) {
	case SELF_LIST:
		return ops_list(h);
	case SELF_CREATE:
		return do_create(h);
	case SELF_ENABLE:
		return do_enable(h);
	case SELF_RESYNC:
		return do_resync(h);
	case SELF_DEACTIVATE:
		return do_deactivate(h);
	case SELF_RECOVERY:
		return do_recovery(h);
	}
	return -1;
}
