/* SPDX-License-Identifier: BSD-2-Clause */
/* The drift rule: what enable and resync learn about a device's clock from
 * where CODE2 was found, and when a last accepted step lies so far ahead
 * that a clock must have run ahead to accept it.  Pure arithmetic on the
 * device; verify.c decides with it. */
#include <stdint.h>

#include "otp.h"
#include "drift.h"

/*
 * The drift to store when CODE2 was found at `found` steps from the
 * server's step (found = s + 1 - center).  At Enter the device shows
 * CODE2's step or a later one: up to two steps later when CODE2 was typed
 * within a minute of being read (two 30 s periods).  So the device's
 * offset at that moment lies in [found, found + 2], and typing delay is
 * not drift.  A clock that is right to within a period has an offset of
 * -1, 0 or 1; when that interval allows it (found in -3..1) the clock is
 * taken as right and nothing is stored, so that logins keep the whole
 * window around the true time.  Otherwise the device really is off, and
 * the middle of the interval is stored: with a window of 1 or more the
 * logins then cover all of it.
 */
#define RIGHT_CLOCK_MAX		1	/* steps a right clock may be off */
#define TYPING_MAX		2	/* steps CODE2 may be typed late */

int64_t
verify_learnt_drift(int64_t found)
{
	if (found >= -RIGHT_CLOCK_MAX - TYPING_MAX &&
	    found <= RIGHT_CLOCK_MAX)
		return 0;
	return found + TYPING_MAX / 2;
}

/* The middle of [found, found + TYPING_MAX] was stored; the offset that
 * the admin reads is the one of codes typed as they were shown. */
int64_t
verify_drift_offset(int64_t drift)
{
	if (drift == 0)
		return 0;
	return drift - TYPING_MAX / 2;
}

uint64_t
verify_periods_ahead(const struct mfa_device *dev, int64_t now,
    unsigned window)
{
	int64_t		latest;
	uint64_t	ahead;

	if (dev->last_step == RECORD_NO_STEP || now < 0 || dev->period == 0)
		return 0;
	/* The latest step a login could accept now, and TYPING_MAX more:
	 * a resync's codes typed late learn a drift up to that much lower
	 * than the one a login just used, and that passes by itself. */
	latest = (int64_t)otp_step(now, dev->period);
	if (__builtin_add_overflow(latest, dev->drift, &latest) ||
	    __builtin_add_overflow(latest, (int64_t)window + TYPING_MAX,
	    &latest))
		return 0;
	if (latest < 0 && __builtin_add_overflow(dev->last_step,
	    (uint64_t)(-(latest + 1)) + 1, &ahead))
		return UINT64_MAX;
	if (latest < 0)
		return ahead;
	if (dev->last_step <= (uint64_t)latest)
		return 0;
	return dev->last_step - (uint64_t)latest;
}
