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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

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
derive(const char *code, const unsigned char *salt, unsigned iter,
    unsigned char key[RECOVERY_KEY_LEN])
{
	if (PKCS5_PBKDF2_HMAC(code, RECOVERY_LEN, salt, RECOVERY_SALT_LEN,
	    (int)iter, EVP_sha256(), RECOVERY_KEY_LEN, key) != 1)
		return -1;
	return 0;
}

/* The fast keyed tag of a normalized code, keyed with the hash's salt. */
static int
tag_of(const char *code, const unsigned char *salt,
    unsigned char tag[RECOVERY_TAG_LEN])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;
	int		rc = -1;

	if (HMAC(EVP_sha256(), salt, RECOVERY_SALT_LEN,
	    (const unsigned char *)code, RECOVERY_LEN, md, &mdlen) != NULL &&
	    mdlen >= RECOVERY_TAG_LEN) {
		memcpy(tag, md, RECOVERY_TAG_LEN);
		rc = 0;
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
		return -1;
	n = snprintf(hash, RECORD_HASH_MAX + 1, HASH_PREFIX "%u$%s$%s$%s",
	    iter, b64salt, b64key, b64tag);
	OPENSSL_cleanse(b64key, sizeof(b64key));
	return (n < 0 || n > RECORD_HASH_MAX) ? -1 : 0;
}

int
recovery_generate(char code[RECOVERY_CODE_BUFLEN],
    char hash[RECORD_HASH_MAX + 1])
{
	unsigned char	rnd[RECOVERY_LEN], salt[RECOVERY_SALT_LEN];
	unsigned char	key[RECOVERY_KEY_LEN], tag[RECOVERY_TAG_LEN];
	char		plain[RECOVERY_LEN + 1];
	size_t		i, o;
	int		rc = -1;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1 ||
	    RAND_bytes(salt, sizeof(salt)) != 1)
		goto out;
	/* 256 is a multiple of 32: masking keeps the choice uniform. */
	for (i = 0; i < RECOVERY_LEN; i++)
		plain[i] = alphabet[rnd[i] & 31];
	plain[RECOVERY_LEN] = '\0';
	if (derive(plain, salt, RECOVERY_ITER, key) != 0 ||
	    tag_of(plain, salt, tag) != 0 ||
	    format_hash(RECOVERY_ITER, salt, key, tag, hash) != 0)
		goto out;
	for (i = 0, o = 0; i < RECOVERY_LEN; i++) {
		if (i > 0 && i % 4 == 0)
			code[o++] = '-';
		code[o++] = plain[i];
	}
	code[o] = '\0';
	rc = 0;
out:
	OPENSSL_cleanse(rnd, sizeof(rnd));
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(tag, sizeof(tag));
	OPENSSL_cleanse(plain, sizeof(plain));
	if (rc != 0) {
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
	return 0;
bad:
	OPENSSL_cleanse(out, RECOVERY_CODE_BUFLEN);
	return -1;
}

/* Decodes exactly want bytes from a padded base64 field of b64len
 * characters. */
static int
decode_field(const char *b64, size_t b64len, unsigned char *out, size_t want)
{
	unsigned char	tmp[64];
	int		n;

	if (b64len > 4 * (sizeof(tmp) / 3) || b64len % 4 != 0)
		return -1;
	n = EVP_DecodeBlock(tmp, (const unsigned char *)b64, (int)b64len);
	if (n < 0 || (size_t)n < want) {
		OPENSSL_cleanse(tmp, sizeof(tmp));
		return -1;
	}
	memcpy(out, tmp, want);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return 0;
}

/* *has_tag: 0 for a hash written before tags, whose code is checked by
 * PBKDF2 alone. */
static int
parse_hash(const char *hash, unsigned *iter, unsigned char *salt,
    unsigned char *key, unsigned char *tag, int *has_tag)
{
	const char	*p, *d1, *d2, *d3;
	size_t		 keylen;
	char		*end;
	unsigned long	 v;

	if (strncmp(hash, HASH_PREFIX, strlen(HASH_PREFIX)) != 0)
		return -1;
	p = hash + strlen(HASH_PREFIX);
	if (*p < '1' || *p > '9')
		return -1;
	v = strtoul(p, &end, 10);
	if (*end != '$' || v > RECOVERY_ITER_MAX)
		return -1;
	*iter = (unsigned)v;
	d1 = end + 1;
	if ((d2 = strchr(d1, '$')) == NULL)
		return -1;
	d3 = strchr(d2 + 1, '$');
	keylen = d3 != NULL ? (size_t)(d3 - d2 - 1) : strlen(d2 + 1);
	*has_tag = d3 != NULL;
	if ((size_t)(d2 - d1) != B64_SALT_LEN || keylen != B64_KEY_LEN ||
	    (d3 != NULL && strlen(d3 + 1) != B64_TAG_LEN))
		return -1;
	if (decode_field(d1, B64_SALT_LEN, salt, RECOVERY_SALT_LEN) != 0 ||
	    decode_field(d2 + 1, B64_KEY_LEN, key, RECOVERY_KEY_LEN) != 0 ||
	    (d3 != NULL && decode_field(d3 + 1, B64_TAG_LEN, tag,
	    RECOVERY_TAG_LEN) != 0))
		return -1;
	return 0;
}

int
recovery_match(const char *normalized, const char *hash)
{
	unsigned char	salt[RECOVERY_SALT_LEN], want[RECOVERY_KEY_LEN];
	unsigned char	got[RECOVERY_KEY_LEN];
	unsigned char	tag[RECOVERY_TAG_LEN], gottag[RECOVERY_TAG_LEN];
	unsigned	iter;
	int		has_tag, match = 0;

	if (normalized == NULL || hash == NULL ||
	    strlen(normalized) != RECOVERY_LEN)
		return 0;
	if (parse_hash(hash, &iter, salt, want, tag, &has_tag) != 0)
		goto out;
	/* The tag first: a wrong guess almost never pays for PBKDF2. */
	if (has_tag && (tag_of(normalized, salt, gottag) != 0 ||
	    CRYPTO_memcmp(tag, gottag, RECOVERY_TAG_LEN) != 0))
		goto out;
	if (derive(normalized, salt, iter, got) != 0)
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
