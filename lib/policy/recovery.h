/* SPDX-License-Identifier: BSD-2-Clause */
/* One-time recovery codes: generated here, shown once, stored as salted
 * PBKDF2-HMAC-SHA256 hashes, "$pbkdf2-sha256$ITER$SALT$HASH$TAG": SALT 16
 * bytes and HASH 32 bytes in padded base64, TAG the first 3 bytes of
 * HMAC-SHA256(key SALT, normalized code) in base64 (4 characters), which
 * spares PBKDF2 to a guess that cannot match.  Hashes without "$TAG"
 * (written by earlier versions) load and match as before. */
#ifndef AWSMFA_RECOVERY_H
#define AWSMFA_RECOVERY_H

#include <stddef.h>
#include "record.h"

#define RECOVERY_CODE_BUFLEN	32	/* "xxxx-xxxx-xxxx" and NUL fits */

/* A new code for display (12 characters of the base32 alphabet in lower
 * case, grouped by 4 with '-') and its hash.  MFA_OK, or MFA_ERR_INTERNAL
 * when the random source or the crypto library fails. */
int	recovery_generate(char code[RECOVERY_CODE_BUFLEN],
	    char hash[RECORD_HASH_MAX + 1]);

/* What a person typed: drops spaces and '-', lowers case; must then be 12
 * characters of the alphabet.  MFA_OK or MFA_ERR_INVALID. */
int	recovery_normalize(const char *in, size_t inlen,
	    char out[RECOVERY_CODE_BUFLEN]);

/* 1 when the normalized code matches hash (constant-time compare of the
 * derived keys), 0 otherwise or when hash is malformed.  With a tag, a
 * code whose tag differs costs one HMAC and no PBKDF2. */
int	recovery_match(const char *normalized, const char *hash);

/* The scheme above for any code of len characters (invitations use it
 * too, lib/invite.c): MFA_OK with hash, or MFA_ERR_INTERNAL. */
int	recovery_hash(const char *code, size_t len,
	    char hash[RECORD_HASH_MAX + 1]);
/* recovery_match for a code of len characters. */
int	recovery_hash_match(const char *code, size_t len, const char *hash);
/* n (< 64) random characters of the base32 alphabet in lower case, and a
 * NUL: MFA_OK or MFA_ERR_INTERNAL. */
int	recovery_random(char *out, size_t n);

#endif
