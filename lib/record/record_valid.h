/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside lib/record.c and lib/inventory.c: what a valid record, device and
 * OTP parameter set are, checked alike by the parser (so nothing weaker
 * loads) and by the formatter (so nothing unreadable is written).  Each
 * returns 1 or 0 with a short reason in *why. */
#ifndef AWSMFA_RECORD_VALID_H
#define AWSMFA_RECORD_VALID_H

#include <stddef.h>
#include "otp.h"
#include "record.h"

/* Drift beyond this many steps is nonsense and could overflow step
 * arithmetic in the verifier, so neither side of the format allows it. */
#define RECORD_DRIFT_MAX	1000000000LL

/* A hashed recovery code in a buffer of bufsize bytes. */
int	record_hash_ok(const char *h, size_t bufsize);
int	record_otp_ok(enum otp_alg alg, unsigned digits, unsigned period,
	    size_t secret_len, const char **why);
/* A TOTP device has a period and no counter, an HOTP device a counter
 * (at most OTP_COUNTER_MAX) and no period: one field never stands in for
 * the other. */
int	record_kind_ok(enum otp_kind kind, unsigned period, uint64_t counter,
	    const char **why);
int	record_device_ok(const struct mfa_device *d, const char **why);
/* Device i shares neither name nor serial with an earlier one. */
int	record_device_unique(const struct mfa_record *rec, unsigned i,
	    const char **why);
int	record_ok(const struct mfa_record *rec, const char **why);

#endif
