/* SPDX-License-Identifier: BSD-2-Clause */
/* Picks the engine awsmfa.conf names and hands each operation to it. */
#include <string.h>

#include "backend.h"
#include "errmsg.h"

int
backend_open(struct backend *b, const struct awsmfa_config *cfg, char *err,
    size_t errlen)
{
	memset(b, 0, sizeof(*b));
	b->st.dirfd = -1;
	b->cfg = cfg;
	switch (cfg->store) {
	case STORE_KIND_FILE:
		b->ops = &backend_file_ops;
		break;
	case STORE_KIND_POSTGRESQL:
		b->ops = &backend_pg_ops;
		break;
	default:
		seterr(err, errlen, "unknown store");
		return -1;
	}
	if (b->ops->open(b, err, errlen) != 0) {
		b->ops = NULL;
		return -1;
	}
	return 0;
}

void
backend_close(struct backend *b)
{
	if (b->ops != NULL)
		b->ops->close(b);
	b->ops = NULL;
}

int
backend_may_have_record(struct backend *b, const char *user)
{
	return b->ops->may_have_record(b, user);
}

enum verify_result
backend_peek(struct backend *b, const char *user, unsigned *digits_mask,
    char *err, size_t errlen)
{
	return b->ops->peek(b, user, digits_mask, err, errlen);
}

unsigned
backend_split_len(struct backend *b, const char *user, const char *input,
    size_t inputlen, int64_t now)
{
	return b->ops->split_len(b, user, input, inputlen, now);
}

enum verify_result
backend_login(struct backend *b, const char *user, const char *input,
    size_t inputlen, int flags, int64_t now, struct verify_outcome *out,
    char *err, size_t errlen)
{
	return b->ops->login(b, user, input, inputlen, flags, now, out, err,
	    errlen);
}
