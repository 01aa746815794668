/* SPDX-License-Identifier: BSD-2-Clause */
/* otpauth:// URIs: the exact text we build, and parsing it back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uri.h"

static const unsigned char seed[] = "12345678901234567890";

static void
test_build_exact(void **state)
{
	char	*u;

	(void)state;
	u = uri_build("Example Co", "alice@example.com", seed, 20, OTP_SHA1,
	    6, 30);
	assert_non_null(u);
	assert_string_equal(u, "otpauth://totp/Example%20Co:alice%40example.com"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example%20Co");
	free(u);

	/* Only what differs from the Key Uri Format's defaults is named. */
	u = uri_build("i", "a", seed, 20, OTP_SHA1, 8, 30);
	assert_non_null(u);
	assert_string_equal(strchr(u, '&'), "&issuer=i&digits=8");
	free(u);
	u = uri_build("i", "a", seed, 20, OTP_SHA1, 6, 60);
	assert_non_null(u);
	assert_string_equal(strchr(u, '&'), "&issuer=i&period=60");
	free(u);
	u = uri_build("i", "a", seed, 20, OTP_SHA256, 6, 30);
	assert_non_null(u);
	assert_string_equal(strchr(u, '&'), "&issuer=i&algorithm=SHA256");
	free(u);

	/* A colon inside a part is escaped; only the separator is literal. */
	u = uri_build("a:b&c", "d e?f%g/h#i", (const unsigned char *)"f", 1,
	    OTP_SHA512, 8, 300);
	assert_non_null(u);
	assert_string_equal(u, "otpauth://totp/a%3Ab%26c:d%20e%3Ff%25g%2Fh%23i"
	    "?secret=MY&issuer=a%3Ab%26c&algorithm=SHA512&digits=8"
	    "&period=300");
	free(u);

	u = uri_build("Ünï-._~", "bob", seed, 20, OTP_SHA256, 7, 1);
	assert_non_null(u);
	assert_string_equal(u, "otpauth://totp/%C3%9Cn%C3%AF-._~:bob"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "&issuer=%C3%9Cn%C3%AF-._~&algorithm=SHA256&digits=7&period=1");
	free(u);
}

static void
test_app_caveats(void **state)
{
	char	buf[256];

	(void)state;
	assert_int_equal(uri_app_caveats(OTP_SHA1, 6, 30, buf, sizeof(buf)),
	    0);
	assert_int_equal(uri_app_caveats(OTP_SHA256, 8, 60, buf, sizeof(buf)),
	    1);
	assert_string_equal(buf, "Google Authenticator ignores SHA256, 8 "
	    "digits, a period of 60 seconds (set in the config) and would "
	    "show wrong codes: use an app that reads them");
	assert_int_equal(uri_app_caveats(OTP_SHA1, 6, 15, buf, sizeof(buf)),
	    1);
	assert_string_equal(buf, "Google Authenticator ignores a period of 15 "
	    "seconds (set in the config) and would show wrong codes: use an "
	    "app that reads them");
	assert_int_equal(uri_app_caveats(OTP_SHA1, 7, 30, buf, sizeof(buf)),
	    1);
	assert_string_equal(buf, "7 digits are outside the Key Uri Format "
	    "(6 or 8): most authenticator apps cannot show such codes");
}

static void
test_build_refuses(void **state)
{
	unsigned char	big[OTP_SECRET_MAX + 1];

	(void)state;
	memset(big, 7, sizeof(big));
	assert_null(uri_build(NULL, "a", seed, 20, OTP_SHA1, 6, 30));
	assert_null(uri_build("i", NULL, seed, 20, OTP_SHA1, 6, 30));
	assert_null(uri_build("", "a", seed, 20, OTP_SHA1, 6, 30));
	assert_null(uri_build("i", "", seed, 20, OTP_SHA1, 6, 30));
	assert_null(uri_build("i", "a", NULL, 20, OTP_SHA1, 6, 30));
	assert_null(uri_build("i", "a", seed, 0, OTP_SHA1, 6, 30));
	assert_null(uri_build("i", "a", big, sizeof(big), OTP_SHA1, 6, 30));
	assert_null(uri_build("i", "a", seed, 20, (enum otp_alg)9, 6, 30));
	assert_null(uri_build("i", "a", seed, 20, OTP_SHA1, 5, 30));
	assert_null(uri_build("i", "a", seed, 20, OTP_SHA1, 9, 30));
	assert_null(uri_build("i", "a", seed, 20, OTP_SHA1, 6, 0));
	assert_null(uri_build("i", "a", seed, 20, OTP_SHA1, 6, 301));
}

static void
round_trip(const char *issuer, const char *account,
    const unsigned char *secret, size_t len, enum otp_alg alg,
    unsigned digits, unsigned period)
{
	struct otp_uri	 u;
	char		*s;

	s = uri_build(issuer, account, secret, len, alg, digits, period);
	assert_non_null(s);
	assert_int_equal(uri_parse(s, &u), 0);
	free(s);
	assert_string_equal(u.issuer, issuer);
	assert_string_equal(u.account, account);
	assert_int_equal(u.secret_len, len);
	assert_memory_equal(u.secret, secret, len);
	assert_int_equal(u.alg, alg);
	assert_int_equal(u.digits, digits);
	assert_int_equal(u.period, period);
	uri_clear(&u);
	assert_null(u.issuer);
	assert_null(u.account);
	assert_int_equal(u.secret_len, 0);
}

static void
test_round_trip(void **state)
{
	static const char *const names[] = {
		"Example Co", "a:b", "x&y=z", "100% sure", "what?", "Zürich 東京",
		"::", "a b:c d", "#frag", "+plus+", "slash/es", "~tilde._-",
		"\xf0\x9f\x94\x91 key",
	};
	unsigned char	secret[OTP_SECRET_MAX];
	size_t		i, j, len;

	(void)state;
	for (i = 0; i < sizeof(secret); i++)
		secret[i] = (unsigned char)(0xff - i * 13);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
			len = 1 + (i * 7 + j) % OTP_SECRET_MAX;
			round_trip(names[i], names[j], secret, len,
			    (enum otp_alg)((i + j) % 3), 6 + j % 3,
			    1 + (unsigned)(i * 23 + j) % 300);
		}
	}
	round_trip("i", "a", secret, 20, OTP_SHA1, 6, 30);
	round_trip("i", "a", secret, 64, OTP_SHA512, 8, 300);
	round_trip("i", "a", secret, 1, OTP_SHA256, 7, 1);
}

static int
parses(const char *s)
{
	struct otp_uri	u;
	int		r;

	r = uri_parse(s, &u);
	if (r != 0) {
		/* A failed parse leaves nothing to free. */
		assert_null(u.issuer);
		assert_null(u.account);
		assert_int_equal(u.secret_len, 0);
	}
	uri_clear(&u);
	return r;
}

static void
test_parse_defaults_and_extras(void **state)
{
	struct otp_uri	u;

	(void)state;
	/* Key URI defaults, the issuer from the label, lower-case secret
	 * and unknown parameters ignored. */
	assert_int_equal(uri_parse("otpauth://totp/ACME:bob?secret=my"
	    "&image=https%3A%2F%2Fx&foo&color=", &u), 0);
	assert_string_equal(u.issuer, "ACME");
	assert_string_equal(u.account, "bob");
	assert_int_equal(u.secret_len, 1);
	assert_int_equal(u.secret[0], 'f');
	assert_int_equal(u.alg, OTP_SHA1);
	assert_int_equal(u.digits, 6);
	assert_int_equal(u.period, 30);
	uri_clear(&u);

	/* No issuer anywhere: an empty one, never NULL. */
	assert_int_equal(uri_parse("OTPAUTH://TOTP/bob?period=60&secret=MY"
	    "&algorithm=sha256&digits=8", &u), 0);
	assert_string_equal(u.issuer, "");
	assert_string_equal(u.account, "bob");
	assert_int_equal(u.alg, OTP_SHA256);
	assert_int_equal(u.digits, 8);
	assert_int_equal(u.period, 60);
	uri_clear(&u);

	/* Parameter order does not matter; padding is accepted. */
	assert_int_equal(uri_parse("otpauth://totp/I:a?issuer=I&secret=MY%3D"
	    "%3D%3D%3D%3D%3D", &u), 0);
	assert_string_equal(u.issuer, "I");
	assert_int_equal(u.secret_len, 1);
	uri_clear(&u);

	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&issuer=I"), 0);
	assert_int_equal(parses("otpauth://totp/a:b:c?secret=MY"), 0);
}

static void
test_parse_refuses(void **state)
{
	(void)state;
	assert_int_equal(parses(NULL), -1);
	assert_int_equal(parses(""), -1);
	assert_int_equal(parses("otpauth://hotp/I:a?secret=MY&counter=1"),
	    -1);
	assert_int_equal(parses("otpauth://totpx/I:a?secret=MY"), -1);
	assert_int_equal(parses("http://totp/I:a?secret=MY"), -1);
	assert_int_equal(parses("otpauth://totp/I:a"), -1);
	assert_int_equal(parses("otpauth://totp/I:a?issuer=I"), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret="), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=M1"), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MZ"), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY%00"), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&secret=MY"),
	    -1);
	assert_int_equal(parses("otpauth://totp/:?secret=MY"), -1);
	assert_int_equal(parses("otpauth://totp/I:?secret=MY"), -1);
	assert_int_equal(parses("otpauth://totp/?secret=MY"), -1);
	/* The label's issuer and the issuer parameter disagree. */
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&issuer=J"), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&issuer=I"
	    "&issuer=I"), -1);
	/* Broken or dangerous escapes. */
	assert_int_equal(parses("otpauth://totp/I:a%?secret=MY"), -1);
	assert_int_equal(parses("otpauth://totp/I:a%4?secret=MY"), -1);
	assert_int_equal(parses("otpauth://totp/I:a%zz?secret=MY"), -1);
	assert_int_equal(parses("otpauth://totp/I:a%00b?secret=MY"), -1);
	assert_int_equal(parses("otpauth://totp/I:a%0Ab?secret=MY"), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&issuer=%7F"),
	    -1);
	/* Raw characters a URI cannot hold. */
	assert_int_equal(parses("otpauth://totp/I:a b?secret=MY"), -1);
	assert_int_equal(parses("otpauth://totp/I:a\nb?secret=MY"), -1);
	assert_int_equal(parses("otpauth://totp/I:\xc3\xa9?secret=MY"), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY#x"), -1);
	/* Parameters out of range or malformed. */
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&digits=5"), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&digits=9"), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&digits="), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&digits=+6"),
	    -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&digits=6x"),
	    -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&period=0"), -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&period=301"),
	    -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&period=0030"),
	    -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&period=-1"),
	    -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&algorithm=MD5"),
	    -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY&algorithm="),
	    -1);
	assert_int_equal(parses("otpauth://totp/I:a?secret=MY"
	    "&algorithm=SHA1234567"), -1);
	/* A secret longer than any algorithm's. */
	assert_int_equal(parses("otpauth://totp/I:a?secret="
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "GEZDGNBVGY3TQOJQ"), -1);
	assert_int_equal(uri_parse("otpauth://totp/I:a?secret=MY", NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_exact),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_app_caveats),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_defaults_and_extras),
		cmocka_unit_test(test_parse_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
