/* SPDX-License-Identifier: BSD-2-Clause */
/* Recovery codes: 12 random characters of the base32 alphabet (60 bits),
 * stored only as salted PBKDF2-HMAC-SHA256.  With 60 bits of entropy the
 * iteration count only has to make a stolen store expensive to search.
 *
 * Beside each hash a 24-bit tag, the start of HMAC-SHA256(salt, code),
 * picks the candidate: only a guess whose tag matches pays for PBKDF2, so a
 * wrong answer costs one fast HMAC per stored code and a slow hash with
 * odds of 1 in 2^24 per code, however many codes the user has (100 codes
 * cost 1.2 s of PBKDF2 per wrong answer without it).  The price: a thief
 * of the hashes tests guesses at HMAC speed, about 2^60 HMACs for one code
 * instead of 2^60 PBKDF2s (SECURITY.md).  The file store holds the device
 * secrets in the clear beside them anyway; the PostgreSQL store seals the
 * secrets but not these hashes.  Hashes written before the tag (no fifth
 * field) are checked in full. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "mfaerr.h"
#include "numparse.h"
#include "recovery.h"

/* ~17 ms per hash on a 2020s x86 core: checking 10 codes stays well under
 * half a second. */
#define RECOVERY_ITER		50000
#define RECOVERY_ITER_MAX	1000000
#define RECOVERY_LEN		12
#define RECOVERY_SALT_LEN	16
#define RECOVERY_KEY_LEN	32
#define B64_SALT_LEN		24	/* base64 of 16 bytes, padded */
#define B64_KEY_LEN		44	/* base64 of 32 bytes, padded */
#define HASH_PREFIX		"$pbkdf2-sha256$"
#define RECOVERY_TAG_LEN	3	/* bytes: 24 bits */
#define B64_TAG_LEN		4	/* base64 of 3 bytes, no padding */

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

static int
derive(const char *code, size_t len, const unsigned char *salt,
    unsigned iter, unsigned char key[RECOVERY_KEY_LEN])
{
	if (PKCS5_PBKDF2_HMAC(code, (int)len, salt, RECOVERY_SALT_LEN,
	    (int)iter, EVP_sha256(), RECOVERY_KEY_LEN, key) != 1)
		return MFA_ERR_INTERNAL;
	return MFA_OK;
}

/* The fast keyed tag of a normalized code, keyed with the hash's salt. */
static int
tag_of(const char *code, size_t len, const unsigned char *salt,
    unsigned char tag[RECOVERY_TAG_LEN])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;
	int		rc = MFA_ERR_INTERNAL;

	if (HMAC(EVP_sha256(), salt, RECOVERY_SALT_LEN,
	    (const unsigned char *)code, len, md, &mdlen) != NULL &&
	    mdlen >= RECOVERY_TAG_LEN) {
		memcpy(tag, md, RECOVERY_TAG_LEN);
		rc = MFA_OK;
	}
	OPENSSL_cleanse(md, sizeof(md));
	return rc;
}

static int
format_hash(unsigned iter, const unsigned char *salt,
    const unsigned char *key, const unsigned char *tag,
    char hash[RECORD_HASH_MAX + 1])
{
	char	b64salt[B64_SALT_LEN + 1], b64key[B64_KEY_LEN + 1];
	char	b64tag[B64_TAG_LEN + 1];
	int	n;

	if (EVP_EncodeBlock((unsigned char *)b64salt, salt,
	    RECOVERY_SALT_LEN) != B64_SALT_LEN ||
	    EVP_EncodeBlock((unsigned char *)b64key, key,
	    RECOVERY_KEY_LEN) != B64_KEY_LEN ||
	    EVP_EncodeBlock((unsigned char *)b64tag, tag,
	    RECOVERY_TAG_LEN) != B64_TAG_LEN)
		return MFA_ERR_INTERNAL;
	n = snprintf(hash, RECORD_HASH_MAX + 1, HASH_PREFIX "%u$%s$%s$%s",
	    iter, b64salt, b64key, b64tag);
	OPENSSL_cleanse(b64key, sizeof(b64key));
	return (n < 0 || n > RECORD_HASH_MAX) ? MFA_ERR_INTERNAL : MFA_OK;
}

int
recovery_random(char *out, size_t n)
{
	unsigned char	rnd[64];
	size_t		i;

	if (n >= sizeof(rnd) || RAND_bytes(rnd, (int)n) != 1)
		return MFA_ERR_INTERNAL;
	/* 256 is a multiple of 32: masking keeps the choice uniform. */
	for (i = 0; i < n; i++)
		out[i] = alphabet[rnd[i] & 31];
	out[n] = '\0';
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return MFA_OK;
}

int
recovery_hash(const char *code, size_t len, char hash[RECORD_HASH_MAX + 1])
{
	unsigned char	salt[RECOVERY_SALT_LEN], key[RECOVERY_KEY_LEN];
	unsigned char	tag[RECOVERY_TAG_LEN];
	int		rc = MFA_ERR_INTERNAL;

	if (RAND_bytes(salt, sizeof(salt)) == 1 &&
	    derive(code, len, salt, RECOVERY_ITER, key) == MFA_OK &&
	    tag_of(code, len, salt, tag) == MFA_OK &&
	    format_hash(RECOVERY_ITER, salt, key, tag, hash) == MFA_OK)
		rc = MFA_OK;
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(tag, sizeof(tag));
	if (rc != MFA_OK)
		hash[0] = '\0';
	return rc;
}

int
recovery_generate(char code[RECOVERY_CODE_BUFLEN],
    char hash[RECORD_HASH_MAX + 1])
{
	char		plain[RECOVERY_LEN + 1];
	size_t		i, o;
	int		rc = MFA_ERR_INTERNAL;

	if (recovery_random(plain, RECOVERY_LEN) != MFA_OK ||
	    recovery_hash(plain, RECOVERY_LEN, hash) != MFA_OK)
		goto out;
	for (i = 0, o = 0; i < RECOVERY_LEN; i++) {
		if (i > 0 && i % 4 == 0)
			code[o++] = '-';
		code[o++] = plain[i];
	}
	code[o] = '\0';
	rc = MFA_OK;
out:
	OPENSSL_cleanse(plain, sizeof(plain));
	if (rc != MFA_OK) {
		OPENSSL_cleanse(code, RECOVERY_CODE_BUFLEN);
		hash[0] = '\0';
	}
	return rc;
}

int
recovery_normalize(const char *in, size_t inlen,
    char out[RECOVERY_CODE_BUFLEN])
{
	size_t	i, n = 0;
	char	c;

	for (i = 0; i < inlen; i++) {
		c = in[i];
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == '\0' || strchr(alphabet, c) == NULL ||
		    n >= RECOVERY_LEN)
			goto bad;
		out[n++] = c;
	}
	if (n != RECOVERY_LEN)
		goto bad;
	out[n] = '\0';
	return MFA_OK;
bad:
	OPENSSL_cleanse(out, RECOVERY_CODE_BUFLEN);
	return MFA_ERR_INVALID;
}

/* Decodes exactly want bytes from a padded base64 field of b64len
 * characters. */
static int
decode_field(const char *b64, size_t b64len, unsigned char *out, size_t want)
{
	unsigned char	tmp[64];
	int		n;

	if (b64len > 4 * (sizeof(tmp) / 3) || b64len % 4 != 0)
		return MFA_ERR_CORRUPT;
	n = EVP_DecodeBlock(tmp, (const unsigned char *)b64, (int)b64len);
	if (n < 0 || (size_t)n < want) {
		OPENSSL_cleanse(tmp, sizeof(tmp));
		return MFA_ERR_CORRUPT;
	}
	memcpy(out, tmp, want);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return MFA_OK;
}

/* The iteration count: canonical decimal in 1..RECOVERY_ITER_MAX from p
 * up to the '$' at end. */
static int
parse_iter(const char *p, const char *end, unsigned *iter)
{
	char		digits[16];
	uint64_t	v;

	if ((size_t)(end - p) >= sizeof(digits))
		return MFA_ERR_CORRUPT;
	memcpy(digits, p, (size_t)(end - p));
	digits[end - p] = '\0';
	if (!num_canonical(digits) ||
	    num_parse_u64(digits, 1, RECOVERY_ITER_MAX, &v) != 0)
		return MFA_ERR_CORRUPT;
	*iter = (unsigned)v;
	return MFA_OK;
}

/* *has_tag: 0 for a hash written before tags, whose code is checked by
 * PBKDF2 alone. */
static int
parse_hash(const char *hash, unsigned *iter, unsigned char *salt,
    unsigned char *key, unsigned char *tag, int *has_tag)
{
	const char	*p, *d1, *d2, *d3;
	size_t		 keylen;

	if (strncmp(hash, HASH_PREFIX, strlen(HASH_PREFIX)) != 0)
		return MFA_ERR_CORRUPT;
	p = hash + strlen(HASH_PREFIX);
	if ((d1 = strchr(p, '$')) == NULL ||
	    parse_iter(p, d1, iter) != MFA_OK)
		return MFA_ERR_CORRUPT;
	d1++;
	if ((d2 = strchr(d1, '$')) == NULL)
		return MFA_ERR_CORRUPT;
	d3 = strchr(d2 + 1, '$');
	keylen = d3 != NULL ? (size_t)(d3 - d2 - 1) : strlen(d2 + 1);
	*has_tag = d3 != NULL;
	if ((size_t)(d2 - d1) != B64_SALT_LEN || keylen != B64_KEY_LEN ||
	    (d3 != NULL && strlen(d3 + 1) != B64_TAG_LEN))
		return MFA_ERR_CORRUPT;
	if (decode_field(d1, B64_SALT_LEN, salt, RECOVERY_SALT_LEN) !=
	    MFA_OK ||
	    decode_field(d2 + 1, B64_KEY_LEN, key, RECOVERY_KEY_LEN) !=
	    MFA_OK ||
	    (d3 != NULL && decode_field(d3 + 1, B64_TAG_LEN, tag,
	    RECOVERY_TAG_LEN) != MFA_OK))
		return MFA_ERR_CORRUPT;
	return MFA_OK;
}

int
recovery_match(const char *normalized, const char *hash)
{
	if (normalized == NULL || strlen(normalized) != RECOVERY_LEN)
		return 0;
	return recovery_hash_match(normalized, RECOVERY_LEN, hash);
}

int
recovery_hash_match(const char *code, size_t len, const char *hash)
{
	unsigned char	salt[RECOVERY_SALT_LEN], want[RECOVERY_KEY_LEN];
	unsigned char	got[RECOVERY_KEY_LEN];
	unsigned char	tag[RECOVERY_TAG_LEN], gottag[RECOVERY_TAG_LEN];
	unsigned	iter;
	int		has_tag, match = 0;

	if (code == NULL || hash == NULL)
		return 0;
	if (parse_hash(hash, &iter, salt, want, tag, &has_tag) != MFA_OK)
		goto out;
	/* The tag first: a wrong guess almost never pays for PBKDF2. */
	if (has_tag && (tag_of(code, len, salt, gottag) != MFA_OK ||
	    CRYPTO_memcmp(tag, gottag, RECOVERY_TAG_LEN) != 0))
		goto out;
	if (derive(code, len, salt, iter, got) != MFA_OK)
		goto out;
	match = CRYPTO_memcmp(got, want, RECOVERY_KEY_LEN) == 0;
out:
	OPENSSL_cleanse(want, sizeof(want));
	OPENSSL_cleanse(got, sizeof(got));
	OPENSSL_cleanse(tag, sizeof(tag));
	OPENSSL_cleanse(gottag, sizeof(gottag));
	OPENSSL_cleanse(salt, sizeof(salt));
	return match;
}
