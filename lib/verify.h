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
	unsigned		codelen;	/* see verify_login_trailing */
};

/* One login attempt for user with what was typed (input, inputlen; may hold
 * NUL bytes), at Unix time now.  Takes the user's lock, reads the record,
 * decides, saves the new state and releases the lock, in that order.  The
 * return value is out->result; err explains VERIFY_ERROR. */
enum verify_result verify_login(struct store *st,
	    const struct awsmfa_config *cfg, const char *user,
	    const char *input, size_t inputlen, int64_t now,
	    struct verify_outcome *out, char *err, size_t errlen);

/* verify_login for forward_pass, where the input is a password with the
 * code after it: each active device takes its code from the last
 * `digits` characters.  However many code lengths the devices have, it is
 * one attempt: one lock, one decision, at most one failure counted.
 * out->codelen is the length of the accepted code; after a refusal the
 * shortest length tried, or 0 when the input ends in no device's code. */
enum verify_result verify_login_trailing(struct store *st,
	    const struct awsmfa_config *cfg, const char *user,
	    const char *input, size_t inputlen, int64_t now,
	    struct verify_outcome *out, char *err, size_t errlen);

/* Searches steps center-resync_window .. center+resync_window (center is the
 * step of now) for code1 at step s and code2 at s+1.  On success stores the
 * offset s+1-center in *drift_out (in steps, the drift the device shows at
 * the time of CODE2) and s+1 in *step_out, and returns 0.  -1 when not
 * found, when code1 equals code2, or when either is malformed. */
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

const char *verify_result_name(enum verify_result r);

#endif
