/* SPDX-License-Identifier: BSD-2-Clause */
/* What a valid user name, device, record and OTP parameter set are: one
 * set of rules for the parser, the formatter and the inventory. */
#include <string.h>

#include "record.h"
#include "record_valid.h"

int
record_username_ok(const char *user)
{
	size_t	i;

	if (user == NULL || user[0] == '\0' || user[0] == '.')
		return 0;
	for (i = 0; user[i] != '\0'; i++) {
		if (i >= RECORD_USER_MAX)
			return 0;
		if ((unsigned char)user[i] < 0x20 || user[i] == 0x7f ||
		    user[i] == '/')
			return 0;
	}
	return 1;
}

static int
name_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
	    c == '+' || c == ':' || c == '-';
}

int
record_name_ok(const char *name)
{
	size_t	i;

	if (name == NULL || name[0] == '\0')
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= RECORD_NAME_MAX || !name_char_ok(name[i]))
			return 0;
	}
	return 1;
}

/* A hashed recovery code: 1..RECORD_HASH_MAX printable, no spaces.  Its
 * inner format ("$pbkdf2-sha256$ITER$SALT$HASH" with an optional "$TAG")
 * is lib/recovery's, which refuses to match a malformed one. */
int
record_hash_ok(const char *h, size_t bufsize)
{
	size_t	i;

	for (i = 0; i < bufsize && h[i] != '\0'; i++) {
		if (h[i] <= 0x20 || h[i] >= 0x7f)
			return 0;
	}
	return i > 0 && i <= RECORD_HASH_MAX && i < bufsize;
}

static int
alg_ok(enum otp_alg alg)
{
	return alg == OTP_SHA1 || alg == OTP_SHA256 || alg == OTP_SHA512;
}

int
record_otp_ok(enum otp_alg alg, unsigned digits, unsigned period,
    size_t secret_len, const char **why)
{
	if (!alg_ok(alg))
		*why = "bad algorithm";
	else if (digits < OTP_MIN_DIGITS || digits > OTP_MAX_DIGITS)
		*why = "digits out of range";
	else if (period != 0 &&
	    (period < OTP_MIN_PERIOD || period > OTP_MAX_PERIOD))
		*why = "period out of range";
	else if (secret_len < 1 || secret_len > OTP_SECRET_MAX)
		*why = "bad secret length";
	else
		return 1;
	return 0;
}

int
record_kind_ok(enum otp_kind kind, unsigned period, uint64_t counter,
    const char **why)
{
	if (kind == OTP_TOTP && period != 0 && counter == 0)
		return 1;
	if (kind == OTP_HOTP && period == 0 && counter <= OTP_COUNTER_MAX)
		return 1;
	*why = kind == OTP_TOTP || kind == OTP_HOTP ?
	    "period and counter do not fit the device's kind" : "bad OTP kind";
	return 0;
}

int
record_device_ok(const struct mfa_device *d, const char **why)
{
	int	hw = d->type == DEVICE_HARDWARE;

	*why = NULL;
	if (strnlen(d->name, sizeof(d->name)) == sizeof(d->name) ||
	    !record_name_ok(d->name))
		*why = "bad device name";
	else if (d->type != DEVICE_VIRTUAL && !hw)
		*why = "bad device type";
	else if (strnlen(d->serial, sizeof(d->serial)) == sizeof(d->serial))
		*why = "bad serial";
	else if (hw && !record_name_ok(d->serial))
		*why = "hardware device without a valid serial";
	else if (!hw && d->serial[0] != '\0')
		*why = "virtual device with a serial";
	else if (!record_otp_ok(d->alg, d->digits, d->period, d->secret_len,
	    why) || !record_kind_ok(d->kind, d->period, d->counter, why))
		return 0;
	else if (d->kind == OTP_HOTP &&
	    (d->last_step != RECORD_NO_STEP || d->drift != 0))
		*why = "HOTP device with a time step or drift";
	else if (d->status != DEVICE_PENDING && d->status != DEVICE_ACTIVE)
		*why = "bad status";
	else if (d->created < 0 || d->enabled < 0 || d->last_used < 0)
		*why = "negative time";
	else if (d->status == DEVICE_PENDING && d->enabled != 0)
		*why = "pending device with an enable time";
	else if (d->drift < -RECORD_DRIFT_MAX || d->drift > RECORD_DRIFT_MAX)
		*why = "drift out of range";
	else
		return 1;
	return 0;
}

/* Device i must not share a name or serial with an earlier device, or
 * record_find_device would be ambiguous. */
int
record_device_unique(const struct mfa_record *rec, unsigned i,
    const char **why)
{
	unsigned	j;

	for (j = 0; j < i; j++) {
		if (strcmp(rec->dev[j].name, rec->dev[i].name) == 0) {
			*why = "duplicate device name";
			return 0;
		}
		if (rec->dev[i].serial[0] != '\0' &&
		    strcmp(rec->dev[j].serial, rec->dev[i].serial) == 0) {
			*why = "duplicate device serial";
			return 0;
		}
	}
	return 1;
}

int
record_ok(const struct mfa_record *rec, const char **why)
{
	unsigned	i;

	*why = NULL;
	if (strnlen(rec->user, sizeof(rec->user)) == sizeof(rec->user) ||
	    !record_username_ok(rec->user)) {
		*why = "bad user name";
		return 0;
	}
	if (rec->locked_until < 0) {
		*why = "negative locked_until";
		return 0;
	}
	if (rec->ndevices > RECORD_MAX_DEVICES) {
		*why = "too many devices";
		return 0;
	}
	if (rec->nrecovery > RECORD_MAX_RECOVERY) {
		*why = "too many recovery codes";
		return 0;
	}
	for (i = 0; i < rec->ndevices; i++) {
		if (!record_device_ok(&rec->dev[i], why) ||
		    !record_device_unique(rec, i, why))
			return 0;
	}
	if (rec->invite[0] != '\0' && (rec->invite_expires <= 0 ||
	    !record_hash_ok(rec->invite, sizeof(rec->invite)))) {
		*why = "bad invitation";
		return 0;
	}
	for (i = 0; i < rec->nrecovery; i++) {
		if (!record_hash_ok(rec->recovery[i],
		    sizeof(rec->recovery[i]))) {
			*why = "bad recovery hash";
			return 0;
		}
	}
	return 1;
}
