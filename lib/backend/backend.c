/* SPDX-License-Identifier: BSD-2-Clause */
/* Picks the engine awsmfa.conf names and hands each of a login's
 * operations to it; PostgreSQL's comes from the plugin, loaded here and
 * only here. */
#include <string.h>

#include "backend.h"
#include "mfaerr.h"
#include "store_plugin.h"

/* "FILE:LINE: " before a message about a key of the config. */
static int
config_fail(const struct awsmfa_config *cfg, unsigned line, const char *key,
    const char *why, char *err, size_t errlen)
{
	if (line == 0)
		return mfa_fail(err, errlen, MFA_ERR_CONFIG, "%s: %s%s%s%s",
		    cfg->source, key != NULL ? "key '" : "",
		    key != NULL ? key : "", key != NULL ? "': " : "", why);
	return mfa_fail(err, errlen, MFA_ERR_CONFIG, "%s:%u: %s%s%s%s",
	    cfg->source, line, key != NULL ? "key '" : "",
	    key != NULL ? key : "", key != NULL ? "': " : "", why);
}

/*
 * The conninfos are libpq's syntax, so libpq (in the plugin) checks them
 * when the PostgreSQL store opens, and a file store's login never loads
 * libpq for keys it does not use.  One that holds a password is refused:
 * the config says how to connect, not with what secret (a passfile or a
 * client certificate holds that).
 */
static int
check_conninfos(const struct store_plugin *p, const struct awsmfa_config *cfg,
    char *err, size_t errlen)
{
	const struct {
		const char	*key, *v;
		unsigned	 line;
	} c[] = {
		{ "db_conninfo", cfg->db_conninfo, cfg->db_conninfo_line },
		{ "db_admin_conninfo", cfg->db_admin_conninfo,
		    cfg->db_admin_conninfo_line },
		{ "db_self_conninfo", cfg->db_self_conninfo,
		    cfg->db_self_conninfo_line },
	};
	char	why[MFA_ERRLEN];
	size_t	i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (c[i].v[0] != '\0' && p->conninfo_check(c[i].v, why,
		    sizeof(why)) != MFA_OK)
			return config_fail(cfg, c[i].line, c[i].key, why, err,
			    errlen);
	return MFA_OK;
}

static int
load_plugin(struct backend *b, const struct awsmfa_config *cfg, char *err,
    size_t errlen)
{
	char	why[MFA_ERRLEN];
	int	r;

	if (store_plugin_load(&b->dl, &b->plugin, why, sizeof(why)) != MFA_OK)
		return config_fail(cfg, cfg->store_line, NULL, why, err,
		    errlen);
	if ((r = check_conninfos(b->plugin, cfg, err, errlen)) != MFA_OK) {
		store_plugin_unload(b->dl);
		b->dl = NULL;
		b->plugin = NULL;
	}
	return r;
}

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
		if ((r = load_plugin(b, cfg, err, errlen)) != MFA_OK)
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

int
backend_lookup_is_remote(const struct backend *b)
{
	return b->cfg->store != STORE_KIND_FILE;
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
