/* SPDX-License-Identifier: BSD-2-Clause */
/* The module's arguments, parsed in one place. */
#ifndef AWSMFA_PAM_ARGS_H
#define AWSMFA_PAM_ARGS_H

#include <security/pam_modules.h>

#define ARGS_DEFAULT_PROMPT		"MFA code: "
#define ARGS_DEFAULT_FORWARD_PROMPT	"Password and MFA code: "

struct mfa_args {
	const char	*conf;		/* conf=FILE, absolute */
	const char	*prompt;	/* prompt=TEXT or the default */
	int		 nullok;
	int		 debug;
	int		 split_pass;	/* line 1 of a one-prompt stack */
	int		 try_first_pass;
	int		 use_first_pass;
};

/* Fills a from argv.  An unknown or malformed argument, or a contradictory
 * combination, is logged and gives -1: the caller fails closed. */
int	args_parse(pam_handle_t *pamh, int argc, const char **argv,
	    struct mfa_args *a);

#endif
