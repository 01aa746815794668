/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * awsmfa-self's calls on the PostgreSQL store (sql/self.sql), as a role
 * of awsmfa_self.  The database judges every proof and answers result
 * and reason; a refusal's reason is written for the user and becomes the
 * one line in err.  A ticket is handed back as the database gave it.
 * Secrets and codes pass through here once and are wiped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "backend_pg.h"
#include "mfaerr.h"
#include "record.h"

/* One row of nfields, its first two fields result and reason: MFA_OK
 * with *res for result "ok" (and the kinds of ok a proof has), else
 * MFA_ERR_REFUSED with the reason. */
static int
self_call(struct backend *b, const char *sql, int n, const char *const *p,
    int nfields, PGresult **res, char *err, size_t errlen)
{
	const char	*result;
	int		 rc;

	if ((rc = backend_pg_row(b, sql, n, p, nfields, res, err, errlen)) !=
	    MFA_OK)
		return rc;
	result = PQgetvalue(*res, 0, 0);
	if (strcmp(result, "ok") == 0 || strcmp(result, "recovery_ok") == 0 ||
	    strcmp(result, "invite_ok") == 0)
		return MFA_OK;
	rc = mfa_fail(err, errlen, MFA_ERR_REFUSED, "%s",
	    PQgetvalue(*res, 0, 1));
	PQclear(*res);
	*res = NULL;
	return rc;
}

static int
take_ticket(const PGresult *res, int col, struct backend_ticket *t,
    char *err, size_t errlen)
{
	const char	*v = PQgetvalue(res, 0, col);

	if (PQgetisnull(res, 0, col) || strlen(v) >= sizeof(t->t))
		return mfa_fail(err, errlen, MFA_ERR_DB,
		    "database: unexpected answer");
	snprintf(t->t, sizeof(t->t), "%s", v);
	return MFA_OK;
}

static const char *
ticket_of(const struct backend_ticket *t)
{
	return t != NULL && t->t[0] != '\0' ? t->t : NULL;
}

static int
pg_self_list(struct backend *b, const char *user, backend_row_fn *fn,
    void *arg, char *err, size_t errlen)
{
	const char		*p[1] = { user };
	struct backend_row	 r;
	PGresult		*res;
	int			 i, rc;

	if ((rc = backend_pg_call(b, "SELECT device, serial, active, kind, "
	    "period, counter, created, enabled, last_used, expires "
	    "FROM awsmfa.self_list($1)", 1, p, &res, err, errlen)) !=
	    MFA_OK)
		return rc;
	for (i = 0; i < PQntuples(res) && PQnfields(res) == 10; i++) {
		memset(&r, 0, sizeof(r));
		r.user = user;
		if (PQgetisnull(res, i, 0)) {
			r.status = "invited";
			r.expires = backend_pg_int(res, i, 9);
			fn(arg, &r);
			continue;
		}
		r.device = PQgetvalue(res, i, 0);
		r.hardware = !PQgetisnull(res, i, 1);
		r.serial = r.hardware ? PQgetvalue(res, i, 1) : NULL;
		r.status = strcmp(PQgetvalue(res, i, 2), "t") == 0 ? "active" :
		    "pending";
		r.kind = strcmp(PQgetvalue(res, i, 3), "hotp") == 0 ?
		    OTP_HOTP : OTP_TOTP;
		r.period = (unsigned)backend_pg_uint(res, i, 4);
		r.counter = backend_pg_uint(res, i, 5);
		r.created = backend_pg_int(res, i, 6);
		r.enabled = backend_pg_int(res, i, 7);
		r.last_used = backend_pg_int(res, i, 8);
		fn(arg, &r);
	}
	PQclear(res);
	return MFA_OK;
}

/* CALL, as a login's: what is left of db_timeout goes along, so that
 * nothing of the proof outlives the helper's wait. */
static int
pg_self_prove(struct backend *b, const char *user, const char *input,
    size_t len, struct backend_ticket *t, char *err, size_t errlen)
{
	char		 code[PG_INPUT_MAX + 1], name[PG_USER_HEX], ms[24];
	const char	*p[3] = { name, code, ms };
	PGresult	*res;
	int		 rc;

	memset(t, 0, sizeof(*t));
	backend_pg_user_bytes(user, name);
	backend_pg_input(input, len, code);
	snprintf(ms, sizeof(ms), "%lld", (long long)b->cfg->db_timeout * 1000);
	rc = self_call(b, "CALL awsmfa.self_prove($1, $2, $3, NULL, NULL, "
	    "NULL)", 3, p, 3, &res, err, errlen);
	OPENSSL_cleanse(code, sizeof(code));
	if (rc != MFA_OK)
		return rc;
	rc = take_ticket(res, 2, t, err, errlen);
	PQclear(res);
	return rc;
}

static int
pg_self_create(struct backend *b, const char *user, const char *device,
    const struct backend_ticket *proof, struct mfa_device *out,
    struct backend_ticket *enrol, char *err, size_t errlen)
{
	char		 digits[8], period[16];
	const char	*p[6] = { user, ticket_of(proof), device, "sha1",
			    digits, period };
	unsigned char	*k;
	PGresult	*res;
	size_t		 len;
	int		 rc;

	memset(out, 0, sizeof(*out));
	memset(enrol, 0, sizeof(*enrol));
	/* pgcrypto's names; the config's are upper case. */
	p[3] = b->cfg->algorithm == OTP_SHA256 ? "sha256" :
	    b->cfg->algorithm == OTP_SHA512 ? "sha512" : "sha1";
	snprintf(digits, sizeof(digits), "%u", b->cfg->digits);
	snprintf(period, sizeof(period), "%u", b->cfg->period);
	if ((rc = self_call(b, "SELECT result, reason, secret, ticket FROM "
	    "awsmfa.self_create($1, $2, $3, $4, $5, $6)", 6, p, 4, &res, err,
	    errlen)) != MFA_OK)
		return rc;
	k = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 2),
	    &len);
	if (k != NULL && len > 0 && len <= sizeof(out->secret) &&
	    (rc = take_ticket(res, 3, enrol, err, errlen)) == MFA_OK) {
		snprintf(out->name, sizeof(out->name), "%s", device);
		out->type = DEVICE_VIRTUAL;
		out->kind = OTP_TOTP;
		out->alg = b->cfg->algorithm;
		out->digits = b->cfg->digits;
		out->period = b->cfg->period;
		out->status = DEVICE_PENDING;
		out->last_step = RECORD_NO_STEP;
		memcpy(out->secret, k, len);
		out->secret_len = len;
	} else if (rc == MFA_OK)
		rc = mfa_fail(err, errlen, MFA_ERR_DB,
		    "database: unexpected answer");
	if (k != NULL) {
		OPENSSL_cleanse(k, len);
		PQfreemem(k);
	}
	/* The secret's text form stays in the result's memory. */
	OPENSSL_cleanse(PQgetvalue(res, 0, 2), strlen(PQgetvalue(res, 0, 2)));
	PQclear(res);
	return rc;
}

static int
pg_self_pair(struct backend *b, const char *user, const char *verb,
    const char *device, const struct backend_ticket *t, const char *code1,
    const char *code2, char *err, size_t errlen)
{
	char		 pair[2 * PG_INPUT_MAX + 2], ms[24];
	const char	*p[6] = { user, verb, device, ticket_of(t), pair, ms };
	PGresult	*res;
	int		 rc;

	if (strlen(code1) > PG_INPUT_MAX || strlen(code2) > PG_INPUT_MAX ||
	    strchr(code1, ' ') != NULL || strchr(code2, ' ') != NULL)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "CODE1 and "
		    "CODE2 must be codes");
	snprintf(pair, sizeof(pair), "%s %s", code1, code2);
	snprintf(ms, sizeof(ms), "%lld", (long long)b->cfg->db_timeout * 1000);
	rc = self_call(b, "CALL awsmfa.self_pair($1, $2, $3, $4, "
	    "convert_to($5, 'UTF8'), $6, NULL, NULL)", 6, p, 2, &res, err,
	    errlen);
	OPENSSL_cleanse(pair, sizeof(pair));
	PQclear(res);
	return rc;
}

static int
pg_self_change(struct backend *b, const char *sql, const char *user,
    const struct backend_ticket *t, const char *arg, char *err,
    size_t errlen)
{
	const char	*p[3] = { user, ticket_of(t), arg };
	PGresult	*res;
	int		 rc;

	rc = self_call(b, sql, 3, p, 2, &res, err, errlen);
	PQclear(res);
	return rc;
}

static int
pg_self_abandon(struct backend *b, const char *user, const char *device,
    const struct backend_ticket *enrol, char *err, size_t errlen)
{
	return pg_self_change(b, "SELECT result, reason FROM "
	    "awsmfa.self_abandon($1, $2, $3)", user, enrol, device, err,
	    errlen);
}

static int
pg_self_deactivate(struct backend *b, const char *user, const char *device,
    const struct backend_ticket *t, char *err, size_t errlen)
{
	return pg_self_change(b, "SELECT result, reason FROM "
	    "awsmfa.self_deactivate($1, $2, $3)", user, t, device, err,
	    errlen);
}

static int
pg_self_recovery(struct backend *b, const char *user,
    const struct backend_ticket *t, unsigned count,
    char (*codes)[RECOVERY_CODE_BUFLEN], char *err, size_t errlen)
{
	char	*arr;
	int	 rc;

	if ((rc = backend_pg_recovery_array(count, codes, &arr, err,
	    errlen)) != MFA_OK)
		return rc;
	rc = pg_self_change(b, "SELECT result, reason FROM "
	    "awsmfa.self_recovery($1, $2, $3)", user, t, arr, err, errlen);
	free(arr);
	if (rc != MFA_OK)
		OPENSSL_cleanse(codes, count * sizeof(*codes));
	return rc;
}

const struct backend_self_ops backend_pg_self_ops = {
	.list = pg_self_list,
	.prove = pg_self_prove,
	.create = pg_self_create,
	.pair = pg_self_pair,
	.abandon = pg_self_abandon,
	.deactivate = pg_self_deactivate,
	.recovery = pg_self_recovery,
};
