/* SPDX-License-Identifier: BSD-2-Clause */
/* The fleet's keys of awsmfa.conf: which store, and how the module and
 * mfa-enroll reach PostgreSQL.  A conninfo is parsed by libpq itself, so
 * a mistake is reported where the admin made it, and one that holds a
 * password is refused: the config says how to connect, not with what
 * secret (a passfile or a client certificate holds that). */
#include <string.h>

#include "config_keys.h"
#include "store_plugin.h"

int
config_parse_store(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	const char	*v;

	(void)k;
	if ((v = string_value(s, ctx)) == NULL)
		return MFA_ERR_CONFIG;
	if (strcmp(v, "file") == 0)
		cfg->store = STORE_KIND_FILE;
	else if (strcmp(v, "postgresql") == 0)
		cfg->store = STORE_KIND_POSTGRESQL;
	else
		return setting_err(ctx, s, "must be \"file\" or \"postgresql\"");
	return MFA_OK;
}

int
config_parse_conninfo(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	const char	*v;
	char		*field = (char *)cfg + k->off;
	size_t		 n;

	if ((v = string_value(s, ctx)) == NULL)
		return MFA_ERR_CONFIG;
	if ((n = strlen(v)) >= CONFIG_CONNINFO_MAX)
		return key_err(ctx, k->name, config_setting_source_line(s),
		    "longer than %d bytes", CONFIG_CONNINFO_MAX - 1);
	memcpy(field, v, n + 1);
	return MFA_OK;
}

/* One conninfo key through the plugin's parser, when it is set. */
static int
check_conninfo(const config_setting_t *root, const char *name,
    const char *v, const struct store_plugin *p, const struct ctx *ctx)
{
	const config_setting_t	*s;
	char			 why[256];

	if (*v == '\0' || p->conninfo_check(v, why, sizeof(why)) == MFA_OK)
		return MFA_OK;
	s = config_setting_get_member(root, name);
	return key_err(ctx, name, s != NULL ? config_setting_source_line(s) :
	    0, "%s", why);
}

/*
 * The conninfos are libpq's syntax, so libpq (in the plugin) checks
 * them, once every key is read and only when store = "postgresql": a
 * file store's login loads no libpq for keys it never uses.  mfa-enroll
 * checks a conninfo again when it connects (db_admin_connect).
 */
int
config_check_db(const config_setting_t *root, const struct awsmfa_config *cfg,
    const struct ctx *ctx)
{
	const struct store_plugin	*p;
	const config_setting_t		*s;
	void				*dl;
	char				 why[MFA_ERRLEN];
	int				 r;

	if (cfg->store != STORE_KIND_POSTGRESQL)
		return MFA_OK;
	if (store_plugin_load(&dl, &p, why, sizeof(why)) != MFA_OK) {
		s = config_setting_get_member(root, "store");
		return config_err(ctx, s != NULL ?
		    config_setting_source_line(s) : 0, "%s", why);
	}
	if ((r = check_conninfo(root, "db_conninfo", cfg->db_conninfo, p,
	    ctx)) == MFA_OK)
		r = check_conninfo(root, "db_admin_conninfo",
		    cfg->db_admin_conninfo, p, ctx);
	store_plugin_unload(dl);
	return r;
}

/* Accounts named here are the only ones a login may take to the local
 * file store when the database cannot be reached (backend_pg.c). */
int
config_parse_break_glass(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	const config_setting_t	*e;
	const char		*v;
	unsigned		 line;
	int			 i, n, type = config_setting_type(s);

	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return setting_err(ctx, s, "expected an array or list of "
		    "user names");
	if ((n = config_setting_length(s)) > CONFIG_MAX_BREAK_GLASS)
		return key_err(ctx, k->name, config_setting_source_line(s),
		    "more than %d users", CONFIG_MAX_BREAK_GLASS);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		line = config_setting_source_line(e);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return key_err(ctx, k->name, line, "element %d is not "
			    "a string", i + 1);
		v = config_setting_get_string(e);
		if (*v == '\0' || strlen(v) > CONFIG_USER_MAX)
			return key_err(ctx, k->name, line, "element %d is not "
			    "a user name", i + 1);
		memcpy(cfg->db_break_glass[cfg->nbreak_glass++], v,
		    strlen(v) + 1);
	}
	return MFA_OK;
}

int
config_break_glass(const struct awsmfa_config *cfg, const char *user)
{
	size_t	i;

	for (i = 0; user != NULL && i < cfg->nbreak_glass; i++)
		if (strcmp(cfg->db_break_glass[i], user) == 0)
			return 1;
	return 0;
}
