/* SPDX-License-Identifier: BSD-2-Clause */
/* Picks the engine awsmfa.conf names and hands each of a login's
 * operations to it; PostgreSQL's comes from the plugin, loaded here and
 * only here. */
#include <string.h>

#include "backend.h"
#include "mfaerr.h"
#include "store_plugin.h"

int
backend_open(struct backend *b, const struct awsmfa_config *cfg, int flags,
    char *err, size_t errlen)
{
	int	r;

	memset(b, 0, sizeof(*b));
	b->st.dirfd = -1;
	b->cfg = cfg;
	b->flags = flags;
	switch (cfg->store) {
	case STORE_KIND_FILE:
		b->ops = &backend_file_ops;
		break;
	case STORE_KIND_POSTGRESQL:
		if ((r = store_plugin_load(&b->dl, &b->plugin, err,
		    errlen)) != MFA_OK)
			return r;
		b->ops = b->plugin->login;
		break;
	default:
		return mfa_fail(err, errlen, MFA_ERR_CONFIG, "unknown store");
	}
	/* A store that did not open has nothing to close, but the plugin
	 * is let go. */
	if ((r = b->ops->open(b, err, errlen)) != MFA_OK) {
		b->ops = NULL;
		backend_close(b);
	}
	return r;
}

void
backend_close(struct backend *b)
{
	if (b->ops != NULL)
		b->ops->close(b);
	b->ops = NULL;
	store_plugin_unload(b->dl);
	b->dl = NULL;
	b->plugin = NULL;
}

void
backend_release(struct backend *b)
{
	if (b->ops != NULL && b->ops->release != NULL)
		b->ops->release(b);
}

int
backend_may_have_record(struct backend *b, const char *user)
{
	return b->ops->may_have_record(b, user);
}

enum verify_result
backend_peek(struct backend *b, const char *user, int64_t now,
    unsigned *digits_mask,
    char *err, size_t errlen)
{
	return b->ops->peek(b, user, now, digits_mask, err, errlen);
}

enum verify_result
backend_login(struct backend *b, const char *user, const char *input,
    size_t inputlen, int flags, int64_t now, struct verify_outcome *out,
    char *err, size_t errlen)
{
	return b->ops->login(b, user, input, inputlen, flags, now, out, err,
	    errlen);
}

const char *
backend_where(const struct backend *b)
{
	return b->ops->where(b);
}

int
backend_fell_back(const struct backend *b)
{
	return b->fell_back;
}
