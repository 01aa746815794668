/* SPDX-License-Identifier: BSD-2-Clause */
/* HOTP (RFC 4226) and TOTP (RFC 6238) over OpenSSL's EVP API. */
#ifndef AWSMFA_OTP_H
#define AWSMFA_OTP_H

#include <stddef.h>
#include <stdint.h>

enum otp_alg {
	OTP_SHA1 = 0,
	OTP_SHA256,
	OTP_SHA512
};

/* Time-based (RFC 6238) or counter-based (RFC 4226): what moves a
 * device from one code to the next. */
enum otp_kind {
	OTP_TOTP = 0,
	OTP_HOTP
};

#define OTP_MIN_DIGITS		6
#define OTP_MAX_DIGITS		8
#define OTP_MIN_PERIOD		1
#define OTP_MAX_PERIOD		300
#define OTP_SECRET_MAX		64	/* bytes; SHA512 secrets are the largest */
#define OTP_CODE_BUFLEN		(OTP_MAX_DIGITS + 1)
/* The largest HOTP counter kept: far beyond any token's life, and low
 * enough that a counter plus any look-ahead fits a PostgreSQL bigint. */
#define OTP_COUNTER_MAX		((uint64_t)1 << 62)

/* "SHA1", "SHA256", "SHA512" (case-insensitive); 0 on success, -1 otherwise. */
int		 otp_alg_parse(const char *s, enum otp_alg *out);
const char	*otp_alg_name(enum otp_alg alg);
/* Recommended secret size: 20, 32 or 64 bytes (RFC 4226 s4, RFC 6238 s5.1). */
size_t		 otp_alg_secret_len(enum otp_alg alg);

/* Writes the zero-padded decimal code and its NUL into code[OTP_CODE_BUFLEN].
 * 0 on success, -1 on a bad parameter or a crypto failure. */
int	otp_hotp(const unsigned char *key, size_t keylen, enum otp_alg alg,
	    uint64_t counter, unsigned digits, char code[OTP_CODE_BUFLEN]);

/* The RFC 6238 time step of Unix time t (t >= 0) for the given period. */
uint64_t otp_step(int64_t t, unsigned period);

/* TOTP for an explicit time step (the caller adds drift and window). */
int	otp_totp_at_step(const unsigned char *key, size_t keylen,
	    enum otp_alg alg, uint64_t step, unsigned digits,
	    char code[OTP_CODE_BUFLEN]);

/* The codes of `count` consecutive steps from `first` into
 * codes[count][OTP_CODE_BUFLEN], with one HMAC set-up for them all (what a
 * window check needs).  0, or -1 with every code wiped. */
int	otp_totp_steps(const unsigned char *key, size_t keylen,
	    enum otp_alg alg, uint64_t first, unsigned count, unsigned digits,
	    char codes[][OTP_CODE_BUFLEN]);

/* 1 when the two NUL-terminated codes are equal, compared in constant time
 * for a given length; 0 otherwise (also when lengths differ). */
int	otp_code_equal(const char *a, const char *b);

/* Validates what a user typed: surrounding whitespace is dropped, then
 * exactly `digits` ASCII digits must remain.  Copies them into
 * out[OTP_CODE_BUFLEN].  0 on success, -1 otherwise (out is wiped). */
int	otp_parse_code(const char *in, size_t inlen, unsigned digits,
	    char out[OTP_CODE_BUFLEN]);

/* Fills buf with otp_alg_secret_len(alg) bytes from RAND_bytes; stores the
 * length in *len.  bufsize must be at least OTP_SECRET_MAX.  0 or -1. */
int	otp_random_secret(enum otp_alg alg, unsigned char *buf, size_t bufsize,
	    size_t *len);

#endif
