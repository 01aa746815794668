/* SPDX-License-Identifier: BSD-2-Clause */
/* PostgreSQL behind lib/backend.h, for a login host: the functions of
 * sql/login.sql decide, under the user's row lock, on the database's
 * clock; this side only passes the question and maps the answer.
 *
 * db_timeout bounds the time the login spends waiting on the database,
 * summed over its calls and the connection, so the user's typing between
 * the prompt and the answer is not counted against it.  Anything but a
 * clear answer in time (no connection, an error, a WARNING, the deadline)
 * is VERIFY_ERROR: the module refuses with PAM_AUTHINFO_UNAVAIL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "answer.h"
#include "backend.h"
#include "backend_pg.h"
#include "invite.h"
#include "mfaerr.h"
#include "numparse.h"
#include "otp.h"
#include "recovery.h"

/* The most a login tells the database it has left (sql/login.sql). */
#define PG_LEFT_MAX_MS	60000

struct answer {
	const char	*name;
	enum verify_result r;
};

static const struct answer answers[] = {
	{ "ok", VERIFY_OK },
	{ "recovery_ok", VERIFY_RECOVERY_OK },
	{ "invite_ok", VERIFY_INVITE_OK },
	{ "bad", VERIFY_BAD },
	{ "reused", VERIFY_REUSED },
	{ "malformed", VERIFY_MALFORMED },
	{ "locked", VERIFY_LOCKED },
	{ "nodevice", VERIFY_NODEVICE },
	/* The login host is quarantined (sql/hosts.sql), or another
	 * session held the user's row past the deadline: fail closed, and
	 * no break-glass, since the database answered. */
	{ "refused", VERIFY_ERROR },
};

/* out->reason must outlive the result: the database's reasons, as the
 * static strings of lib/verify.c. */
static const char *const reasons[] = {
	"code accepted", "recovery code accepted", "invitation accepted",
	"wrong code", "wrong invitation",
	"wrong recovery code", "code already used",
	"code already used: last-used period in the future", "not a code",
	"locked out", "no active device", "no record", "invalid user name",
	"host quarantined", "not counted", "too late", "user busy",
};

static const char *
conninfo(const struct backend *b, const char **key)
{
	if (b->flags & BACKEND_SELF) {
		*key = "db_self_conninfo";
		return b->cfg->db_self_conninfo;
	}
	if (b->flags & BACKEND_ADMIN) {
		*key = "db_admin_conninfo";
		return b->cfg->db_admin_conninfo;
	}
	*key = "db_conninfo";
	return b->cfg->db_conninfo;
}

static int
pg_open(struct backend *b, char *err, size_t errlen)
{
	const char	*key;

	if (conninfo(b, &key)[0] == '\0')
		return mfa_fail(err, errlen, MFA_ERR_CONFIG, "store is "
		    "\"postgresql\" but %s is not set", key);
	b->db.pg = NULL;
	b->db.reach = DB_REACH_NO;
	b->budget_ms = (int64_t)b->cfg->db_timeout * 1000;
	return MFA_OK;
}

static const char *
pg_where(const struct backend *b)
{
	(void)b;
	return "the PostgreSQL store";
}

/* The user may take minutes to type the code, or never do: closed, the
 * connection is no slot of the server (or client of the pooler) that a
 * prompt could keep from the rest of the fleet.  b->answered stays set:
 * a database that answered before the prompt and cannot be reached after
 * it failed during this login, and that is no case for break-glass. */
static void
pg_release(struct backend *b)
{
	db_close(&b->db);
}

static void
pg_close(struct backend *b)
{
	db_close(&b->db);
	if (b->fell_back)
		store_close(&b->st);
}

/* Connects if needed, with what is left of the budget, and takes the
 * time it took off it. */
static int
pg_reach(struct backend *b, char *err, size_t errlen)
{
	const char	*key;
	int64_t		 t0 = db_clock_ms();
	int		 s = MFA_OK;

	if (b->flags & BACKEND_ADMIN)
		b->budget_ms = (int64_t)b->cfg->db_timeout * 1000;
	if (b->budget_ms <= 0) {
		seterr(err, errlen, "database: no time left of db_timeout");
		return MFA_ERR_UNAVAIL;
	}
	if (b->db.pg == NULL) {
		s = db_connect(&b->db, conninfo(b, &key), t0 + b->budget_ms,
		    err, errlen);
		b->budget_ms -= db_clock_ms() - t0;
	}
	if (s == MFA_OK && b->budget_ms <= 0) {
		seterr(err, errlen, "database: no time left of db_timeout");
		s = MFA_ERR_UNAVAIL;
	}
	return s;
}

/*
 * What the server may spend of the time left on a login's call, as
 * sql/login.sql's login_count bounds its lock waits and the judge's
 * deadline: four fifths of it (of a minute at most), the rest being for
 * the way there and back.  The server then stops the call
 * (statement_timeout) before this side gives up, and a login given up
 * on cannot commit later, as long as the statement reaches the server
 * within that fifth: the server's timer starts when it gets it.  At
 * least 1 ms: 0 would mean no bound.
 */
static int64_t
server_ms(int64_t left)
{
	if (left > PG_LEFT_MAX_MS)
		left = PG_LEFT_MAX_MS;
	return left * 4 / 5 < 1 ? 1 : left * 4 / 5;
}

/* One call with what is left of the budget (mfa-enroll: a whole
 * db_timeout per call), connecting first if needed; the time it took is
 * taken off the budget.  A login's call runs under the server's bound
 * above; mfa-enroll's calls, an admin's at a terminal, keep the server's
 * settings. */
int
backend_pg_call(struct backend *b, const char *sql, int n,
    const char *const *params, PGresult **res, char *err, size_t errlen)
{
	int64_t	t0;
	int	s;

	*res = NULL;
	if ((s = pg_reach(b, err, errlen)) != MFA_OK)
		return s;
	t0 = db_clock_ms();
	b->db.deadline = t0 + b->budget_ms;
	if (b->flags & BACKEND_ADMIN)
		s = db_exec(&b->db, sql, n, params, res, err, errlen);
	else
		s = db_exec_bounded(&b->db, server_ms(b->budget_ms), sql, n,
		    params, res, err, errlen);
	b->budget_ms -= db_clock_ms() - t0;
	/* A database that answered, even with an error or a WARNING, is
	 * not down: no break-glass for the rest of this login. */
	if (s == MFA_OK || s == MFA_ERR_DBWARN || b->db.pg != NULL)
		b->answered = 1;
	return s;
}

/* backend_pg_call whose answer must be one row of nfields columns, as
 * every call of a login's is: anything else is a failure, not an answer
 * to read. */
int
backend_pg_row(struct backend *b, const char *sql, int n,
    const char *const *params, int nfields, PGresult **res, char *err,
    size_t errlen)
{
	int	s;

	s = backend_pg_call(b, sql, n, params, res, err, errlen);
	if (s == MFA_OK && (PQntuples(*res) != 1 ||
	    PQnfields(*res) != nfields)) {
		seterr(err, errlen, "database: unexpected answer");
		PQclear(*res);
		*res = NULL;
		s = MFA_ERR_DB;
	}
	return s;
}

/*
 * Break-glass: when the database cannot be reached, a user the admin
 * named in db_break_glass is checked against the local file store for
 * the rest of this login; any other user fails closed.  "Cannot be
 * reached" is narrow: no server at any address given, or no answer by
 * the deadline (db_call.h).  A database that answered, with an error or
 * a WARNING, or that refused the connection itself, is not "down", and a
 * failure of this process is not either: those fail closed for everyone.
 * The deadline counts only in a process root runs (sshd, login): under
 * su or sudo the user who ran them can stop the process until it passes.
 * The module logs such a login loudly (backend_fell_back).
 */
static int
unreachable(const struct backend *b, int s)
{
	if (s != MFA_ERR_UNAVAIL || b->answered || b->db.pg != NULL)
		return 0;
	return b->db.reach == DB_REACH_REFUSED ||
	    (b->db.reach == DB_REACH_TIMEOUT && getuid() == 0);
}

static int
fall_back(struct backend *b, const char *user, int s)
{
	if (b->fell_back)
		return config_break_glass(b->cfg, user);
	if (!unreachable(b, s) || !config_break_glass(b->cfg, user) ||
	    store_open(&b->st, b->cfg->store_dir, NULL, 0) != MFA_OK)
		return 0;
	b->fell_back = 1;
	return 1;
}

/* The local store for a named account, and only with a device there:
 * "no device" must not become nullok's way past the second factor, nor
 * an invitation the way in while the fleet is down. */
static enum verify_result
local_peek(struct backend *b, const char *user, int64_t now,
    unsigned *digits_mask, char *err, size_t errlen)
{
	enum verify_result	r = VERIFY_ERROR;

	if (!config_break_glass(b->cfg, user))
		seterr(err, errlen, "break-glass: %s is not in db_break_glass",
		    user);
	else if ((r = backend_file_ops.peek(b, user, now, digits_mask, err,
	    errlen)) == VERIFY_NODEVICE || (r == VERIFY_OK &&
	    (*digits_mask & ~ANSWER_INVITATION) == 0)) {
		seterr(err, errlen, "break-glass: no active device for %s in "
		    "the local file store", user);
		r = VERIFY_ERROR;
	}
	return r;
}

static enum verify_result
local_login(struct backend *b, const char *user, const char *input,
    size_t inputlen, int flags, int64_t now, struct verify_outcome *out,
    char *err, size_t errlen)
{
	unsigned	mask;

	if (local_peek(b, user, now, &mask, err, errlen) != VERIFY_OK) {
		memset(out, 0, sizeof(*out));
		out->result = VERIFY_ERROR;
		out->reason = "store error";
		return out->result;
	}
	return backend_file_ops.login(b, user, input, inputlen, flags, now,
	    out, err, errlen);
}

/* The user name as a bytea in hex ("\x..."): the database takes the
 * bytes as they are, so that a name that is not UTF-8 is still recorded
 * as tried.  A longer name than any record can have is cut to one byte
 * over that, which keeps it unknown. */
void
backend_pg_user_bytes(const char *user, char out[PG_USER_HEX])
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, n = strnlen(user, PG_USER_MAX + 1);

	out[0] = '\\';
	out[1] = 'x';
	for (i = 0; i < n; i++) {
		out[2 + 2 * i] = hex[(unsigned char)user[i] >> 4];
		out[3 + 2 * i] = hex[(unsigned char)user[i] & 15];
	}
	out[2 + 2 * n] = '\0';
}

static int
pg_may_have_record(struct backend *b, const char *user)
{
	char		 name[PG_USER_HEX];
	const char	*p[1] = { name };
	PGresult	*res;
	int		 s;
	int		 r = 1;

	if (b->fell_back)
		return backend_file_ops.may_have_record(b, user);
	backend_pg_user_bytes(user, name);
	s = backend_pg_row(b, "SELECT awsmfa.has_user($1)", 1, p, 1, &res,
	    NULL, 0);
	if (s == MFA_OK)
		r = strcmp(PQgetvalue(res, 0, 0), "f") != 0;
	else if (fall_back(b, user, s))
		r = backend_file_ops.may_have_record(b, user);
	else
		r = -1;
	PQclear(res);
	return r;
}

/* "{6,8}" (an int[] in text form) to bits 6 and 8. */
static unsigned
digits_of(const char *v)
{
	static const char	 digits[] = "0123456789";
	char			 num[8];
	unsigned		 mask = 0;
	uint64_t		 d;
	size_t			 n;

	while (*(v += strcspn(v, digits)) != '\0') {
		n = strspn(v, digits);
		if (n < sizeof(num)) {
			memcpy(num, v, n);
			num[n] = '\0';
			/* 0 stands for a live invitation (sql/login.sql). */
			if (num_parse_u64(num, 0, OTP_MAX_DIGITS, &d) == 0 &&
			    d == 0)
				mask |= ANSWER_INVITATION;
			else if (num_parse_u64(num, OTP_MIN_DIGITS,
			    OTP_MAX_DIGITS, &d) == 0)
				mask |= 1U << d;
		}
		v += n;
	}
	return mask;
}

int64_t
backend_pg_int(const PGresult *res, int row, int col)
{
	int64_t	v;

	if (num_parse_i64(PQgetvalue(res, row, col), INT64_MIN, INT64_MAX,
	    &v) == -1)
		return 0;
	return v;
}

uint64_t
backend_pg_uint(const PGresult *res, int row, int col)
{
	uint64_t	v;

	if (num_parse_u64(PQgetvalue(res, row, col), 0, UINT64_MAX, &v) == -1)
		return 0;
	return v;
}

static enum verify_result
pg_peek(struct backend *b, const char *user, int64_t now,
    unsigned *digits_mask, char *err, size_t errlen)
{
	char		 name[PG_USER_HEX];
	const char	*p[1] = { name };
	PGresult	*res;
	int		 s;

	*digits_mask = 0;
	if (b->fell_back)
		return local_peek(b, user, now, digits_mask, err, errlen);
	backend_pg_user_bytes(user, name);
	s = backend_pg_row(b, "SELECT awsmfa.peek($1)", 1, p, 1, &res, err,
	    errlen);
	if (s != MFA_OK && fall_back(b, user, s))
		return local_peek(b, user, now, digits_mask, err, errlen);
	if (s != MFA_OK)
		return VERIFY_ERROR;
	*digits_mask = digits_of(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *digits_mask != 0 ? VERIFY_OK : VERIFY_NODEVICE;
}

/* What is sent for input, cut as lib/verify.c cuts it: a code of some
 * length with blanks around it dropped (otp_parse_code), else a recovery
 * code in its normal form (recovery_normalize: spaces and dashes anywhere,
 * nothing else), else an invitation as "inv" and its 20 characters
 * (invite_normalize), else PG_NOT_A_CODE.  A NUL byte makes the input
 * neither. */
void
backend_pg_input(const char *in, size_t len, char out[PG_INPUT_MAX + 1])
{
	char		code[OTP_CODE_BUFLEN], norm[RECOVERY_CODE_BUFLEN];
	unsigned	d;

	snprintf(out, PG_INPUT_MAX + 1, "%s", PG_NOT_A_CODE);
	for (d = OTP_MIN_DIGITS; d <= OTP_MAX_DIGITS; d++)
		if (otp_parse_code(in, len, d, code) == 0) {
			snprintf(out, PG_INPUT_MAX + 1, "%s", code);
			break;
		}
	if (d > OTP_MAX_DIGITS && recovery_normalize(in, len, norm) == 0)
		snprintf(out, PG_INPUT_MAX + 1, "%s", norm);
	else if (d > OTP_MAX_DIGITS && invite_normalize(in, len, norm) == 0)
		snprintf(out, PG_INPUT_MAX + 1, "inv%s", norm);
	OPENSSL_cleanse(code, sizeof(code));
	OPENSSL_cleanse(norm, sizeof(norm));
}

/* The answer is result, device and reason only: failure counts and
 * lock times stay in the database (issue 17 rule 7), so a PostgreSQL
 * login's outcome has none. */
static void
map_answer(const PGresult *res, struct verify_outcome *out)
{
	const char	*v;
	size_t		 i;

	out->result = VERIFY_ERROR;
	out->reason = "database: unknown answer";
	v = PQgetvalue(res, 0, 0);
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		if (strcmp(v, answers[i].name) == 0)
			out->result = answers[i].r;
	v = PQgetvalue(res, 0, 2);
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(v, reasons[i]) == 0)
			out->reason = reasons[i];
	snprintf(out->device, sizeof(out->device), "%s", PQgetvalue(res, 0, 1));
}

/*
 * CALL awsmfa.login counts and commits the attempt before it judges it
 * (sql/login.sql): a connection lost between the two leaves a counted
 * miss.  The database is told what is left of db_timeout, so that no
 * lock wait and no acceptance outlives this login.
 */
static enum verify_result
pg_login(struct backend *b, const char *user, const char *input,
    size_t inputlen, int flags, int64_t now, struct verify_outcome *out,
    char *err, size_t errlen)
{
	char		 code[PG_INPUT_MAX + 1], name[PG_USER_HEX], ms[24];
	const char	*p[3] = { name, code, ms };
	PGresult	*res;
	int		 s;

	if (b->fell_back)
		return local_login(b, user, input, inputlen, flags, now, out,
		    err, errlen);
	memset(out, 0, sizeof(*out));
	out->result = VERIFY_ERROR;
	out->reason = "store error";
	/* try_first_pass: the stacked token, maybe a password, is not sent.
	 * The database counts every miss (a try that did not would let a
	 * login server test codes at will), so the module asks instead. */
	if (flags & BACKEND_TRY) {
		out->result = VERIFY_MALFORMED;
		out->reason = "not a code";
		return out->result;
	}
	if ((s = pg_reach(b, err, errlen)) == MFA_OK) {
		backend_pg_user_bytes(user, name);
		snprintf(ms, sizeof(ms), "%lld", (long long)b->budget_ms);
		backend_pg_input(input, inputlen, code);
		s = backend_pg_row(b, "CALL awsmfa.login($1, $2, $3, NULL, "
		    "NULL, NULL)", 3, p, 3, &res, err, errlen);
		OPENSSL_cleanse(code, sizeof(code));
	}
	if (s == MFA_OK) {
		map_answer(res, out);
		PQclear(res);
	} else if (fall_back(b, user, s))
		return local_login(b, user, input, inputlen, flags, now, out,
		    err, errlen);
	return out->result;
}

const struct backend_ops backend_pg_ops = {
	.open = pg_open,
	.where = pg_where,
	.close = pg_close,
	.release = pg_release,
	.may_have_record = pg_may_have_record,
	.peek = pg_peek,
	.login = pg_login,
};
