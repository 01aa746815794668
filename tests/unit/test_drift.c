/* SPDX-License-Identifier: BSD-2-Clause */
/* The drift enable and resync learn (verify_learnt_drift, through
 * verify_consecutive) and a last-used period in the future
 * (verify_periods_ahead): the rules, and what they promise to logins. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "otp.h"
#include "verify.h"

#define NOW	1767225610	/* 10 s into a 30 s period */

/* The rule itself: CODE2 found 1 step ahead to 3 behind may be a right
 * clock typed up to two periods late; anything else stores the middle
 * of the offsets typing delay leaves possible. */
static void
test_rule(void **state)
{
	int64_t found;

	(void)state;
	for (found = -3; found <= 1; found++)
		assert_int_equal(verify_learnt_drift(found), 0);
	assert_int_equal(verify_learnt_drift(2), 3);
	assert_int_equal(verify_learnt_drift(-4), -3);
	assert_int_equal(verify_learnt_drift(20), 21);
	assert_int_equal(verify_learnt_drift(-22), -21);
	assert_int_equal(verify_learnt_drift(61), 62);
	assert_int_equal(verify_learnt_drift(-61), -60);
}

/* What resync tells the admin is where CODE2 was found, the device's
 * offset for codes typed as shown, on either side of the right clock. */
static void
test_offset(void **state)
{
	int64_t found;

	(void)state;
	assert_int_equal(verify_drift_offset(0), 0);
	for (found = -200; found <= 200; found++)
		if (verify_learnt_drift(found) != 0)
			assert_int_equal(verify_drift_offset(
			    verify_learnt_drift(found)), found);
	/* A phone 330 s ahead, 30 s periods: 11 steps, not the 12 stored. */
	assert_int_equal(verify_drift_offset(12), 11);
}

/* What the rule promises a login with the default window of 1.  The
 * device is `o` steps off when Enter is pressed, CODE2 typed k = 0..2
 * steps late, so CODE2 is found at o - k.  A right clock (o in -1..1)
 * keeps the whole window: drift 0.  A device 4 or more steps off is
 * covered whatever the typing delay: |o - drift| <= 1. */
static void
test_promise(void **state)
{
	int64_t o, k, d;

	(void)state;
	for (o = -40; o <= 40; o++) {
		for (k = 0; k <= 2; k++) {
			d = verify_learnt_drift(o - k);
			if (o >= -1 && o <= 1)
				assert_int_equal(d, 0);
			else if (o >= 4 || o <= -4)
				assert_true(o - d >= -1 && o - d <= 1);
		}
	}
}

static void
device(struct mfa_device *d)
{
	memset(d, 0, sizeof(*d));
	memcpy(d->secret, "12345678901234567890", 20);
	d->secret_len = 20;
	d->alg = OTP_SHA1;
	d->digits = 6;
	d->period = 30;
	d->last_step = RECORD_NO_STEP;
}

/* found: CODE2's step minus the server's step at `now`. */
static int64_t
learnt(const struct mfa_device *d, int64_t now, int64_t found)
{
	char c1[OTP_CODE_BUFLEN], c2[OTP_CODE_BUFLEN];
	int64_t drift = 99;
	uint64_t step = 0, center = (uint64_t)now / 30;

	otp_totp_at_step(d->secret, d->secret_len, d->alg,
	    center + found - 1, 6, c1);
	otp_totp_at_step(d->secret, d->secret_len, d->alg, center + found, 6,
	    c2);
	assert_int_equal(verify_consecutive(d, c1, c2, now, 60, &drift,
	    &step), 0);
	assert_int_equal(step, center + found);
	return drift;
}

/* enable and resync store what the rule says. */
static void
test_consecutive_stores_rule(void **state)
{
	struct mfa_device d;

	(void)state;
	device(&d);
	/* Enter pressed 0, 1 and 2 periods after CODE2's: a right clock. */
	assert_int_equal(learnt(&d, NOW, 0), 0);
	assert_int_equal(learnt(&d, NOW, -1), 0);
	assert_int_equal(learnt(&d, NOW, -2), 0);
	/* A phone a few seconds fast, typed at once. */
	assert_int_equal(learnt(&d, NOW, 1), 0);
	/* 10 minutes fast or slow. */
	assert_int_equal(learnt(&d, NOW, 20), 21);
	assert_int_equal(learnt(&d, NOW, 18), 19);
	assert_int_equal(learnt(&d, NOW, -20), -19);
	assert_int_equal(learnt(&d, NOW, -22), -21);
}

static void
test_periods_ahead(void **state)
{
	struct mfa_device d;
	uint64_t center = NOW / 30;

	(void)state;
	device(&d);
	assert_int_equal(verify_periods_ahead(&d, NOW, 1), 0);
	/* The next period is what a login may take now; two more are
	 * what a resync typed late may leave. */
	d.last_step = center + 3;
	assert_int_equal(verify_periods_ahead(&d, NOW, 1), 0);
	d.last_step = center + 4;
	assert_int_equal(verify_periods_ahead(&d, NOW, 1), 1);
	assert_int_equal(verify_periods_ahead(&d, NOW, 2), 0);
	/* A drift moves what a login may take. */
	d.last_step = center + 20;
	assert_int_equal(verify_periods_ahead(&d, NOW, 1), 17);
	d.drift = 20;
	assert_int_equal(verify_periods_ahead(&d, NOW, 1), 0);
	d.drift = -20;
	assert_int_equal(verify_periods_ahead(&d, NOW, 1), 37);
	/* Before step 0 nothing can be taken. */
	d.drift = -(int64_t)center - 5;
	d.last_step = 0;
	assert_int_equal(verify_periods_ahead(&d, NOW, 1), 2);
	d.drift = -(int64_t)center - 8;
	assert_int_equal(verify_periods_ahead(&d, NOW, 1), 5);
	d.last_step = UINT64_MAX - 1;
	assert_int_equal(verify_periods_ahead(&d, NOW, 1), UINT64_MAX);
	d.drift = INT64_MAX;
	assert_int_equal(verify_periods_ahead(&d, NOW, 1), 0);
}

/* verify_pair says why it refused, which enable and resync tell the
 * admin; verify_consecutive is its yes or no. */
static void
test_pair_reasons(void **state)
{
	struct mfa_device d;
	char c1[OTP_CODE_BUFLEN], c2[OTP_CODE_BUFLEN];
	int64_t drift = 99;
	uint64_t step = 0, center = NOW / 30;

	(void)state;
	device(&d);
	otp_totp_at_step(d.secret, d.secret_len, d.alg, center, 6, c1);
	otp_totp_at_step(d.secret, d.secret_len, d.alg, center + 1, 6, c2);
	assert_int_equal(verify_pair(&d, c1, c2, NOW, 10, &drift, &step),
	    PAIR_OK);
	assert_int_equal(step, center + 1);
	assert_int_equal(verify_pair(&d, "12345", c2, NOW, 10, &drift, &step),
	    PAIR_MALFORMED);
	assert_int_equal(verify_pair(&d, c1, NULL, NOW, 10, &drift, &step),
	    PAIR_MALFORMED);
	assert_int_equal(verify_pair(&d, c1, c1, NOW, 10, &drift, &step),
	    PAIR_SAME);
	assert_int_equal(verify_pair(&d, c2, c1, NOW, 10, &drift, &step),
	    PAIR_NOTFOUND);
	assert_int_equal(verify_consecutive(&d, c2, c1, NOW, 10, &drift,
	    &step), -1);
	assert_int_equal(verify_consecutive(&d, c1, c1, NOW, 10, &drift,
	    &step), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_offset),
		cmocka_unit_test(test_promise),
		cmocka_unit_test(test_consecutive_stores_rule),
		cmocka_unit_test(test_periods_ahead),
		cmocka_unit_test(test_pair_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
