/* SPDX-License-Identifier: BSD-2-Clause */
/* Calls into PostgreSQL that end by a deadline, whatever the network or
 * the server does: libpq's asynchronous API driven by poll() against one
 * deadline for the whole login (connection included), never a blocking
 * call, and never PQcancel: a cancelled commit that waits for a
 * synchronous standby is still committed locally, so the one safe answer
 * to a late reply is to drop the connection and refuse.  The server is
 * told a bound of its own (db_exec_bounded) so that it stops what this
 * side gave up on, but this side never waits on it: the deadline holds
 * without it. */
#ifndef AWSMFA_DB_CALL_H
#define AWSMFA_DB_CALL_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "db_conn.h"
#include "mfaerr.h"

/* Every call returns MFA_OK, MFA_ERR_UNAVAIL (the deadline passed, or no
 * server listens at any address given; the connection is dropped and
 * c->reach says which), MFA_ERR_DBWARN (the server sent a WARNING: the
 * reply is not trusted) or MFA_ERR_DB (connection or statement failed);
 * err says why. */

/* Milliseconds on CLOCK_MONOTONIC, and that plus seconds. */
int64_t	db_clock_ms(void);
int64_t	db_deadline(unsigned seconds);

/* Connects with conninfo (multi-host lists and target_session_attrs work
 * as in libpq) by the deadline.  On anything but MFA_OK c->pg is NULL. */
int	db_connect(struct db_conn *c, const char *conninfo, int64_t deadline,
	    char *err, size_t errlen);

/* Runs sql with text parameters and waits for its one result by the
 * connection's deadline.  MFA_OK leaves *res (PGRES_TUPLES_OK or
 * PGRES_COMMAND_OK) for the caller to PQclear; any other status drops
 * the connection, since its state is then unknown. */
int	db_exec(struct db_conn *c, const char *sql, int nparams,
	    const char *const *params, PGresult **res, char *err,
	    size_t errlen);

/* db_exec with statement_timeout and lock_timeout set to ms (at least 1)
 * for sql, in one pipeline that ends in one Sync: the same server
 * connection behind a pooler in transaction mode, and nothing of the
 * settings left after it.  The statement runs only if the bound took. */
int	db_exec_bounded(struct db_conn *c, int64_t ms, const char *sql,
	    int nparams, const char *const *params, PGresult **res, char *err,
	    size_t errlen);

/* Runs a script of several statements without parameters (the simple
 * query protocol) by the connection's deadline and reads all its
 * results.  A statement that fails ends the script there: MFA_ERR_DB with
 * its message, and the connection stays usable (a transaction the caller
 * opened is then aborted).  A WARNING or the deadline drops it, as in
 * db_exec.  For db-init's schema, never for anything with a secret. */
int	db_exec_script(struct db_conn *c, const char *sql, char *err,
	    size_t errlen);

void	db_close(struct db_conn *c);

/* "ok", "timeout", "warned" or "failed": a call's code, for the tests. */
const char *db_status_name(int s);

#endif
