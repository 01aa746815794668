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
		return -1;
	if (l->n == l->cap) {
		l->cap = l->cap != 0 ? 2 * l->cap : 64;
		if ((nv = realloc(l->v, l->cap * sizeof(*nv))) == NULL) {
			free(s);
			return -1;
		}
		l->v = nv;
	}
	l->v[l->n++] = s;
	return 0;
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
		return -1;
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
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	out[0] = '\\';
	out[1] = 'x';
	for (i = 0; i < len && i < OTP_SECRET_MAX; i++) {
		out[2 + 2 * i] = hex[b[i] >> 4];
		out[3 + 2 * i] = hex[b[i] & 15];
	}
	out[2 + 2 * i] = '\0';
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

	if ((rcv = recovery_array(rec)) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	snprintf(failures, sizeof(failures), "%u", rec->failures);
	snprintf(locked, sizeof(locked), "%" PRId64, rec->locked_until);
	p[0] = rec->user;
	p[1] = failures;
	p[2] = locked;
	p[3] = rcv;
	rc = db_admin_run(c, "SELECT awsmfa.put_user($1, $2, $3, $4)", 4, p,
	    err, errlen);
	free(rcv);
	return rc;
}

/* The line that stands for a device in the comparison: the columns of
 * awsmfa.list_devices, tab-separated (names hold no control character). */
static int
device_line(struct lines *l, const struct mfa_record *rec,
    const struct mfa_device *d, const char *last_step)
{
	return lines_add(l, "%s\t%s\t%s\t%s\t%s\t%u\t%u\t%" PRId64 "\t%"
	    PRId64 "\t%" PRId64 "\t%s\t%" PRId64 "\t%u\t%" PRId64 "\t%u",
	    rec->user, d->name, d->type == DEVICE_HARDWARE ? d->serial : "",
	    d->status == DEVICE_ACTIVE ? "t" : "f", alg_sql(d->alg),
	    d->digits, d->period, d->created, d->enabled, d->last_used,
	    last_step, d->drift, rec->failures, rec->locked_until,
	    rec->nrecovery);
}

static int
put_device(struct db_conn *c, const struct mfa_record *rec,
    const struct mfa_device *d, struct lines *want, char *err,
    size_t errlen)
{
	char		 n[7][24], secret[BYTEA_MAX];
	const char	*p[13];
	int		 rc;

	snprintf(n[0], sizeof(n[0]), "%u", d->digits);
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
	p[5] = n[1];
	p[6] = secret;
	p[7] = d->status == DEVICE_ACTIVE ? "t" : "f";
	p[8] = n[2];
	p[9] = n[3];
	p[10] = n[4];
	p[11] = d->last_step == RECORD_NO_STEP ? NULL : n[5];
	p[12] = n[6];
	bytea_hex(secret, d->secret, d->secret_len);
	rc = db_admin_run(c, "SELECT awsmfa.put_device($1, $2, $3, $4, $5, "
	    "$6, $7, $8, $9, $10, $11, $12, $13)", 13, p, err, errlen);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (rc == 0 && device_line(want, rec, d, p[11] != NULL ? n[5] : "")
	    == -1) {
		seterr(err, errlen, "out of memory");
		rc = -1;
	}
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
	int			 r, rc = -1;

	if ((rec = calloc(1, sizeof(*rec))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	if ((r = store_load(st, user, rec, err, errlen)) == STORE_NOENT)
		rc = 0;
	else if (r == STORE_OK && put_user(c, rec, err, errlen) == 0) {
		for (i = 0; i < rec->ndevices; i++)
			if (put_device(c, rec, &rec->dev[i], want, err,
			    errlen) == -1)
				break;
		if (i == rec->ndevices) {
			rc = 0;
			n->users++;
			n->devices += rec->ndevices;
			n->recovery += rec->nrecovery;
			for (i = 0; i < rec->ndevices; i++)
				n->active += rec->dev[i].status ==
				    DEVICE_ACTIVE;
		}
	}
	record_wipe(rec);
	free(rec);
	return rc;
}

static int
put_token(struct db_conn *c, struct store *st, const struct hw_token *t,
    struct lines *want, struct migrate_counts *n, char *err, size_t errlen)
{
	char		 digits[16], period[16], secret[BYTEA_MAX];
	const char	*p[6];
	int		 held, rc;

	if (store_token_held(st, t, &held, err, errlen) != STORE_OK)
		return -1;
	snprintf(digits, sizeof(digits), "%u", t->digits);
	snprintf(period, sizeof(period), "%u", t->period);
	p[0] = t->serial;
	p[1] = alg_sql(t->alg);
	p[2] = digits;
	p[3] = period;
	p[4] = secret;
	p[5] = held ? t->user : NULL;
	bytea_hex(secret, t->secret, t->secret_len);
	rc = db_admin_run(c, "SELECT awsmfa.put_token($1, $2, $3, $4, $5, $6)",
	    6, p, err, errlen);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (rc == 0 && lines_add(want, "%s\t%s\t%u\t%u\t%s", t->serial, p[1],
	    t->digits, t->period, held ? t->user : "") == -1) {
		seterr(err, errlen, "out of memory");
		rc = -1;
	}
	n->tokens += rc == 0;
	n->assigned += rc == 0 && held;
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
	int		 i, rc = 0;

	if (db_admin_exec(c, sql, 0, NULL, &res, err, errlen) == -1)
		return -1;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		k = PQgetvalue(res, i, 0);
		if (nkeys > 0 && bsearch(&k, keys, nkeys, sizeof(*keys),
		    cmp_str) != NULL)
			rc = lines_take(got, row_line(res, i));
	}
	PQclear(res);
	if (rc == -1)
		seterr(err, errlen, "out of memory");
	return rc;
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
		return 0;
	n = strcspn(bad, "\t");
	if (bad[n] == '\t')
		n += 1 + strcspn(bad + n + 1, "\t");
	seterr(err, errlen, "the copy does not verify: %s \"%.*s\" reads back "
	    "differently", what, (int)n, bad);
	for (i = 0; err != NULL && err[i] != '\0'; i++)
		if (err[i] == '\t')
			err[i] = ' ';
	return -1;
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
	int		  rc = -1;

	if ((serials = calloc(inv->n + 1, sizeof(*serials))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < inv->n; i++)
		serials[i] = inv->tok[i].serial;
	if (inv->n > 1)
		qsort(serials, inv->n, sizeof(*serials), cmp_str);
	if (read_back(c, "SELECT user_name, device, serial, active, alg, "
	    "digits, period, created, enabled, last_used, last_step, drift, "
	    "failures, locked_until, nrecovery FROM awsmfa.list_devices(NULL) "
	    "WHERE user_name IS NOT NULL", users, nusers, &got_dev, err,
	    errlen) == 0 &&
	    read_back(c, "SELECT serial, alg, digits, period, user_name "
	    "FROM awsmfa.list_tokens()", serials, inv->n, &got_tok, err,
	    errlen) == 0 &&
	    same_lines("device", want_dev, &got_dev, err, errlen) == 0 &&
	    same_lines("token", want_tok, &got_tok, err, errlen) == 0)
		rc = 0;
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
	int			  r, rc = -1;

	inventory_init(&inv);
	if ((r = store_load_inventory(st, &inv, err, errlen)) != STORE_OK &&
	    r != STORE_NOENT)
		goto out;
	if (store_list_users(st, &users, &nusers, err, errlen) != STORE_OK ||
	    db_admin_run(c, "BEGIN", 0, NULL, err, errlen) == -1)
		goto out;
	for (i = 0; i < nusers; i++)
		if (put_record(c, st, users[i], &want_dev, n, err, errlen) ==
		    -1)
			goto out;
	for (i = 0; i < inv.n; i++)
		if (put_token(c, st, &inv.tok[i], &want_tok, n, err, errlen) ==
		    -1)
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
	if (store_lock_inventory(st, &lockfd, err, errlen) != STORE_OK)
		return -1;
	rc = copy(c, st, n, err, errlen);
	if (rc == 0)
		rc = db_admin_commit(c, err, errlen);
	store_unlock(lockfd);
	if (rc == -1) {
		/* Closing the connection rolls back what was begun. */
		db_close(c);
		memset(n, 0, sizeof(*n));
	}
	return rc;
}
