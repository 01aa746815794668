/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PSKC key packages into tokens.  libpskc reads the fields; the rules a
 * token must meet (serial, secret length, digits, period) are the CSV's,
 * judged once in token_import.c on the lines pskc_tokens_csv writes.
 * Here only what PSKC alone can get wrong is refused: an algorithm other
 * than OATH TOTP or HOTP, a response that is not decimal, a time origin
 * other than the Unix epoch, a missing field.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <pskc/pskc.h>

#include "mfaerr.h"
#include "numparse.h"
#include "otp.h"
#include "pskc_import.h"
#include "record.h"
#include "wipe.h"

#define URN_PSKC	"urn:ietf:params:xml:ns:keyprov:pskc:"

struct pskc_bad {
	size_t	n;
	char	first[MFA_ERRLEN + 192];	/* "where: why" */
};

int
pskc_sniff(const char *buf, size_t len)
{
	size_t	i = 0;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && strchr(" \t\r\n", buf[i]) != NULL && buf[i] != '\0')
		i++;
	return i < len && buf[i] == '<';
}

static int
suite_alg(const char *suite, enum otp_alg *alg)
{
	*alg = OTP_SHA1;
	if (suite == NULL || strcasecmp(suite, "HMAC-SHA1") == 0 ||
	    strcasecmp(suite, "SHA1") == 0)
		return 0;
	if (strncasecmp(suite, "HMAC-", 5) == 0)
		suite += 5;
	return otp_alg_parse(suite, alg);
}

/* Cleanses libpskc's heap memory that its API hands out as const. */
static void
wipe_theirs(const char *p, size_t n)
{
	void	*w;

	memcpy(&w, &p, sizeof(w));
	OPENSSL_cleanse(w, n);
}

/* One key package into t; the reason in why when it cannot be. */
static int
key_token(pskc_key_t *key, struct hw_token *t, char *why, size_t whylen)
{
	const char	*alg = pskc_get_key_algorithm(key), *serial, *sec;
	const char	*b64;
	size_t		 seclen = 0;
	uint32_t	 v;
	int		 present = 0;

	memset(t, 0, sizeof(*t));
	if (alg != NULL && strcmp(alg, URN_PSKC "hotp") == 0)
		t->kind = OTP_HOTP;
	else if (alg == NULL || strcmp(alg, URN_PSKC "totp") != 0)
		return mfa_fail(why, whylen, MFA_ERR_INVALID, "algorithm %s is "
		    "neither OATH TOTP nor HOTP (" URN_PSKC "totp or hotp)",
		    alg ? alg : "(none)");
	serial = pskc_get_device_serialno(key);
	/* The rule of serials, and no comma or newline in the CSV line. */
	if (serial == NULL || !record_name_ok(serial))
		return mfa_fail(why, whylen, MFA_ERR_INVALID, "missing or bad "
		    "DeviceInfo/SerialNo (1 to %d of A-Z a-z 0-9 . _ @ + : -)",
		    RECORD_SERIAL_MAX);
	snprintf(t->serial, sizeof(t->serial), "%s", serial);
	if (suite_alg(pskc_get_key_algparm_suite(key), &t->alg) == -1)
		return mfa_fail(why, whylen, MFA_ERR_INVALID, "Suite %s is "
		    "not HMAC-SHA1, -SHA256 or -SHA512",
		    pskc_get_key_algparm_suite(key));
	v = pskc_get_key_algparm_resp_length(key, &present);
	if (!present)
		return mfa_fail(why, whylen, MFA_ERR_INVALID,
		    "no ResponseFormat Length");
	t->digits = v;
	(void)pskc_get_key_algparm_resp_encoding(key, &present);
	if (present && pskc_get_key_algparm_resp_encoding(key, &present) !=
	    PSKC_VALUEFORMAT_DECIMAL)
		return mfa_fail(why, whylen, MFA_ERR_INVALID,
		    "ResponseFormat Encoding is not DECIMAL");
	if (t->kind == OTP_HOTP) {
		/* The next code's counter; a new token starts at 0. */
		t->counter = pskc_get_key_data_counter(key, &present);
		if (!present)
			t->counter = 0;
	} else {
		v = pskc_get_key_data_timeinterval(key, &present);
		t->period = present ? v : 30;	/* RFC 6030 4.3.3 */
		if (pskc_get_key_data_time(key, &present) != 0 && present)
			return mfa_fail(why, whylen, MFA_ERR_INVALID, "a Time "
			    "origin other than 0 (the Unix epoch) is not "
			    "supported");
	}
	sec = pskc_get_key_data_secret(key, &seclen);
	if (sec == NULL || seclen == 0)
		return mfa_fail(why, whylen, MFA_ERR_INVALID, "no Secret");
	if (seclen > sizeof(t->secret))
		return mfa_fail(why, whylen, MFA_ERR_INVALID, "the Secret has "
		    "%zu bytes, more than %zu", seclen, sizeof(t->secret));
	memcpy(t->secret, sec, seclen);
	t->secret_len = seclen;
	/* libpskc frees its copies without wiping them: wipe them here. */
	wipe_theirs(sec, seclen);
	if ((b64 = pskc_get_key_data_b64secret(key)) != NULL)
		wipe_theirs(b64, strlen(b64));
	return MFA_OK;
}

static void
package_name(char *buf, size_t len, const struct pskc_plain *p, size_t i,
    pskc_key_t *key)
{
	const char	*id = key != NULL ? pskc_get_key_id(key) : NULL;

	snprintf(buf, len, "line %ld, key package %zu%s%.64s%s",
	    i < p->npkg ? p->line[i] : 0L, i + 1, id ? " (Id " : "",
	    id ? id : "", id ? ")" : "");
}

static void
bad(struct pskc_bad *b, const char *where, const char *why)
{
	if (b->n++ == 0)
		snprintf(b->first, sizeof(b->first), "%s: %s", where, why);
}

static int
add_key(pskc_key_t *key, struct inventory *tokens, char *why,
    size_t whylen)
{
	struct hw_token	t;
	int		r;

	if ((r = key_token(key, &t, why, whylen)) == MFA_OK) {
		if (inventory_find(tokens, t.serial) != NULL)
			r = mfa_fail(why, whylen, MFA_ERR_INVALID,
			    "serial %s appears twice in the file", t.serial);
		else if (inventory_add(tokens, &t) != MFA_OK)
			r = mfa_fail(why, whylen, MFA_ERR_INVALID,
			    "serial %s: not a token the inventory can hold "
			    "(digits, period or secret length)", t.serial);
	}
	OPENSSL_cleanse(&t, sizeof(t));
	return r;
}

/* libpskc on the plain container; where[] grows with tokens. */
static int
read_packages(const struct pskc_plain *p, struct inventory *tokens,
    char **where, struct pskc_bad *b)
{
	static int	 inited;
	pskc_t		*c = NULL;
	pskc_key_t	*key;
	char		 name[160], why[MFA_ERRLEN];
	size_t		 i;
	int		 rc;

	/* Once per process: libpskc counts its callers. */
	if (!inited && pskc_global_init() != PSKC_OK)
		return MFA_ERR_NOMEM;
	inited = 1;
	if (pskc_init(&c) != PSKC_OK)
		return MFA_ERR_NOMEM;
	if ((rc = pskc_parse_from_memory(c, p->len, p->xml)) != PSKC_OK) {
		snprintf(why, sizeof(why), "libpskc: %s", pskc_strerror(rc));
		bad(b, "not a PSKC container", why);
	}
	for (i = 0; b->n == 0 && (key = pskc_get_keypackage(c, i)) != NULL;
	    i++) {
		package_name(name, sizeof(name), p, i, key);
		if (add_key(key, tokens, why, sizeof(why)) != MFA_OK)
			bad(b, name, why);
		else if (where != NULL &&
		    (where[tokens->n - 1] = strdup(name)) == NULL)
			bad(b, name, "out of memory");
	}
	if (b->n == 0 && i != p->npkg)
		bad(b, "the file", "libpskc and libxml2 count different key "
		    "packages");
	pskc_done(c);
	return MFA_OK;
}

static void
rollback(struct inventory *tokens, size_t n0, char **where)
{
	while (tokens->n > n0) {
		tokens->n--;
		OPENSSL_cleanse(&tokens->tok[tokens->n],
		    sizeof(tokens->tok[0]));
		if (where != NULL) {
			free(where[tokens->n]);
			where[tokens->n] = NULL;
		}
	}
}

int
pskc_parse_tokens(const char *xml, size_t len, const struct pskc_keys *k,
    struct inventory *tokens, char ***wherep, char *err, size_t errlen)
{
	struct pskc_plain	  p;
	struct pskc_bad		  b;
	char			**where = NULL;
	size_t			  n0 = tokens->n;
	int			  r;

	if (wherep != NULL)
		*wherep = NULL;
	if ((r = pskc_unwrap(xml, len, k, &p, err, errlen)) != MFA_OK)
		return r;
	memset(&b, 0, sizeof(b));
	if (wherep != NULL &&
	    (where = calloc(n0 + p.npkg + 1, sizeof(*where))) == NULL) {
		pskc_plain_free(&p);
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	}
	if ((r = read_packages(&p, tokens, where, &b)) == MFA_OK &&
	    b.n == 0 && tokens->n == n0)
		bad(&b, "the file", "no key package");
	pskc_plain_free(&p);
	if (r != MFA_OK || b.n > 0) {
		rollback(tokens, n0, where);
		free(where);
		if (r != MFA_OK)
			return mfa_fail(err, errlen, r, "out of memory");
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "%s", b.first);
	}
	if (wherep != NULL)
		*wherep = where;
	return MFA_OK;
}

int
pskc_tokens_csv(const struct inventory *tokens, char **csv, size_t *len)
{
	const struct hw_token	*t;
	char			 hex[2 * OTP_SECRET_MAX + 1], *s;
	size_t			 i, cap, o = 0;
	int			 n;

	/* The fixed fields and a counter (20 digits) fit in 64 bytes. */
	cap = tokens->n * (RECORD_SERIAL_MAX + sizeof(hex) + 64) + 1;
	if ((s = malloc(cap)) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < tokens->n; i++) {
		t = &tokens->tok[i];
		hex_encode(t->secret, t->secret_len, hex);
		if (t->kind == OTP_HOTP)
			n = snprintf(s + o, cap - o, "%s,hex:%s,%u,,%s,%llu\n",
			    t->serial, hex, t->digits, otp_alg_name(t->alg),
			    (unsigned long long)t->counter);
		else
			n = snprintf(s + o, cap - o, "%s,hex:%s,%u,%u,%s\n",
			    t->serial, hex, t->digits, t->period,
			    otp_alg_name(t->alg));
		if (n < 0 || (size_t)n >= cap - o) {	/* cannot happen */
			OPENSSL_cleanse(hex, sizeof(hex));
			wipe_free(s, cap);
			return MFA_ERR_INTERNAL;
		}
		o += (size_t)n;
	}
	s[o] = '\0';
	OPENSSL_cleanse(hex, sizeof(hex));
	*csv = s;
	*len = o;
	return MFA_OK;
}
