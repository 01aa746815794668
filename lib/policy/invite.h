/* SPDX-License-Identifier: BSD-2-Clause */
/* Invitations: a one-time code an admin hands a user who has no device
 * yet, so that the user can log in (password + invitation) and enrol.
 * Shown once as "inv-xxxx-xxxx-xxxx-xxxx-xxxx" (20 characters of the
 * base32 alphabet, 100 bits, after a fixed prefix that no recovery code
 * or digit code has), stored only as a hash of lib/recovery.c's scheme
 * over the 20 characters. */
#ifndef AWSMFA_INVITE_H
#define AWSMFA_INVITE_H

#include <stddef.h>
#include <stdint.h>
#include "record.h"

#define INVITE_CODE_BUFLEN	40	/* "inv-" + 5 groups of 4, NUL */
#define INVITE_BODY_LEN		20
#define INVITE_TTL_DEFAULT	(72 * 3600)
#define INVITE_TTL_MAX		(30 * 86400)

/* A new code for display and its hash.  MFA_OK or MFA_ERR_INTERNAL. */
int	invite_generate(char code[INVITE_CODE_BUFLEN],
	    char hash[RECORD_HASH_MAX + 1]);

/* What a person typed: drops spaces and '-', lowers case; must then be
 * "inv" and 20 characters of the alphabet, which go to out.  MFA_OK or
 * MFA_ERR_INVALID. */
int	invite_normalize(const char *in, size_t inlen,
	    char out[INVITE_BODY_LEN + 1]);

/* 1 when the normalized body matches hash, as recovery_match. */
int	invite_match(const char *body, const char *hash);

/* "90m", "72h", "3d": seconds in 60..INVITE_TTL_MAX.  MFA_OK, or
 * MFA_ERR_INVALID with a line in err. */
int	invite_parse_ttl(const char *s, int64_t *secs, char *err,
	    size_t errlen);

/* 1 when rec holds an invitation that has not expired at now and the
 * user has no active device: only then may it stand for a code. */
int	invite_live(const struct mfa_record *rec, int64_t now);

/* Forgets rec's invitation (enable, revoke, a new one). */
void	invite_clear(struct mfa_record *rec);

#endif
