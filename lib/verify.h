/* SPDX-License-Identifier: BSD-2-Clause */
/* The one place that decides whether a code is accepted: a login attempt
 * (window, drift, one-time use, lockout, recovery codes) and the two
 * consecutive codes of enable and resync. */
#ifndef AWSMFA_VERIFY_H
#define AWSMFA_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "record.h"
#include "store.h"

enum verify_result {
	VERIFY_OK = 0,		/* a device code was accepted and saved */
	VERIFY_RECOVERY_OK,	/* a recovery code was accepted and burnt */
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

/* One login attempt for user with what was typed (input, inputlen; may hold
 * NUL bytes), at Unix time now.  Takes the user's lock, reads the record,
 * decides, saves the new state and releases the lock, in that order.  The
 * return value is out->result; err explains VERIFY_ERROR. */
enum verify_result verify_login(struct store *st,
	    const struct awsmfa_config *cfg, const char *user,
	    const char *input, size_t inputlen, int64_t now,
	    struct verify_outcome *out, char *err, size_t errlen);

/* verify_login for a token that may not be meant for us (try_first_pass:
 * the password of the module before): a match is accepted and saved as by
 * verify_login, but a miss is never counted, a lock that ran out is not
 * reset and nothing is written.  VERIFY_LOCKED is returned as by
 * verify_login; the caller shows nothing for it and asks. */
enum verify_result verify_login_try(struct store *st,
	    const struct awsmfa_config *cfg, const char *user,
	    const char *input, size_t inputlen, int64_t now,
	    struct verify_outcome *out, char *err, size_t errlen);

/* Searches steps center-resync_window .. center+resync_window (center is the
 * step of now) for code1 at step s and code2 at s+1.  On success stores the
 * drift to keep for the device in *drift_out (verify_learnt_drift of
 * s+1-center) and s+1 in *step_out, and returns 0.  -1 when not found,
 * when code1 equals code2, or when either is malformed. */
int	verify_consecutive(const struct mfa_device *dev, const char *code1,
	    const char *code2, int64_t now, unsigned resync_window,
	    int64_t *drift_out, uint64_t *step_out);

/* What the PAM module needs before it prompts, read without the lock (a
 * hint only; verify_login decides): VERIFY_OK when user has an active
 * device, with bit d of *digits_mask set for each code length d in use;
 * VERIFY_NODEVICE (no record, no active device, or a name that cannot have
 * a record); VERIFY_ERROR when the store cannot be trusted (err says why). */
enum verify_result verify_peek(struct store *st, const char *user,
	    unsigned *digits_mask, char *err, size_t errlen);

/* The drift, in steps, that enable and resync store when CODE2 is found
 * `found` steps from the server's current step: 0 when the device's clock
 * may be right and CODE2 was typed up to two periods late, else the
 * middle of the offsets that typing delay leaves possible. */
int64_t	verify_learnt_drift(int64_t found);

/* How many periods dev's last accepted step lies more than two periods
 * beyond the latest step a login could accept at now (now + drift +
 * window); 0 when it does not.  Such a step was accepted while a clock ran
 * ahead, and until its period comes every code of the device is refused
 * as already used.  Up to two periods is normal: a login took the next
 * period's code, then a resync typed late learnt a slightly lower drift. */
uint64_t verify_periods_ahead(const struct mfa_device *dev, int64_t now,
	    unsigned window);

const char *verify_result_name(enum verify_result r);

#endif
