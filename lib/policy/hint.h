/* SPDX-License-Identifier: BSD-2-Clause */
/* What the person at the prompt is told when a code is refused. */
#ifndef AWSMFA_HINT_H
#define AWSMFA_HINT_H

#include <stddef.h>
#include <stdint.h>
#include "verify.h"

/*
 * The hint for outcome o of a login at Unix time now, into buf: "This
 * code was already used; wait for the next one." for a reused code,
 * "Account temporarily locked until HH:MM." (local time) when the user is
 * locked, by this refusal or an earlier one, and "Account temporarily
 * locked; try again later." when the store does not say until when.
 * Returns 1 for a hint, 0 (buf empty) when there is none.
 *
 * Only for a caller that knows the first factor passed: the hints tell
 * whether the user has a device and what was used.
 */
int	login_hint(const struct verify_outcome *o, int64_t now, char *buf,
	    size_t len);

#endif
