/* SPDX-License-Identifier: BSD-2-Clause */
/* Argument parsing for pam_awsmfa.so.  A typo in /etc/pam.d must not
 * silently weaken the module, so anything unknown is an error. */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "args.h"
#include "config.h"

static int
flag(const char *arg, const char *name, int *out)
{
	if (strcmp(arg, name) != 0)
		return 0;
	*out = 1;
	return 1;
}

static int
value(const char *arg, const char *name, const char **out)
{
	size_t	n = strlen(name);

	if (strncmp(arg, name, n) != 0 || arg[n] != '=')
		return 0;
	*out = arg + n + 1;
	return 1;
}

static int
check(pam_handle_t *pamh, const struct mfa_args *a)
{
	if (a->conf[0] != '/') {
		pam_syslog(pamh, LOG_ERR, "conf= needs an absolute path: %s",
		    a->conf);
		return -1;
	}
	if (a->split_pass && (a->try_first_pass || a->use_first_pass)) {
		pam_syslog(pamh, LOG_ERR, "split_pass cannot be combined "
		    "with try_first_pass or use_first_pass");
		return -1;
	}
	if (a->try_first_pass && a->use_first_pass) {
		pam_syslog(pamh, LOG_ERR, "try_first_pass and use_first_pass "
		    "exclude each other");
		return -1;
	}
	return 0;
}

int
args_parse(pam_handle_t *pamh, int argc, const char **argv,
    struct mfa_args *a)
{
	const char	*prompt = NULL;
	int		 i;

	memset(a, 0, sizeof(*a));
	a->conf = AWSMFA_DEFAULT_CONF;
	for (i = 0; i < argc; i++) {
		if (argv[i] == NULL)
			continue;
		/* forward_pass judged the code before the password module:
		 * a stack still written for it must not log anyone in on
		 * the password alone, so it fails, loudly. */
		if (strcmp(argv[i], "forward_pass") == 0) {
			pam_syslog(pamh, LOG_ERR, "forward_pass is gone: use "
			    "split_pass before the password module and a "
			    "second pam_awsmfa line after it, see "
			    "pam_awsmfa(8)");
			return -1;
		}
		if (flag(argv[i], "nullok", &a->nullok) ||
		    flag(argv[i], "debug", &a->debug) ||
		    flag(argv[i], "split_pass", &a->split_pass) ||
		    flag(argv[i], "try_first_pass", &a->try_first_pass) ||
		    flag(argv[i], "use_first_pass", &a->use_first_pass) ||
		    value(argv[i], "conf", &a->conf) ||
		    value(argv[i], "prompt", &prompt))
			continue;
		pam_syslog(pamh, LOG_ERR, "unknown argument: %s", argv[i]);
		return -1;
	}
	if (prompt != NULL)
		a->prompt = prompt;
	else if (a->split_pass)
		a->prompt = ARGS_DEFAULT_FORWARD_PROMPT;
	else
		a->prompt = ARGS_DEFAULT_PROMPT;
	return check(pamh, a);
}
