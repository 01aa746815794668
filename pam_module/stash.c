/* SPDX-License-Identifier: BSD-2-Clause */
/* The split-off code between the two pam_awsmfa lines of a split_pass
 * stack.  A stash nobody took when the handle ends after a successful
 * login means the stack has no pam_awsmfa line after the password module:
 * the login then rested on the password alone, which is logged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <openssl/crypto.h>
#include <security/pam_ext.h>

#include "stash.h"

#define STASH_KEY	"pam_awsmfa_split_code"
#define STASH_MAX	63	/* a code or "xxxx-xxxx-xxxx", with room */

struct stash {
	char	code[STASH_MAX + 1];
	int	taken;
};

static void
cleanup(pam_handle_t *pamh, void *data, int status)
{
	struct stash	*s = data;

	if (s == NULL)
		return;
	if (!s->taken && !(status & PAM_DATA_REPLACE) &&
	    (status & ~PAM_DATA_SILENT) == PAM_SUCCESS)
		pam_syslog(pamh, LOG_ERR, "split_pass: the code typed after "
		    "the password was never checked; the stack needs "
		    "\"auth required pam_awsmfa.so\" after the password "
		    "module, see pam_awsmfa(8)");
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

int
stash_put(pam_handle_t *pamh, const char *code, size_t codelen)
{
	struct stash	*s;
	int		 rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return PAM_BUF_ERR;
	/* Longer than any code: keep it, so that it is judged (and
	 * refused) after the password rather than dropped. */
	if (codelen > STASH_MAX)
		codelen = STASH_MAX;
	memcpy(s->code, code, codelen);
	if ((rc = pam_set_data(pamh, STASH_KEY, s, cleanup)) != PAM_SUCCESS)
		cleanup(pamh, s, PAM_DATA_REPLACE);
	return rc;
}

void
stash_drop(pam_handle_t *pamh)
{
	/* libpam calls the old data's cleanup with PAM_DATA_REPLACE. */
	(void)pam_set_data(pamh, STASH_KEY, NULL, NULL);
}

static struct stash *
find(pam_handle_t *pamh)
{
	/* The data is ours and writable; libpam hands it back const. */
	union {
		const void	*c;
		struct stash	*s;
	} u = { NULL };

	if (pam_get_data(pamh, STASH_KEY, &u.c) != PAM_SUCCESS)
		return NULL;
	return u.s;
}

int
stash_take(pam_handle_t *pamh, char **code)
{
	struct stash	*s = find(pamh);

	*code = NULL;
	if (s == NULL || s->taken)
		return 0;
	s->taken = 1;
	*code = strdup(s->code);
	OPENSSL_cleanse(s->code, sizeof(s->code));
	return *code != NULL ? 1 : -1;
}
