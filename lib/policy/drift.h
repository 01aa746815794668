/* SPDX-License-Identifier: BSD-2-Clause */
/* The drift rule (drift.c): what enable and resync learn about a device's
 * clock, and a last accepted step that a clock running ahead left behind. */
#ifndef AWSMFA_DRIFT_H
#define AWSMFA_DRIFT_H

#include <stdint.h>
#include "record.h"

/* The drift, in steps, that enable and resync store when CODE2 is found
 * `found` steps from the server's current step: 0 when the device's clock
 * may be right and CODE2 was typed up to two periods late, else the
 * middle of the offsets that typing delay leaves possible. */
int64_t	verify_learnt_drift(int64_t found);

/* The device's offset, in steps, for a drift verify_learnt_drift
 * returned: found, where CODE2 was, which is the device's offset when the
 * codes were typed at once (a phone 330 s ahead: 11 steps of 30 s; 12 are
 * stored).  0 for 0. */
int64_t	verify_drift_offset(int64_t drift);

/* How many periods dev's last accepted step lies more than two periods
 * beyond the latest step a login could accept at now (now + drift +
 * window); 0 when it does not.  Such a step was accepted while a clock ran
 * ahead, and until its period comes every code of the device is refused
 * as already used.  Up to two periods is normal: a login took the next
 * period's code, then a resync typed late learnt a slightly lower drift. */
uint64_t verify_periods_ahead(const struct mfa_device *dev, int64_t now,
	    unsigned window);

#endif
