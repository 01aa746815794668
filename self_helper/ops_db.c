/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The verbs on a store that judges the proofs itself (PostgreSQL,
 * sql/self.sql).  This helper holds no lifecycle rights there: its role
 * of awsmfa_self changes a device only with the ticket the database gave
 * for a proof it judged (proof_db), or with the two codes it judges.
 * The prompts and messages are ops.c's, so a user sees the same
 * conversation on either store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <openssl/crypto.h>

#include "self.h"
#include "wipe.h"

#define ENABLE_TRIES	3

/*
 * The code (or recovery code, or invitation) proof_run's password does
 * not cover, judged by the database: it counts the answer before it
 * judges it, spends a code, and gives h->ticket.
 */
int
proof_db(struct helper *h)
{
	char	err[MFA_ERRLEN], *answer;
	int	r;

	if (ask(h, 0, h->nactive > 0 ? "MFA code: " : "Invitation: ",
	    &answer) == -1)
		return -1;
	r = backend_self_prove(&h->be, h->user, answer, strlen(answer),
	    &h->ticket, err, sizeof(err));
	wipe_free_str(answer);
	if (r != MFA_OK && r != MFA_ERR_REFUSED)
		syslog(LOG_ERR, "%s", err);
	else if (r != MFA_OK)
		syslog(LOG_NOTICE, "user %s: self-service %s proof refused: "
		    "%s", h->user, selfproto_verb_name(h->req.verb), err);
	return r == MFA_OK ? 0 : -1;
}

static int
pair_once(struct helper *h, const char *verb, const struct backend_ticket *t,
    char *err, size_t errlen)
{
	char	*c1, *c2;
	int	 r;

	if (ops_two_codes(h, &c1, &c2) == -1)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "no codes "
		    "given");
	r = backend_self_pair(&h->be, h->user, verb, h->req.device, t, c1,
	    c2, err, errlen);
	wipe_free_str(c1);
	wipe_free_str(c2);
	return r;
}

static int
db_create(struct helper *h)
{
	struct backend_ticket	enrol;
	struct mfa_device	d;
	char			err[MFA_ERRLEN], why[MFA_ERRLEN];
	int			i, r;

	if (h->req.device[0] == '\0')
		snprintf(h->req.device, sizeof(h->req.device), "default");
	r = backend_self_create(&h->be, h->user, h->req.device, &h->ticket,
	    &d, &enrol, err, sizeof(err));
	if (r != MFA_OK)
		return ops_done(h, r, err);
	r = ops_show_secret(h, &d, err, sizeof(err));
	OPENSSL_cleanse(&d, sizeof(d));
	if (r == MFA_OK)
		say(h, SELF_INFO, "Enter two consecutive codes from the app "
		    "to enable it.");
	for (i = 0; r == MFA_OK && i < ENABLE_TRIES; i++) {
		r = pair_once(h, "enable", &enrol, err, sizeof(err));
		if (r == MFA_OK) {
			say(h, SELF_INFO, "MFA device %s is enabled.",
			    h->req.device);
			OPENSSL_cleanse(&enrol, sizeof(enrol));
			return ops_done(h, 0, NULL);
		}
		if (r != MFA_ERR_REFUSED)
			break;
		say(h, SELF_ERROR, "%s", err);
		r = MFA_OK;
	}
	snprintf(why, sizeof(why), "MFA device %s was not enabled and is "
	    "removed", h->req.device);
	if (backend_self_abandon(&h->be, h->user, h->req.device, &enrol, err,
	    sizeof(err)) != MFA_OK)
		syslog(LOG_ERR, "user %s: %s", h->user, err);
	OPENSSL_cleanse(&enrol, sizeof(enrol));
	return ops_done(h, MFA_ERR_REFUSED, why);
}

static int
db_pair(struct helper *h, const char *verb, const char *done)
{
	char	err[MFA_ERRLEN];
	int	r;

	r = pair_once(h, verb, &h->ticket, err, sizeof(err));
	if (r == MFA_OK)
		say(h, SELF_INFO, "MFA device %s is %s.", h->req.device, done);
	return ops_done(h, r, err);
}

static int
db_deactivate(struct helper *h)
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
	r = backend_self_deactivate(&h->be, h->user, h->req.device,
	    &h->ticket, err, sizeof(err));
	if (r == MFA_OK)
		say(h, SELF_INFO, "MFA device %s is deactivated.",
		    h->req.device);
	return ops_done(h, r, err);
}

static int
db_recovery(struct helper *h)
{
	char		(*codes)[RECOVERY_CODE_BUFLEN];
	char		  err[MFA_ERRLEN];
	unsigned	  n = h->cfg.recovery_codes;
	int		  r;

	if ((codes = calloc(n, sizeof(*codes))) == NULL)
		return ops_done(h, MFA_ERR_NOMEM, "out of memory");
	r = backend_self_recovery(&h->be, h->user, &h->ticket, n, codes, err,
	    sizeof(err));
	if (r == MFA_OK)
		ops_show_recovery(h, codes, n);
	wipe_free(codes, n * sizeof(*codes));
	return ops_done(h, r, err);
}

int
ops_db_run(struct helper *h)
{
	int	r = -1;

	switch (h->req.verb) {
	case SELF_LIST:
		r = ops_list(h);
		break;
	case SELF_CREATE:
		r = db_create(h);
		break;
	case SELF_ENABLE:
		r = db_pair(h, "enable", "enabled");
		break;
	case SELF_RESYNC:
		r = db_pair(h, "resync", "resynchronised");
		break;
	case SELF_DEACTIVATE:
		r = db_deactivate(h);
		break;
	case SELF_RECOVERY:
		r = db_recovery(h);
		break;
	}
	OPENSSL_cleanse(&h->ticket, sizeof(h->ticket));
	return r;
}
