/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HOTP (RFC 4226) and TOTP (RFC 6238).  The HMAC comes from OpenSSL's
 * EVP_MAC interface so that the digest is chosen by name and no key
 * schedule of our own ever holds the secret.
 */
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "otp.h"

struct alg_info {
	enum otp_alg	 alg;
	const char	*name;		/* as written in URIs and config */
	const char	*digest;	/* OpenSSL's digest name */
	size_t		 secret_len;
};

static const struct alg_info algs[] = {
	{ OTP_SHA1,	"SHA1",		"SHA1",		20 },
	{ OTP_SHA256,	"SHA256",	"SHA2-256",	32 },
	{ OTP_SHA512,	"SHA512",	"SHA2-512",	64 },
};

/* Powers of ten for the digit counts we allow. */
static const uint32_t modulus[OTP_MAX_DIGITS + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
};

static const struct alg_info *
alg_lookup(enum otp_alg alg)
{
	size_t	i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == alg)
			return &algs[i];
	return NULL;
}

int
otp_alg_parse(const char *s, enum otp_alg *out)
{
	size_t	i;

	if (s == NULL || out == NULL)
		return -1;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcasecmp(s, algs[i].name) == 0) {
			*out = algs[i].alg;
			return 0;
		}
	}
	return -1;
}

const char *
otp_alg_name(enum otp_alg alg)
{
	const struct alg_info	*ai = alg_lookup(alg);

	return ai == NULL ? NULL : ai->name;
}

size_t
otp_alg_secret_len(enum otp_alg alg)
{
	const struct alg_info	*ai = alg_lookup(alg);

	return ai == NULL ? 0 : ai->secret_len;
}

/*
 * An HMAC context holding the key, for any number of messages: fetching
 * the MAC and its digest and scheduling the key cost more than hashing
 * an 8-byte counter, so a window check does them once, not per step.
 * The context keeps its own copy of the key; freeing it cleanses it.
 */
static EVP_MAC_CTX *
hmac_keyed(const struct alg_info *ai, const unsigned char *key,
    size_t keylen)
{
	EVP_MAC		*m;
	EVP_MAC_CTX	*ctx;
	OSSL_PARAM	 params[2];

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)ai->digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((m = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	/* The context holds its own reference to the MAC. */
	ctx = EVP_MAC_CTX_new(m);
	EVP_MAC_free(m);
	if (ctx != NULL && EVP_MAC_init(ctx, key, keylen, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* HMAC of msg into mac[EVP_MAX_MD_SIZE]; 0 or -1.  With `keep`, on a
 * copy of the keyed context, which stays ready for the next message;
 * without, the last message uses up the context itself. */
static int
hmac_msg(EVP_MAC_CTX *keyed, int keep, const unsigned char *msg,
    size_t msglen, unsigned char *mac, size_t *maclen)
{
	EVP_MAC_CTX	*ctx = keyed;
	int		 ret = -1;

	if (keep && (ctx = EVP_MAC_CTX_dup(keyed)) == NULL)
		return -1;
	if (EVP_MAC_update(ctx, msg, msglen) == 1 &&
	    EVP_MAC_final(ctx, mac, maclen, EVP_MAX_MD_SIZE) == 1)
		ret = 0;
	if (keep)
		EVP_MAC_CTX_free(ctx);
	return ret;
}

/* RFC 4226 section 5.3 dynamic truncation. */
static uint32_t
truncate31(const unsigned char *mac, size_t maclen)
{
	size_t	off = mac[maclen - 1] & 0x0f;

	return ((uint32_t)(mac[off] & 0x7f) << 24) |
	    ((uint32_t)mac[off + 1] << 16) |
	    ((uint32_t)mac[off + 2] << 8) |
	    (uint32_t)mac[off + 3];
}

/* Writes value mod 10^digits as exactly `digits` decimal digits. */
static void
format_code(uint32_t value, unsigned digits, char code[OTP_CODE_BUFLEN])
{
	unsigned	i;

	value %= modulus[digits];
	for (i = digits; i > 0; i--) {
		code[i - 1] = (char)('0' + value % 10);
		value /= 10;
	}
	code[digits] = '\0';
}

static const struct alg_info *
hotp_args(const unsigned char *key, size_t keylen, enum otp_alg alg,
    unsigned digits)
{
	if (key == NULL || keylen == 0 || keylen > OTP_SECRET_MAX ||
	    digits < OTP_MIN_DIGITS || digits > OTP_MAX_DIGITS)
		return NULL;
	return alg_lookup(alg);
}

/* One HOTP value with a keyed context (see hmac_msg for `keep`); 0 or -1
 * (code wiped). */
static int
hotp_keyed(EVP_MAC_CTX *keyed, int keep, uint64_t counter, unsigned digits,
    char code[OTP_CODE_BUFLEN])
{
	unsigned char	msg[8], mac[EVP_MAX_MD_SIZE];
	size_t		maclen = 0;
	uint32_t	bin;
	int		i, ret = -1;

	memset(code, 0, OTP_CODE_BUFLEN);
	/* The counter is hashed as 8 big-endian bytes, whatever its size. */
	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (hmac_msg(keyed, keep, msg, sizeof(msg), mac, &maclen) == 0 &&
	    maclen >= 20) {
		bin = truncate31(mac, maclen);
		format_code(bin, digits, code);
		OPENSSL_cleanse(&bin, sizeof(bin));
		ret = 0;
	}
	OPENSSL_cleanse(mac, sizeof(mac));
	return ret;
}

int
otp_hotp(const unsigned char *key, size_t keylen, enum otp_alg alg,
    uint64_t counter, unsigned digits, char code[OTP_CODE_BUFLEN])
{
	return otp_totp_steps(key, keylen, alg, counter, 1, digits,
	    (char (*)[OTP_CODE_BUFLEN])code);
}

/*
 * Unsigned 64-bit arithmetic: no wrap in 2038 or 2106.  Out-of-contract
 * input maps to step 0 (t < 0) or the last step (bad period) rather than
 * to a division by zero; callers validate the period anyway.
 */
uint64_t
otp_step(int64_t t, unsigned period)
{
	if (period < OTP_MIN_PERIOD || period > OTP_MAX_PERIOD)
		return UINT64_MAX;
	if (t < 0)
		return 0;
	return (uint64_t)t / period;
}

int
otp_totp_at_step(const unsigned char *key, size_t keylen, enum otp_alg alg,
    uint64_t step, unsigned digits, char code[OTP_CODE_BUFLEN])
{
	return otp_hotp(key, keylen, alg, step, digits, code);
}

int
otp_totp_steps(const unsigned char *key, size_t keylen, enum otp_alg alg,
    uint64_t first, unsigned count, unsigned digits,
    char codes[][OTP_CODE_BUFLEN])
{
	const struct alg_info	*ai;
	EVP_MAC_CTX		*keyed;
	unsigned		 i;
	int			 ret = 0;

	if (codes == NULL)
		return -1;
	memset(codes, 0, (size_t)count * OTP_CODE_BUFLEN);
	if ((ai = hotp_args(key, keylen, alg, digits)) == NULL ||
	    count == 0 || first > UINT64_MAX - (count - 1))
		return -1;
	if ((keyed = hmac_keyed(ai, key, keylen)) == NULL)
		return -1;
	for (i = 0; i < count && ret == 0; i++)
		ret = hotp_keyed(keyed, i + 1 < count, first + i, digits,
		    codes[i]);
	EVP_MAC_CTX_free(keyed);
	if (ret != 0)
		OPENSSL_cleanse(codes, (size_t)count * OTP_CODE_BUFLEN);
	return ret;
}

int
otp_code_equal(const char *a, const char *b)
{
	char	pa[OTP_CODE_BUFLEN], pb[OTP_CODE_BUFLEN];
	size_t	la, lb;
	int	eq;

	if (a == NULL || b == NULL)
		return 0;
	la = strnlen(a, OTP_CODE_BUFLEN);
	lb = strnlen(b, OTP_CODE_BUFLEN);
	if (la == 0 || lb == 0 || la == OTP_CODE_BUFLEN ||
	    lb == OTP_CODE_BUFLEN)
		return 0;
	/* Fixed-size, zero-padded copies: the comparison below always
	 * touches OTP_CODE_BUFLEN bytes whatever the codes hold. */
	memset(pa, 0, sizeof(pa));
	memset(pb, 0, sizeof(pb));
	memcpy(pa, a, la);
	memcpy(pb, b, lb);
	eq = CRYPTO_memcmp(pa, pb, sizeof(pa)) == 0;
	OPENSSL_cleanse(pa, sizeof(pa));
	OPENSSL_cleanse(pb, sizeof(pb));
	return eq && la == lb;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
otp_parse_code(const char *in, size_t inlen, unsigned digits,
    char out[OTP_CODE_BUFLEN])
{
	size_t	start = 0, end = inlen, i;

	if (out == NULL)
		return -1;
	memset(out, 0, OTP_CODE_BUFLEN);
	if (in == NULL || digits < OTP_MIN_DIGITS || digits > OTP_MAX_DIGITS)
		return -1;
	while (start < end && is_blank(in[start]))
		start++;
	while (end > start && is_blank(in[end - 1]))
		end--;
	/* A NUL byte is neither blank nor a digit, so it ends up here. */
	if (end - start != digits)
		return -1;
	for (i = 0; i < digits; i++) {
		if (in[start + i] < '0' || in[start + i] > '9') {
			OPENSSL_cleanse(out, OTP_CODE_BUFLEN);
			return -1;
		}
		out[i] = in[start + i];
	}
	out[digits] = '\0';
	return 0;
}

int
otp_random_secret(enum otp_alg alg, unsigned char *buf, size_t bufsize,
    size_t *len)
{
	size_t	n = otp_alg_secret_len(alg);

	if (len != NULL)
		*len = 0;
	if (n == 0 || buf == NULL || len == NULL || bufsize < OTP_SECRET_MAX)
		return -1;
	if (RAND_bytes(buf, (int)n) != 1) {
		OPENSSL_cleanse(buf, bufsize);
		return -1;
	}
	*len = n;
	return 0;
}
