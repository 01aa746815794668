/* SPDX-License-Identifier: BSD-2-Clause */
/* Test driver for lib/db_call: one connection and one statement under a
 * deadline, and what came of them.
 *
 *   dbcall CONNINFO SECONDS SQL [PARAM...]
 *
 * Prints "status: ok|timeout|refused|warned|failed", "elapsed_ms: N", the first
 * row as "row: v1|v2..." and "error: ..." when there is one.  With
 * DBCALL_BOUND_MS set, the call is db_exec_bounded's with that bound, and
 * "after: V" is the connection's statement_timeout once it is over. */
#include <stdio.h>
#include <stdlib.h>

#include "db_call.h"

static void
show_after(struct db_conn *c)
{
	PGresult	*res;
	char		 err[256];

	if (db_exec(c, "SHOW statement_timeout", 0, NULL, &res, err,
	    sizeof(err)) == MFA_OK)
		printf("after: %s\n", PQgetvalue(res, 0, 0));
	else
		printf("after: (%s)\n", err);
	PQclear(res);
}

int
main(int argc, char **argv)
{
	struct db_conn	 c;
	PGresult	*res = NULL;
	char		 err[256] = "";
	int		 s;
	const char	*bound = getenv("DBCALL_BOUND_MS");
	int64_t		 t0;
	int		 i;

	if (argc < 4) {
		fprintf(stderr, "usage: dbcall conninfo seconds sql [param...]\n");
		return 2;
	}
	t0 = db_clock_ms();
	s = db_connect(&c, argv[1], db_deadline((unsigned)atoi(argv[2])),
	    err, sizeof(err));
	if (s == MFA_OK && bound != NULL)
		s = db_exec_bounded(&c, atoll(bound), argv[3], argc - 4,
		    (const char *const *)argv + 4, &res, err, sizeof(err));
	else if (s == MFA_OK)
		s = db_exec(&c, argv[3], argc - 4, (const char *const *)argv + 4,
		    &res, err, sizeof(err));
	printf("status: %s\n", s == MFA_ERR_UNAVAIL &&
	    c.reach == DB_REACH_REFUSED ? "refused" : db_status_name(s));
	printf("elapsed_ms: %lld\n", (long long)(db_clock_ms() - t0));
	if (res != NULL && PQntuples(res) > 0) {
		printf("row: ");
		for (i = 0; i < PQnfields(res); i++)
			printf("%s%s", i > 0 ? "|" : "", PQgetvalue(res, 0, i));
		printf("\n");
	}
	if (err[0] != '\0')
		printf("error: %s\n", err);
	PQclear(res);
	if (bound != NULL && c.pg != NULL)
		show_after(&c);
	db_close(&c);
	return 0;
}
