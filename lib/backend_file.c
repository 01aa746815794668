/* SPDX-License-Identifier: BSD-2-Clause */
/* The file store behind lib/backend.h: lib/store for the files and
 * lib/verify for every decision. */
#include "backend.h"

static int
file_open(struct backend *b, char *err, size_t errlen)
{
	return store_open(&b->st, b->cfg->store_dir, err, errlen) ==
	    STORE_OK ? 0 : -1;
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
	return r != STORE_NOENT && r != STORE_BADNAME;
}

static enum verify_result
file_peek(struct backend *b, const char *user, unsigned *digits_mask,
    char *err, size_t errlen)
{
	return verify_peek(&b->st, user, digits_mask, err, errlen);
}

static unsigned
file_split_len(struct backend *b, const char *user, const char *input,
    size_t inputlen, int64_t now)
{
	return verify_split_len(&b->st, b->cfg, user, input, inputlen, now);
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
	file_open, file_close, file_may_have_record, file_peek,
	file_split_len, file_login
};
