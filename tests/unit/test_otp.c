/* SPDX-License-Identifier: BSD-2-Clause */
/* HOTP/TOTP against the RFC test vectors, and the code-handling helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "otp.h"

/* RFC 6238 Appendix B with the errata's per-algorithm seeds. */
static const char seed20[] = "12345678901234567890";
static const char seed32[] = "12345678901234567890123456789012";
static const char seed64[] =
    "1234567890123456789012345678901234567890123456789012345678901234";

static void
test_rfc4226_appendix_d(void **state)
{
	static const char *const want[] = {
		"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489",
	};
	char		code[OTP_CODE_BUFLEN];
	uint64_t	c;

	(void)state;
	for (c = 0; c < 10; c++) {
		assert_int_equal(otp_hotp((const unsigned char *)seed20, 20,
		    OTP_SHA1, c, 6, code), 0);
		assert_string_equal(code, want[c]);
	}
}

static void
test_rfc4226_truncation_digits(void **state)
{
	/* Appendix D: counter 0 truncates to 1284755224. */
	char	code[OTP_CODE_BUFLEN];

	(void)state;
	assert_int_equal(otp_hotp((const unsigned char *)seed20, 20, OTP_SHA1,
	    0, 7, code), 0);
	assert_string_equal(code, "4755224");
	assert_int_equal(otp_hotp((const unsigned char *)seed20, 20, OTP_SHA1,
	    0, 8, code), 0);
	assert_string_equal(code, "84755224");
	/* Counter 1 truncates to 1094287082: a leading zero is kept. */
	assert_int_equal(otp_hotp((const unsigned char *)seed20, 20, OTP_SHA1,
	    1, 8, code), 0);
	assert_string_equal(code, "94287082");
	assert_int_equal(otp_hotp((const unsigned char *)seed20, 20, OTP_SHA1,
	    7, 8, code), 0);
	assert_string_equal(code, "82162583");
}

/* A batch gives what one call per step gives: Appendix D in one call,
 * each algorithm against single steps, and the bad cases wiped. */
static void
test_totp_steps(void **state)
{
	static const char *const want[] = {
		"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489",
	};
	static const struct {
		const char	*seed;
		size_t		 len;
		enum otp_alg	 alg;
	} keys[] = {
		{ seed20, 20, OTP_SHA1 },
		{ seed32, 32, OTP_SHA256 },
		{ seed64, 64, OTP_SHA512 },
	};
	char		codes[21][OTP_CODE_BUFLEN], one[OTP_CODE_BUFLEN];
	size_t		i, k;

	(void)state;
	assert_int_equal(otp_totp_steps((const unsigned char *)seed20, 20,
	    OTP_SHA1, 0, 10, 6, codes), 0);
	for (i = 0; i < 10; i++)
		assert_string_equal(codes[i], want[i]);
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		assert_int_equal(otp_totp_steps(
		    (const unsigned char *)keys[k].seed, keys[k].len,
		    keys[k].alg, 37037036, 21, 8, codes), 0);
		for (i = 0; i < 21; i++) {
			assert_int_equal(otp_totp_at_step(
			    (const unsigned char *)keys[k].seed, keys[k].len,
			    keys[k].alg, 37037036 + i, 8, one), 0);
			assert_string_equal(codes[i], one);
		}
	}
	/* The last step must exist: UINT64_MAX - 1 and UINT64_MAX do. */
	assert_int_equal(otp_totp_steps((const unsigned char *)seed20, 20,
	    OTP_SHA1, UINT64_MAX - 1, 2, 6, codes), 0);
	memset(codes, 'x', sizeof(codes));
	assert_int_equal(otp_totp_steps((const unsigned char *)seed20, 20,
	    OTP_SHA1, UINT64_MAX - 1, 3, 6, codes), -1);
	assert_string_equal(codes[0], "");
	assert_string_equal(codes[2], "");
	memset(codes, 'x', sizeof(codes));
	assert_int_equal(otp_totp_steps((const unsigned char *)seed20, 20,
	    OTP_SHA1, 0, 2, 5, codes), -1);
	assert_string_equal(codes[1], "");
	assert_int_equal(otp_totp_steps((const unsigned char *)seed20, 20,
	    OTP_SHA1, 0, 0, 6, codes), -1);
	assert_int_equal(otp_totp_steps(NULL, 20, OTP_SHA1, 0, 2, 6, codes),
	    -1);
	assert_int_equal(otp_totp_steps((const unsigned char *)seed20, 20,
	    (enum otp_alg)7, 0, 2, 6, codes), -1);
	assert_int_equal(otp_totp_steps((const unsigned char *)seed20, 20,
	    OTP_SHA1, 0, 2, 6, NULL), -1);
}

struct totp_vector {
	int64_t		 t;
	const char	*sha1, *sha256, *sha512;
};

static const struct totp_vector rfc6238[] = {
	{ 59,		"94287082", "46119246", "90693936" },
	{ 1111111109,	"07081804", "68084774", "25091201" },
	{ 1111111111,	"14050471", "67062674", "99943326" },
	{ 1234567890,	"89005924", "91819424", "93441116" },
	{ 2000000000,	"69279037", "90698825", "38618901" },
	{ 20000000000,	"65353130", "77737706", "47863826" },
};

static void
check_totp(const char *seed, size_t len, enum otp_alg alg, int64_t t,
    const char *want)
{
	char	code[OTP_CODE_BUFLEN];

	assert_int_equal(otp_totp_at_step((const unsigned char *)seed, len,
	    alg, otp_step(t, 30), 8, code), 0);
	assert_string_equal(code, want);
}

static void
test_rfc6238_sha1(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++)
		check_totp(seed20, 20, OTP_SHA1, rfc6238[i].t, rfc6238[i].sha1);
}

static void
test_rfc6238_sha256(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++)
		check_totp(seed32, 32, OTP_SHA256, rfc6238[i].t,
		    rfc6238[i].sha256);
}

static void
test_rfc6238_sha512(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++)
		check_totp(seed64, 64, OTP_SHA512, rfc6238[i].t,
		    rfc6238[i].sha512);
}

static void
test_far_future(void **state)
{
	/* Reference codes from oathtool 2.6.7: past 2038 (2^31 s), past
	 * 2106 (2^32 s) and beyond, so the step never wraps at 32 bits. */
	char	code[OTP_CODE_BUFLEN];

	(void)state;
	assert_int_equal(otp_totp_at_step((const unsigned char *)seed20, 20,
	    OTP_SHA1, otp_step(INT64_C(4294967296), 300), 6, code), 0);
	assert_string_equal(code, "387094");
	assert_int_equal(otp_totp_at_step((const unsigned char *)seed20, 20,
	    OTP_SHA512, otp_step(INT64_C(35184372088832), 1), 7, code), 0);
	assert_string_equal(code, "7317761");
	assert_int_equal(otp_hotp((const unsigned char *)seed20, 20, OTP_SHA1,
	    UINT64_MAX, 6, code), 0);
	assert_string_equal(code, "094451");
}

static void
test_step(void **state)
{
	(void)state;
	assert_int_equal(otp_step(0, 30), 0);
	assert_int_equal(otp_step(29, 30), 0);
	assert_int_equal(otp_step(30, 30), 1);
	assert_int_equal(otp_step(59, 30), 1);
	assert_int_equal(otp_step(INT64_C(2147483648), 30), 71582788);
	assert_int_equal(otp_step(INT64_C(4294967296), 1), 4294967296u);
	assert_true(otp_step(INT64_MAX, 1) == (uint64_t)INT64_MAX);
	assert_true(otp_step(INT64_MAX, 300) == (uint64_t)INT64_MAX / 300);
	assert_int_equal(otp_step(1000, 300), 3);
	/* Out of contract: no division by zero, and no plausible step. */
	assert_int_equal(otp_step(-1, 30), 0);
	assert_true(otp_step(100, 0) == UINT64_MAX);
	assert_true(otp_step(100, 301) == UINT64_MAX);
}

static void
test_hotp_bad_params(void **state)
{
	const unsigned char	*k = (const unsigned char *)seed64;
	char			 code[OTP_CODE_BUFLEN];

	(void)state;
	assert_int_equal(otp_hotp(k, 20, OTP_SHA1, 0, 5, code), -1);
	assert_string_equal(code, "");
	assert_int_equal(otp_hotp(k, 20, OTP_SHA1, 0, 9, code), -1);
	assert_int_equal(otp_hotp(k, 20, OTP_SHA1, 0, 0, code), -1);
	assert_int_equal(otp_hotp(NULL, 20, OTP_SHA1, 0, 6, code), -1);
	assert_int_equal(otp_hotp(k, 0, OTP_SHA1, 0, 6, code), -1);
	assert_int_equal(otp_hotp(k, OTP_SECRET_MAX + 1, OTP_SHA1, 0, 6,
	    code), -1);
	assert_int_equal(otp_hotp(k, 20, (enum otp_alg)7, 0, 6, code), -1);
	assert_int_equal(otp_hotp(k, 20, OTP_SHA1, 0, 6, NULL), -1);
	assert_int_equal(otp_hotp(k, OTP_SECRET_MAX, OTP_SHA1, 0, 6, code), 0);
	assert_int_equal(otp_hotp(k, 1, OTP_SHA1, 0, 6, code), 0);
}

static void
test_alg(void **state)
{
	enum otp_alg	a = OTP_SHA512;

	(void)state;
	assert_int_equal(otp_alg_parse("SHA1", &a), 0);
	assert_int_equal(a, OTP_SHA1);
	assert_int_equal(otp_alg_parse("sha256", &a), 0);
	assert_int_equal(a, OTP_SHA256);
	assert_int_equal(otp_alg_parse("Sha512", &a), 0);
	assert_int_equal(a, OTP_SHA512);
	a = OTP_SHA256;
	assert_int_equal(otp_alg_parse("SHA384", &a), -1);
	assert_int_equal(otp_alg_parse("SHA-1", &a), -1);
	assert_int_equal(otp_alg_parse("", &a), -1);
	assert_int_equal(otp_alg_parse("SHA1 ", &a), -1);
	assert_int_equal(otp_alg_parse(NULL, &a), -1);
	assert_int_equal(a, OTP_SHA256);
	assert_string_equal(otp_alg_name(OTP_SHA1), "SHA1");
	assert_string_equal(otp_alg_name(OTP_SHA256), "SHA256");
	assert_string_equal(otp_alg_name(OTP_SHA512), "SHA512");
	assert_null(otp_alg_name((enum otp_alg)3));
	assert_int_equal(otp_alg_secret_len(OTP_SHA1), 20);
	assert_int_equal(otp_alg_secret_len(OTP_SHA256), 32);
	assert_int_equal(otp_alg_secret_len(OTP_SHA512), 64);
	assert_int_equal(otp_alg_secret_len((enum otp_alg)3), 0);
}

static void
test_code_equal(void **state)
{
	(void)state;
	assert_int_equal(otp_code_equal("123456", "123456"), 1);
	assert_int_equal(otp_code_equal("12345678", "12345678"), 1);
	assert_int_equal(otp_code_equal("123456", "123457"), 0);
	assert_int_equal(otp_code_equal("023456", "123456"), 0);
	assert_int_equal(otp_code_equal("123456", "1234567"), 0);
	assert_int_equal(otp_code_equal("1234567", "123456"), 0);
	assert_int_equal(otp_code_equal("", ""), 0);
	assert_int_equal(otp_code_equal("", "123456"), 0);
	assert_int_equal(otp_code_equal(NULL, "123456"), 0);
	assert_int_equal(otp_code_equal("123456", NULL), 0);
	/* Longer than any code: never equal, never read past the buffer. */
	assert_int_equal(otp_code_equal("123456789", "123456789"), 0);
}

static void
parse_ok(const char *in, size_t len, unsigned digits, const char *want)
{
	char	out[OTP_CODE_BUFLEN];

	assert_int_equal(otp_parse_code(in, len, digits, out), 0);
	assert_string_equal(out, want);
}

static void
parse_bad(const char *in, size_t len, unsigned digits)
{
	char	out[OTP_CODE_BUFLEN];

	memset(out, 'x', sizeof(out));
	assert_int_equal(otp_parse_code(in, len, digits, out), -1);
	/* Wiped, not left half-filled. */
	assert_memory_equal(out, "\0\0\0\0\0\0\0\0\0", OTP_CODE_BUFLEN);
}

static void
test_parse_code(void **state)
{
	(void)state;
	parse_ok("123456", 6, 6, "123456");
	parse_ok("000000", 6, 6, "000000");
	parse_ok("1234567", 7, 7, "1234567");
	parse_ok("12345678", 8, 8, "12345678");
	parse_ok(" \t123456\r\n", 10, 6, "123456");
	parse_ok("\n\n 098765 \t \n", 13, 6, "098765");
	/* Only inlen bytes are looked at. */
	parse_ok("123456789", 6, 6, "123456");

	parse_bad("", 0, 6);
	parse_bad(NULL, 0, 6);
	parse_bad(NULL, 6, 6);
	parse_bad("   \t\r\n", 6, 6);
	parse_bad("12345", 5, 6);
	parse_bad("1234567", 7, 6);
	parse_bad("123456", 6, 7);
	parse_bad("123456", 6, 5);
	parse_bad("123456", 6, 9);
	parse_bad("12a456", 6, 6);
	parse_bad("12 456", 6, 6);
	parse_bad("12-456", 6, 6);
	parse_bad("+12345", 6, 6);
	parse_bad("１２３４５６", strlen("１２３４５６"), 6);
	parse_bad("\xb9\xb2\xb3\xb4\xb5\xb6", 6, 6);
	parse_bad("\v123456", 7, 6);
	parse_bad("123456\f", 7, 6);
	/* NUL bytes: inside, before, after. */
	parse_bad("123\0" "456", 7, 6);
	parse_bad("12\0" "456", 6, 6);
	parse_bad("123456\0", 7, 6);
	parse_bad("\0" "123456", 7, 6);
	parse_bad("123456\0 ", 8, 6);
}

static void
test_parse_code_megabyte(void **state)
{
	size_t	 n = 1024 * 1024;
	char	*big, out[OTP_CODE_BUFLEN];

	(void)state;
	big = malloc(n);
	assert_non_null(big);
	memset(big, '1', n);
	assert_int_equal(otp_parse_code(big, n, 6, out), -1);
	memset(big, ' ', n);
	assert_int_equal(otp_parse_code(big, n, 6, out), -1);
	memcpy(big + n / 2, "654321", 6);
	assert_int_equal(otp_parse_code(big, n, 6, out), 0);
	assert_string_equal(out, "654321");
	memset(big, 0, n);
	assert_int_equal(otp_parse_code(big, n, 6, out), -1);
	free(big);
}

static void
test_random_secret(void **state)
{
	unsigned char	a[OTP_SECRET_MAX], b[OTP_SECRET_MAX];
	size_t		la = 99, lb = 99;

	(void)state;
	assert_int_equal(otp_random_secret(OTP_SHA1, a, sizeof(a), &la), 0);
	assert_int_equal(la, 20);
	assert_int_equal(otp_random_secret(OTP_SHA256, a, sizeof(a), &la), 0);
	assert_int_equal(la, 32);
	assert_int_equal(otp_random_secret(OTP_SHA512, a, sizeof(a), &la), 0);
	assert_int_equal(otp_random_secret(OTP_SHA512, b, sizeof(b), &lb), 0);
	assert_int_equal(la, 64);
	assert_int_equal(lb, 64);
	assert_memory_not_equal(a, b, 64);

	assert_int_equal(otp_random_secret(OTP_SHA1, a, OTP_SECRET_MAX - 1,
	    &la), -1);
	assert_int_equal(la, 0);
	assert_int_equal(otp_random_secret((enum otp_alg)5, a, sizeof(a),
	    &la), -1);
	assert_int_equal(otp_random_secret(OTP_SHA1, NULL, sizeof(a), &la),
	    -1);
	assert_int_equal(otp_random_secret(OTP_SHA1, a, sizeof(a), NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4226_appendix_d),
		cmocka_unit_test(test_rfc4226_truncation_digits),
		cmocka_unit_test(test_rfc6238_sha1),
		cmocka_unit_test(test_rfc6238_sha256),
		cmocka_unit_test(test_rfc6238_sha512),
		cmocka_unit_test(test_far_future),
		cmocka_unit_test(test_totp_steps),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_hotp_bad_params),
		cmocka_unit_test(test_alg),
		cmocka_unit_test(test_code_equal),
		cmocka_unit_test(test_parse_code),
		cmocka_unit_test(test_parse_code_megabyte),
		cmocka_unit_test(test_random_secret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
