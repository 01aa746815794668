/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 4648 base32: the section 10 vectors, and what decoding refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base32.h"

static const struct {
	const char	*plain, *enc;
} rfc4648[] = {
	{ "",		"" },
	{ "f",		"MY======" },
	{ "fo",		"MZXQ====" },
	{ "foo",	"MZXW6===" },
	{ "foob",	"MZXW6YQ=" },
	{ "fooba",	"MZXW6YTB" },
	{ "foobar",	"MZXW6YTBOI======" },
};

#define NVEC	(sizeof(rfc4648) / sizeof(rfc4648[0]))

static void
test_encode_vectors(void **state)
{
	char	out[64];
	size_t	i, n;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		n = strlen(rfc4648[i].plain);
		assert_int_equal(base32_encoded_size(n),
		    strlen(rfc4648[i].enc) + 1);
		assert_int_equal(base32_encode((const unsigned char *)
		    rfc4648[i].plain, n, out, sizeof(out)), 0);
		assert_string_equal(out, rfc4648[i].enc);
	}
}

static void
decodes_to(const char *in, const char *want)
{
	unsigned char	out[64];
	size_t		len = 999;

	assert_int_equal(base32_decode(in, out, sizeof(out), &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
}

static void
refused(const char *in)
{
	unsigned char	out[64];
	size_t		len = 999;

	assert_int_equal(base32_decode(in, out, sizeof(out), &len), -1);
	assert_int_equal(len, 0);
}

static void
test_decode_vectors(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < NVEC; i++)
		decodes_to(rfc4648[i].enc, rfc4648[i].plain);
}

static void
test_decode_forgiving(void **state)
{
	(void)state;
	decodes_to("mzxw6ytboi======", "foobar");
	decodes_to("MzXw6yTbOi", "foobar");
	decodes_to("MZXW6YTBOI", "foobar");
	decodes_to("MY", "f");
	decodes_to("MZXQ", "fo");
	decodes_to("MZXW6", "foo");
	decodes_to("MZXW6YQ", "foob");
	decodes_to("MZXW 6YTB OI", "foobar");
	decodes_to("  mzxw 6ytb oi  ", "foobar");
	decodes_to("MZXW6YTBOI== ====", "foobar");
	decodes_to(" ", "");
	/* RFC 4226's seed as most apps show it. */
	decodes_to("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
	    "12345678901234567890");
}

static void
test_decode_bad_chars(void **state)
{
	(void)state;
	refused("MZXW0YTB");
	refused("MZXW1YTB");
	refused("MZXW8YTB");
	refused("MZXW9YTB");
	refused("MZXW!YTB");
	refused("MZXW-YTB");
	refused("MZXW6YT\t");
	refused("MZXW6YTB\n");
	refused("MZXW\xc3\x9cYTB");
	refused("MZXW6YTB+");
	refused("MZXW6YT.");
	refused("MZXW6YTB/");
}

static void
test_decode_embedded_nul(void **state)
{
	/* The decoder takes a C string: whatever follows a NUL is never
	 * seen, so "MZXW6\0YTB" is "MZXW6", never "MZXW6YTB". */
	unsigned char	out[16];
	size_t		len;
	const char	in[] = "MZXW6\0YTB";

	(void)state;
	assert_int_equal(base32_decode(in, out, sizeof(out), &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "foo", 3);
}

static void
test_decode_bad_padding(void **state)
{
	(void)state;
	refused("=");
	refused("========");
	refused("M=Y=====");
	refused("MY=");
	refused("MY=====");
	refused("MY=======");
	refused("MY======MY======");
	refused("MY======MY");
	refused("MZXW6YTB========");
	refused("MZXW6YTB=");
	refused("MZXQ===");
	refused("MZXW6YQ==");
}

static void
test_decode_bad_lengths(void **state)
{
	(void)state;
	refused("M");
	refused("MZX");
	refused("MZXW6Y");
	refused("MZXW6YTBM");
	refused("M=======");
	refused("MZX=====");
	refused("MZXW6Y==");
}

static void
test_decode_trailing_bits(void **state)
{
	(void)state;
	/* "MY" is 'f' followed by two zero bits; "MZ" sets one of them. */
	refused("MZ");
	refused("MZ======");
	refused("MZXR");
	refused("MZXW7");
	refused("MZXW6YR");
	refused("MZXW6YTBOJ");
	decodes_to("MZXW6YTBOI", "foobar");
}

static void
test_decode_buffer(void **state)
{
	unsigned char	out[6];
	size_t		len = 5;

	(void)state;
	assert_int_equal(base32_decode("MZXW6YTBOI", out, 5, &len), -1);
	assert_int_equal(len, 0);
	assert_int_equal(base32_decode("MZXW6YTBOI", out, 6, &len), 0);
	assert_int_equal(len, 6);
	assert_int_equal(base32_decode(NULL, out, 6, &len), -1);
	assert_int_equal(base32_decode("MY", out, 6, NULL), -1);
	assert_int_equal(base32_decode("", NULL, 0, &len), 0);
	assert_int_equal(len, 0);
}

static void
test_encode_buffer(void **state)
{
	char	out[17];

	(void)state;
	assert_int_equal(base32_encode((const unsigned char *)"foobar", 6,
	    out, 16), -1);
	assert_int_equal(base32_encode((const unsigned char *)"foobar", 6,
	    out, 17), 0);
	assert_string_equal(out, "MZXW6YTBOI======");
	assert_int_equal(base32_encode(NULL, 1, out, sizeof(out)), -1);
	assert_int_equal(base32_encode(NULL, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(base32_encoded_size(0), 1);
	assert_int_equal(base32_encoded_size(20), 33);
	assert_int_equal(base32_encoded_size(64), 105);
	assert_int_equal(base32_encoded_size(SIZE_MAX), 0);
}

static void
test_encode_grouped(void **state)
{
	static const char *const want[] = {
		"", "MY", "MZXQ", "MZXW 6", "MZXW 6YQ", "MZXW 6YTB",
		"MZXW 6YTB OI",
	};
	char	out[64];
	size_t	i;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		assert_int_equal(base32_encode_grouped((const unsigned char *)
		    rfc4648[i].plain, strlen(rfc4648[i].plain), out,
		    sizeof(out)), 0);
		assert_string_equal(out, want[i]);
	}
	assert_int_equal(base32_encode_grouped((const unsigned char *)
	    "12345678901234567890", 20, out, sizeof(out)), 0);
	assert_string_equal(out, "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
	/* Exactly the room needed, then one byte less. */
	assert_int_equal(base32_encode_grouped((const unsigned char *)"foobar",
	    6, out, 13), 0);
	assert_int_equal(base32_encode_grouped((const unsigned char *)"foobar",
	    6, out, 12), -1);
}

static void
test_round_trip(void **state)
{
	unsigned char	in[64], out[64];
	char		enc[128], grp[160];
	size_t		n, i, len;

	(void)state;
	for (n = 0; n <= sizeof(in); n++) {
		for (i = 0; i < n; i++)
			in[i] = (unsigned char)(i * 37 + n * 11 + 0xa5);
		assert_int_equal(base32_encode(in, n, enc, sizeof(enc)), 0);
		assert_int_equal(base32_decode(enc, out, sizeof(out), &len),
		    0);
		assert_int_equal(len, n);
		assert_memory_equal(in, out, n);
		assert_int_equal(base32_encode_grouped(in, n, grp,
		    sizeof(grp)), 0);
		assert_int_equal(base32_decode(grp, out, sizeof(out), &len),
		    0);
		assert_int_equal(len, n);
		assert_memory_equal(in, out, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_vectors),
		cmocka_unit_test(test_decode_vectors),
		cmocka_unit_test(test_decode_forgiving),
		cmocka_unit_test(test_decode_bad_chars),
		cmocka_unit_test(test_decode_embedded_nul),
		cmocka_unit_test(test_decode_bad_padding),
		cmocka_unit_test(test_decode_bad_lengths),
		cmocka_unit_test(test_decode_trailing_bits),
		cmocka_unit_test(test_decode_buffer),
		cmocka_unit_test(test_encode_buffer),
		cmocka_unit_test(test_encode_grouped),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
