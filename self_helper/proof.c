/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The proof: the helper's own PAM transaction, service "mfa-enroll"
 * (/etc/pam.d/mfa-enroll: the password module, then pam_awsmfa), as the
 * peer's account, with every prompt and message relayed to the client.
 * The same module judges the code as at a login, in the same store, so a
 * code spent here cannot log in and the reverse, and failures count
 * against the same lockout.
 *
 * For a first device and for resync the device's two consecutive codes,
 * judged by lib/ after this transaction, stand for the second factor:
 * the helper then puts AWSMFA_SELF_PROOF=password-only into its handle's
 * PAM environment and pam_awsmfa asks for no code.  (pam_set_data would
 * say it more plainly, but Linux-PAM refuses it from an application.)
 * That environment is the application's and its modules': no client at
 * a prompt can set it, the shipped stack has no module that copies a
 * user's variables into it (pam_env) before pam_awsmfa, and an
 * application that wished to skip the code could as well not call the
 * module, so it gives nobody a way around the code that they did not
 * have.  The module honours it only in the service mfa-enroll, where
 * this helper is the application.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_appl.h>

#include "self.h"
#include "wipe.h"

/* What pam_awsmfa looks for (pam_awsmfa(8)). */
#define AWSMFA_SELF_ENV		"AWSMFA_SELF_PROOF=password-only"

static void
free_replies(struct pam_response *rs, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		wipe_free_str(rs[i].resp);
	free(rs);
}

static int
relay(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	struct helper		*h = arg;
	struct pam_response	*rs;
	int			 i;

	*resp = NULL;
	if (n <= 0 || n > PAM_MAX_NUM_MSG ||
	    (rs = calloc((size_t)n, sizeof(*rs))) == NULL)
		return PAM_CONV_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			if (ask(h, msg[i]->msg_style == PAM_PROMPT_ECHO_ON,
			    msg[i]->msg, &rs[i].resp) == -1) {
				free_replies(rs, n);
				return PAM_CONV_ERR;
			}
			break;
		case PAM_ERROR_MSG:
			say(h, SELF_ERROR, "%s", msg[i]->msg);
			break;
		case PAM_TEXT_INFO:
			say(h, SELF_INFO, "%s", msg[i]->msg);
			break;
		default:
			free_replies(rs, n);
			return PAM_CONV_ERR;
		}
	}
	*resp = rs;
	return PAM_SUCCESS;
}

int
proof_run(struct helper *h, enum self_proof proof)
{
	struct pam_conv	 conv = { relay, h };
	pam_handle_t	*pamh = NULL;
	int		 rc;

	if (proof == PROOF_NONE)
		return 0;
	if ((rc = pam_start("mfa-enroll", h->user, &conv, &pamh)) !=
	    PAM_SUCCESS) {
		syslog(LOG_ERR, "pam_start: %s", pam_strerror(pamh, rc));
		return -1;
	}
	rc = pam_set_item(pamh, PAM_RUSER, h->user);
	if (rc == PAM_SUCCESS && proof == PROOF_PASSWORD)
		rc = pam_putenv(pamh, AWSMFA_SELF_ENV);
	if (rc == PAM_SUCCESS)
		rc = pam_authenticate(pamh, 0);
	/* An expired or locked account manages nothing. */
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(pamh, 0);
	if (rc != PAM_SUCCESS)
		syslog(LOG_NOTICE, "user %s: self-service %s refused by "
		    "PAM: %s", h->user, selfproto_verb_name(h->req.verb),
		    pam_strerror(pamh, rc));
	pam_end(pamh, rc);
	return rc == PAM_SUCCESS ? 0 : -1;
}

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
