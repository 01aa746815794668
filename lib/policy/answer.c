/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include <openssl/crypto.h>

#include "answer.h"
#include "invite.h"
#include "otp.h"
#include "recovery.h"

/* "xxxx-xxxx-xxxx": three groups of four, two dashes. */
#define RECOVERY_SHAPE_LEN	14
/* "inv-xxxx-xxxx-xxxx-xxxx-xxxx", as invite_generate writes it. */
#define INVITE_SHAPE_LEN	28

int
answer_recovery_tail(const char *in, size_t *passlen)
{
	size_t	len = strlen(in);

	if (len < RECOVERY_SHAPE_LEN || in[len - 10] != '-' ||
	    in[len - 5] != '-')
		return -1;
	*passlen = len - RECOVERY_SHAPE_LEN;
	return 0;
}

static int
is_recovery_tail(const char *in, size_t *passlen)
{
	char	norm[RECOVERY_CODE_BUFLEN];
	size_t	len = strlen(in);
	int	yes;

	yes = answer_recovery_tail(in, passlen) == 0 &&
	    recovery_normalize(in + *passlen, len - *passlen, norm) == 0;
	OPENSSL_cleanse(norm, sizeof(norm));
	return yes;
}

/* An invitation typed after the password as it is shown. */
static int
is_invite_tail(const char *in, size_t *passlen)
{
	char	body[INVITE_BODY_LEN + 1];
	size_t	len = strlen(in);
	int	yes;

	if (len < INVITE_SHAPE_LEN)
		return 0;
	*passlen = len - INVITE_SHAPE_LEN;
	yes = in[*passlen + 3] == '-' &&
	    invite_normalize(in + *passlen, INVITE_SHAPE_LEN, body) == 0;
	OPENSSL_cleanse(body, sizeof(body));
	return yes;
}

static int
ends_in_digits(const char *in, size_t len, unsigned d)
{
	size_t	i;

	if (len < d)
		return 0;
	for (i = len - d; i < len; i++)
		if (in[i] < '0' || in[i] > '9')
			return 0;
	return 1;
}

size_t
answer_split(const char *in, unsigned digits_mask)
{
	size_t		len = strlen(in), pl;
	unsigned	d;

	if (digits_mask == 0)
		return len;
	if ((digits_mask & ANSWER_INVITATION) && is_invite_tail(in, &pl))
		return pl;
	if (is_recovery_tail(in, &pl))
		return pl;
	for (d = OTP_MIN_DIGITS; d <= OTP_MAX_DIGITS; d++)
		if ((digits_mask & (1U << d)) && ends_in_digits(in, len, d))
			return len - d;
	return len;
}

int
answer_could_be_code(const char *tok, unsigned digits_mask)
{
	char		buf[RECOVERY_CODE_BUFLEN];	/* fits a code too */
	size_t		len = strlen(tok);
	unsigned	d;
	int		yes = 0;

	for (d = OTP_MIN_DIGITS; d <= OTP_MAX_DIGITS && !yes; d++)
		if ((digits_mask & (1U << d)) &&
		    otp_parse_code(tok, len, d, buf) == 0)
			yes = 1;
	if (!yes && recovery_normalize(tok, len, buf) == 0)
		yes = 1;
	if (!yes && (digits_mask & ANSWER_INVITATION) &&
	    invite_normalize(tok, len, buf) == 0)
		yes = 1;
	OPENSSL_cleanse(buf, sizeof(buf));
	return yes;
}
