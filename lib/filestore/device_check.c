/* SPDX-License-Identifier: BSD-2-Clause */
/* The two rules a new or activated device must pass, shared by the
 * virtual devices' lifecycle (device.c) and the hardware tokens'
 * (device_token.c), so that neither file calls into the other's. */
#include <stdio.h>

#include "device_int.h"
#include "mfaerr.h"
#include "verify.h"

int
device_room_for(const struct mfa_record *rec, const struct awsmfa_config *cfg,
    const char *user, char *err, size_t errlen)
{
	unsigned max = cfg->max_devices;

	if (max > RECORD_MAX_DEVICES)
		max = RECORD_MAX_DEVICES;
	if (rec->ndevices >= max)
		return mfa_fail(err, errlen, MFA_ERR_TOOBIG, "user %s already "
		    "has %u MFA devices (max_devices is %u)", user,
		    rec->ndevices, max);
	return MFA_OK;
}

/*
 * Asks verify_pair, the one place that matches codes against a secret,
 * and tells the admin why it refused.
 */
int
device_check_codes(const struct mfa_device *dev,
    const struct awsmfa_config *cfg, const char *code1, const char *code2,
    int64_t now, int64_t *drift, uint64_t *step, char *err, size_t errlen)
{
	switch (verify_pair(dev, code1, code2, now, cfg->resync_window, drift,
	    step)) {
	case PAIR_OK:
		return MFA_OK;
	case PAIR_MALFORMED:
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "CODE1 and CODE2 "
		    "must each be %u digits", dev->digits);
	case PAIR_SAME:
		return mfa_fail(err, errlen, MFA_ERR_REFUSED, "CODE1 and CODE2 "
		    "are the same code: wait for the device to show the next "
		    "one");
	case PAIR_NOTFOUND:
		break;
	}
	if (dev->kind == OTP_HOTP)
		return mfa_fail(err, errlen, MFA_ERR_REFUSED, "CODE1 and CODE2 "
		    "are not two consecutive codes of MFA device %s within "
		    "the %u counters from its counter %llu; nothing changed",
		    dev->name, HOTP_RESYNC_LOOK_AHEAD,
		    (unsigned long long)dev->counter);
	return mfa_fail(err, errlen, MFA_ERR_REFUSED, "CODE1 and CODE2 are "
	    "not two consecutive codes of MFA device %s within %u steps "
	    "(%u minutes) of now; nothing changed", dev->name,
	    cfg->resync_window, cfg->resync_window * dev->period / 60);
}
