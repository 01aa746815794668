/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hardware token import.  A secret is hex or base32; "hex:" or "base32:"
 * in front says which.  Without a prefix, a secret of an even number of
 * hex digits is hex and anything else base32: base32 never uses 0, 1, 8
 * or 9, so only a base32 secret written with A-F and 2-7 alone could be
 * mistaken, and it takes the prefix.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "base32.h"
#include "numparse.h"
#include "otp.h"
#include "token_import.h"

#define TOKEN_LINE_MAX		1024
#define TOKEN_MIN_SECRET	16	/* bytes: RFC 4226 R6, 128 bits */
#define TOKEN_MAX_FIELDS	6

struct token_parse {
	struct inventory	*inv;
	size_t			 n0;		/* tokens before this file */
	size_t			*lines;		/* line of each new token */
	size_t			 nlines;
	size_t			 nbad;
	size_t			 firstbad;
	char			 firstreason[160];
	device_bad_line_fn	*fn;
	void			*arg;
};

static int
all_hex(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (hex_value((unsigned char)s[i]) < 0)
			return 0;
	return i > 0 && i % 2 == 0;
}

static int
hex_decode(const char *s, unsigned char *out, size_t outsize, size_t *outlen)
{
	size_t	i, n = strlen(s);

	if (!all_hex(s) || n / 2 > outsize)
		return -1;
	for (i = 0; i < n / 2; i++)
		out[i] = (unsigned char)
		    ((unsigned)hex_value((unsigned char)s[2 * i]) << 4 |
		    (unsigned)hex_value((unsigned char)s[2 * i + 1]));
	*outlen = n / 2;
	return 0;
}

static int
decode_secret(const char *s, struct hw_token *t, char *why, size_t whylen)
{
	int	r;

	if (strncasecmp(s, "hex:", 4) == 0)
		r = hex_decode(s + 4, t->secret, sizeof(t->secret),
		    &t->secret_len);
	else if (strncasecmp(s, "base32:", 7) == 0)
		r = base32_decode(s + 7, t->secret, sizeof(t->secret),
		    &t->secret_len);
	else if (all_hex(s))
		r = hex_decode(s, t->secret, sizeof(t->secret),
		    &t->secret_len);
	else
		r = base32_decode(s, t->secret, sizeof(t->secret),
		    &t->secret_len);
	if (r == -1 || t->secret_len == 0)
		return mfa_fail(why, whylen, MFA_ERR_INVALID, "the secret is "
		    "neither hex nor base32, or longer than %d bytes",
		    OTP_SECRET_MAX);
	if (t->secret_len < TOKEN_MIN_SECRET)
		return mfa_fail(why, whylen, MFA_ERR_INVALID, "the secret has "
		    "%zu bytes, fewer than %d", t->secret_len,
		    TOKEN_MIN_SECRET);
	return MFA_OK;
}

/* An optional decimal field: empty means def. */
static int
parse_uint(const char *s, unsigned def, unsigned lo, unsigned hi,
    unsigned *out)
{
	uint64_t	v;

	if (*s == '\0') {
		*out = def;
		return 0;
	}
	if (num_parse_u64(s, lo, hi, &v) == -1)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Splits line at commas into at most TOKEN_MAX_FIELDS trimmed fields;
 * -1 when there are more. */
static int
split_fields(char *line, char **f, size_t *nf)
{
	char	*p = line, *c;

	*nf = 0;
	for (;;) {
		if (*nf == TOKEN_MAX_FIELDS)
			return -1;
		if ((c = strchr(p, ',')) != NULL)
			*c = '\0';
		f[(*nf)++] = trim(p);
		if (c == NULL)
			return 0;
		p = c + 1;
	}
}

/*
 * The sixth column makes a row a counter (HOTP) token: the counter of
 * the next code the token will show, 0 for a new one.  Such a token has
 * no period, and a period given beside a counter is a mix-up the admin
 * must hear about rather than one of the two silently ignored.
 */
static int
hotp_fields(const char *period, const char *counter, struct hw_token *t,
    char *why, size_t whylen)
{
	if (period[0] != '\0')
		return mfa_fail(why, whylen, MFA_ERR_INVALID, "a counter "
		    "(HOTP) token has no period: leave the period column "
		    "empty");
	if (num_parse_u64(counter, 0, OTP_COUNTER_MAX, &t->counter) == -1)
		return mfa_fail(why, whylen, MFA_ERR_INVALID, "counter must "
		    "be 0 to %llu", (unsigned long long)OTP_COUNTER_MAX);
	t->kind = OTP_HOTP;
	t->period = 0;
	return MFA_OK;
}

static int
parse_fields(char **f, size_t nf, struct hw_token *t, char *why,
    size_t whylen)
{
	int	r;

	memset(t, 0, sizeof(*t));
	if (nf < 2)
		return mfa_fail(why, whylen, MFA_ERR_INVALID,
		    "expected serial,secret[,digits,period,algorithm,counter]");
	if (!record_name_ok(f[0]))
		return mfa_fail(why, whylen, MFA_ERR_INVALID, "bad serial "
		    "(1 to %d of A-Z a-z 0-9 . _ @ + : -)", RECORD_SERIAL_MAX);
	snprintf(t->serial, sizeof(t->serial), "%s", f[0]);
	if ((r = decode_secret(f[1], t, why, whylen)) != MFA_OK)
		return r;
	if (parse_uint(nf > 2 ? f[2] : "", 6, OTP_MIN_DIGITS, OTP_MAX_DIGITS,
	    &t->digits) == -1)
		return mfa_fail(why, whylen, MFA_ERR_INVALID,
		    "digits must be %d to %d", OTP_MIN_DIGITS, OTP_MAX_DIGITS);
	if (parse_uint(nf > 3 ? f[3] : "", 30, OTP_MIN_PERIOD, OTP_MAX_PERIOD,
	    &t->period) == -1)
		return mfa_fail(why, whylen, MFA_ERR_INVALID,
		    "period must be %d to %d seconds", OTP_MIN_PERIOD,
		    OTP_MAX_PERIOD);
	t->alg = OTP_SHA1;
	if (nf > 4 && f[4][0] != '\0' && otp_alg_parse(f[4], &t->alg) == -1)
		return mfa_fail(why, whylen, MFA_ERR_INVALID,
		    "algorithm must be SHA1, SHA256 or SHA512");
	if (nf > 5 && f[5][0] != '\0')
		return hotp_fields(nf > 3 ? f[3] : "", f[5], t, why, whylen);
	return MFA_OK;
}

static void
bad_line(struct token_parse *tp, size_t lineno, const char *why)
{
	if (tp->nbad++ == 0) {
		tp->firstbad = lineno;
		snprintf(tp->firstreason, sizeof(tp->firstreason), "%s", why);
	}
	if (tp->fn != NULL)
		tp->fn(tp->arg, lineno, why);
}

/* Refuses a serial seen earlier in the file or already in the inventory,
 * then appends the token. */
static int
add_token(struct token_parse *tp, const struct hw_token *t, size_t lineno,
    char *why, size_t whylen)
{
	struct hw_token	*old;
	size_t		*nl, i;

	if ((old = inventory_find(tp->inv, t->serial)) != NULL) {
		i = (size_t)(old - tp->inv->tok);
		if (i >= tp->n0 && i - tp->n0 < tp->nlines)
			return mfa_fail(why, whylen, MFA_ERR_EXISTS,
			    "serial %s repeats line %zu", t->serial,
			    tp->lines[i - tp->n0]);
		return mfa_fail(why, whylen, MFA_ERR_EXISTS,
		    "serial %s is already in the inventory", t->serial);
	}
	nl = realloc(tp->lines, (tp->nlines + 1) * sizeof(*nl));
	if (nl == NULL)
		return mfa_fail(why, whylen, MFA_ERR_NOMEM, "out of memory");
	tp->lines = nl;
	if (inventory_add(tp->inv, t) != 0)
		return mfa_fail(why, whylen, MFA_ERR_INVALID,
		    "cannot add serial %s", t->serial);
	tp->lines[tp->nlines++] = lineno;
	return MFA_OK;
}

/* `cut` is set for a last line without its newline: input cut short may
 * end in a seed that is shorter but still valid, so a data line must be
 * whole. */
static void
parse_line(struct token_parse *tp, const char *p, size_t n, size_t lineno,
    int cut, int *seen_data)
{
	char buf[TOKEN_LINE_MAX + 1], why[160], *line, *f[TOKEN_MAX_FIELDS];
	struct hw_token t;
	size_t nf;

	if (n > TOKEN_LINE_MAX) {
		bad_line(tp, lineno, "line too long");
		return;
	}
	if (memchr(p, '\0', n) != NULL) {
		bad_line(tp, lineno, "NUL byte in line");
		return;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	line = trim(buf);
	if (*line == '\0' || *line == '#')
		goto out;
	if (cut) {
		bad_line(tp, lineno, "no newline at the end of the last "
		    "line: the input may be cut short");
		goto out;
	}
	if (split_fields(line, f, &nf) == -1) {
		bad_line(tp, lineno, "more than 6 fields");
		goto out;
	}
	/* A spreadsheet's header row, if it comes first. */
	if (!*seen_data && nf >= 2 && strcasecmp(f[0], "serial") == 0 &&
	    strcasecmp(f[1], "secret") == 0) {
		*seen_data = 1;
		goto out;
	}
	*seen_data = 1;
	if (parse_fields(f, nf, &t, why, sizeof(why)) != MFA_OK ||
	    add_token(tp, &t, lineno, why, sizeof(why)) != MFA_OK)
		bad_line(tp, lineno, why);
	OPENSSL_cleanse(&t, sizeof(t));
 out:
	OPENSSL_cleanse(buf, sizeof(buf));
}

static void
rollback(struct inventory *inv, size_t n0)
{
	while (inv->n > n0) {
		inv->n--;
		OPENSSL_cleanse(&inv->tok[inv->n], sizeof(inv->tok[0]));
	}
}

int
device_parse_tokens_each(const char *csv, size_t len, struct inventory *inv,
    device_bad_line_fn *fn, void *arg, char *err, size_t errlen)
{
	struct token_parse	 tp;
	const char		*p = csv, *end = csv + len, *nl;
	size_t			 lineno = 0;
	int			 seen_data = 0;

	memset(&tp, 0, sizeof(tp));
	tp.inv = inv;
	tp.n0 = inv->n;
	tp.fn = fn;
	tp.arg = arg;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		parse_line(&tp, p, (size_t)(nl - p), ++lineno, nl == end,
		    &seen_data);
		p = nl + 1;
	}
	free(tp.lines);
	if (tp.nbad == 0)
		return MFA_OK;
	rollback(inv, tp.n0);
	if (tp.nbad == 1)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "line %zu: %s",
		    tp.firstbad, tp.firstreason);
	return mfa_fail(err, errlen, MFA_ERR_INVALID,
	    "line %zu: %s (and %zu more bad lines)", tp.firstbad,
	    tp.firstreason, tp.nbad - 1);
}

int
device_parse_tokens(const char *csv, size_t len, struct inventory *inv,
    char *err, size_t errlen)
{
	return device_parse_tokens_each(csv, len, inv, NULL, NULL, err,
	    errlen);
}

int
device_import_tokens_each(struct store *st, const char *csv, size_t len,
    size_t *count, device_bad_line_fn *fn, void *arg, char *err,
    size_t errlen)
{
	struct inventory	inv;
	size_t			n0;
	int			lockfd, r;

	*count = 0;
	if ((r = store_lock_inventory(st, &lockfd, err, errlen)) != MFA_OK)
		return r;
	inventory_init(&inv);
	r = store_load_inventory(st, &inv, err, errlen);
	if (r != MFA_OK && r != MFA_ERR_NOENT)
		goto out;
	n0 = inv.n;
	r = device_parse_tokens_each(csv, len, &inv, fn, arg, err, errlen);
	if (r != MFA_OK)
		goto out;
	if (inv.n == n0) {
		r = mfa_fail(err, errlen, MFA_ERR_INVALID,
		    "no token in the file");
		goto out;
	}
	if ((r = store_save_inventory(st, &inv, err, errlen)) != MFA_OK)
		goto out;
	*count = inv.n - n0;
 out:
	inventory_free(&inv);
	store_unlock(lockfd);
	return r;
}

int
device_import_tokens(struct store *st, const char *csv, size_t len,
    size_t *count, char *err, size_t errlen)
{
	return device_import_tokens_each(st, csv, len, count, NULL, NULL,
	    err, errlen);
}
