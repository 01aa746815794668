/* SPDX-License-Identifier: BSD-2-Clause */
/* A login for a user with no active device: whether nullok lets the other
 * modules decide, and whether the user is asked for a code all the same,
 * so that the prompt does not tell a stranger who is enrolled or who
 * exists. */
#ifndef AWSMFA_NODEVICE_H
#define AWSMFA_NODEVICE_H

#include "config.h"

enum nodevice_action {
	NODEVICE_IGNORE,	/* nullok: PAM_IGNORE, the others decide */
	NODEVICE_REFUSE,	/* refused; the code was asked already */
	NODEVICE_ASK_REFUSE	/* refused after the prompt anyone gets */
};

/* account is NSS's name for the user (groups are listed under it).
 * asked: the user has answered the prompt already, or a stacked token
 * stood for the answer (use_first_pass).  *reason is for the audit line. */
enum nodevice_action nodevice_decide(const struct awsmfa_config *cfg,
	    const char *account, int nullok, int asked, const char **reason);

#endif
