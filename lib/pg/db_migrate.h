/* SPDX-License-Identifier: BSD-2-Clause */
/* migrate: a file store copied into the fleet store (sql/migrate.sql),
 * all or nothing, and read back before it is committed. */
#ifndef AWSMFA_DB_MIGRATE_H
#define AWSMFA_DB_MIGRATE_H

#include <stddef.h>

#include "db_call.h"
#include "fleet.h"
#include "store.h"

/* Copies every record of st (devices with their secrets and whole state,
 * failures and lock, recovery hashes) and the inventory (a token is
 * assigned when the inventory names a user whose record holds it, as
 * store_token_held says) into the database c is connected to as a role
 * of awsmfa_admin, in one transaction; reads the copy back through
 * awsmfa.list_devices and awsmfa.list_tokens and commits only when it
 * matches.  The inventory lock is held throughout, so no enable or
 * deactivate moves a token meanwhile.  Refused when the database holds
 * one of the users or tokens already.  Secrets go only as parameters of
 * the calls.  MFA_OK and the counts; or a code and err with nothing
 * copied, c closed. */
int	db_migrate(struct db_conn *c, struct store *st,
	    struct migrate_counts *n, char *err, size_t errlen);

#endif
