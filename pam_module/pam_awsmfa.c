/* SPDX-License-Identifier: BSD-2-Clause */
/* pam_awsmfa.so: PAM glue only.  It gets the user and what was typed,
 * asks lib/ for the decision and translates it into a PAM return
 * code, an audit line and, for a reused code or a lock, a hint.  Every
 * path that is not an accepted code returns a failure. */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <openssl/crypto.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "answer.h"
#include "args.h"
#include "audit.h"
#include "config.h"
#include "groups.h"
#include "hint.h"
#include "input.h"
#include "nodevice.h"
#include "stash.h"
#include "backend.h"
#include "verify.h"

#define FAIL_DELAY_USEC		2000000
#define AUDIT_LINE_MAX		2048

struct ctx {
	pam_handle_t		*pamh;
	int			 flags;
	struct mfa_args		 args;
	struct awsmfa_config	 cfg;
	struct backend		 be;
	const char		*user;		/* PAM_USER, as sent */
	char			*account;	/* NSS's spelling: the store key */
	const char		*service;
	const char		*rhost;
	const char		*tty;
	int			 be_opened;
	unsigned		 digits_mask;
	char			*given;		/* split_pass's code, else NULL */
};

static int	resolve_account(struct ctx *);

static const char *
item(pam_handle_t *pamh, int type)
{
	const void	*v = NULL;

	if (pam_get_item(pamh, type, &v) != PAM_SUCCESS)
		return NULL;
	return v;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static void
audit(struct ctx *c, int prio, const char *result, const char *reason,
    const char *device)
{
	struct audit_event	ev;
	char			line[AUDIT_LINE_MAX];

	/* Every field on every line ("" when unknown), so that a SIEM
	 * finds each key in the same place; lib/audit caps the values. */
	memset(&ev, 0, sizeof(ev));
	ev.event = "login";
	ev.result = result;
	ev.reason = reason != NULL ? reason : "";
	ev.user = or_empty(c->user);
	ev.device = or_empty(device);
	ev.service = or_empty(c->service);
	ev.rhost = or_empty(c->rhost);
	ev.tty = or_empty(c->tty);
	audit_format(&ev, line, sizeof(line));
	pam_syslog(c->pamh, prio, "%s", line);
}

/* Every prompt: the user may answer late or never, so the store holds
 * nothing (no database connection) while the prompt waits. */
static int
ask(struct ctx *c, char **in)
{
	backend_release(&c->be);
	return input_ask(c->pamh, c->args.prompt, in);
}

/* A user with no active device: lib/nodevice says whether nullok lets
 * the others decide and whether the user gets the prompt anyone gets. */
static int
without_device(struct ctx *c, int asked)
{
	const char		*reason;
	enum nodevice_action	 a;
	char			*in;

	a = nodevice_decide(&c->cfg, c->account, c->args.nullok,
	    asked || c->args.use_first_pass, &reason);
	if (a == NODEVICE_ASK_REFUSE && ask(c, &in) == PAM_SUCCESS)
		input_free(in);
	audit(c, LOG_NOTICE, a == NODEVICE_IGNORE ? "ignored" : "failure",
	    reason, NULL);
	return a == NODEVICE_IGNORE ? PAM_IGNORE : PAM_AUTH_ERR;
}

/*
 * Tells the person at the prompt why a code was refused when that helps
 * them in: a code already used, a lock and until when.  Every documented
 * stack ends on a wrong password before this module runs, so whoever
 * reads this passed the first factor (pam_awsmfa(8)); split_pass's first
 * line judges nothing and never gets here.
 */
static void
hint(struct ctx *c, const struct verify_outcome *o)
{
	char	msg[128];

	if ((c->flags & PAM_SILENT) ||
	    !login_hint(o, (int64_t)time(NULL), msg, sizeof(msg)))
		return;
	if (o->result == VERIFY_REUSED)
		pam_info(c->pamh, "%s", msg);
	else
		pam_error(c->pamh, "%s", msg);
}

/* After a login on an invitation: the user came to enrol, and the
 * invitation ends with their first device. */
static void
enrol_now(struct ctx *c)
{
	if (!(c->flags & PAM_SILENT))
		pam_info(c->pamh, "%s", "Logged in with an invitation. Set up "
		    "your authenticator now: mfa-enroll create");
}

static int
map_result(struct ctx *c, const struct verify_outcome *o, const char *err)
{
	switch (o->result) {
	case VERIFY_OK:
	case VERIFY_RECOVERY_OK:
		audit(c, LOG_INFO, "success", o->reason, o->device);
		return PAM_SUCCESS;
	case VERIFY_INVITE_OK:
		audit(c, LOG_NOTICE, "success", o->reason, NULL);
		enrol_now(c);
		return PAM_SUCCESS;
	case VERIFY_BAD:
	case VERIFY_REUSED:
	case VERIFY_MALFORMED:
		audit(c, LOG_NOTICE, "failure", o->reason, o->device);
		hint(c, o);
		return PAM_AUTH_ERR;
	case VERIFY_LOCKED:
		audit(c, LOG_NOTICE, "locked", o->reason, NULL);
		hint(c, o);
		return PAM_MAXTRIES;
	case VERIFY_NODEVICE:
		return without_device(c, 1);
	case VERIFY_ERROR:
		break;
	}
	audit(c, LOG_ERR, "error", err != NULL && *err != '\0' ? err :
	    o->reason, NULL);
	return PAM_AUTHINFO_UNAVAIL;
}

/* One attempt through lib/verify: the decision, its audit line and the
 * PAM return code. */
static int
attempt(struct ctx *c, const char *input, size_t len)
{
	struct verify_outcome	o;
	char			err[MFA_ERRLEN] = "";
	int			rc;

	if (resolve_account(c) != 0)
		return PAM_AUTHINFO_UNAVAIL;
	backend_login(&c->be, c->account, input, len, 0, (int64_t)time(NULL),
	    &o, err, sizeof(err));
	rc = map_result(c, &o, err);
	if (c->args.debug)
		pam_syslog(c->pamh, LOG_DEBUG, "verify: %s",
		    verify_result_name(o.result));
	return rc;
}

/* try_first_pass: the token may be the password of the module before, so
 * only an accepted code (or an error) is a result; a miss is not counted,
 * not logged as a failure and shows no lock message.  PAM_IGNORE then
 * means "ask". */
static int
attempt_try(struct ctx *c, const char *input, size_t len)
{
	struct verify_outcome	o;
	char			err[MFA_ERRLEN] = "";

	if (resolve_account(c) != 0)
		return PAM_AUTHINFO_UNAVAIL;
	backend_login(&c->be, c->account, input, len, BACKEND_TRY,
	    (int64_t)time(NULL), &o, err, sizeof(err));
	if (c->args.debug)
		pam_syslog(c->pamh, LOG_DEBUG, "try: %s",
		    verify_result_name(o.result));
	switch (o.result) {
	case VERIFY_OK:
	case VERIFY_RECOVERY_OK:
	case VERIFY_INVITE_OK:
	case VERIFY_ERROR:
		return map_result(c, &o, err);
	default:
		return PAM_IGNORE;
	}
}

static int
no_answer(struct ctx *c)
{
	audit(c, LOG_NOTICE, "failure", "no answer", NULL);
	return PAM_AUTH_ERR;
}

static int
ask_and_attempt(struct ctx *c)
{
	char	*in;
	int	 rc;

	if (ask(c, &in) != PAM_SUCCESS)
		return no_answer(c);
	rc = attempt(c, in, strlen(in));
	input_free(in);
	return rc;
}

static int
first_pass(struct ctx *c)
{
	const char	*tok = c->given != NULL ? c->given :
			    item(c->pamh, PAM_AUTHTOK);
	int		 rc;

	if (c->args.use_first_pass) {
		if (tok == NULL) {
			audit(c, LOG_NOTICE, "failure", "no stacked token",
			    NULL);
			return PAM_AUTH_ERR;
		}
		return attempt(c, tok, strlen(tok));
	}
	/* try_first_pass: as pam_unix, prompt when the token fails. */
	/* A token that cannot be a code is the password of the module
	 * before: never tested. */
	if (tok != NULL && answer_could_be_code(tok, c->digits_mask)) {
		rc = attempt_try(c, tok, strlen(tok));
		if (rc != PAM_IGNORE)
			return rc;
	}
	return ask_and_attempt(c);
}

/*
 * split_pass, the line before the password module: one prompt for
 * everyone, the password handed on as PAM_AUTHTOK, the code kept for the
 * pam_awsmfa line after the password module.  Nothing is judged, counted
 * or written here, and the answer is the same for every user, so that a
 * client without the password changes nothing and learns nothing about
 * enrolment.  PAM_IGNORE leaves the decision to the lines that follow
 * (never PAM_SUCCESS: a stack without them must not pass on this line).
 */
static int
split_pass(struct ctx *c)
{
	char	*in;
	size_t	 pl;
	int	 rc;

	/* A code kept by an earlier attempt on this handle is not this
	 * one's, even when this one gets no answer. */
	stash_drop(c->pamh);
	if (ask(c, &in) != PAM_SUCCESS)
		return no_answer(c);
	pl = answer_split(in, c->digits_mask);
	rc = stash_put(c->pamh, in + pl, strlen(in) - pl);
	if (rc == PAM_SUCCESS)
		rc = input_set_authtok(c->pamh, in, pl);
	input_free(in);
	if (rc != PAM_SUCCESS) {
		audit(c, LOG_ERR, "error", "cannot hand on the password",
		    NULL);
		return PAM_AUTHINFO_UNAVAIL;
	}
	return PAM_IGNORE;
}

/* The pam_awsmfa line after the password module of a split_pass stack
 * takes the code from the stash as if it were a stacked token:
 * use_first_pass, never a prompt. */
static int
take_stash(struct ctx *c)
{
	int	r;

	if ((r = stash_take(c->pamh, &c->given)) == -1) {
		audit(c, LOG_ERR, "error", "out of memory", NULL);
		return -1;
	}
	if (r == 1) {
		c->args.use_first_pass = 1;
		c->args.try_first_pass = 0;
	}
	return 0;
}

static int
open_config_and_store(struct ctx *c)
{
	char	err[MFA_ERRLEN];

	if (config_load(c->args.conf, &c->cfg, err, sizeof(err)) != 0) {
		audit(c, LOG_ERR, "error", err, NULL);
		return -1;
	}
	if (backend_open(&c->be, &c->cfg, 0, err, sizeof(err)) != 0) {
		audit(c, LOG_ERR, "error", err, NULL);
		return -1;
	}
	c->be_opened = 1;
	return 0;
}

/* resolve_account's answer, from NSS first when the store is a round
 * trip away: NSS (warm in sshd and sudo, which looked the user up before
 * PAM) mostly spells the name as typed, and then both spellings are one
 * key and the store need not be asked.  A name NSS spells otherwise, or
 * an NSS failure, asks "a record under the name as typed?", and a store
 * that cannot tell fails the login: taking the typed name then would
 * make "ALICE" a user without a device, which nullok lets through. */
static int
resolve_account_remote(struct ctx *c)
{
	char	*canon = NULL;
	int	 r, has;

	r = groups_canonical_user(c->user, &canon);
	if (r == -1 || (r == 0 && strcmp(canon, c->user) != 0))
		has = backend_may_have_record(&c->be, c->user);
	else
		has = 1;	/* one spelling, or a name NSS does not know */
	if (has == -1 || (has == 0 && r == -1)) {
		free(canon);
		audit(c, LOG_ERR, "error", has == -1 ? "store lookup failed" :
		    "user lookup failed", NULL);
		return -1;
	}
	if (has == 1) {
		free(canon);
		canon = NULL;
	}
	c->account = canon != NULL ? canon : strdup(c->user);
	if (c->account == NULL) {
		audit(c, LOG_ERR, "error", "out of memory", NULL);
		return -1;
	}
	return 0;
}

/* The store key.  A record under the name as typed is used as it is: it
 * asks for a device whatever NSS says, and on the file store an enrolled
 * user's login needs no NSS lookup.  Otherwise the account's own name (NSS's pw_name) is
 * used: were the key only what the client typed, "ALICE" on a
 * case-insensitive NSS backend would be an account without a device,
 * which nullok lets through, and outside the groups that NSS lists under
 * "alice".  Once per login, when first needed: the stack that asks
 * everyone reads nothing before its prompt. */
static int
resolve_account(struct ctx *c)
{
	char	*canon = NULL;
	int	 r;

	if (c->account != NULL)
		return 0;
	if (backend_lookup_is_remote(&c->be))
		return resolve_account_remote(c);
	if (!backend_may_have_record(&c->be, c->user)) {
		r = groups_canonical_user(c->user, &canon);
		if (r == -1) {
			audit(c, LOG_ERR, "error", "user lookup failed", NULL);
			return -1;
		}
		/* With no record under either spelling the canonical name
		 * still is the account: require_groups looks up its groups,
		 * which NSS lists under that name only. */
		if (canon != NULL) {
			c->account = canon;
			return 0;
		}
	}
	if ((c->account = strdup(c->user)) == NULL) {
		audit(c, LOG_ERR, "error", "out of memory", NULL);
		return -1;
	}
	return 0;
}

/*
 * awsmfa-self's own transaction for a first device or a resync, where
 * the device's two consecutive codes, which the helper judges after this
 * stack, are the second factor: it says so in the PAM environment and no
 * code is asked here.  Only in the service mfa-enroll, where awsmfa-self
 * is the application; the environment is the application's and its
 * modules', never a client's, and an application that wanted no code
 * could leave this module out altogether (awsmfa-self(8)).
 */
static int
self_password_only(struct ctx *c)
{
	const char	*v = pam_getenv(c->pamh, "AWSMFA_SELF_PROOF");

	return v != NULL && strcmp(v, "password-only") == 0 &&
	    c->service != NULL && strcmp(c->service, "mfa-enroll") == 0;
}

static int
authenticate(struct ctx *c)
{
	char			err[MFA_ERRLEN];
	enum verify_result	r;

	if (self_password_only(c)) {
		audit(c, LOG_INFO, "ignored", "self-service: the device's "
		    "codes are judged by awsmfa-self", NULL);
		return PAM_IGNORE;
	}

	if (!c->args.split_pass && take_stash(c) != 0)
		return PAM_BUF_ERR;
	if (open_config_and_store(c) != 0)
		return PAM_AUTHINFO_UNAVAIL;
	/* Without nullok every user is asked and verify_login tells a user
	 * without a device apart: the reads before the prompt are only
	 * needed to skip the prompt (nullok) or to know the code lengths.
	 * Otherwise the account is looked up after the prompt, so that the
	 * login connects to the database once, when the code is there. */
	if (!c->args.nullok && !c->args.split_pass &&
	    !c->args.try_first_pass)
		return c->args.use_first_pass ? first_pass(c) :
		    ask_and_attempt(c);
	if (resolve_account(c) != 0)
		return PAM_AUTHINFO_UNAVAIL;
	r = backend_peek(&c->be, c->account, (int64_t)time(NULL),
	    &c->digits_mask, err, sizeof(err));
	if (c->args.debug)
		pam_syslog(c->pamh, LOG_DEBUG, "peek: %s",
		    verify_result_name(r));
	if (r == VERIFY_ERROR) {
		audit(c, LOG_ERR, "error", err, NULL);
		return PAM_AUTHINFO_UNAVAIL;
	}
	if (c->args.split_pass)
		return split_pass(c);
	if (r != VERIFY_OK)
		return without_device(c, 0);
	if (c->args.use_first_pass || c->args.try_first_pass)
		return first_pass(c);
	return ask_and_attempt(c);
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct ctx	*c;
	int		 rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return PAM_BUF_ERR;
	c->pamh = pamh;
	c->flags = flags;
	/* calloc left cfg empty, which config_free accepts; config_load
	 * fills it. */
	if (args_parse(pamh, argc, argv, &c->args) != 0) {
		free(c);
		return PAM_SERVICE_ERR;
	}
	if (c->args.debug)
		pam_syslog(pamh, LOG_DEBUG, "pam_awsmfa " PACKAGE_VERSION);
	/* libpam only waits when the whole stack fails. */
	pam_fail_delay(pamh, FAIL_DELAY_USEC);
	c->service = item(pamh, PAM_SERVICE);
	c->rhost = item(pamh, PAM_RHOST);
	c->tty = item(pamh, PAM_TTY);
	if (pam_get_user(pamh, &c->user, NULL) != PAM_SUCCESS ||
	    c->user == NULL || *c->user == '\0') {
		c->user = NULL;
		audit(c, LOG_NOTICE, "failure", "no user name", NULL);
		rc = PAM_USER_UNKNOWN;
	} else
		rc = authenticate(c);
	/* The emergency path must never pass unnoticed. */
	if (c->be_opened && backend_fell_back(&c->be))
		audit(c, LOG_ALERT, "break-glass", "database unreachable: "
		    "checked against the local file store", NULL);
	if (c->be_opened)
		backend_close(&c->be);
	config_free(&c->cfg);
	free(c->account);
	input_free(c->given);
	free(c);
	return rc;
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
