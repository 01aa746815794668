/* SPDX-License-Identifier: BSD-2-Clause */
/* The admin's calls into the fleet store (see db_admin.h). */
#include <string.h>

#include "db_admin.h"
#include "mfaerr.h"

/* A conninfo is parsed by libpq itself, so a mistake is reported as the
 * admin wrote it; one that holds a password is refused: the config says
 * how to connect, not with what secret (a passfile or a client
 * certificate holds that).  err gets the reason alone. */
int
db_admin_conninfo_ok(const char *conninfo, char *err, size_t errlen)
{
	PQconninfoOption	*opts, *o;
	char			*msg = NULL;
	size_t			 n;
	int			 rc = MFA_OK;

	if ((opts = PQconninfoParse(conninfo, &msg)) == NULL) {
		n = msg != NULL ? strcspn(msg, "\n") : 0;
		rc = mfa_fail(err, errlen, MFA_ERR_INVALID, "%.*s", (int)n,
		    n > 0 ? msg : "cannot be parsed");
		PQfreemem(msg);
		return rc;
	}
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
		    *o->val != '\0')
			rc = mfa_fail(err, errlen, MFA_ERR_INVALID, "holds a "
			    "password: use a passfile (passfile=) or a client "
			    "certificate");
	PQconninfoFree(opts);
	return rc;
}

int
db_admin_connect(struct db_conn *c, const char *conninfo, char *err,
    size_t errlen)
{
	char	why[MFA_ERRLEN];
	int	r;

	if ((r = db_admin_conninfo_ok(conninfo, why, sizeof(why))) != MFA_OK)
		return mfa_fail(err, errlen, r, "conninfo: %s", why);
	return db_connect(c, conninfo, db_deadline(DB_ADMIN_TIMEOUT), err,
	    errlen);
}

int
db_admin_exec(struct db_conn *c, const char *sql, int nparams,
    const char *const *params, PGresult **res, char *err, size_t errlen)
{
	c->deadline = db_deadline(DB_ADMIN_TIMEOUT);
	return db_exec(c, sql, nparams, params, res, err, errlen);
}

int
db_admin_run(struct db_conn *c, const char *sql, int nparams,
    const char *const *params, char *err, size_t errlen)
{
	PGresult	*res;
	int		 r;

	if ((r = db_admin_exec(c, sql, nparams, params, &res, err, errlen)) !=
	    MFA_OK)
		return r;
	PQclear(res);
	return MFA_OK;
}

int
db_admin_value(struct db_conn *c, const char *sql, int nparams,
    const char *const *params, char *out, size_t outlen, char *err,
    size_t errlen)
{
	PGresult	*res;
	const char	*v;
	int		 rc;

	if ((rc = db_admin_exec(c, sql, nparams, params, &res, err,
	    errlen)) != MFA_OK)
		return rc;
	if (PQntuples(res) != 1 || PQnfields(res) < 1)
		rc = mfa_fail(err, errlen, MFA_ERR_DB,
		    "database: expected one row, got %d", PQntuples(res));
	else if (strlen(v = PQgetvalue(res, 0, 0)) >= outlen)
		rc = mfa_fail(err, errlen, MFA_ERR_DB,
		    "database: answer too long");
	else
		memcpy(out, v, strlen(v) + 1);
	PQclear(res);
	return rc;
}

int
db_admin_commit(struct db_conn *c, char *err, size_t errlen)
{
	PGresult	*res;
	char		 why[256];
	int		 committed, r;

	if ((r = db_admin_exec(c, "COMMIT", 0, NULL, &res, why,
	    sizeof(why))) != MFA_OK)
		return mfa_fail(err, errlen, r, "%s; whether the commit "
		    "happened is not known", why);
	committed = strcmp(PQcmdStatus(res), "COMMIT") == 0;
	PQclear(res);
	if (!committed)
		return mfa_fail(err, errlen, MFA_ERR_DB,
		    "database: the transaction was rolled back");
	return MFA_OK;
}
