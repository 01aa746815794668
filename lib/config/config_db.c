/* SPDX-License-Identifier: BSD-2-Clause */
/* The fleet's keys of awsmfa.conf: which store, and how the module and
 * mfa-enroll reach PostgreSQL.  A conninfo is libpq's syntax: the store
 * checks it when it opens (lib/backend.c), with the line read here, so a
 * mistake is still reported where the admin made it. */
#include <stddef.h>
#include <string.h>

#include "config_keys.h"

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
	cfg->store_line = (unsigned)config_setting_source_line(s);
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
	if (k->off == offsetof(struct awsmfa_config, db_conninfo))
		cfg->db_conninfo_line = (unsigned)config_setting_source_line(s);
	else if (k->off == offsetof(struct awsmfa_config, db_admin_conninfo))
		cfg->db_admin_conninfo_line =
		    (unsigned)config_setting_source_line(s);
	else
		cfg->db_self_conninfo_line =
		    (unsigned)config_setting_source_line(s);
	return MFA_OK;
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
