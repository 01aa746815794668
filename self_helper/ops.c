/* SPDX-License-Identifier: BSD-2-Clause */
/* The verbs of self-service once the user has passed the proof, on the
 * peer's own account only: the conversation, the same on both stores;
 * the store's calls are calls.c's. */
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

static int
done(struct helper *h, int r, const char *err)
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

static int
do_list(struct helper *h)
{
	char	err[MFA_ERRLEN];
	int	r;

	say(h, SELF_INFO, "MFA devices of %s:", h->user);
	r = call_list(h, list_row, h, err, sizeof(err));
	return r == MFA_OK ? 0 : done(h, r, err);
}

/* Two codes: from the request, else asked for. */
static int
two_codes(struct helper *h, char **c1, char **c2)
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

/* Two codes, then the store's judgement of them. */
static int
pair_once(struct helper *h, int resync, char *err, size_t errlen)
{
	char	*c1, *c2;
	int	 r;

	if (two_codes(h, &c1, &c2) == -1)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "no codes "
		    "given");
	r = call_pair(h, resync, c1, c2, err, errlen);
	wipe_free_str(c1);
	wipe_free_str(c2);
	return r;
}

static int
do_enable(struct helper *h)
{
	char	err[MFA_ERRLEN];
	int	r;

	r = pair_once(h, 0, err, sizeof(err));
	if (r == MFA_OK)
		say(h, SELF_INFO, "MFA device %s is enabled.", h->req.device);
	return done(h, r, err);
}

/* The secret goes to the peer alone, over its connection: the URI for
 * the client to draw, the grouped base32 for typing. */
static int
show_secret(struct helper *h, const struct mfa_device *d, char *err,
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
	r = call_create(h, &d, err, sizeof(err));
	if (r != MFA_OK)
		return done(h, r, err);
	r = show_secret(h, &d, err, sizeof(err));
	OPENSSL_cleanse(&d, sizeof(d));
	if (r == MFA_OK)
		say(h, SELF_INFO, "Enter two consecutive codes from the app "
		    "to enable it.");
	for (i = 0; r == MFA_OK && i < ENABLE_TRIES; i++) {
		r = pair_once(h, 0, err, sizeof(err));
		if (r == MFA_OK) {
			say(h, SELF_INFO, "MFA device %s is enabled.",
			    h->req.device);
			return done(h, 0, NULL);
		}
		if (r == MFA_ERR_INVALID && strcmp(err, "no codes given") ==
		    0)
			break;
		say(h, SELF_ERROR, "%s", err);
		r = MFA_OK;
	}
	snprintf(why, sizeof(why), "MFA device %s was not enabled and is "
	    "removed", h->req.device);
	call_abandon(h);
	return done(h, MFA_ERR_REFUSED, why);
}

static int
do_resync(struct helper *h)
{
	char	err[MFA_ERRLEN];
	int	r;

	r = pair_once(h, 1, err, sizeof(err));
	if (r == MFA_OK)
		say(h, SELF_INFO, "MFA device %s is resynchronised.",
		    h->req.device);
	return done(h, r, err);
}

/* The last device: what follows is said before it happens. */
static int
confirmed(struct helper *h)
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
		return done(h, MFA_ERR_NOENT, "you have no MFA device of "
		    "that name");
	if (self_is_last(h->req.verb, h->nactive, h->dev_active) &&
	    !confirmed(h))
		return done(h, MFA_ERR_REFUSED, "not confirmed: nothing "
		    "changed");
	r = call_deactivate(h, err, sizeof(err));
	if (r == MFA_OK)
		say(h, SELF_INFO, "MFA device %s is deactivated.",
		    h->req.device);
	return done(h, r, err);
}

static int
do_recovery(struct helper *h)
{
	char		(*codes)[RECOVERY_CODE_BUFLEN];
	char		  err[MFA_ERRLEN];
	unsigned	  i, n = h->cfg.recovery_codes;
	int		  r;

	if ((codes = calloc(n, sizeof(*codes))) == NULL)
		return done(h, MFA_ERR_NOMEM, "out of memory");
	r = call_recovery(h, n, codes, err, sizeof(err));
	if (r == MFA_OK) {
		say(h, SELF_INFO, "Your new recovery codes, each good for "
		    "one login; the old ones no longer work:");
		for (i = 0; i < n; i++)
			say(h, SELF_INFO, "  %s", codes[i]);
	}
	wipe_free(codes, n * sizeof(*codes));
	return done(h, r, err);
}

int
ops_run(struct helper *h)
{
	int	r = -1;

	switch (h->req.verb) {
	case SELF_LIST:
		r = do_list(h);
		break;
	case SELF_CREATE:
		r = do_create(h);
		break;
	case SELF_ENABLE:
		r = do_enable(h);
		break;
	case SELF_RESYNC:
		r = do_resync(h);
		break;
	case SELF_DEACTIVATE:
		r = do_deactivate(h);
		break;
	case SELF_RECOVERY:
		r = do_recovery(h);
		break;
	}
	/* The database's tickets are good for minutes: not in memory
	 * longer than the verb. */
	OPENSSL_cleanse(&h->ticket, sizeof(h->ticket));
	OPENSSL_cleanse(&h->enrol, sizeof(h->enrol));
	return r;
}
