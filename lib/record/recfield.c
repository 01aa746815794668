/* SPDX-License-Identifier: BSD-2-Clause */
/* The algorithm and the secret, as the record and the inventory write
 * them.  A secret has one spelling: the canonical base32 of its bytes. */
#include <string.h>

#include <openssl/crypto.h>

#include "base32.h"
#include "mfaerr.h"
#include "recfield.h"

/* base32 of OTP_SECRET_MAX bytes, and the NUL */
#define B32_SECRET_MAX	128

static const char *const alg_names[] = { "SHA1", "SHA256", "SHA512" };

const char *
recfield_alg_name(enum otp_alg alg)
{
	return alg_names[alg];
}

int
recfield_alg(struct kv_cursor *c, const char *const *order, int pos,
    enum otp_alg *out)
{
	const char	*v;
	size_t		 i;
	int		 r;

	if ((r = kv_key(c, order, pos, &v)) != MFA_OK)
		return r;
	for (i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++) {
		if (strcmp(v, alg_names[i]) == 0) {
			*out = (enum otp_alg)i;
			return MFA_OK;
		}
	}
	return kv_bad(c, order[pos]);
}

/* The secret must be exactly what base32_encode writes for it. */
int
recfield_secret(struct kv_cursor *c, const char *const *order, int pos,
    unsigned char *secret, size_t *secret_len)
{
	const char	*v;
	char		 again[B32_SECRET_MAX];
	size_t		 n = 0, vlen;
	int		 ok, r;

	if ((r = kv_key(c, order, pos, &v)) != MFA_OK)
		return r;
	vlen = strlen(v);
	ok = vlen < sizeof(again) &&
	    base32_decode(v, secret, OTP_SECRET_MAX, &n) == 0 &&
	    n >= 1 && n <= OTP_SECRET_MAX &&
	    base32_encode(secret, n, again, sizeof(again)) == 0 &&
	    strlen(again) == vlen && CRYPTO_memcmp(again, v, vlen) == 0;
	OPENSSL_cleanse(again, sizeof(again));
	if (!ok) {
		OPENSSL_cleanse(secret, OTP_SECRET_MAX);
		return kv_bad(c, "secret (not canonical base32 of 1 to "
		    "64 bytes)");
	}
	*secret_len = n;
	return MFA_OK;
}

int
recfield_put_secret(struct textbuf *t, const unsigned char *secret,
    size_t len)
{
	char	b32[B32_SECRET_MAX];
	int	r = MFA_ERR_INVALID;

	if (base32_encode(secret, len, b32, sizeof(b32)) == 0)
		r = textbuf_printf(t, "secret %s\n", b32);
	OPENSSL_cleanse(b32, sizeof(b32));
	return r;
}
