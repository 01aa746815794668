/* SPDX-License-Identifier: BSD-2-Clause */
/* db-init: the fleet store's schema (sql/awsmfa.sql, built into the
 * program by scripts/sql2c.sh) installed or upgraded in place, in one
 * transaction, by a superuser. */
#ifndef AWSMFA_DB_SCHEMA_H
#define AWSMFA_DB_SCHEMA_H

#include <stddef.h>

#include "config.h"
#include "db_call.h"
#include "fleet.h"

/* The version sql/tables.sql writes into awsmfa.meta. */
#define DB_SCHEMA_VERSION	1

/* sql/awsmfa.sql without psql's lines; the line "@KEY_FUNCTION@" stands
 * where awsmfa.key() is made from the key file's path. */
extern const char db_schema_sql[];

/* MFA_ERR_INVALID when key_file cannot name the key: it must be an
 * absolute path (the server reads it, not this program) without control
 * characters or '$'. */
int	db_schema_key_path_ok(const char *key_file, char *err, size_t errlen);

/* Installs or upgrades the schema in the database c is connected to,
 * with awsmfa.key() reading key_file on the server.  Refused, with
 * nothing changed, when the role is not a superuser, the database holds
 * a newer schema, the key file does not hold 32 bytes in hex, or it does
 * not open the secrets already stored.  With policy, the fleet-wide
 * window, resync window, lockout and max_devices are set from it in the
 * same transaction (NULL keeps the database's).  MFA_OK and info, or a
 * code and err. */
int	db_schema_install(struct db_conn *c, const char *key_file,
	    const struct awsmfa_config *policy, struct db_schema_info *info,
	    char *err, size_t errlen);

#endif
