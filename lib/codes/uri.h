/* SPDX-License-Identifier: BSD-2-Clause */
/* otpauth:// Key URI (Google Authenticator key URI format). */
#ifndef AWSMFA_URI_H
#define AWSMFA_URI_H

#include <stddef.h>
#include "otp.h"

struct otp_uri {
	char		*issuer;	/* from the issuer= parameter */
	char		*account;	/* the part of the label after "ISSUER:" */
	unsigned char	 secret[OTP_SECRET_MAX];
	size_t		 secret_len;
	enum otp_alg	 alg;
	unsigned	 digits;
	unsigned	 period;
};

/* otpauth://totp/ISSUER:USER?secret=...&issuer=...&algorithm=...&digits=..
 * &period=..; label and issuer percent-encoded, the last three only when
 * not SHA1, 6 and 30.  Returns a malloc'd string,
 * or NULL on failure.  The caller cleanses and frees it (it holds the
 * secret). */
char	*uri_build(const char *issuer, const char *account,
	    const unsigned char *secret, size_t secret_len, enum otp_alg alg,
	    unsigned digits, unsigned period);

/* otpauth://hotp/ISSUER:USER?secret=...&issuer=...[&algorithm=..]
 * [&digits=..]&counter=N for a counter (HOTP) device, like uri_build. */
char	*uri_build_hotp(const char *issuer, const char *account,
	    const unsigned char *secret, size_t secret_len, enum otp_alg alg,
	    unsigned digits, uint64_t counter);

/* The Key Uri Format's defaults, left out of a built URI. */
#define URI_DEFAULT_DIGITS	6
#define URI_DEFAULT_PERIOD	30

/* A warning for parameters that common apps ignore or cannot show, in buf;
 * 1 when there is one, else 0. */
int	 uri_app_caveats(enum otp_alg alg, unsigned digits, unsigned period,
	    char *buf, size_t len);
/* Parses a totp URI back (used by tests and by token import).  0 or -1. */
int	 uri_parse(const char *uri, struct otp_uri *out);
void	 uri_clear(struct otp_uri *u);

#endif
