/* SPDX-License-Identifier: BSD-2-Clause */
/* Calls into PostgreSQL bounded by one deadline (see db_call.h).
 *
 * libpq resolves host names inside PQconnectStart, which may block: the
 * manual tells admins to name database hosts by address (hostaddr=) or in
 * /etc/hosts for a bound that holds even when DNS does not answer. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_call.h"
#include "db_env.h"
#include "mfaerr.h"

int64_t
db_clock_ms(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
db_deadline(unsigned seconds)
{
	return db_clock_ms() + (int64_t)seconds * 1000;
}

/* libpq's messages end in a newline and may run over several lines: the
 * first line is the one the admin needs in a one-line error. */
static void
pg_err(char *err, size_t errlen, const char *what, const char *msg)
{
	size_t	n = msg != NULL ? strcspn(msg, "\n") : 0;

	if (what == NULL)
		seterr(err, errlen, "%.*s", (int)n, n > 0 ? msg : "failed");
	else
		seterr(err, errlen, "%s: %.*s", what, (int)n,
		    n > 0 ? msg : "failed");
}

static void
notice(void *arg, const PGresult *res)
{
	struct db_conn	*c = arg;
	const char	*sev;

	sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	if (sev != NULL && strcmp(sev, "WARNING") == 0)
		c->warned = 1;
}

/* Waits until the connection's socket is ready for events or the
 * deadline passes. */
static int
wait_socket(struct db_conn *c, short events, char *err, size_t errlen)
{
	struct pollfd	p;
	int64_t		left;
	int		n;

	for (;;) {
		left = c->deadline - db_clock_ms();
		if (left <= 0)
			break;
		p.fd = PQsocket(c->pg);
		p.events = events;
		p.revents = 0;
		if (p.fd < 0) {
			seterr(err, errlen, "database: no connection");
			return MFA_ERR_DB;
		}
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return MFA_OK;
		if (n < 0 && errno != EINTR) {
			seterr(err, errlen, "database: poll: %s",
			    strerror(errno));
			return MFA_ERR_DB;
		}
	}
	seterr(err, errlen, "database: no answer within the time allowed");
	c->reach = DB_REACH_TIMEOUT;
	return MFA_ERR_UNAVAIL;
}

static int
drop(struct db_conn *c, int s)
{
	db_close(c);
	return s;
}

/*
 * Whether libpq's message says that no server is at any address it
 * tried: each "... failed: " of it (one per address) goes on with the
 * system's words for a refused connection, a missing socket or an
 * unreachable host or network.  A server's own refusal (FATAL: too many
 * clients, pg_hba), a TLS failure, a name that does not resolve, and any
 * failure of this process (memory, descriptors) say something else, and
 * so does a message in another language: break-glass is then off.
 */
static int
nobody_there(const char *msg)
{
	static const int	 gone[] = { ECONNREFUSED, ENOENT,
				    EHOSTUNREACH, ENETUNREACH, ETIMEDOUT };
	const char		*p = msg, *why;
	size_t			 i, seen = 0;
	int			 ok;

	while (p != NULL && (p = strstr(p, "failed: ")) != NULL) {
		why = p + strlen("failed: ");
		ok = 0;
		for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
			if (strncmp(why, strerror(gone[i]),
			    strlen(strerror(gone[i]))) == 0)
				ok = 1;
		if (!ok)
			return 0;
		seen++;
		p = why;
	}
	return seen > 0;
}

/* A connection that failed: MFA_ERR_UNAVAIL when nobody was there. */
static int
failed(struct db_conn *c, char *err, size_t errlen)
{
	pg_err(err, errlen, "database", PQerrorMessage(c->pg));
	if (!nobody_there(PQerrorMessage(c->pg)))
		return drop(c, MFA_ERR_DB);
	c->reach = DB_REACH_REFUSED;
	return drop(c, MFA_ERR_UNAVAIL);
}

static int connect_now(struct db_conn *, const char *, char *,
    size_t);

int
db_connect(struct db_conn *c, const char *conninfo, int64_t deadline,
    char *err, size_t errlen)
{
	struct env_aside	a;
	int			s;

	c->deadline = deadline;
	c->warned = 0;
	c->reach = DB_REACH_NO;
	c->pg = NULL;
	if (env_set_aside(&a) != MFA_OK) {
		seterr(err, errlen, "database: cannot set the environment "
		    "aside");
		return MFA_ERR_DB;
	}
	s = connect_now(c, conninfo, err, errlen);
	env_put_back(&a);
	return s;
}

static int
connect_now(struct db_conn *c, const char *conninfo, char *err,
    size_t errlen)
{
	PostgresPollingStatusType	st = PGRES_POLLING_WRITING;
	int				ws;

	if ((c->pg = PQconnectStart(conninfo)) == NULL) {
		seterr(err, errlen, "database: out of memory");
		return MFA_ERR_DB;
	}
	/* A Unix socket's connect fails inside PQconnectStart already. */
	if (PQstatus(c->pg) == CONNECTION_BAD)
		return failed(c, err, errlen);
	PQsetNoticeReceiver(c->pg, notice, c);
	while (st != PGRES_POLLING_OK) {
		if (st == PGRES_POLLING_FAILED)
			return failed(c, err, errlen);
		ws = wait_socket(c, st == PGRES_POLLING_READING ? POLLIN :
		    POLLOUT, err, errlen);
		if (ws != MFA_OK)
			return drop(c, ws);
		st = PQconnectPoll(c->pg);
	}
	if (PQsetnonblocking(c->pg, 1) != 0) {
		pg_err(err, errlen, "database", PQerrorMessage(c->pg));
		return drop(c, MFA_ERR_DB);
	}
	return MFA_OK;
}

/* Sends what libpq buffered, reading meanwhile so that a server that
 * answers early cannot deadlock us. */
static int
flush(struct db_conn *c, char *err, size_t errlen)
{
	int	ws;
	int	f;

	while ((f = PQflush(c->pg)) == 1) {
		if ((ws = wait_socket(c, POLLOUT | POLLIN, err, errlen)) != MFA_OK)
			return ws;
		if (!PQconsumeInput(c->pg))
			break;
	}
	if (f != 0) {
		pg_err(err, errlen, "database", PQerrorMessage(c->pg));
		return MFA_ERR_DB;
	}
	return MFA_OK;
}

/* Waits until a result can be read without blocking. */
static int
await_result(struct db_conn *c, char *err, size_t errlen)
{
	int	ws;

	while (PQisBusy(c->pg)) {
		if ((ws = wait_socket(c, POLLIN, err, errlen)) != MFA_OK)
			return ws;
		if (!PQconsumeInput(c->pg)) {
			pg_err(err, errlen, "database", PQerrorMessage(c->pg));
			return MFA_ERR_DB;
		}
	}
	return MFA_OK;
}

static int
result_ok(const PGresult *r)
{
	return PQresultStatus(r) == PGRES_TUPLES_OK ||
	    PQresultStatus(r) == PGRES_COMMAND_OK;
}

/* Reads every result up to the end of the statement: a notice that
 * arrives with the commit, after the rows, is seen only then.  The first
 * result is kept, unless an error follows it: an error at commit comes
 * after the rows it undid, and those rows must not be read as the
 * answer. */
static int
collect(struct db_conn *c, PGresult **res, char *err, size_t errlen)
{
	PGresult	*r;
	int		 ws;

	for (;;) {
		if ((ws = await_result(c, err, errlen)) != MFA_OK)
			return ws;
		if ((r = PQgetResult(c->pg)) == NULL)
			return MFA_OK;
		if (*res != NULL && result_ok(*res) && !result_ok(r)) {
			PQclear(*res);
			*res = NULL;
		}
		if (*res == NULL)
			*res = r;
		else
			PQclear(r);
	}
}

/* Sends sql with its text parameters; in pipeline mode it is queued
 * behind what was sent before it. */
static int
send_params(struct db_conn *c, const char *sql, int nparams,
    const char *const *params, char *err, size_t errlen)
{
	if (!PQsendQueryParams(c->pg, sql, nparams, NULL, params, NULL, NULL,
	    0)) {
		pg_err(err, errlen, "database", PQerrorMessage(c->pg));
		return MFA_ERR_DB;
	}
	return MFA_OK;
}

/* The status of a call whose results were read (s), as db_exec returns
 * it; *res is kept only for MFA_OK. */
static int
judge_results(struct db_conn *c, int s, PGresult **res, char *err,
    size_t errlen)
{
	const char	*sqlstate;

	if (s == MFA_OK && c->warned) {
		seterr(err, errlen, "database: the server sent a warning, "
		    "its answer is not trusted");
		s = MFA_ERR_DBWARN;
	}
	if (s == MFA_OK && *res == NULL) {
		seterr(err, errlen, "database: no result");
		s = MFA_ERR_DB;
	}
	if (s != MFA_OK) {
		PQclear(*res);
		*res = NULL;
		return drop(c, s);
	}
	if (result_ok(*res))
		return MFA_OK;
	/* The statement failed and was rolled back; the connection is idle
	 * and stays usable.  A message our own functions raised (P0001)
	 * was written for the admin and is shown as it is. */
	sqlstate = PQresultErrorField(*res, PG_DIAG_SQLSTATE);
	if (sqlstate != NULL && strcmp(sqlstate, "P0001") == 0)
		pg_err(err, errlen, NULL,
		    PQresultErrorField(*res, PG_DIAG_MESSAGE_PRIMARY));
	else
		pg_err(err, errlen, "database",
		    PQresultErrorField(*res, PG_DIAG_MESSAGE_PRIMARY));
	PQclear(*res);
	*res = NULL;
	return MFA_ERR_DB;
}

/* A call's start: nothing of the last call's result, warnings or
 * reachability may be read as this one's. */
static int
ready(struct db_conn *c, PGresult **res, char *err, size_t errlen)
{
	*res = NULL;
	c->reach = DB_REACH_NO;
	c->warned = 0;
	if (c->pg == NULL) {
		seterr(err, errlen, "database: no connection");
		return MFA_ERR_DB;
	}
	return MFA_OK;
}

int
db_exec(struct db_conn *c, const char *sql, int nparams,
    const char *const *params, PGresult **res, char *err, size_t errlen)
{
	int	s;

	if ((s = ready(c, res, err, errlen)) != MFA_OK)
		return s;
	if ((s = send_params(c, sql, nparams, params, err, errlen)) != MFA_OK)
		return drop(c, s);
	if ((s = flush(c, err, errlen)) == MFA_OK)
		s = collect(c, res, err, errlen);
	return judge_results(c, s, res, err, errlen);
}

/*
 * The server's own bound on the statement that follows it in the same
 * pipeline: statement_timeout cannot be shortened from inside a running
 * statement, and a SET sent on its own may reach another server
 * connection behind a pooler in transaction mode.  Sent before Sync, it
 * runs in the statement's first transaction on the same server
 * connection (a pooler hands the connection back only at ReadyForQuery,
 * which only Sync brings); local to that transaction, so nothing of it
 * outlives the call.  The timer starts with the statement's Execute and
 * lasts its whole run, the COMMITs inside a procedure included.
 */
static const char bound_sql[] =
    "SELECT pg_catalog.set_config('statement_timeout', $1, true), "
    "pg_catalog.set_config('lock_timeout', $1, true)";

static int
send_bounded(struct db_conn *c, int64_t ms, const char *sql, int nparams,
    const char *const *params, char *err, size_t errlen)
{
	char		 v[32];
	const char	*p[1] = { v };
	int		 s;

	/* 0 would mean no bound at all. */
	snprintf(v, sizeof(v), "%lldms", (long long)(ms < 1 ? 1 :
	    ms > INT_MAX ? INT_MAX : ms));
	if (!PQenterPipelineMode(c->pg)) {
		pg_err(err, errlen, "database", PQerrorMessage(c->pg));
		return MFA_ERR_DB;
	}
	if ((s = send_params(c, bound_sql, 1, p, err, errlen)) != MFA_OK ||
	    (s = send_params(c, sql, nparams, params, err, errlen)) != MFA_OK)
		return s;
	if (!PQpipelineSync(c->pg)) {
		pg_err(err, errlen, "database", PQerrorMessage(c->pg));
		return MFA_ERR_DB;
	}
	return MFA_OK;
}

/* The pipeline's end: its Sync, then back to one statement at a time. */
static int
collect_sync(struct db_conn *c, char *err, size_t errlen)
{
	PGresult	*r;
	int		 s, synced;

	if ((s = await_result(c, err, errlen)) != MFA_OK)
		return s;
	r = PQgetResult(c->pg);
	synced = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
	PQclear(r);
	if (!synced || !PQexitPipelineMode(c->pg)) {
		seterr(err, errlen, "database: the pipeline did not end");
		return MFA_ERR_DB;
	}
	return MFA_OK;
}

/* The bound's result, then the statement's, then the Sync.  A bound
 * that did not take is a failure of the call, not an unbounded run: the
 * statement behind it was not run (PGRES_PIPELINE_ABORTED). */
static int
collect_bounded(struct db_conn *c, PGresult **res, char *err, size_t errlen)
{
	PGresult	*b = NULL;
	int		 s, bound;

	if ((s = collect(c, &b, err, errlen)) != MFA_OK) {
		PQclear(b);
		return s;
	}
	bound = b != NULL && PQresultStatus(b) == PGRES_TUPLES_OK;
	if (!bound)
		pg_err(err, errlen, "database: statement_timeout",
		    b != NULL ? PQresultErrorField(b, PG_DIAG_MESSAGE_PRIMARY) :
		    NULL);
	PQclear(b);
	if (!bound)
		return MFA_ERR_DB;
	if ((s = collect(c, res, err, errlen)) != MFA_OK)
		return s;
	return collect_sync(c, err, errlen);
}

int
db_exec_bounded(struct db_conn *c, int64_t ms, const char *sql, int nparams,
    const char *const *params, PGresult **res, char *err, size_t errlen)
{
	int	s;

	if ((s = ready(c, res, err, errlen)) != MFA_OK)
		return s;
	if ((s = send_bounded(c, ms, sql, nparams, params, err,
	    errlen)) != MFA_OK)
		return drop(c, s);
	if ((s = flush(c, err, errlen)) == MFA_OK)
		s = collect_bounded(c, res, err, errlen);
	return judge_results(c, s, res, err, errlen);
}

/* Reads every result of a script; the first error's message is kept. */
static int
collect_script(struct db_conn *c, int *failed, char *err, size_t errlen)
{
	PGresult	*r;
	int		 ws;

	for (;;) {
		if ((ws = await_result(c, err, errlen)) != MFA_OK)
			return ws;
		if ((r = PQgetResult(c->pg)) == NULL)
			return MFA_OK;
		if (!*failed && !result_ok(r)) {
			*failed = 1;
			pg_err(err, errlen, "database", PQresultErrorField(r,
			    PG_DIAG_MESSAGE_PRIMARY));
		}
		PQclear(r);
	}
}

int
db_exec_script(struct db_conn *c, const char *sql, char *err, size_t errlen)
{
	int	s;
	int	failed = 0;

	if (c->pg == NULL) {
		seterr(err, errlen, "database: no connection");
		return MFA_ERR_DB;
	}
	c->warned = 0;
	if (!PQsendQuery(c->pg, sql)) {
		pg_err(err, errlen, "database", PQerrorMessage(c->pg));
		return drop(c, MFA_ERR_DB);
	}
	if ((s = flush(c, err, errlen)) == MFA_OK)
		s = collect_script(c, &failed, err, errlen);
	if (s == MFA_OK && !failed && c->warned) {
		seterr(err, errlen, "database: the server sent a warning, "
		    "its answer is not trusted");
		s = MFA_ERR_DBWARN;
	}
	if (s != MFA_OK)
		return drop(c, s);
	return failed ? MFA_ERR_DB : MFA_OK;
}

void
db_close(struct db_conn *c)
{
	if (c->pg != NULL)
		PQfinish(c->pg);
	c->pg = NULL;
}

const char *
db_status_name(int s)
{
	switch (s) {
	case MFA_OK:
		return "ok";
	case MFA_ERR_UNAVAIL:
		return "timeout";
	case MFA_ERR_DBWARN:
		return "warned";
	case MFA_ERR_DB:
		return "failed";
	}
	return "unknown";
}
