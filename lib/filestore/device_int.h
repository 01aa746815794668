/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside lib/device*.c only: what the lifecycle (device.c) and a hardware
 * token's part of it (device_token.c) share. */
#ifndef AWSMFA_DEVICE_INT_H
#define AWSMFA_DEVICE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "record.h"
#include "store.h"

/* device_check.c: MFA_ERR_TOOBIG when rec holds max_devices (or
 * RECORD_MAX_DEVICES). */
int	device_room_for(const struct mfa_record *rec,
	    const struct awsmfa_config *cfg, const char *user, char *err,
	    size_t errlen);
/* verify_pair, with the admin told why it refused. */
int	device_check_codes(const struct mfa_device *dev,
	    const struct awsmfa_config *cfg, const char *code1,
	    const char *code2, int64_t now, int64_t *drift, uint64_t *step,
	    char *err, size_t errlen);
/* device_token.c: assigns the token `serial` of the inventory to rec's
 * user and saves both; the caller holds both locks. */
int	device_enable_hardware(struct store *st,
	    const struct awsmfa_config *cfg, struct mfa_record *rec,
	    struct inventory *inv, const char *serial, const char *code1,
	    const char *code2, int64_t now, char *err, size_t errlen);
/* Unassigns the user's hardware tokens among the devices of old that rec
 * no longer has.  1 when inv changed. */
int	device_release_tokens(const struct mfa_record *old,
	    const struct mfa_record *rec, struct inventory *inv);

#endif
