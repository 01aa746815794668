/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * otpauth:// Key URI, as read by authenticator apps:
 *   otpauth://totp/ISSUER:ACCOUNT?secret=B32&issuer=ISSUER&algorithm=SHA256
 *   &digits=8&period=60
 * (algorithm, digits and period only when not SHA1, 6 and 30)
 * The colon between issuer and account is the only literal one in the
 * label; a colon inside either part is percent-encoded like every other
 * byte outside RFC 3986's unreserved set.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "base32.h"
#include "numparse.h"
#include "uri.h"
#include "wipe.h"

#define URI_SCHEME	"otpauth://"
#define URI_PREFIX	URI_SCHEME "totp/"

static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* Length of s once percent-encoded. */
static size_t
pct_len(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += is_unreserved((unsigned char)*s) ? 1 : 3;
	return n;
}

/* Appends s percent-encoded at *p, which has room (see pct_len). */
static void
pct_append(char **p, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	unsigned char		c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (is_unreserved(c)) {
			*(*p)++ = (char)c;
			continue;
		}
		*(*p)++ = '%';
		*(*p)++ = hex[c >> 4];
		*(*p)++ = hex[c & 0x0f];
	}
}

static void
str_append(char **p, const char *s)
{
	size_t	n = strlen(s);

	memcpy(*p, s, n);
	*p += n;
}

/* "otpauth://KIND/ISSUER:ACCOUNT?secret=...&issuer=..." then tail, for
 * parameters already checked by the caller. */
static char *
build(const char *kind, const char *issuer, const char *account,
    const unsigned char *secret, size_t secret_len, const char *tail)
{
	char	 b32[OTP_SECRET_MAX * 2];
	char	*uri, *p;
	size_t	 len;

	if (issuer == NULL || account == NULL || *issuer == '\0' ||
	    *account == '\0' || secret == NULL || secret_len == 0 ||
	    secret_len > OTP_SECRET_MAX)
		return NULL;
	if (base32_encode(secret, secret_len, b32, sizeof(b32)) != 0)
		return NULL;
	/* Apps want the secret without padding. */
	b32[strcspn(b32, "=")] = '\0';
	len = strlen(URI_SCHEME) + strlen(kind) + 1 + pct_len(issuer) + 1 +
	    pct_len(account) + strlen("?secret=") + strlen(b32) +
	    strlen("&issuer=") + pct_len(issuer) + strlen(tail) + 1;
	if ((uri = malloc(len)) == NULL) {
		OPENSSL_cleanse(b32, sizeof(b32));
		return NULL;
	}
	p = uri;
	str_append(&p, URI_SCHEME);
	str_append(&p, kind);
	*p++ = '/';
	pct_append(&p, issuer);
	*p++ = ':';
	pct_append(&p, account);
	str_append(&p, "?secret=");
	str_append(&p, b32);
	str_append(&p, "&issuer=");
	pct_append(&p, issuer);
	str_append(&p, tail);
	*p = '\0';
	OPENSSL_cleanse(b32, sizeof(b32));
	return uri;
}

/* "&algorithm=..&digits=.." for what differs from the defaults, into
 * tail; -1 for a bad parameter. */
static int
alg_digits_tail(enum otp_alg alg, unsigned digits, char *tail,
    size_t tailsize, int *n)
{
	const char	*name = otp_alg_name(alg);

	if (name == NULL || digits < OTP_MIN_DIGITS || digits > OTP_MAX_DIGITS)
		return -1;
	*n = 0;
	tail[0] = '\0';
	if (alg != OTP_SHA1)
		*n += snprintf(tail + *n, tailsize - (size_t)*n,
		    "&algorithm=%s", name);
	if (digits != URI_DEFAULT_DIGITS)
		*n += snprintf(tail + *n, tailsize - (size_t)*n,
		    "&digits=%u", digits);
	return 0;
}

char *
uri_build(const char *issuer, const char *account,
    const unsigned char *secret, size_t secret_len, enum otp_alg alg,
    unsigned digits, unsigned period)
{
	char	tail[64];
	int	n;

	if (period < OTP_MIN_PERIOD || period > OTP_MAX_PERIOD ||
	    alg_digits_tail(alg, digits, tail, sizeof(tail), &n) == -1)
		return NULL;
	/* Parameters equal to the Key Uri Format's defaults are left out:
	 * a shorter URI is a smaller QR code.  tail has room for all three. */
	if (period != URI_DEFAULT_PERIOD)
		n += snprintf(tail + n, sizeof(tail) - (size_t)n,
		    "&period=%u", period);
	if (n < 0 || (size_t)n >= sizeof(tail))
		return NULL;
	return build("totp", issuer, account, secret, secret_len, tail);
}

char *
uri_build_hotp(const char *issuer, const char *account,
    const unsigned char *secret, size_t secret_len, enum otp_alg alg,
    unsigned digits, uint64_t counter)
{
	char	tail[80];
	int	n;

	if (counter > OTP_COUNTER_MAX ||
	    alg_digits_tail(alg, digits, tail, sizeof(tail), &n) == -1)
		return NULL;
	/* The Key Uri Format requires the counter of an hotp URI. */
	n += snprintf(tail + n, sizeof(tail) - (size_t)n, "&counter=%llu",
	    (unsigned long long)counter);
	if (n < 0 || (size_t)n >= sizeof(tail))
		return NULL;
	return build("hotp", issuer, account, secret, secret_len, tail);
}

/*
 * Percent-decodes s[0..n) into a new string.  A broken escape, a NUL
 * and any control character are refused: what comes out ends up in
 * records and on terminals.
 */
static char *
pct_decode(const char *s, size_t n)
{
	char		*out, *o;
	size_t		 i;
	int		 hi, lo;
	unsigned char	 c;

	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0, o = out; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (n - i < 3 ||
			    (hi = hex_value((unsigned char)s[i + 1])) < 0 ||
			    (lo = hex_value((unsigned char)s[i + 2])) < 0)
				goto bad;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			goto bad;
		*o++ = (char)c;
	}
	*o = '\0';
	return out;
 bad:
	wipe_free(out, n + 1);
	return NULL;
}

/* A decimal number of at most 3 digits in [lo, hi]; 0 or -1. */
static int
parse_small(const char *s, size_t n, unsigned lo, unsigned hi, unsigned *out)
{
	char		buf[4];
	uint64_t	v;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (num_parse_u64(buf, lo, hi, &v) == -1)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int
parse_secret(const char *v, size_t n, struct otp_uri *out)
{
	char	*b32;
	int	 ret;

	if ((b32 = pct_decode(v, n)) == NULL)
		return -1;
	ret = base32_decode(b32, out->secret, sizeof(out->secret),
	    &out->secret_len);
	if (ret == 0 && out->secret_len == 0)
		ret = -1;
	wipe_free_str(b32);
	return ret;
}

static int
parse_alg(const char *v, size_t n, struct otp_uri *out)
{
	char	name[8];

	if (n == 0 || n >= sizeof(name))
		return -1;
	memcpy(name, v, n);
	name[n] = '\0';
	return otp_alg_parse(name, &out->alg);
}

enum { P_SECRET = 1, P_ISSUER = 2, P_ALG = 4, P_DIGITS = 8, P_PERIOD = 16 };

/* One key=value of the query; *seen catches repeated parameters. */
static int
parse_param(const char *kv, size_t n, struct otp_uri *out, unsigned *seen)
{
	const char	*eq = memchr(kv, '=', n), *v;
	size_t		 klen, vlen;
	unsigned	 bit;

	if (eq == NULL)
		return 0;	/* not one of ours: ignored */
	klen = (size_t)(eq - kv);
	v = eq + 1;
	vlen = n - klen - 1;
#define KEY_IS(k) (klen == strlen(k) && memcmp(kv, k, klen) == 0)
	if (KEY_IS("secret")) {
		bit = P_SECRET;
	} else if (KEY_IS("issuer")) {
		bit = P_ISSUER;
	} else if (KEY_IS("algorithm")) {
		bit = P_ALG;
	} else if (KEY_IS("digits")) {
		bit = P_DIGITS;
	} else if (KEY_IS("period")) {
		bit = P_PERIOD;
	} else
		return 0;
#undef KEY_IS
	if (*seen & bit)
		return -1;
	*seen |= bit;
	switch (bit) {
	case P_SECRET:
		return parse_secret(v, vlen, out);
	case P_ISSUER:
		out->issuer = pct_decode(v, vlen);
		return out->issuer == NULL ? -1 : 0;
	case P_ALG:
		return parse_alg(v, vlen, out);
	case P_DIGITS:
		return parse_small(v, vlen, OTP_MIN_DIGITS, OTP_MAX_DIGITS,
		    &out->digits);
	default:
		return parse_small(v, vlen, OTP_MIN_PERIOD, OTP_MAX_PERIOD,
		    &out->period);
	}
}

static int
parse_query(const char *q, struct otp_uri *out)
{
	unsigned	 seen = 0;
	size_t		 n;

	for (;;) {
		n = strcspn(q, "&");
		if (parse_param(q, n, out, &seen) != 0)
			return -1;
		if (q[n] == '\0')
			break;
		q += n + 1;
	}
	return (seen & P_SECRET) ? 0 : -1;
}

/*
 * "ISSUER:ACCOUNT" or "ACCOUNT".  The issuer in the label and the
 * issuer parameter must agree when both are given.
 */
static int
parse_label(const char *l, size_t n, struct otp_uri *out)
{
	const char	*colon = memchr(l, ':', n);
	char		*li;
	size_t		 ilen;

	if (colon == NULL) {
		out->account = pct_decode(l, n);
		return out->account == NULL || *out->account == '\0' ? -1 : 0;
	}
	ilen = (size_t)(colon - l);
	out->account = pct_decode(colon + 1, n - ilen - 1);
	if (out->account == NULL || *out->account == '\0')
		return -1;
	if ((li = pct_decode(l, ilen)) == NULL)
		return -1;
	if (out->issuer == NULL) {
		out->issuer = li;
		return 0;
	}
	if (strcmp(li, out->issuer) != 0) {
		free(li);
		return -1;
	}
	free(li);
	return 0;
}

/* Only printable ASCII may appear in a URI; '#' (a fragment) never
 * comes out of uri_build, so it is refused too. */
static int
uri_chars_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    *s == '#')
			return 0;
	return 1;
}

int
uri_parse(const char *uri, struct otp_uri *out)
{
	const char	*label, *q;
	size_t		 plen = strlen(URI_PREFIX);

	if (out == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	out->alg = OTP_SHA1;
	out->digits = URI_DEFAULT_DIGITS;
	out->period = URI_DEFAULT_PERIOD;
	if (uri == NULL || !uri_chars_ok(uri) ||
	    strncasecmp(uri, URI_PREFIX, plen) != 0)
		return -1;
	label = uri + plen;
	if ((q = strchr(label, '?')) == NULL)
		return -1;	/* no query, so no secret */
	/* The query first, so the label's issuer can be checked against it. */
	if (parse_query(q + 1, out) != 0 ||
	    parse_label(label, (size_t)(q - label), out) != 0) {
		uri_clear(out);
		return -1;
	}
	if (out->issuer == NULL && (out->issuer = strdup("")) == NULL) {
		uri_clear(out);
		return -1;
	}
	return 0;
}

void
uri_clear(struct otp_uri *u)
{
	if (u == NULL)
		return;
	free(u->issuer);
	free(u->account);
	OPENSSL_cleanse(u, sizeof(*u));
}

/*
 * Google Authenticator reads only SHA1, 6 digits and 30 seconds, and shows
 * wrong codes for anything else; the Key Uri Format knows 6 or 8 digits
 * only.  Writes what a user of such an app needs to hear; 0 when nothing.
 */
int
uri_app_caveats(enum otp_alg alg, unsigned digits, unsigned period,
    char *buf, size_t len)
{
	char	what[64] = "";
	size_t	n = 0;

	if (digits != 6 && digits != 8) {
		snprintf(buf, len, "%u digits are outside the Key Uri Format "
		    "(6 or 8): most authenticator apps cannot show such "
		    "codes", digits);
		return 1;
	}
	if (alg != OTP_SHA1)
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%s",
		    otp_alg_name(alg));
	if (digits != URI_DEFAULT_DIGITS)
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%s%u digits",
		    n > 0 ? ", " : "", digits);
	if (period != URI_DEFAULT_PERIOD)
		n += (size_t)snprintf(what + n, sizeof(what) - n,
		    "%sa period of %u seconds", n > 0 ? ", " : "", period);
	if (n == 0)
		return 0;
	snprintf(buf, len, "Google Authenticator ignores %s (set in the "
	    "config) and would show wrong codes: use an app that reads them",
	    what);
	return 1;
}
