/* SPDX-License-Identifier: BSD-2-Clause */
/* store-pgsql.so's one entry point: the PostgreSQL engine's tables for
 * the loader in store_plugin.c.  Everything else the plugin holds is
 * local to it (the link exports this symbol alone). */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "backend_pg.h"
#include "db_admin.h"
#include "db_migrate.h"
#include "db_schema.h"
#include "mfaerr.h"
#include "store_plugin.h"

static int
fleet_connect(struct db_conn **c, const char *conninfo, char *err,
    size_t errlen)
{
	int	r;

	if ((*c = calloc(1, sizeof(**c))) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	if ((r = db_admin_connect(*c, conninfo, err, errlen)) != MFA_OK) {
		free(*c);
		*c = NULL;
	}
	return r;
}

static void
fleet_close(struct db_conn *c)
{
	if (c == NULL)
		return;
	db_close(c);
	free(c);
}

static const struct store_fleet_ops fleet_ops = {
	.key_path_ok = db_schema_key_path_ok,
	.connect = fleet_connect,
	.close = fleet_close,
	.db_init = db_schema_install,
	.migrate = db_migrate,
};

static const struct store_plugin plugin = {
	.version = STORE_PLUGIN_VERSION,
	.backend_size = sizeof(struct backend),
	.config_size = sizeof(struct awsmfa_config),
	.store_size = sizeof(struct store),
	.login = &backend_pg_ops,
	.admin = &backend_pg_admin_ops,
	.fleet = &fleet_ops,
	.self = &backend_pg_self_ops,
	.conninfo_check = db_admin_conninfo_ok,
};

const struct store_plugin *
awsmfa_store_plugin_v1(void)
{
	return &plugin;
}
