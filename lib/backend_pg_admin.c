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
#include "mfaerr.h"
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

static int
one_call(struct backend *b, const char *sql, int n, const char *const *p,
    int nfields, PGresult **res, char *err, size_t errlen)
{
	if (backend_pg_call(b, sql, n, p, nfields, res, err, errlen) != DB_OK)
		return -1;
	if (PQntuples(*res) != 1 || PQnfields(*res) != nfields) {
		seterr(err, errlen, "database: unexpected answer");
		PQclear(*res);
		*res = NULL;
		return -1;
	}
	return 0;
}

int
backend_pg_create(struct backend *b, const char *user, const char *name,
    int64_t now, struct mfa_device *out, char *err, size_t errlen)
{
	char		 alg[8], digits[8], period[16];
	const char	*p[5] = { user, name, alg, digits, period };
	unsigned char	*k;
	PGresult	*res;
	size_t		 len;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	alg_lower(b->cfg->algorithm, alg);
	snprintf(digits, sizeof(digits), "%u", b->cfg->digits);
	snprintf(period, sizeof(period), "%u", b->cfg->period);
	if (one_call(b, "SELECT awsmfa.create_device($1, $2, $3, $4, $5)", 5,
	    p, 1, &res, err, errlen) != 0)
		return -1;
	k = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0),
	    &len);
	if (k != NULL && len > 0 && len <= sizeof(out->secret)) {
		snprintf(out->name, sizeof(out->name), "%s", name);
		out->type = DEVICE_VIRTUAL;
		out->alg = b->cfg->algorithm;
		out->digits = b->cfg->digits;
		out->period = b->cfg->period;
		memcpy(out->secret, k, len);
		out->secret_len = len;
		out->status = DEVICE_PENDING;
		out->created = now;
		out->last_step = RECORD_NO_STEP;
		rc = 0;
	} else
		seterr(err, errlen, "database: unexpected secret");
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

	(void)now;
	if (one_call(b, "SELECT awsmfa.enable_device($1, $2, $3, $4)", 4, p, 1,
	    &res, err, errlen) != 0)
		return -1;
	PQclear(res);
	return 0;
}

int
backend_pg_resync(struct backend *b, const char *user, const char *device,
    const char *code1, const char *code2, int64_t now,
    struct device_resync_report *rep, char *err, size_t errlen)
{
	const char	*p[4] = { user, device, code1, code2 };
	PGresult	*res;

	(void)now;
	memset(rep, 0, sizeof(*rep));
	if (one_call(b, "SELECT drift, reset_periods, locked_until, period "
	    "FROM awsmfa.resync_device($1, $2, $3, $4)", 4, p, 4, &res, err,
	    errlen) != 0)
		return -1;
	rep->drift = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	rep->reset_periods = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
	rep->locked_until = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	rep->period = (unsigned)strtoul(PQgetvalue(res, 0, 3), NULL, 10);
	PQclear(res);
	return 0;
}

int
backend_pg_deactivate(struct backend *b, const char *user,
    const char *device, char *err, size_t errlen)
{
	const char	*p[2] = { user, device };	/* NULL: all */
	PGresult	*res;

	if (one_call(b, "SELECT awsmfa.deactivate_device($1, $2)", 2, p, 1,
	    &res, err, errlen) != 0)
		return -1;
	PQclear(res);
	return 0;
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
backend_pg_recovery_codes(struct backend *b, const char *user,
    unsigned count, char (*codes)[RECOVERY_CODE_BUFLEN], char *err,
    size_t errlen)
{
	char		(*hash)[RECORD_HASH_MAX + 1], *arr = NULL;
	const char	*ptr[RECORD_MAX_RECOVERY], *p[2];
	PGresult	*res = NULL;
	unsigned	 i;
	int		 rc = -1;

	if (count == 0 || count > RECORD_MAX_RECOVERY) {
		seterr(err, errlen, "count must be 1 to %d",
		    RECORD_MAX_RECOVERY);
		return -1;
	}
	if ((hash = calloc(count, sizeof(*hash))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < count; i++) {
		if (recovery_generate(codes[i], hash[i]) != 0) {
			seterr(err, errlen, "cannot make recovery codes");
			goto out;
		}
		ptr[i] = hash[i];
	}
	if ((arr = array_of(ptr, count, RECORD_HASH_MAX)) == NULL) {
		seterr(err, errlen, "out of memory");
		goto out;
	}
	p[0] = user;
	p[1] = arr;
	if (one_call(b, "SELECT awsmfa.set_recovery($1, $2)", 2, p, 1, &res, err,
	    errlen) == 0)
		rc = 0;
 out:
	PQclear(res);
	free(arr);
	free(hash);
	if (rc != 0)
		OPENSSL_cleanse(codes, count * sizeof(*codes));
	return rc;
}

/* "{a,b,...}" of the digits (what 0), periods (1) or algorithms (2) of
 * the tokens of inv. */
static char *
field_array(const struct inventory *inv, int what)
{
	char	*s, alg[8];
	size_t	 cap = inv->n * 12 + 3, o = 0, i;

	if ((s = malloc(cap)) == NULL)
		return NULL;
	s[o++] = '{';
	for (i = 0; i < inv->n; i++) {
		if (what == 2)
			alg_lower(inv->tok[i].alg, alg);
		else
			snprintf(alg, sizeof(alg), "%u", what == 0 ?
			    inv->tok[i].digits : inv->tok[i].period);
		o += (size_t)snprintf(s + o, cap - o, "%s%s", i ? "," : "",
		    alg);
	}
	snprintf(s + o, cap - o, "}");
	return s;
}

/* The tokens of inv as the five arrays of awsmfa.import_tokens. */
static int
token_arrays(const struct inventory *inv, char *arr[5])
{
	const char	**v;
	char		 *hex, *o;
	size_t		  i, j, hexlen = 2 * OTP_SECRET_MAX + 1;
	int		  rc = -1;

	memset(arr, 0, 5 * sizeof(arr[0]));
	v = calloc(inv->n + 1, sizeof(*v));
	hex = calloc(inv->n + 1, hexlen);
	if (v == NULL || hex == NULL)
		goto out;
	for (i = 0; i < inv->n; i++) {
		for (j = 0, o = hex + i * hexlen; j < inv->tok[i].secret_len;
		    j++, o += 2)
			snprintf(o, 3, "%02x", inv->tok[i].secret[j]);
		v[i] = hex + i * hexlen;
	}
	arr[1] = array_of(v, inv->n, hexlen);
	for (i = 0; i < inv->n; i++)
		v[i] = inv->tok[i].serial;
	arr[0] = array_of(v, inv->n, RECORD_SERIAL_MAX);
	for (j = 2; j < 5; j++)
		arr[j] = field_array(inv, (int)j - 2);
	rc = 0;
	for (j = 0; j < 5; j++)
		if (arr[j] == NULL)
			rc = -1;
 out:
	if (hex != NULL)
		OPENSSL_cleanse(hex, (inv->n + 1) * hexlen);
	free(hex);
	free(v);
	return rc;
}

int
backend_pg_import_tokens(struct backend *b, const char *csv, size_t len,
    size_t *count, device_bad_line_fn *fn, void *arg, char *err,
    size_t errlen)
{
	struct inventory	 inv;
	char			*arr[5];
	const char		*p[5];
	PGresult		*res = NULL;
	int			 j, rc = -1;

	*count = 0;
	inventory_init(&inv);
	memset(arr, 0, sizeof(arr));
	if (device_parse_tokens_each(csv, len, &inv, fn, arg, err,
	    errlen) != 0)
		goto out;
	if (token_arrays(&inv, arr) != 0) {
		seterr(err, errlen, "out of memory");
		goto out;
	}
	for (j = 0; j < 5; j++)
		p[j] = arr[j];
	if (one_call(b, "SELECT awsmfa.import_tokens($1, $2, $3, $4, $5)", 5,
	    p, 1, &res, err, errlen) == 0) {
		*count = inv.n;
		rc = 0;
	}
 out:
	PQclear(res);
	if (arr[1] != NULL)
		OPENSSL_cleanse(arr[1], strlen(arr[1]));
	for (j = 0; j < 5; j++)
		free(arr[j]);
	inventory_free(&inv);
	return rc;
}

int
backend_pg_list(struct backend *b, const char *user, int64_t now,
    backend_row_fn *fn, void *arg, char *err, size_t errlen)
{
	const char		*p[1] = { user };	/* NULL: everyone */
	struct backend_row	 r;
	PGresult		*res;
	int			 i;

	(void)now;
	if (backend_pg_call(b, "SELECT user_name, device, serial, active, "
	    "created, enabled, last_used, ahead FROM awsmfa.list_devices($1)",
	    1, p, 8, &res, err, errlen) != DB_OK)
		return -1;
	if (PQnfields(res) != 8) {
		seterr(err, errlen, "database: unexpected answer");
		PQclear(res);
		return -1;
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
		r.created = strtoll(PQgetvalue(res, i, 4), NULL, 10);
		r.enabled = strtoll(PQgetvalue(res, i, 5), NULL, 10);
		r.last_used = strtoll(PQgetvalue(res, i, 6), NULL, 10);
		r.ahead = strtoull(PQgetvalue(res, i, 7), NULL, 10);
		fn(arg, &r);
	}
	PQclear(res);
	return 0;
}

/* The database answers, at the schema version this mfa-enroll knows. */
unsigned
backend_pg_check(struct backend *b, backend_problem_fn *fn, void *arg)
{
	char		 err[BACKEND_ERRLEN], msg[BACKEND_ERRLEN + 64];
	PGresult	*res;
	unsigned	 problems = 0;

	if (backend_pg_call(b, "SELECT awsmfa.schema_version()", 0, NULL, 1,
	    &res, err, sizeof(err)) != DB_OK) {
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
	return problems;
}
