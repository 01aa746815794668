/* SPDX-License-Identifier: BSD-2-Clause */
/* Test driver for tests/faults: one pam_authenticate through the real
 * libpam, the service read from a folder with pam_start_confdir and not
 * through pam_wrapper, so that a run killed at any instant leaves nothing
 * behind in /tmp, and no fail delay.
 *
 *   pamlogin CONFDIR USER ANSWER
 *
 * Every prompt is answered with ANSWER; prints "prompt: TEXT" per prompt
 * and "result: PAM_..." at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

static int
conv(int num, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	struct pam_response *r;
	int i;

	if (num <= 0 || (r = calloc((size_t)num, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < num; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		printf("prompt: %s\n", msg[i]->msg);
		if ((r[i].resp = strdup(data)) == NULL) {
			while (i-- > 0)
				free(r[i].resp);
			free(r);
			return PAM_BUF_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

static void
no_delay(int status, unsigned delay, void *data)
{
	(void)status;
	(void)delay;
	(void)data;
}

static const char *
result_name(int rc)
{
	switch (rc) {
	case PAM_SUCCESS:		return "PAM_SUCCESS";
	case PAM_AUTH_ERR:		return "PAM_AUTH_ERR";
	case PAM_MAXTRIES:		return "PAM_MAXTRIES";
	case PAM_IGNORE:		return "PAM_IGNORE";
	case PAM_AUTHINFO_UNAVAIL:	return "PAM_AUTHINFO_UNAVAIL";
	case PAM_USER_UNKNOWN:		return "PAM_USER_UNKNOWN";
	default:			return "PAM_OTHER";
	}
}

int
main(int argc, char **argv)
{
	struct pam_conv pc = { conv, NULL };
	pam_handle_t *pamh = NULL;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: pamlogin CONFDIR USER ANSWER\n");
		return 2;
	}
	pc.appdata_ptr = argv[3];
	rc = pam_start_confdir("mfa", argv[2], &pc, argv[1], &pamh);
	if (rc != PAM_SUCCESS) {
		printf("result: pam_start %s\n", result_name(rc));
		return 1;
	}
	pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)no_delay);
	rc = pam_authenticate(pamh, 0);
	printf("result: %s\n", result_name(rc));
	fflush(stdout);
	pam_end(pamh, rc);
	return 0;
}
