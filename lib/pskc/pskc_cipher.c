/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RFC 6030's cryptography, written against the RFC with OpenSSL because
 * libpskc (oath-toolkit 2.6) parses encrypted containers but cannot
 * decrypt them.  Algorithms are named by the URIs of XML Encryption and
 * XML Signature; an unknown name is refused, never guessed.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mfaerr.h"
#include "pskc_cipher.h"

#define PSKC_ITER_MAX	10000000UL	/* a bound on the admin's wait */

/* The fragment after '#' of an algorithm URI, which names it uniquely
 * among the algorithms RFC 6030 allows. */
static const char *
fragment(const char *uri)
{
	const char	*h;

	if (uri == NULL)
		return "";
	h = strrchr(uri, '#');
	return h != NULL ? h + 1 : uri;
}

static const EVP_MD *
hmac_md(const char *name)
{
	if (strcmp(name, "hmac-sha1") == 0)
		return EVP_sha1();
	if (strcmp(name, "hmac-sha256") == 0)
		return EVP_sha256();
	if (strcmp(name, "hmac-sha512") == 0)
		return EVP_sha512();
	return NULL;
}

int
pskc_kdf(const char *password, size_t pwlen, const unsigned char *salt,
    size_t saltlen, unsigned long iter, const char *prf, unsigned char *key,
    size_t keylen, char *err, size_t errlen)
{
	const EVP_MD	*md = prf == NULL ? EVP_sha1() : hmac_md(fragment(prf));

	if (md == NULL)
		return mfa_fail(err, errlen, MFA_ERR_INVALID,
		    "PBKDF2 pseudo-random function %s is not supported", prf);
	if (iter == 0 || iter > PSKC_ITER_MAX || saltlen == 0)
		return mfa_fail(err, errlen, MFA_ERR_INVALID,
		    "PBKDF2 needs a salt and 1 to %lu iterations",
		    PSKC_ITER_MAX);
	if (PKCS5_PBKDF2_HMAC(password, (int)pwlen, salt, (int)saltlen,
	    (int)iter, md, (int)keylen, key) != 1)
		return mfa_fail(err, errlen, MFA_ERR_INVALID,
		    "PBKDF2 failed");
	return MFA_OK;
}

static const EVP_CIPHER *
cbc_cipher(const char *name, size_t keylen)
{
	if (strcmp(name, "aes128-cbc") == 0 && keylen == 16)
		return EVP_aes_128_cbc();
	if (strcmp(name, "aes192-cbc") == 0 && keylen == 24)
		return EVP_aes_192_cbc();
	if (strcmp(name, "aes256-cbc") == 0 && keylen == 32)
		return EVP_aes_256_cbc();
	return NULL;
}

int
pskc_decrypt(const char *alg, const unsigned char *key, size_t keylen,
    const unsigned char *cv, size_t cvlen, unsigned char *out,
    size_t *outlen, char *err, size_t errlen)
{
	const EVP_CIPHER	*c = cbc_cipher(fragment(alg), keylen);
	EVP_CIPHER_CTX		*ctx;
	int			 n1 = 0, n2 = 0, ok;

	*outlen = 0;
	if (c == NULL)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "encryption %s "
		    "with a %zu-byte key is not supported (AES-CBC only)",
		    alg == NULL ? "(none)" : alg, keylen);
	/* IV, at least one block, whole blocks; out is never overrun. */
	if (cvlen < 32 || cvlen % 16 != 0 || cvlen - 16 > PSKC_VALUE_MAX)
		return mfa_fail(err, errlen, MFA_ERR_INVALID,
		    "encrypted value of a wrong length");
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	ok = EVP_DecryptInit_ex(ctx, c, NULL, key, cv) == 1 &&
	    EVP_DecryptUpdate(ctx, out, &n1, cv + 16, (int)cvlen - 16) == 1 &&
	    EVP_DecryptFinal_ex(ctx, out + n1, &n2) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		OPENSSL_cleanse(out, PSKC_VALUE_MAX);
		return mfa_fail(err, errlen, MFA_ERR_INVALID,
		    "cannot decrypt: a wrong key or password, or a damaged value");
	}
	*outlen = (size_t)n1 + (size_t)n2;
	return MFA_OK;
}

int
pskc_mac_check(const char *alg, const unsigned char *mackey,
    size_t mackeylen, const unsigned char *cv, size_t cvlen,
    const unsigned char *mac, size_t maclen, char *err, size_t errlen)
{
	const EVP_MD	*md = hmac_md(fragment(alg));
	unsigned char	 want[EVP_MAX_MD_SIZE];
	unsigned int	 wantlen = 0;
	int		 same;

	if (md == NULL)
		return mfa_fail(err, errlen, MFA_ERR_INVALID,
		    "MAC algorithm %s is not supported",
		    alg == NULL ? "(none)" : alg);
	if (HMAC(md, mackey, (int)mackeylen, cv, cvlen, want,
	    &wantlen) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "HMAC failed");
	same = maclen == wantlen && CRYPTO_memcmp(want, mac, maclen) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	if (!same)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "wrong MAC: "
		    "a wrong key or password, or a damaged file");
	return MFA_OK;
}
