/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What users and files hand us: typed codes (otp_parse_code), base32
 * secrets (base32_decode), otpauth URIs (uri_parse), typed recovery codes
 * (recovery_normalize) and stored recovery hashes (recovery_match).  Beyond "no
 * crash", it checks the properties callers rely on and aborts if one
 * breaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"
#include "otp.h"
#include "recovery.h"
#include "uri.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_parse_code(const uint8_t *data, size_t size)
{
	char		out[OTP_CODE_BUFLEN];
	unsigned	digits;
	size_t		i;

	for (digits = OTP_MIN_DIGITS; digits <= OTP_MAX_DIGITS; digits++) {
		if (otp_parse_code((const char *)data, size, digits, out) != 0)
			continue;
		/* Accepted: exactly `digits` digits, and equal to itself. */
		if (strlen(out) != digits || !otp_code_equal(out, out))
			abort();
		for (i = 0; i < digits; i++)
			if (out[i] < '0' || out[i] > '9')
				abort();
		if (memchr(data, '\0', size) != NULL)
			abort();
	}
}

static void
fuzz_base32(const char *s)
{
	unsigned char	bin[512], again[512];
	/* 512 bytes grouped by 4 take 1025 bytes: leave room. */
	char		enc[2048];
	size_t		len, len2;

	if (base32_decode(s, bin, sizeof(bin), &len) != 0)
		return;
	/* Whatever decodes re-encodes canonically to the same bytes. */
	if (base32_encode(bin, len, enc, sizeof(enc)) != 0)
		abort();
	if (base32_decode(enc, again, sizeof(again), &len2) != 0 ||
	    len2 != len || memcmp(bin, again, len) != 0)
		abort();
	if (base32_encode_grouped(bin, len, enc, sizeof(enc)) != 0)
		abort();
	if (base32_decode(enc, again, sizeof(again), &len2) != 0 ||
	    len2 != len || memcmp(bin, again, len) != 0)
		abort();
}

static void
fuzz_uri(const char *s)
{
	struct otp_uri	 u, v;
	char		*again;

	if (uri_parse(s, &u) != 0)
		return;
	if (u.issuer == NULL || u.account == NULL || u.secret_len == 0 ||
	    u.secret_len > OTP_SECRET_MAX)
		abort();
	/* A parsed URI, rebuilt, parses to the same thing. */
	again = uri_build(u.issuer, u.account, u.secret, u.secret_len, u.alg,
	    u.digits, u.period);
	if (again != NULL) {
		if (uri_parse(again, &v) != 0 ||
		    strcmp(u.issuer, v.issuer) != 0 ||
		    strcmp(u.account, v.account) != 0 ||
		    u.secret_len != v.secret_len ||
		    memcmp(u.secret, v.secret, u.secret_len) != 0 ||
		    u.alg != v.alg || u.digits != v.digits ||
		    u.period != v.period)
			abort();
		uri_clear(&v);
		free(again);
	} else if (*u.issuer != '\0') {
		abort();	/* only an empty issuer can be refused */
	}
	uri_clear(&u);
}

/* The input as a typed recovery code and as a stored hash.  Only hashes
 * with a tag are matched: an untagged well-formed one would run PBKDF2
 * with up to a million iterations per input, and a tagged one runs it
 * only when the tag matches. */
static void
fuzz_recovery(const char *s, size_t size)
{
	char		norm[RECOVERY_CODE_BUFLEN];
	const char	*p;
	int		dollars = 0;

	if (recovery_normalize(s, size, norm) == 0 && strlen(norm) != 12)
		abort();
	for (p = s; *p != '\0'; p++)
		dollars += *p == '$';
	if (dollars >= 5 && recovery_match("abcdefghijkl", s) != 0 &&
	    strstr(s, "$pbkdf2-sha256$") != s)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	fuzz_parse_code(data, size);
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_base32(s);
	fuzz_uri(s);
	fuzz_recovery(s, strlen(s));
	free(s);
	return 0;
}
