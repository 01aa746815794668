/* SPDX-License-Identifier: BSD-2-Clause */
/* Invitations.  The code carries 100 bits, so unlike a 6-digit code it
 * cannot be guessed within any lockout; it is hashed like a recovery
 * code (a slow hash behind a fast tag) so that a copy of the store does
 * not hand out logins.  The prefix and the length keep it apart from a
 * recovery code (12 characters) and a device code (digits) however it is
 * typed. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "invite.h"
#include "mfaerr.h"
#include "numparse.h"
#include "recovery.h"

#define INVITE_PREFIX		"inv"
#define INVITE_PREFIX_LEN	3
#define INVITE_TTL_MIN		60

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

int
invite_generate(char code[INVITE_CODE_BUFLEN], char hash[RECORD_HASH_MAX + 1])
{
	char	body[INVITE_BODY_LEN + 1];
	size_t	i, o;
	int	rc = MFA_ERR_INTERNAL;

	if (recovery_random(body, INVITE_BODY_LEN) == MFA_OK &&
	    recovery_hash(body, INVITE_BODY_LEN, hash) == MFA_OK) {
		memcpy(code, INVITE_PREFIX, INVITE_PREFIX_LEN);
		o = INVITE_PREFIX_LEN;
		for (i = 0; i < INVITE_BODY_LEN; i++) {
			if (i % 4 == 0)
				code[o++] = '-';
			code[o++] = body[i];
		}
		code[o] = '\0';
		rc = MFA_OK;
	}
	OPENSSL_cleanse(body, sizeof(body));
	if (rc != MFA_OK) {
		OPENSSL_cleanse(code, INVITE_CODE_BUFLEN);
		hash[0] = '\0';
	}
	return rc;
}

int
invite_normalize(const char *in, size_t inlen, char out[INVITE_BODY_LEN + 1])
{
	char	buf[INVITE_PREFIX_LEN + INVITE_BODY_LEN];
	size_t	i, n = 0;
	char	c;
	int	rc = MFA_ERR_INVALID;

	for (i = 0; i < inlen; i++) {
		c = in[i];
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (n >= sizeof(buf))
			goto out;
		buf[n++] = c;
	}
	if (n != sizeof(buf) ||
	    memcmp(buf, INVITE_PREFIX, INVITE_PREFIX_LEN) != 0)
		goto out;
	for (i = INVITE_PREFIX_LEN; i < n; i++)
		if (buf[i] == '\0' || strchr(alphabet, buf[i]) == NULL)
			goto out;
	memcpy(out, buf + INVITE_PREFIX_LEN, INVITE_BODY_LEN);
	out[INVITE_BODY_LEN] = '\0';
	rc = MFA_OK;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	if (rc != MFA_OK)
		OPENSSL_cleanse(out, INVITE_BODY_LEN + 1);
	return rc;
}

int
invite_match(const char *body, const char *hash)
{
	if (body == NULL || strlen(body) != INVITE_BODY_LEN)
		return 0;
	return recovery_hash_match(body, INVITE_BODY_LEN, hash);
}

int
invite_parse_ttl(const char *s, int64_t *secs, char *err, size_t errlen)
{
	char		num[16];
	uint64_t	v = 0, unit;
	size_t		len = s != NULL ? strlen(s) : 0;

	if (len < 2 || len - 1 >= sizeof(num))
		goto bad;
	switch (s[len - 1]) {
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		goto bad;
	}
	memcpy(num, s, len - 1);
	num[len - 1] = '\0';
	if (!num_canonical(num) ||
	    num_parse_u64(num, 1, INVITE_TTL_MAX, &v) != 0 ||
	    v * unit < INVITE_TTL_MIN || v * unit > INVITE_TTL_MAX)
		goto bad;
	*secs = (int64_t)(v * unit);
	return MFA_OK;
bad:
	return mfa_fail(err, errlen, MFA_ERR_INVALID, "invalid duration "
	    "\"%s\" (e.g. 90m, 72h or 3d; at most 30d)", s != NULL ? s : "");
}

int
invite_live(const struct mfa_record *rec, int64_t now)
{
	return rec->invite[0] != '\0' && rec->invite_expires > now &&
	    !record_has_active(rec);
}

void
invite_clear(struct mfa_record *rec)
{
	OPENSSL_cleanse(rec->invite, sizeof(rec->invite));
	rec->invite_expires = 0;
}
