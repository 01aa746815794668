/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside lib/pskc_* only.  RFC 6030's cryptography with OpenSSL, since
 * libpskc 2.6 has none: the key from a password (6.2, PBKDF2), a value's
 * MAC (6.1.1, HMAC over IV and ciphertext) and AES-CBC (xmlenc). */
#ifndef AWSMFA_PSKC_CIPHER_H
#define AWSMFA_PSKC_CIPHER_H

#include <stddef.h>

#define PSKC_VALUE_MAX	256	/* a decrypted value (secret, MAC key) */
#define PSKC_MAC_MAX	64

/* Each: MFA_OK or MFA_ERR_INVALID with a reason in err. */

/* PBKDF2 with the PRF named by prf (NULL: HMAC-SHA1, RFC 8018's
 * default) into key[keylen]. */
int	pskc_kdf(const char *password, size_t pwlen, const unsigned char *salt,
	    size_t saltlen, unsigned long iter, const char *prf,
	    unsigned char *key, size_t keylen, char *err, size_t errlen);

/* Decrypts cv (IV then ciphertext) with the xmlenc algorithm alg. */
int	pskc_decrypt(const char *alg, const unsigned char *key, size_t keylen,
	    const unsigned char *cv, size_t cvlen, unsigned char *out,
	    size_t *outlen, char *err, size_t errlen);

/* Whether mac is the HMAC (xmldsig algorithm alg) of cv under mackey,
 * compared in constant time. */
int	pskc_mac_check(const char *alg, const unsigned char *mackey,
	    size_t mackeylen, const unsigned char *cv, size_t cvlen,
	    const unsigned char *mac, size_t maclen, char *err, size_t errlen);

#endif
