/* SPDX-License-Identifier: BSD-2-Clause */
/* The admin's calls into the fleet store (see db_admin.h). */
#include <string.h>

#include "db_admin.h"
#include "mfaerr.h"

int
db_admin_conninfo_ok(const char *conninfo, char *err, size_t errlen)
{
	PQconninfoOption	*opts, *o;
	char			*msg = NULL;
	size_t			 n;
	int			 rc = 0;

	if ((opts = PQconninfoParse(conninfo, &msg)) == NULL) {
		n = msg != NULL ? strcspn(msg, "\n") : 0;
		seterr(err, errlen, "conninfo: %.*s", (int)n,
		    n > 0 ? msg : "cannot be parsed");
		PQfreemem(msg);
		return -1;
	}
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
		    *o->val != '\0') {
			seterr(err, errlen, "conninfo holds a password: use a "
			    "passfile (passfile=) or a client certificate");
			rc = -1;
		}
	PQconninfoFree(opts);
	return rc;
}

int
db_admin_connect(struct db_conn *c, const char *conninfo, char *err,
    size_t errlen)
{
	if (db_admin_conninfo_ok(conninfo, err, errlen) == -1)
		return -1;
	return db_connect(c, conninfo, db_deadline(DB_ADMIN_TIMEOUT), err,
	    errlen) == DB_OK ? 0 : -1;
}

int
db_admin_exec(struct db_conn *c, const char *sql, int nparams,
    const char *const *params, PGresult **res, char *err, size_t errlen)
{
	c->deadline = db_deadline(DB_ADMIN_TIMEOUT);
	return db_exec(c, sql, nparams, params, res, err, errlen) == DB_OK ?
	    0 : -1;
}

int
db_admin_run(struct db_conn *c, const char *sql, int nparams,
    const char *const *params, char *err, size_t errlen)
{
	PGresult	*res;

	if (db_admin_exec(c, sql, nparams, params, &res, err, errlen) == -1)
		return -1;
	PQclear(res);
	return 0;
}

int
db_admin_value(struct db_conn *c, const char *sql, int nparams,
    const char *const *params, char *out, size_t outlen, char *err,
    size_t errlen)
{
	PGresult	*res;
	const char	*v;
	int		 rc = -1;

	if (db_admin_exec(c, sql, nparams, params, &res, err, errlen) == -1)
		return -1;
	if (PQntuples(res) != 1 || PQnfields(res) < 1)
		seterr(err, errlen, "database: expected one row, got %d",
		    PQntuples(res));
	else if (strlen(v = PQgetvalue(res, 0, 0)) >= outlen)
		seterr(err, errlen, "database: answer too long");
	else {
		memcpy(out, v, strlen(v) + 1);
		rc = 0;
	}
	PQclear(res);
	return rc;
}

int
db_admin_commit(struct db_conn *c, char *err, size_t errlen)
{
	PGresult	*res;
	char		 why[256];
	int		 committed;

	if (db_admin_exec(c, "COMMIT", 0, NULL, &res, why, sizeof(why)) ==
	    -1) {
		seterr(err, errlen, "%s; whether the commit happened is not "
		    "known", why);
		return -1;
	}
	committed = strcmp(PQcmdStatus(res), "COMMIT") == 0;
	PQclear(res);
	if (!committed) {
		seterr(err, errlen, "database: the transaction was rolled back");
		return -1;
	}
	return 0;
}
