/* SPDX-License-Identifier: BSD-2-Clause */
/* The conversation with the user, kept apart from the decision. */
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "input.h"
#include "wipe.h"

int
input_ask(pam_handle_t *pamh, const char *prompt, char **answer)
{
	char	*resp = NULL;
	int	 rc;

	*answer = NULL;
	rc = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &resp, "%s", prompt);
	if (rc != PAM_SUCCESS || resp == NULL) {
		input_free(resp);
		return PAM_CONV_ERR;
	}
	*answer = resp;
	return PAM_SUCCESS;
}

void
input_free(char *s)
{
	wipe_free_str(s);
}

int
input_set_authtok(pam_handle_t *pamh, const char *in, size_t passlen)
{
	char	*pass;
	int	 rc;

	if ((pass = strndup(in, passlen)) == NULL)
		return PAM_BUF_ERR;
	/* libpam keeps its own copy. */
	rc = pam_set_item(pamh, PAM_AUTHTOK, pass);
	input_free(pass);
	return rc;
}
