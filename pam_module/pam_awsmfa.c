/* SPDX-License-Identifier: BSD-2-Clause */
/* pam_awsmfa.so: PAM glue only.  It gets the user and what was typed,
 * asks lib/verify for the decision and translates it into a PAM return
 * code, an audit line and, when locked out, a message.  Every path that is
 * not an accepted code returns a failure. */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <openssl/crypto.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "args.h"
#include "audit.h"
#include "config.h"
#include "groups.h"
#include "input.h"
#include "otp.h"
#include "recovery.h"
#include "store.h"
#include "verify.h"

#define FAIL_DELAY_USEC		2000000
#define LOCKED_MSG		"Account temporarily locked"
#define AUDIT_LINE_MAX		2048

struct ctx {
	pam_handle_t		*pamh;
	int			 flags;
	struct mfa_args		 args;
	struct awsmfa_config	 cfg;
	struct store		 st;
	const char		*user;		/* PAM_USER, as sent */
	char			*account;	/* NSS's spelling: the store key */
	const char		*service;
	const char		*rhost;
	const char		*tty;
	int			 store_opened;
	unsigned		 digits_mask;
};

static const char *
item(pam_handle_t *pamh, int type)
{
	const void	*v = NULL;

	if (pam_get_item(pamh, type, &v) != PAM_SUCCESS)
		return NULL;
	return v;
}

static void
audit(struct ctx *c, int prio, const char *result, const char *reason,
    const char *device)
{
	struct audit_event	ev;
	char			line[AUDIT_LINE_MAX];

	memset(&ev, 0, sizeof(ev));
	ev.event = "login";
	ev.result = result;
	ev.reason = reason;
	ev.user = c->user;
	ev.device = device != NULL && *device != '\0' ? device : NULL;
	ev.service = c->service;
	ev.rhost = c->rhost;
	ev.tty = c->tty;
	audit_format(&ev, line, sizeof(line));
	pam_syslog(c->pamh, prio, "%s", line);
}

/* Policy for a user with no active device: nullok lets other modules
 * decide, except for members of require_groups. */
static int
nodevice_rc(struct ctx *c, const char **reason)
{
	if (groups_required(&c->cfg, c->account)) {
		*reason = "no active device (required group)";
		return PAM_AUTH_ERR;
	}
	*reason = "no active device";
	return c->args.nullok ? PAM_IGNORE : PAM_AUTH_ERR;
}

static int
map_result(struct ctx *c, const struct verify_outcome *o, const char *err)
{
	const char	*reason;
	int		 rc;

	switch (o->result) {
	case VERIFY_OK:
	case VERIFY_RECOVERY_OK:
		audit(c, LOG_INFO, "success", o->reason, o->device);
		return PAM_SUCCESS;
	case VERIFY_BAD:
	case VERIFY_REUSED:
	case VERIFY_MALFORMED:
		audit(c, LOG_NOTICE, "failure", o->reason, o->device);
		return PAM_AUTH_ERR;
	case VERIFY_LOCKED:
		audit(c, LOG_NOTICE, "locked", o->reason, NULL);
		if (!(c->flags & PAM_SILENT))
			pam_error(c->pamh, "%s", LOCKED_MSG);
		return PAM_MAXTRIES;
	case VERIFY_NODEVICE:
		rc = nodevice_rc(c, &reason);
		audit(c, LOG_NOTICE, rc == PAM_IGNORE ? "ignored" : "failure",
		    reason, NULL);
		return rc;
	case VERIFY_ERROR:
		break;
	}
	audit(c, LOG_ERR, "error", err != NULL && *err != '\0' ? err :
	    o->reason, NULL);
	return PAM_AUTHINFO_UNAVAIL;
}

/* One attempt through lib/verify: the decision, its audit line and the
 * PAM return code.  With `trailing` (forward_pass) the code is at the end
 * of the input and *codelen receives its length. */
static int
attempt_with(struct ctx *c, const char *input, size_t len, int trailing,
    size_t *codelen)
{
	struct verify_outcome	o;
	char			err[STORE_ERRLEN];
	int			rc;

	if (trailing)
		verify_login_trailing(&c->st, &c->cfg, c->account, input, len,
		    (int64_t)time(NULL), &o, err, sizeof(err));
	else
		verify_login(&c->st, &c->cfg, c->account, input, len,
		    (int64_t)time(NULL), &o, err, sizeof(err));
	if (codelen != NULL)
		*codelen = o.codelen;
	rc = map_result(c, &o, err);
	if (c->args.debug)
		pam_syslog(c->pamh, LOG_DEBUG, "verify: %s",
		    verify_result_name(o.result));
	return rc;
}

static int
attempt(struct ctx *c, const char *input, size_t len)
{
	return attempt_with(c, input, len, 0, NULL);
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

	if (input_ask(c->pamh, c->args.prompt, &in) != PAM_SUCCESS)
		return no_answer(c);
	rc = attempt(c, in, strlen(in));
	input_free(in);
	return rc;
}

/* Whether a stacked token could be meant for us at all: try_first_pass
 * must not burn a failure on the password of the module before. */
static int
looks_like_code(const struct ctx *c, const char *tok)
{
	char		buf[RECOVERY_CODE_BUFLEN];	/* fits a code too */
	unsigned	d;
	int		yes = 0;

	for (d = OTP_MIN_DIGITS; d <= OTP_MAX_DIGITS && !yes; d++) {
		if ((c->digits_mask & (1U << d)) &&
		    otp_parse_code(tok, strlen(tok), d, buf) == 0)
			yes = 1;
	}
	if (!yes && recovery_normalize(tok, strlen(tok), buf) == 0)
		yes = 1;
	OPENSSL_cleanse(buf, sizeof(buf));
	return yes;
}

static int
first_pass(struct ctx *c)
{
	const char	*tok = item(c->pamh, PAM_AUTHTOK);
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
	if (tok != NULL && looks_like_code(c, tok)) {
		rc = attempt(c, tok, strlen(tok));
		if (rc != PAM_AUTH_ERR)
			return rc;
	}
	return ask_and_attempt(c);
}

/* forward_pass: "password" + code in one answer.  The code is the last N
 * digits, N being the length of one of the user's devices' codes (lib/verify
 * tries each, as one attempt), or a trailing "xxxx-xxxx-xxxx" recovery
 * code.  The password goes to the next module whatever the outcome, so
 * that the stack behaves the same for a wrong code. */
static int
forward_attempts(struct ctx *c, const char *in, size_t *passlen)
{
	size_t	 pl, len = strlen(in), codelen = 0;
	int	 rc;

	if (input_split_recovery(in, &pl) == 0) {
		*passlen = pl;
		return attempt(c, in + pl, len - pl);
	}
	rc = attempt_with(c, in, len, 1, &codelen);
	*passlen = len - (codelen <= len ? codelen : 0);
	return rc;
}

static int
forward_pass(struct ctx *c, int have_device)
{
	const char	*reason;
	char		*in;
	size_t		 passlen;
	int		 rc, trc;

	if (input_ask(c->pamh, c->args.prompt, &in) != PAM_SUCCESS)
		return no_answer(c);
	if (have_device)
		rc = forward_attempts(c, in, &passlen);
	else {
		passlen = strlen(in);
		rc = nodevice_rc(c, &reason);
		audit(c, LOG_NOTICE, rc == PAM_IGNORE ? "ignored" : "failure",
		    reason, NULL);
	}
	trc = input_set_authtok(c->pamh, in, passlen);
	input_free(in);
	if (trc != PAM_SUCCESS && rc == PAM_SUCCESS)
		rc = PAM_AUTHINFO_UNAVAIL;
	return rc;
}

/* Without a device the user is still asked, unless nullok lets the user
 * through, so that the prompt does not tell who is enrolled or exists. */
static int
without_device(struct ctx *c)
{
	const char	*reason;
	char		*in;
	int		 rc;

	rc = nodevice_rc(c, &reason);
	if (rc != PAM_IGNORE && !c->args.use_first_pass &&
	    input_ask(c->pamh, c->args.prompt, &in) == PAM_SUCCESS)
		input_free(in);
	audit(c, LOG_NOTICE, rc == PAM_IGNORE ? "ignored" : "failure", reason,
	    NULL);
	return rc;
}

static int
open_config_and_store(struct ctx *c)
{
	char	err[CONFIG_ERRLEN > STORE_ERRLEN ? CONFIG_ERRLEN : STORE_ERRLEN];

	if (config_load(c->args.conf, &c->cfg, err, sizeof(err)) != 0) {
		audit(c, LOG_ERR, "error", err, NULL);
		return -1;
	}
	if (store_open(&c->st, c->cfg.store_dir, err, sizeof(err)) !=
	    STORE_OK) {
		audit(c, LOG_ERR, "error", err, NULL);
		return -1;
	}
	c->store_opened = 1;
	return 0;
}

/* Whether user may have a record: anything but "no such record" (an
 * existing record, or an error for verify to judge) counts. */
static int
may_have_record(struct ctx *c, const char *user)
{
	char	 err[STORE_ERRLEN];
	int	 r;

	r = store_record_exists(&c->st, user, err, sizeof(err));
	return r != STORE_NOENT && r != STORE_BADNAME;
}

/* The store key.  A record under the name as typed is used as it is: it
 * asks for a device whatever NSS says, and an enrolled user's login needs
 * no NSS lookup.  Otherwise the account's own name (NSS's pw_name) is
 * tried: were the key only what the client typed, "ALICE" on a
 * case-insensitive NSS backend would be an account without a device,
 * which nullok lets through. */
static int
resolve_account(struct ctx *c)
{
	char	*canon = NULL;
	int	 r;

	if (!may_have_record(c, c->user)) {
		r = groups_canonical_user(c->user, &canon);
		if (r == -1) {
			audit(c, LOG_ERR, "error", "user lookup failed", NULL);
			return -1;
		}
		if (canon != NULL && strcmp(canon, c->user) != 0 &&
		    may_have_record(c, canon)) {
			c->account = canon;
			return 0;
		}
		free(canon);
	}
	if ((c->account = strdup(c->user)) == NULL) {
		audit(c, LOG_ERR, "error", "out of memory", NULL);
		return -1;
	}
	return 0;
}

static int
authenticate(struct ctx *c)
{
	char			err[STORE_ERRLEN];
	enum verify_result	r;

	if (open_config_and_store(c) != 0 || resolve_account(c) != 0)
		return PAM_AUTHINFO_UNAVAIL;
	/* Without nullok every user is asked and verify_login tells a user
	 * without a device apart: the read before the prompt is only needed
	 * to skip the prompt (nullok) or to know the code lengths. */
	if (!c->args.nullok && !c->args.forward_pass &&
	    !c->args.try_first_pass)
		return c->args.use_first_pass ? first_pass(c) :
		    ask_and_attempt(c);
	r = verify_peek(&c->st, c->account, &c->digits_mask, err,
	    sizeof(err));
	if (c->args.debug)
		pam_syslog(c->pamh, LOG_DEBUG, "peek: %s",
		    verify_result_name(r));
	if (r == VERIFY_ERROR) {
		audit(c, LOG_ERR, "error", err, NULL);
		return PAM_AUTHINFO_UNAVAIL;
	}
	if (c->args.forward_pass)
		return forward_pass(c, r == VERIFY_OK);
	if (r != VERIFY_OK)
		return without_device(c);
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
	if (c->store_opened)
		store_close(&c->st);
	config_free(&c->cfg);
	free(c->account);
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
