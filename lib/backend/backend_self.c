/* SPDX-License-Identifier: BSD-2-Clause */
/* Self-service's calls on the store interface.  Only the file store
 * has them: on PostgreSQL the proofs must be checked inside the
 * database (issue 20 part 4), so there they refuse. */
#include "backend_admin.h"
#include "store_plugin.h"

static int
file_only(const struct backend *b, char *err, size_t errlen)
{
	if (b->plugin == NULL)
		return MFA_OK;
	return mfa_fail(err, errlen, MFA_ERR_STATE, "self-service is not "
	    "available on the PostgreSQL store yet");
}

int
backend_self_locked(struct backend *b, const char *user, int64_t now,
    int64_t *until, char *err, size_t errlen)
{
	int	r;

	*until = 0;
	if ((r = file_only(b, err, errlen)) != MFA_OK)
		return r;
	return device_self_locked(&b->st, user, now, until, err, errlen);
}

int
backend_self_failure(struct backend *b, const char *user, int64_t now,
    char *err, size_t errlen)
{
	int	r;

	if ((r = file_only(b, err, errlen)) != MFA_OK)
		return r;
	return device_self_failure(&b->st, b->cfg, user, now, err, errlen);
}
