/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helper for otp_oathtool.sh, not a test by itself: prints TOTP cases,
 * one a line, as "HEXSECRET ALG DIGITS PERIOD TIME CODE" where CODE is
 * ours.  The script asks oathtool for each case and compares.  Cases come
 * from a seeded generator so that a failure can be reproduced anywhere.
 *
 *   otp_check SEED COUNT
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "otp.h"

static uint64_t	rng_state;

/* splitmix64: tiny, and the same sequence on every platform. */
static uint64_t
rng(void)
{
	uint64_t	z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t
rng_below(uint64_t n)
{
	return rng() % n;
}

/* Times around the places where a narrow type would break. */
static const int64_t edges[] = {
	0, 1, 29, 30, 59, 60, 299, 300,
	INT64_C(1111111109), INT64_C(2147483647), INT64_C(2147483648),
	INT64_C(4294967295), INT64_C(4294967296), INT64_C(128849018880),
	INT64_C(1099511627776), INT64_C(35184372088831),
};

static int64_t
random_time(uint64_t i)
{
	switch (i % 4) {
	case 0:		/* before 2038 */
		return (int64_t)rng_below(UINT64_C(1) << 31);
	case 1:		/* 2038 to beyond 2106 */
		return (int64_t)((UINT64_C(1) << 31) +
		    rng_below(UINT64_C(3) << 31));
	case 2:		/* far future */
		return (int64_t)rng_below(UINT64_C(1) << 45);
	default:	/* around the current century, any second */
		return (int64_t)(UINT64_C(1700000000) + rng_below(1u << 30));
	}
}

static unsigned
random_period(void)
{
	switch (rng_below(4)) {
	case 0:
		return 30;
	case 1:
		return 60;
	default:
		return OTP_MIN_PERIOD + (unsigned)rng_below(OTP_MAX_PERIOD);
	}
}

static int
emit(enum otp_alg alg, const unsigned char *key, size_t len, unsigned digits,
    unsigned period, int64_t t)
{
	char	code[OTP_CODE_BUFLEN];
	size_t	i;

	if (otp_totp_at_step(key, len, alg, otp_step(t, period), digits,
	    code) != 0)
		return -1;
	for (i = 0; i < len; i++)
		printf("%02x", key[i]);
	printf(" %s %u %u %" PRId64 " %s\n", otp_alg_name(alg), digits,
	    period, t, code);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned char	key[OTP_SECRET_MAX];
	enum otp_alg	alg;
	uint64_t	i, count;
	size_t		len, k;

	if (argc != 3) {
		fprintf(stderr, "usage: otp_check SEED COUNT\n");
		return 2;
	}
	rng_state = strtoull(argv[1], NULL, 10);
	count = strtoull(argv[2], NULL, 10);
	for (i = 0; i < count; i++) {
		alg = (enum otp_alg)rng_below(3);
		/* Half the time the recommended size, else anything legal. */
		len = rng_below(2) ? otp_alg_secret_len(alg) :
		    1 + (size_t)rng_below(OTP_SECRET_MAX);
		for (k = 0; k < len; k++)
			key[k] = (unsigned char)rng();
		if (emit(alg, key, len, OTP_MIN_DIGITS + (unsigned)rng_below(3),
		    random_period(), i < sizeof(edges) / sizeof(edges[0]) ?
		    edges[i] : random_time(i)) != 0)
			return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
