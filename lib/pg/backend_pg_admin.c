/* SPDX-License-Identifier: BSD-2-Clause */
/* mfa-enroll's operations on the PostgreSQL store: each is one call of a
 * function of sql/lifecycle.sql, so each is one transaction, and the
 * function's message (written for the admin) is the one line shown.
 * Only create receives a secret, once; recovery codes are hashed here
 * and only the hashes are sent; token seeds are sent once, to be sealed. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "backend_pg.h"
#include "invite.h"
#include "mfaerr.h"
#include "numparse.h"
#include "wipe.h"
#include "record.h"

/* "SHA1" to "sha1", as pgcrypto names them. */
static void
alg_lower(enum otp_alg alg, char out[8])
{
	const char	*n = otp_alg_name(alg);
	size_t		 i;

	for (i = 0; i < 7 && n[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)n[i]);
	out[i] = '\0';
}

int
backend_pg_create(struct backend *b, const char *user, const char *name,
    enum otp_kind kind, int64_t now, struct mfa_device *out, char *err,
    size_t errlen)
{
	char		 alg[8], digits[8], period[16];
	const char	*p[6] = { user, name, alg, digits, period, NULL };
	unsigned char	*k;
	PGresult	*res;
	size_t		 len;
	int		 rc;

	memset(out, 0, sizeof(*out));
	p[5] = kind == OTP_HOTP ? "hotp" : "totp";
	alg_lower(b->cfg->algorithm, alg);
	snprintf(digits, sizeof(digits), "%u", b->cfg->digits);
	snprintf(period, sizeof(period), "%u", b->cfg->period);
	if ((rc = backend_pg_row(b, "SELECT awsmfa.create_device($1, $2, $3, $4, "
	    "$5, $6)", 6, p, 1, &res, err, errlen)) != MFA_OK)
		return rc;
	k = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0),
	    &len);
	if (k != NULL && len > 0 && len <= sizeof(out->secret)) {
		snprintf(out->name, sizeof(out->name), "%s", name);
		out->type = DEVICE_VIRTUAL;
		out->kind = kind == OTP_HOTP ? OTP_HOTP : OTP_TOTP;
		out->alg = b->cfg->algorithm;
		out->digits = b->cfg->digits;
		/* An HOTP device starts at counter 0 (memset above). */
		out->period = out->kind == OTP_HOTP ? 0 : b->cfg->period;
		memcpy(out->secret, k, len);
		out->secret_len = len;
		out->status = DEVICE_PENDING;
		out->created = now;
		out->last_step = RECORD_NO_STEP;
	} else
		rc = mfa_fail(err, errlen, MFA_ERR_DB,
		    "database: unexpected secret");
	if (k != NULL) {
		OPENSSL_cleanse(k, len);
		PQfreemem(k);
	}
	/* libpq's copy of the answer holds the secret too. */
	OPENSSL_cleanse(PQgetvalue(res, 0, 0), strlen(PQgetvalue(res, 0, 0)));
	PQclear(res);
	return rc;
}

int
backend_pg_enable(struct backend *b, const char *user, const char *device,
    const char *code1, const char *code2, int64_t now, char *err,
    size_t errlen)
{
	const char	*p[4] = { user, device, code1, code2 };
	PGresult	*res;
	int		 r;

	(void)now;
	if ((r = backend_pg_row(b, "SELECT awsmfa.enable_device($1, $2, $3, $4)", 4,
	    p, 1, &res, err, errlen)) != MFA_OK)
		return r;
	PQclear(res);
	return MFA_OK;
}

int
backend_pg_resync(struct backend *b, const char *user, const char *device,
    const char *code1, const char *code2, int64_t now,
    struct device_resync_report *rep, char *err, size_t errlen)
{
	const char	*p[4] = { user, device, code1, code2 };
	PGresult	*res;
	int		 r;

	(void)now;
	memset(rep, 0, sizeof(*rep));
	if ((r = backend_pg_row(b, "SELECT drift, reset_periods, locked_until, "
	    "period FROM awsmfa.resync_device($1, $2, $3, $4)", 4, p, 4, &res,
	    err, errlen)) != MFA_OK)
		return r;
	rep->drift = backend_pg_int(res, 0, 0);
	rep->reset_periods = backend_pg_uint(res, 0, 1);
	rep->locked_until = backend_pg_int(res, 0, 2);
	rep->period = (unsigned)backend_pg_uint(res, 0, 3);
	PQclear(res);
	return MFA_OK;
}

int
backend_pg_deactivate(struct backend *b, const char *user,
    const char *device, char *err, size_t errlen)
{
	const char	*p[2] = { user, device };	/* NULL: all */
	PGresult	*res;
	int		 r;

	if ((r = backend_pg_row(b, "SELECT awsmfa.deactivate_device($1, $2)", 2, p,
	    1, &res, err, errlen)) != MFA_OK)
		return r;
	PQclear(res);
	return MFA_OK;
}

/* An array literal of strings that need no quoting inside: hashes and
 * hex (the characters of base64, '$' and hex digits). */
static char *
array_of(const char *const *v, size_t n, size_t each)
{
	char	*s;
	size_t	 i, cap = n * (each + 3) + 3, used = 1;

	if ((s = malloc(cap)) == NULL)
		return NULL;
	s[0] = '{';
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(s + used, cap - used, "%s\"%.*s\"",
		    i > 0 ? "," : "", (int)each, v[i]);
	snprintf(s + used, cap - used, "}");
	return s;
}

int
backend_pg_recovery_array(unsigned count,
    char (*codes)[RECOVERY_CODE_BUFLEN], char **arr, char *err,
    size_t errlen)
{
	char		(*hash)[RECORD_HASH_MAX + 1];
	const char	*ptr[RECORD_MAX_RECOVERY];
	unsigned	 i;
	int		 rc = MFA_OK;

	*arr = NULL;
	if (count == 0 || count > RECORD_MAX_RECOVERY)
		return mfa_fail(err, errlen, MFA_ERR_INVALID,
		    "count must be 1 to %d", RECORD_MAX_RECOVERY);
	if ((hash = calloc(count, sizeof(*hash))) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	for (i = 0; i < count && rc == MFA_OK; i++) {
		if (recovery_generate(codes[i], hash[i]) != 0)
			rc = mfa_fail(err, errlen, MFA_ERR_IO,
			    "cannot make recovery codes");
		ptr[i] = hash[i];
	}
	if (rc == MFA_OK && (*arr = array_of(ptr, count, RECORD_HASH_MAX)) ==
	    NULL)
		rc = mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	free(hash);
	if (rc != MFA_OK)
		OPENSSL_cleanse(codes, count * sizeof(*codes));
	return rc;
}

int
backend_pg_recovery_codes(struct backend *b, const char *user,
    unsigned count, char (*codes)[RECOVERY_CODE_BUFLEN], char *err,
    size_t errlen)
{
	const char	*p[2];
	PGresult	*res = NULL;
	char		*arr;
	int		 rc;

	if ((rc = backend_pg_recovery_array(count, codes, &arr, err,
	    errlen)) != MFA_OK)
		return rc;
	p[0] = user;
	p[1] = arr;
	rc = backend_pg_row(b, "SELECT awsmfa.set_recovery($1, $2)", 2, p, 1, &res,
	    err, errlen);
	PQclear(res);
	free(arr);
	if (rc != MFA_OK)
		OPENSSL_cleanse(codes, count * sizeof(*codes));
	return rc;
}

/* serials, seeds, digits, periods, algorithms, counters */
#define TOKEN_ARRAYS	6

/* "{a,b,...}" of the digits (what 0), periods (1), algorithms (2) or
 * counters (3, NULL for a TOTP token) of the tokens of inv. */
static char *
field_array(const struct inventory *inv, int what)
{
	const struct hw_token	*t;
	char			*s, v[24];
	size_t			 cap = inv->n * 24 + 3, o = 0, i;

	if ((s = malloc(cap)) == NULL)
		return NULL;
	s[o++] = '{';
	for (i = 0; i < inv->n; i++) {
		t = &inv->tok[i];
		if (what == 2)
			alg_lower(t->alg, v);
		else if (what == 3 && t->kind != OTP_HOTP)
			snprintf(v, sizeof(v), "NULL");
		else if (what == 3)
			snprintf(v, sizeof(v), "%llu",
			    (unsigned long long)t->counter);
		else
			snprintf(v, sizeof(v), "%u", what == 0 ? t->digits :
			    t->period);
		o += (size_t)snprintf(s + o, cap - o, "%s%s", i ? "," : "", v);
	}
	snprintf(s + o, cap - o, "}");
	return s;
}

/* The tokens of inv as the six arrays of awsmfa.import_tokens; MFA_OK or
 * MFA_ERR_NOMEM. */
static int
token_arrays(const struct inventory *inv, char *arr[TOKEN_ARRAYS])
{
	const char	**v;
	char		 *hex;
	size_t		  i, j, hexlen = 2 * OTP_SECRET_MAX + 1;
	int		  rc = MFA_ERR_NOMEM;

	memset(arr, 0, TOKEN_ARRAYS * sizeof(arr[0]));
	v = calloc(inv->n + 1, sizeof(*v));
	hex = calloc(inv->n + 1, hexlen);
	if (v == NULL || hex == NULL)
		goto out;
	for (i = 0; i < inv->n; i++) {
		hex_encode(inv->tok[i].secret, inv->tok[i].secret_len,
		    hex + i * hexlen);
		v[i] = hex + i * hexlen;
	}
	arr[1] = array_of(v, inv->n, hexlen);
	for (i = 0; i < inv->n; i++)
		v[i] = inv->tok[i].serial;
	arr[0] = array_of(v, inv->n, RECORD_SERIAL_MAX);
	for (j = 2; j < TOKEN_ARRAYS; j++)
		arr[j] = field_array(inv, (int)j - 2);
	rc = MFA_OK;
	for (j = 0; j < TOKEN_ARRAYS; j++)
		if (arr[j] == NULL)
			rc = MFA_ERR_NOMEM;
 out:
	wipe_free(hex, (inv->n + 1) * hexlen);
	free(v);
	return rc;
}

int
backend_pg_import_tokens(struct backend *b, const char *csv, size_t len,
    size_t *count, device_bad_line_fn *fn, void *arg, char *err,
    size_t errlen)
{
	struct inventory	 inv;
	char			*arr[TOKEN_ARRAYS];
	const char		*p[TOKEN_ARRAYS];
	PGresult		*res = NULL;
	int			 j, rc;

	*count = 0;
	inventory_init(&inv);
	memset(arr, 0, sizeof(arr));
	if ((rc = device_parse_tokens_each(csv, len, &inv, fn, arg, err,
	    errlen)) != MFA_OK)
		goto out;
	if (token_arrays(&inv, arr) != MFA_OK) {
		rc = mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (j = 0; j < TOKEN_ARRAYS; j++)
		p[j] = arr[j];
	if ((rc = backend_pg_row(b, "SELECT awsmfa.import_tokens($1, $2, $3, $4, "
	    "$5, $6)", TOKEN_ARRAYS, p, 1, &res, err, errlen)) == MFA_OK)
		*count = inv.n;
 out:
	PQclear(res);
	wipe_free_str(arr[1]);	/* the seeds, in hex */
	for (j = 0; j < TOKEN_ARRAYS; j++)
		if (j != 1)
			free(arr[j]);
	inventory_free(&inv);
	return rc;
}

/* The hash goes to the database, the code only to the admin's screen;
 * the expiry is the database's clock plus ttl. */
int
backend_pg_invite(struct backend *b, const char *user, int64_t ttl,
    int64_t now, char *code, int64_t *expires, char *err, size_t errlen)
{
	char		 hash[RECORD_HASH_MAX + 1], secs[24];
	const char	*p[3];
	PGresult	*res = NULL;
	int		 rc;

	(void)now;
	if (invite_generate(code, hash) != MFA_OK)
		return mfa_fail(err, errlen, MFA_ERR_INTERNAL,
		    "cannot generate an invitation");
	snprintf(secs, sizeof(secs), "%lld", (long long)ttl);
	p[0] = user;
	p[1] = hash;
	p[2] = secs;
	rc = backend_pg_row(b, "SELECT awsmfa.invite_user($1, $2, $3)", 3, p, 1,
	    &res, err, errlen);
	if (rc == MFA_OK)
		*expires = backend_pg_int(res, 0, 0);
	else
		OPENSSL_cleanse(code, INVITE_CODE_BUFLEN);
	PQclear(res);
	OPENSSL_cleanse(hash, sizeof(hash));
	return rc;
}

int
backend_pg_revoke_invite(struct backend *b, const char *user, char *err,
    size_t errlen)
{
	const char	*p[1] = { user };
	PGresult	*res = NULL;
	int		 rc;

	rc = backend_pg_row(b, "SELECT awsmfa.revoke_invite($1)", 1, p, 1, &res,
	    err, errlen);
	PQclear(res);
	return rc;
}

/* The invitations of user (NULL: everyone) as list rows. */
static int
list_invitations(struct backend *b, const char *user, backend_row_fn *fn,
    void *arg, char *err, size_t errlen)
{
	const char		*p[1] = { user };
	struct backend_row	 r;
	PGresult		*res;
	int			 i, rc;

	if ((rc = backend_pg_call(b, "SELECT user_name, expires, live FROM "
	    "awsmfa.list_invitations($1)", 1, p, &res, err, errlen)) !=
	    MFA_OK)
		return rc;
	for (i = 0; i < PQntuples(res) && PQnfields(res) == 3; i++) {
		memset(&r, 0, sizeof(r));
		r.user = PQgetvalue(res, i, 0);
		r.expires = backend_pg_int(res, i, 1);
		r.status = strcmp(PQgetvalue(res, i, 2), "t") == 0 ?
		    "invited" : "expired";
		fn(arg, &r);
	}
	PQclear(res);
	return MFA_OK;
}

int
backend_pg_list(struct backend *b, const char *user, int64_t now,
    backend_row_fn *fn, void *arg, char *err, size_t errlen)
{
	const char		*p[1] = { user };	/* NULL: everyone */
	struct backend_row	 r;
	PGresult		*res;
	int			 i, rc;

	(void)now;
	if ((rc = backend_pg_call(b, "SELECT user_name, device, serial, "
	    "active, created, enabled, last_used, ahead, kind, period, "
	    "counter FROM awsmfa.list_devices($1)", 1, p, &res, err,
	    errlen)) != MFA_OK)
		return rc;
	if (PQnfields(res) != 11) {
		PQclear(res);
		return mfa_fail(err, errlen, MFA_ERR_DB,
		    "database: unexpected answer");
	}
	for (i = 0; i < PQntuples(res); i++) {
		memset(&r, 0, sizeof(r));
		r.user = PQgetisnull(res, i, 0) ? NULL : PQgetvalue(res, i, 0);
		r.device = PQgetvalue(res, i, 1);
		r.hardware = !PQgetisnull(res, i, 2);
		r.serial = r.hardware ? PQgetvalue(res, i, 2) : NULL;
		r.status = r.user == NULL ? "unassigned" :
		    strcmp(PQgetvalue(res, i, 3), "t") == 0 ? "active" :
		    "pending";
		r.created = backend_pg_int(res, i, 4);
		r.enabled = backend_pg_int(res, i, 5);
		r.last_used = backend_pg_int(res, i, 6);
		r.ahead = backend_pg_uint(res, i, 7);
		r.kind = strcmp(PQgetvalue(res, i, 8), "hotp") == 0 ?
		    OTP_HOTP : OTP_TOTP;
		r.period = (unsigned)backend_pg_uint(res, i, 9);
		r.counter = backend_pg_uint(res, i, 10);
		fn(arg, &r);
	}
	PQclear(res);
	return list_invitations(b, user, fn, arg, err, errlen);
}

/*
 * Advice on the fleet's deployment, one query per kind, each row a
 * warning.  The admin's role may read all of it: current_setting,
 * pg_roles and pg_db_role_setting are open to every role.
 */
static const char *const pg_advice[] = {
	/* A standby promoted after a failover must know every code the
	 * primary accepted (tests/pg/failover.sh). */
	"SELECT 'synchronous_standby_names is empty: a standby promoted "
	"after a failover may not know a code the primary accepted, and "
	"accept it again (README: Replication)' "
	"WHERE current_setting('synchronous_standby_names') = ''",
	"SELECT 'synchronous_commit is ' || s || ', below on: a standby "
	"promoted after a failover may not know a code the primary "
	"accepted, and accept it again (README: Replication)' "
	"FROM current_setting('synchronous_commit') s "
	"WHERE s IN ('off', 'local', 'remote_write')",
	/* What the admin's session sees is not what a host's sees when
	 * the host's role has a setting of its own. */
	"SELECT format('login role %I of awsmfa_host sets %s, below on: its "
	"logins are not synchronous (ALTER ROLE %I RESET "
	"synchronous_commit)', r.rolname, c, r.rolname) "
	"FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
	"CROSS JOIN LATERAL unnest(s.setconfig) c "
	"WHERE s.setdatabase IN (0, (SELECT oid FROM pg_database "
	"WHERE datname = current_database())) AND r.rolcanlogin AND "
	"pg_has_role(r.oid, 'awsmfa_host', 'MEMBER') AND "
	"c ~* '^synchronous_commit=(off|local|remote_write|false|no|0)$' "
	"ORDER BY r.rolname",
	/* CONNECTION LIMIT is a role's own: db-init sets one on every login
	 * role of awsmfa_host there is when it runs. */
	"SELECT count(*) || ' login role(s) of awsmfa_host without a "
	"CONNECTION LIMIT (' || array_to_string((array_agg("
	"quote_ident(rolname) ORDER BY rolname))[1:5], ', ') || "
	"CASE WHEN count(*) > 5 THEN ', ...' ELSE '' END || '): one host "
	"can take every connection of the server (run mfa-enroll db-init, "
	"or ALTER ROLE ... CONNECTION LIMIT n)' "
	"FROM pg_roles WHERE rolcanlogin AND NOT rolsuper AND "
	"rolconnlimit = -1 AND pg_has_role(oid, 'awsmfa_host', 'MEMBER') "
	"HAVING count(*) > 0",
	/* awsmfa-self's role is safe to leave on a login host because it
	 * changes nothing without the database's proof; one that is also
	 * an admin needs none (sql/self.sql). */
	"SELECT format('login role %I is in awsmfa_self and awsmfa_admin: "
	"a stolen self-service credential then changes devices without any "
	"proof (REVOKE awsmfa_admin FROM %I)', rolname, rolname) "
	"FROM pg_roles WHERE rolcanlogin AND NOT rolsuper AND "
	"pg_has_role(oid, 'awsmfa_self', 'MEMBER') AND "
	"pg_has_role(oid, 'awsmfa_admin', 'MEMBER') ORDER BY rolname",
};

/* The warnings of pg_advice through fn; the number of problems (a
 * query that failed: check could not look). */
static unsigned
check_advice(struct backend *b, backend_problem_fn *fn, void *arg)
{
	char		 err[MFA_ERRLEN], msg[2 * MFA_ERRLEN];
	PGresult	*res;
	unsigned	 problems = 0;
	size_t		 q;
	int		 i;

	for (q = 0; q < sizeof(pg_advice) / sizeof(pg_advice[0]); q++) {
		if (backend_pg_call(b, pg_advice[q], 0, NULL, &res, err,
		    sizeof(err)) != MFA_OK) {
			fn(arg, err);
			problems++;
			continue;
		}
		for (i = 0; i < PQntuples(res) && PQnfields(res) == 1; i++) {
			snprintf(msg, sizeof(msg), BACKEND_WARNING
			    "database: %s", PQgetvalue(res, i, 0));
			fn(arg, msg);
		}
		PQclear(res);
	}
	return problems;
}

/* The database answers, at the schema version this mfa-enroll knows;
 * then advice on how it is deployed. */
unsigned
backend_pg_check(struct backend *b, backend_problem_fn *fn, void *arg)
{
	char		 err[MFA_ERRLEN], msg[MFA_ERRLEN + 64];
	PGresult	*res;
	unsigned	 problems = 0;

	if (backend_pg_call(b, "SELECT awsmfa.schema_version()", 0, NULL,
	    &res, err, sizeof(err)) != MFA_OK) {
		fn(arg, err);
		return 1;
	}
	if (PQntuples(res) != 1 ||
	    strcmp(PQgetvalue(res, 0, 0), AWSMFA_SCHEMA_VERSION) != 0) {
		snprintf(msg, sizeof(msg), "database: schema version %s, "
		    "mfa-enroll needs %s (run mfa-enroll db-init)",
		    PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "none",
		    AWSMFA_SCHEMA_VERSION);
		fn(arg, msg);
		problems++;
	}
	PQclear(res);
	return problems + check_advice(b, fn, arg);
}

const struct backend_admin_ops backend_pg_admin_ops = {
	.create = backend_pg_create,
	.enable = backend_pg_enable,
	.resync = backend_pg_resync,
	.deactivate = backend_pg_deactivate,
	.recovery_codes = backend_pg_recovery_codes,
	.import_tokens = backend_pg_import_tokens,
	.list = backend_pg_list,
	.check = backend_pg_check,
	.unlock = backend_pg_unlock,
	.invite = backend_pg_invite,
	.revoke_invite = backend_pg_revoke_invite,
	.hosts = backend_pg_hosts,
	.release_host = backend_pg_release_host,
	.unlock_host = backend_pg_unlock_host,
};
