/* SPDX-License-Identifier: BSD-2-Clause */
/* The one place that decides whether a code is accepted: a login attempt
 * (window, drift, one-time use, lockout, recovery codes) and the two
 * consecutive codes of enable and resync. */
#ifndef AWSMFA_VERIFY_H
#define AWSMFA_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "drift.h"
#include "record.h"

enum verify_result {
	VERIFY_OK = 0,		/* a device code was accepted and saved */
	VERIFY_RECOVERY_OK,	/* a recovery code was accepted and burnt */
	VERIFY_INVITE_OK,	/* a live invitation was accepted (kept until
				 * the first device is enabled) */
	VERIFY_BAD,		/* wrong code (failure counted) */
	VERIFY_REUSED,		/* code at or before the last accepted step */
	VERIFY_MALFORMED,	/* neither a code nor a recovery code */
	VERIFY_LOCKED,		/* locked out; even a right code is refused */
	VERIFY_NODEVICE,	/* no record or no active device */
	VERIFY_ERROR		/* store or system failure: fail closed */
};

struct verify_outcome {
	enum verify_result	result;
	char			device[RECORD_NAME_MAX + 1]; /* matched or "" */
	const char		*reason;	/* short static text for audit */
	int64_t			locked_until;
	unsigned		failures;
};

/* Decides on a loaded record with an active device or a live invitation
 * (invite_live) that is not locked,
 * and updates it in memory: the accepted step, the burnt recovery code,
 * the failure count and lock; *changed says whether the caller has
 * anything to save.  try_only: a miss changes nothing (try_first_pass). */
enum verify_result verify_decide(struct mfa_record *rec,
	    const struct awsmfa_config *cfg, const char *input,
	    size_t inputlen, int try_only, int64_t now,
	    struct verify_outcome *out, int *changed);

/* Counts one refused answer against the user's lockout: 1 when that
 * changed the record.  With lockout off a refusal changes nothing, so it
 * costs no write.  Logins and self-service (device_self.c) count alike. */
int	verify_count_failure(struct mfa_record *rec,
	    const struct awsmfa_config *cfg, int64_t now);

/* 1 when an active device's last accepted step is well beyond what a
 * login could accept now (verify_periods_ahead): the clock it was
 * accepted by ran ahead. */
int	verify_record_ahead(const struct mfa_record *rec,
	    const struct awsmfa_config *cfg, int64_t now);

/* Sets out's result and its static reason. */
void	verify_set_outcome(struct verify_outcome *out, enum verify_result r,
	    const char *reason);

/* What verify_pair made of CODE1 and CODE2: the reason it refused, so
 * that enable and resync can tell the admin without deriving it again. */
enum verify_pair {
	PAIR_OK = 0,		/* consecutive codes of the device, found */
	PAIR_MALFORMED,		/* either is missing or not dev->digits long */
	PAIR_SAME,		/* CODE1 equals CODE2 */
	PAIR_NOTFOUND		/* no step s in the window has code1 at s and
				 * code2 at s+1 */
};

/* How many counters of an HOTP device, from its counter on, enable and
 * resync search for two consecutive codes. */
#define HOTP_RESYNC_LOOK_AHEAD	100

/* Searches steps center-resync_window .. center+resync_window (center is the
 * step of now) for code1 at step s and code2 at s+1.  On PAIR_OK stores the
 * drift to keep for the device in *drift_out (verify_learnt_drift of
 * s+1-center) and s+1 in *step_out.  An HOTP device is searched from its
 * counter over HOTP_RESYNC_LOOK_AHEAD counters instead, never back: on
 * PAIR_OK *drift_out is 0 and *step_out CODE2's counter (verify_take_pair
 * moves the counter past it). */
enum verify_pair verify_pair(const struct mfa_device *dev, const char *code1,
	    const char *code2, int64_t now, unsigned resync_window,
	    int64_t *drift_out, uint64_t *step_out);

/* verify_pair as a yes or no: 0 for PAIR_OK, -1 for any refusal. */
int	verify_consecutive(const struct mfa_device *dev, const char *code1,
	    const char *code2, int64_t now, unsigned resync_window,
	    int64_t *drift_out, uint64_t *step_out);

/* What enable and resync keep of a pair verify_pair found: the drift
 * and CODE2's step for a TOTP device, the counter after CODE2's for an
 * HOTP device.  A step never moves back here; resync's one exception is
 * in device.c. */
void	verify_take_pair(struct mfa_device *dev, int64_t drift,
	    uint64_t step);

const char *verify_result_name(enum verify_result r);

#endif
