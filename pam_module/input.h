/* SPDX-License-Identifier: BSD-2-Clause */
/* Getting what the user typed through the conversation, and handing the
 * password part of a split_pass answer on (where to cut is lib/answer's). */
#ifndef AWSMFA_PAM_INPUT_H
#define AWSMFA_PAM_INPUT_H

#include <security/pam_modules.h>

/* One echo-off question.  PAM_SUCCESS with a malloc'd *answer (release it
 * with input_free), or PAM_CONV_ERR when there was no answer. */
int	input_ask(pam_handle_t *pamh, const char *prompt, char **answer);

/* Cleanses and frees a string that may hold a code or a password. */
void	input_free(char *s);

/* Hands the password part to the next module as PAM_AUTHTOK. */
int	input_set_authtok(pam_handle_t *pamh, const char *in, size_t passlen);

#endif
