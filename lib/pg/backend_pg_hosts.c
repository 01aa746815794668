/* SPDX-License-Identifier: BSD-2-Clause */
/* mfa-enroll's side of lockouts and login hosts on the PostgreSQL store:
 * unlock (one user, or every user a host locked out) and the hosts'
 * failure budget.  Each is one call of a function of sql/unlock.sql or
 * sql/hosts.sql, so one transaction, audited by the database in
 * awsmfa.attempts; the function's message is the one line shown. */
#include <string.h>

#include "backend_pg.h"
#include "mfaerr.h"

/* One call of one argument whose answer is one row of nfields columns. */
static int
one_row(struct backend *b, const char *sql, const char *arg, int nfields,
    PGresult **res, char *err, size_t errlen)
{
	const char	*p[1] = { arg };

	return backend_pg_row(b, sql, 1, p, nfields, res, err, errlen);
}

int
backend_pg_unlock(struct backend *b, const char *user,
    struct device_unlock_report *rep, char *err, size_t errlen)
{
	PGresult	*res;
	int		 r;

	memset(rep, 0, sizeof(*rep));
	if ((r = one_row(b, "SELECT failures, locked_until FROM "
	    "awsmfa.unlock_user($1)", user, 2, &res, err, errlen)) != MFA_OK)
		return r;
	rep->failures = (unsigned)backend_pg_uint(res, 0, 0);
	rep->locked_until = backend_pg_int(res, 0, 1);
	PQclear(res);
	return MFA_OK;
}

int
backend_pg_unlock_host(struct backend *b, const char *role, uint64_t *count,
    char *err, size_t errlen)
{
	PGresult	*res;
	int		 r;

	if ((r = one_row(b, "SELECT awsmfa.unlock_host($1)", role, 1, &res,
	    err, errlen)) != MFA_OK)
		return r;
	*count = backend_pg_uint(res, 0, 0);
	PQclear(res);
	return MFA_OK;
}

int
backend_pg_release_host(struct backend *b, const char *role, int64_t *since,
    char *err, size_t errlen)
{
	PGresult	*res;
	int		 r;

	if ((r = one_row(b, "SELECT awsmfa.release_host($1)", role, 1, &res,
	    err, errlen)) != MFA_OK)
		return r;
	*since = backend_pg_int(res, 0, 0);
	PQclear(res);
	return MFA_OK;
}

int
backend_pg_hosts(struct backend *b, backend_host_fn *fn, void *arg,
    char *err, size_t errlen)
{
	struct backend_host	 h;
	PGresult		*res;
	int			 i, r;

	if ((r = backend_pg_call(b, "SELECT host_role, charged, "
	    "quarantined_since FROM awsmfa.list_hosts()", 0, NULL, &res,
	    err, errlen)) != MFA_OK)
		return r;
	if (PQnfields(res) != 3) {
		PQclear(res);
		return mfa_fail(err, errlen, MFA_ERR_DB,
		    "database: unexpected answer");
	}
	for (i = 0; i < PQntuples(res); i++) {
		memset(&h, 0, sizeof(h));
		h.role = PQgetvalue(res, i, 0);
		h.charged = backend_pg_uint(res, i, 1);
		h.quarantined_since = backend_pg_int(res, i, 2);
		fn(arg, &h);
	}
	PQclear(res);
	return MFA_OK;
}
