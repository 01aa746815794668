/* SPDX-License-Identifier: BSD-2-Clause */
/* The file store behind lib/backend.h, a login's side: lib/store for
 * the files, lib/verify for every decision.  The lifecycle is in
 * backend_file_admin.c. */
#include "backend.h"
#include "verify_store.h"

static int
file_open(struct backend *b, char *err, size_t errlen)
{
	int	r;

	if (b->flags & BACKEND_CREATE)
		r = store_create(&b->st, b->cfg->store_dir, err, errlen);
	else
		r = store_open(&b->st, b->cfg->store_dir, err, errlen);
	return r == MFA_OK ? 0 : -1;
}

static const char *
file_where(const struct backend *b)
{
	return b->st.dir;
}

static void
file_close(struct backend *b)
{
	store_close(&b->st);
}

static int
file_may_have_record(struct backend *b, const char *user)
{
	int	r;

	r = store_record_exists(&b->st, user, NULL, 0);
	return r != MFA_ERR_NOENT && r != MFA_ERR_BADNAME;
}

static enum verify_result
file_peek(struct backend *b, const char *user, int64_t now,
    unsigned *digits_mask, char *err, size_t errlen)
{
	return verify_peek(&b->st, user, now, digits_mask, err, errlen);
}

static enum verify_result
file_login(struct backend *b, const char *user, const char *input,
    size_t inputlen, int flags, int64_t now, struct verify_outcome *out,
    char *err, size_t errlen)
{
	if (flags & BACKEND_TRY)
		return verify_login_try(&b->st, b->cfg, user, input,
		    inputlen, now, out, err, errlen);
	return verify_login(&b->st, b->cfg, user, input, inputlen, now, out,
	    err, errlen);
}

const struct backend_ops backend_file_ops = {
	.open = file_open,
	.where = file_where,
	.close = file_close,
	.may_have_record = file_may_have_record,
	.peek = file_peek,
	.login = file_login,
};
