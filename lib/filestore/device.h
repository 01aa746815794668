/* SPDX-License-Identifier: BSD-2-Clause */
/* The device lifecycle, AWS IAM style: create (pending), enable with two
 * consecutive codes, resync, deactivate, recovery codes, hardware token
 * import.  Each call locks, loads, changes and saves atomically; nothing is
 * written when it fails.  Each returns MFA_OK or a negative MFA_ERR_*
 * code, with one line in err, ready for stderr. */
#ifndef AWSMFA_DEVICE_H
#define AWSMFA_DEVICE_H

#include "mfaerr.h"

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "record.h"
#include "invite.h"
#include "recovery.h"
#include "store.h"
#include "token_import.h"

/* New pending virtual device called name (default "default" when NULL),
 * with a fresh secret and the configured algorithm and digits; a TOTP
 * device has the configured period, an HOTP device counter 0.  A
 * copy is put in *out so the caller can show the QR code and secret; the
 * caller wipes it.  Refuses a duplicate name or more than max_devices. */
int	device_create(struct store *st, const struct awsmfa_config *cfg,
	    const char *user, const char *name, enum otp_kind kind,
	    int64_t now, struct mfa_device *out, char *err, size_t errlen);

/* Activates a pending virtual device (by name) or assigns and activates a
 * hardware token from the inventory (by serial). */
int	device_enable(struct store *st, const struct awsmfa_config *cfg,
	    const char *user, const char *device, const char *code1,
	    const char *code2, int64_t now, char *err, size_t errlen);

/* What resync did besides storing the drift, for the admin to read. */
struct device_resync_report {
	int64_t		drift;		/* steps stored (0: clock right) */
	unsigned	period;		/* of the device, in seconds */
	uint64_t	reset_periods;	/* the last-used period lay this many
					 * periods past CODE2's and was set
					 * back to it; 0: not moved back */
	int64_t		locked_until;	/* the user stays locked out until
					 * then; 0: not locked */
};

/* Finds CODE1, CODE2 within resync_window, stores the drift learnt
 * (verify_consecutive), and, when the last accepted step lies well beyond
 * anything a login could accept now (verify_periods_ahead: it was taken
 * while a clock ran ahead, and every code would be refused as used), sets
 * it back to CODE2's step.  rep may be NULL. */
int	device_resync(struct store *st, const struct awsmfa_config *cfg,
	    const char *user, const char *device, const char *code1,
	    const char *code2, int64_t now, struct device_resync_report *rep,
	    char *err, size_t errlen);

/* device NULL: all of the user's devices. */
int	device_deactivate(struct store *st, const char *user,
	    const char *device, char *err, size_t errlen);

/* What unlock cleared, for the admin to read. */
struct device_unlock_report {
	unsigned	failures;	/* the count before */
	int64_t		locked_until;	/* the lock before; 0: none */
};

/* Clears the user's failure count and lockout.  MFA_ERR_NOENT, with a
 * line saying so, for a user without a record. */
int	device_unlock(struct store *st, const char *user,
	    struct device_unlock_report *rep, char *err, size_t errlen);

/* A new invitation for user, who must have no active device, valid for
 * ttl seconds from now; it replaces any earlier one.  The plain code goes
 * to code for one display, the expiry to *expires. */
int	device_invite(struct store *st, const char *user, int64_t ttl,
	    int64_t now, char code[INVITE_CODE_BUFLEN], int64_t *expires,
	    char *err, size_t errlen);
/* Removes user's invitation; MFA_ERR_NOENT when there is none. */
int	device_revoke_invite(struct store *st, const char *user, char *err,
	    size_t errlen);
/* device_self.c: self-service's share of the lockout, for the proofs
 * awsmfa-self judges itself.  *until: the end of the user's lock, 0 when
 * not locked (or without a record). */
int	device_self_locked(struct store *st, const char *user, int64_t now,
	    int64_t *until, char *err, size_t errlen);
/* Counts a refused pair as a refused login would be counted. */
int	device_self_failure(struct store *st, const struct awsmfa_config *cfg,
	    const char *user, int64_t now, char *err, size_t errlen);

/* Replaces the user's recovery codes with count new ones; the plain codes
 * go to codes[count] for one display. */
int	device_recovery_codes(struct store *st, const char *user,
	    unsigned count, char (*codes)[RECOVERY_CODE_BUFLEN], char *err,
	    size_t errlen);

#endif
