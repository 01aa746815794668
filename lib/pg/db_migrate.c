/* SPDX-License-Identifier: BSD-2-Clause */
/* migrate (see db_migrate.h).  What is copied is also written down, as
 * one line of text per device and per token, without secrets; the same
 * lines are made from what the database's admin functions read back, and
 * the two sets must be equal before COMMIT. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "db_admin.h"
#include "db_migrate.h"
#include "mfaerr.h"
#include "numparse.h"
#include "wipe.h"

/* "\x" and two hex digits a byte: a bytea parameter in text form. */
#define BYTEA_MAX	(2 + 2 * OTP_SECRET_MAX + 1)

struct lines {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

/* Appends s, which the list then owns (freed on failure too). */
static int
lines_take(struct lines *l, char *s)
{
	char	**nv;

	if (s == NULL)
		return MFA_ERR_NOMEM;
	if (l->n == l->cap) {
		l->cap = l->cap != 0 ? 2 * l->cap : 64;
		if ((nv = realloc(l->v, l->cap * sizeof(*nv))) == NULL) {
			free(s);
			return MFA_ERR_NOMEM;
		}
		l->v = nv;
	}
	l->v[l->n++] = s;
	return MFA_OK;
}

static int lines_add(struct lines *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
lines_add(struct lines *l, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || (s = malloc((size_t)len + 1)) == NULL)
		return MFA_ERR_NOMEM;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	return lines_take(l, s);
}

static void
lines_free(struct lines *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
bytea_hex(char out[BYTEA_MAX], const unsigned char *b, size_t len)
{
	out[0] = '\\';
	out[1] = 'x';
	hex_encode(b, len < OTP_SECRET_MAX ? len : OTP_SECRET_MAX, out + 2);
}

/* The database's name of a device's kind (devices.kind). */
static const char *
kind_sql(enum otp_kind kind)
{
	return kind == OTP_HOTP ? "hotp" : "totp";
}

/* The database's name of an algorithm (otp_alg_name's is upper case). */
static const char *
alg_sql(enum otp_alg alg)
{
	switch (alg) {
	case OTP_SHA1:
		return "sha1";
	case OTP_SHA256:
		return "sha256";
	case OTP_SHA512:
		return "sha512";
	}
	return "?";
}

/* The recovery hashes as a text[] literal, each element quoted. */
static char *
recovery_array(const struct mfa_record *rec)
{
	char		*s, *p;
	const char	*h;
	unsigned	 i;

	if ((s = malloc(3 + (size_t)rec->nrecovery *
	    (2 * RECORD_HASH_MAX + 3))) == NULL)
		return NULL;
	p = s;
	*p++ = '{';
	for (i = 0; i < rec->nrecovery; i++) {
		if (i > 0)
			*p++ = ',';
		*p++ = '"';
		for (h = rec->recovery[i]; *h != '\0'; h++) {
			if (*h == '"' || *h == '\\')
				*p++ = '\\';
			*p++ = *h;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	return s;
}

static int
put_user(struct db_conn *c, const struct mfa_record *rec, char *err,
    size_t errlen)
{
	char		 failures[16], locked[24], *rcv;
	const char	*p[4];
	int		 rc;

	if ((rcv = recovery_array(rec)) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	snprintf(failures, sizeof(failures), "%u", rec->failures);
	snprintf(locked, sizeof(locked), "%" PRId64, rec->locked_until);
	p[0] = rec->user;
	p[1] = failures;
	p[2] = locked;
	p[3] = rcv;
	rc = db_admin_run(c, "SELECT awsmfa.put_user($1, $2, $3, $4)", 4, p,
	    err, errlen);
	free(rcv);
	/* An invitation goes with its user, expiry and all. */
	if (rc == MFA_OK && rec->invite[0] != '\0') {
		snprintf(locked, sizeof(locked), "%" PRId64,
		    rec->invite_expires);
		p[1] = rec->invite;
		p[2] = locked;
		rc = db_admin_run(c, "SELECT awsmfa.put_invitation($1, $2, "
		    "$3)", 3, p, err, errlen);
	}
	return rc;
}

/* The line that stands for a device in the comparison: the columns of
 * awsmfa.list_devices, tab-separated (names hold no control character). */
static int
device_line(struct lines *l, const struct mfa_record *rec,
    const struct mfa_device *d, const char *period, const char *last_step,
    const char *counter)
{
	return lines_add(l, "%s\t%s\t%s\t%s\t%s\t%u\t%s\t%" PRId64 "\t%"
	    PRId64 "\t%" PRId64 "\t%s\t%" PRId64 "\t%u\t%" PRId64 "\t%u\t%s"
	    "\t%s", rec->user, d->name,
	    d->type == DEVICE_HARDWARE ? d->serial : "",
	    d->status == DEVICE_ACTIVE ? "t" : "f", alg_sql(d->alg),
	    d->digits, period, d->created, d->enabled, d->last_used,
	    last_step, d->drift, rec->failures, rec->locked_until,
	    rec->nrecovery, kind_sql(d->kind), counter);
}

static int
put_device(struct db_conn *c, const struct mfa_record *rec,
    const struct mfa_device *d, struct lines *want, char *err,
    size_t errlen)
{
	char		 n[8][24], secret[BYTEA_MAX];
	const char	*p[15];
	int		 rc;

	snprintf(n[0], sizeof(n[0]), "%u", d->digits);
	snprintf(n[7], sizeof(n[7]), "%" PRIu64, d->counter);
	snprintf(n[1], sizeof(n[1]), "%u", d->period);
	snprintf(n[2], sizeof(n[2]), "%" PRId64, d->created);
	snprintf(n[3], sizeof(n[3]), "%" PRId64, d->enabled);
	snprintf(n[4], sizeof(n[4]), "%" PRId64, d->last_used);
	snprintf(n[5], sizeof(n[5]), "%" PRIu64, d->last_step);
	snprintf(n[6], sizeof(n[6]), "%" PRId64, d->drift);
	p[0] = rec->user;
	p[1] = d->name;
	p[2] = d->type == DEVICE_HARDWARE ? d->serial : NULL;
	p[3] = alg_sql(d->alg);
	p[4] = n[0];
	p[5] = d->kind == OTP_HOTP ? NULL : n[1];
	p[6] = secret;
	p[7] = d->status == DEVICE_ACTIVE ? "t" : "f";
	p[8] = n[2];
	p[9] = n[3];
	p[10] = n[4];
	p[11] = d->last_step == RECORD_NO_STEP ? NULL : n[5];
	p[12] = n[6];
	p[13] = kind_sql(d->kind);
	p[14] = d->kind == OTP_HOTP ? n[7] : NULL;
	bytea_hex(secret, d->secret, d->secret_len);
	rc = db_admin_run(c, "SELECT awsmfa.put_device($1, $2, $3, $4, $5, "
	    "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15)", 15, p, err,
	    errlen);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (rc == MFA_OK && device_line(want, rec, d, p[5] != NULL ? n[1] :
	    "", p[11] != NULL ? n[5] : "", p[14] != NULL ? n[7] : "") !=
	    MFA_OK)
		rc = mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	return rc;
}

/* One user's record; a user whose record went away since the listing
 * has nothing to copy. */
static int
put_record(struct db_conn *c, struct store *st, const char *user,
    struct lines *want, struct migrate_counts *n, char *err, size_t errlen)
{
	struct mfa_record	*rec;
	unsigned		 i;
	int			 rc;

	if ((rec = calloc(1, sizeof(*rec))) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	if ((rc = store_load(st, user, rec, err, errlen)) == MFA_ERR_NOENT)
		rc = MFA_OK;
	else if (rc == MFA_OK &&
	    (rc = put_user(c, rec, err, errlen)) == MFA_OK) {
		for (i = 0; i < rec->ndevices && rc == MFA_OK; i++)
			rc = put_device(c, rec, &rec->dev[i], want, err,
			    errlen);
		if (rc == MFA_OK) {
			n->users++;
			n->devices += rec->ndevices;
			n->recovery += rec->nrecovery;
			for (i = 0; i < rec->ndevices; i++)
				n->active += rec->dev[i].status ==
				    DEVICE_ACTIVE;
		}
	}
	wipe_free(rec, sizeof(*rec));
	return rc;
}

static int
put_token(struct db_conn *c, struct store *st, const struct hw_token *t,
    struct lines *want, struct migrate_counts *n, char *err, size_t errlen)
{
	char		 digits[16], period[16], counter[24];
	char		 secret[BYTEA_MAX];
	const char	*p[8];
	int		 held, rc;

	if ((rc = store_token_held(st, t, &held, err, errlen)) != MFA_OK)
		return rc;
	snprintf(digits, sizeof(digits), "%u", t->digits);
	snprintf(period, sizeof(period), "%u", t->period);
	snprintf(counter, sizeof(counter), "%" PRIu64, t->counter);
	p[0] = t->serial;
	p[1] = alg_sql(t->alg);
	p[2] = digits;
	p[3] = t->kind == OTP_HOTP ? NULL : period;
	p[4] = secret;
	p[5] = held ? t->user : NULL;
	p[6] = kind_sql(t->kind);
	p[7] = t->kind == OTP_HOTP ? counter : NULL;
	bytea_hex(secret, t->secret, t->secret_len);
	rc = db_admin_run(c, "SELECT awsmfa.put_token($1, $2, $3, $4, $5, $6, "
	    "$7, $8)", 8, p, err, errlen);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (rc == MFA_OK && lines_add(want, "%s\t%s\t%u\t%s\t%s\t%s\t%s",
	    t->serial, p[1], t->digits, p[3] != NULL ? period : "",
	    held ? t->user : "", p[6], p[7] != NULL ? counter : "") != MFA_OK)
		rc = mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	n->tokens += rc == MFA_OK;
	n->assigned += rc == MFA_OK && held;
	return rc;
}

/* Row i of res as one tab-separated line (NULL as ""), malloc'd. */
static char *
row_line(const PGresult *res, int i)
{
	char	*s, *p;
	size_t	 len;
	int	 j, nf = PQnfields(res);

	for (len = 1, j = 0; j < nf; j++)
		len += (size_t)PQgetlength(res, i, j) + 1;
	if ((s = p = malloc(len)) == NULL)
		return NULL;
	*p = '\0';
	for (j = 0; j < nf; j++) {
		len = (size_t)PQgetlength(res, i, j);
		memcpy(p, PQgetvalue(res, i, j), len);
		p += len;
		*p++ = j + 1 < nf ? '\t' : '\0';
	}
	return s;
}

/* The rows of sql as lines, keeping those whose first column is in keys
 * (sorted). */
static int
read_back(struct db_conn *c, const char *sql, char *const *keys,
    size_t nkeys, struct lines *got, char *err, size_t errlen)
{
	PGresult	*res;
	const char	*k;
	int		 i, rc;

	if ((rc = db_admin_exec(c, sql, 0, NULL, &res, err, errlen)) != MFA_OK)
		return rc;
	for (i = 0; rc == MFA_OK && i < PQntuples(res); i++) {
		k = PQgetvalue(res, i, 0);
		if (nkeys > 0 && bsearch(&k, keys, nkeys, sizeof(*keys),
		    cmp_str) != NULL)
			rc = lines_take(got, row_line(res, i));
	}
	PQclear(res);
	if (rc != MFA_OK)
		return mfa_fail(err, errlen, rc, "out of memory");
	return MFA_OK;
}

/* Equal sets of lines, or err names the first thing that differs (its
 * first two fields: user and device, or serial and algorithm). */
static int
same_lines(const char *what, struct lines *want, struct lines *got,
    char *err, size_t errlen)
{
	const char	*bad = NULL;
	size_t		 i, n;

	if (want->n > 1)
		qsort(want->v, want->n, sizeof(*want->v), cmp_str);
	if (got->n > 1)
		qsort(got->v, got->n, sizeof(*got->v), cmp_str);
	for (i = 0; bad == NULL && i < want->n && i < got->n; i++)
		if (strcmp(want->v[i], got->v[i]) != 0)
			bad = cmp_str(&want->v[i], &got->v[i]) < 0 ?
			    want->v[i] : got->v[i];
	if (bad == NULL && want->n != got->n)
		bad = want->n > got->n ? want->v[i] : got->v[i];
	if (bad == NULL)
		return MFA_OK;
	n = strcspn(bad, "\t");
	if (bad[n] == '\t')
		n += 1 + strcspn(bad + n + 1, "\t");
	seterr(err, errlen, "the copy does not verify: %s \"%.*s\" reads back "
	    "differently", what, (int)n, bad);
	for (i = 0; err != NULL && err[i] != '\0'; i++)
		if (err[i] == '\t')
			err[i] = ' ';
	return MFA_ERR_CORRUPT;
}

/* Reads back what was copied and compares; users is sorted. */
static int
verify(struct db_conn *c, char *const *users, size_t nusers,
    const struct inventory *inv, struct lines *want_dev,
    struct lines *want_tok, char *err, size_t errlen)
{
	struct lines	  got_dev = { NULL, 0, 0 }, got_tok = { NULL, 0, 0 };
	char		**serials;
	size_t		  i;
	int		  rc;

	if ((serials = calloc(inv->n + 1, sizeof(*serials))) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	for (i = 0; i < inv->n; i++)
		serials[i] = inv->tok[i].serial;
	if (inv->n > 1)
		qsort(serials, inv->n, sizeof(*serials), cmp_str);
	if ((rc = read_back(c, "SELECT user_name, device, serial, active, alg, "
	    "digits, period, created, enabled, last_used, last_step, drift, "
	    "failures, locked_until, nrecovery, kind, counter FROM "
	    "awsmfa.list_devices(NULL) "
	    "WHERE user_name IS NOT NULL", users, nusers, &got_dev, err,
	    errlen)) == MFA_OK &&
	    (rc = read_back(c, "SELECT serial, alg, digits, period, user_name, "
	    "kind, counter FROM awsmfa.list_tokens()", serials, inv->n, &got_tok, err,
	    errlen)) == MFA_OK &&
	    (rc = same_lines("device", want_dev, &got_dev, err, errlen)) ==
	    MFA_OK)
		rc = same_lines("token", want_tok, &got_tok, err, errlen);
	lines_free(&got_dev);
	lines_free(&got_tok);
	free(serials);
	return rc;
}

/* Everything but the commit, under the inventory lock. */
static int
copy(struct db_conn *c, struct store *st, struct migrate_counts *n,
    char *err, size_t errlen)
{
	struct inventory	  inv;
	struct lines		  want_dev = { NULL, 0, 0 };
	struct lines		  want_tok = { NULL, 0, 0 };
	char			**users = NULL;
	size_t			  nusers = 0, i;
	int			  rc;

	inventory_init(&inv);
	if ((rc = store_load_inventory(st, &inv, err, errlen)) != MFA_OK &&
	    rc != MFA_ERR_NOENT)
		goto out;
	if ((rc = store_list_users(st, &users, &nusers, err, errlen)) !=
	    MFA_OK ||
	    (rc = db_admin_run(c, "BEGIN", 0, NULL, err, errlen)) != MFA_OK)
		goto out;
	for (i = 0; i < nusers; i++)
		if ((rc = put_record(c, st, users[i], &want_dev, n, err,
		    errlen)) != MFA_OK)
			goto out;
	for (i = 0; i < inv.n; i++)
		if ((rc = put_token(c, st, &inv.tok[i], &want_tok, n, err,
		    errlen)) != MFA_OK)
			goto out;
	rc = verify(c, users, nusers, &inv, &want_dev, &want_tok, err,
	    errlen);
out:
	store_free_users(users, nusers);
	inventory_free(&inv);
	lines_free(&want_dev);
	lines_free(&want_tok);
	return rc;
}

int
db_migrate(struct db_conn *c, struct store *st, struct migrate_counts *n,
    char *err, size_t errlen)
{
	int	lockfd, rc;

	memset(n, 0, sizeof(*n));
	if ((rc = store_lock_inventory(st, &lockfd, err, errlen)) != MFA_OK)
		return rc;
	rc = copy(c, st, n, err, errlen);
	if (rc == MFA_OK)
		rc = db_admin_commit(c, err, errlen);
	store_unlock(lockfd);
	if (rc != MFA_OK) {
		/* Closing the connection rolls back what was begun. */
		db_close(c);
		memset(n, 0, sizeof(*n));
	}
	return rc;
}
