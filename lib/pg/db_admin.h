/* SPDX-License-Identifier: BSD-2-Clause */
/* mfa-enroll's connection to the fleet store for db-init and migrate: an
 * admin's work, where a statement may take longer than a login's budget
 * (a schema, a whole file store), but still never blocks without end. */
#ifndef AWSMFA_DB_ADMIN_H
#define AWSMFA_DB_ADMIN_H

#include <stddef.h>

#include "db_call.h"

/* Seconds each statement (and the connection) may take. */
#define DB_ADMIN_TIMEOUT	120

/* Each returns MFA_OK or a code of mfaerr.h with the reason in err; the
 * database's codes are db_call.h's. */

/* MFA_ERR_INVALID when conninfo cannot be used: it does not parse, or
 * it holds a password (visible in the process list and in shell
 * history: a passfile or a client certificate holds that). */
int	db_admin_conninfo_ok(const char *conninfo, char *err, size_t errlen);

/* db_connect with DB_ADMIN_TIMEOUT. */
int	db_admin_connect(struct db_conn *c, const char *conninfo, char *err,
	    size_t errlen);

/* db_exec with a new DB_ADMIN_TIMEOUT: on MFA_OK *res for the caller to
 * PQclear, else NULL. */
int	db_admin_exec(struct db_conn *c, const char *sql, int nparams,
	    const char *const *params, PGresult **res, char *err,
	    size_t errlen);

/* A statement whose answer is not needed: db_admin_exec, result freed. */
int	db_admin_run(struct db_conn *c, const char *sql, int nparams,
	    const char *const *params, char *err, size_t errlen);

/* The first column of the one row sql returns, into out ("" for NULL);
 * MFA_ERR_DB when there is no row or it does not fit. */
int	db_admin_value(struct db_conn *c, const char *sql, int nparams,
	    const char *const *params, char *out, size_t outlen, char *err,
	    size_t errlen);

/* COMMIT, and MFA_OK only when the server says it committed: an aborted
 * transaction's COMMIT is a ROLLBACK.  On a failure after it was sent
 * (no answer, a WARNING) the outcome is unknown, and err says so. */
int	db_admin_commit(struct db_conn *c, char *err, size_t errlen);

#endif
