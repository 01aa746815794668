/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record text format.  The parser accepts exactly one spelling of each
 * record, the one record_format writes: fields in a fixed order, canonical
 * numbers, canonical base32.  Anything else is an error, so a damaged or
 * truncated file can never load as a weaker record.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "kvline.h"
#include "mfaerr.h"
#include "numparse.h"
#include "recfield.h"
#include "record.h"
#include "record_valid.h"
#include "textbuf.h"

#define RECORD_MAGIC		"awsmfa-record 1"
#define RECORD_MAGIC_PREFIX	"awsmfa-record "
/* Per-item upper bounds of the formatted text, so the output buffer is
 * allocated once and secrets never linger in a realloc'd-away block. */
#define FMT_HEAD_MAX		1024
#define FMT_DEVICE_MAX		1024
#define FMT_RECOVERY_MAX	256
#define FMT_INVITE_MAX		256

enum {
	DK_DEVICE, DK_TYPE, DK_SERIAL, DK_ALG, DK_DIGITS, DK_PERIOD,
	DK_COUNTER, DK_SECRET, DK_STATUS, DK_CREATED, DK_ENABLED, DK_LAST_USED,
	DK_LAST_STEP, DK_DRIFT, DK_RECOVERY, DK_END
};

static const char *const device_keys[] = {
	"device", "type", "serial", "algorithm", "digits", "period",
	"counter", "secret", "status", "created", "enabled", "last_used", "last_step",
	"drift", "recovery", "end", NULL
};

static const char *const invite_keys[] = {
	"invitation", "invitation_expires", NULL
};

static const char *const head_keys[] = {
	"user", "failures", "locked_until", NULL
};

void
record_init(struct mfa_record *rec, const char *user)
{
	size_t	n;

	memset(rec, 0, sizeof(*rec));
	if (user == NULL)
		return;
	n = strnlen(user, RECORD_USER_MAX + 1);
	if (n <= RECORD_USER_MAX)
		memcpy(rec->user, user, n);
}

void
record_wipe(struct mfa_record *rec)
{
	if (rec != NULL)
		OPENSSL_cleanse(rec, sizeof(*rec));
}

int
record_find_device(const struct mfa_record *rec, const char *name)
{
	unsigned	i;

	if (rec == NULL || name == NULL || name[0] == '\0')
		return -1;
	for (i = 0; i < rec->ndevices && i < RECORD_MAX_DEVICES; i++) {
		if (strcmp(rec->dev[i].name, name) == 0)
			return (int)i;
	}
	for (i = 0; i < rec->ndevices && i < RECORD_MAX_DEVICES; i++) {
		if (rec->dev[i].serial[0] != '\0' &&
		    strcmp(rec->dev[i].serial, name) == 0)
			return (int)i;
	}
	return -1;
}

int
record_has_active(const struct mfa_record *rec)
{
	unsigned	i;

	for (i = 0; i < rec->ndevices && i < RECORD_MAX_DEVICES; i++) {
		if (rec->dev[i].status == DEVICE_ACTIVE)
			return 1;
	}
	return 0;
}

/* ---- parsing ---- */

static int
key_name(struct kv_cursor *c, const char *const *order, int pos, char *out,
    size_t outsize)
{
	const char	*v;
	int		 r;

	if ((r = kv_key(c, order, pos, &v)) != MFA_OK)
		return r;
	if (!record_name_ok(v) || strlen(v) >= outsize)
		return kv_bad(c, order[pos]);
	memcpy(out, v, strlen(v) + 1);
	return MFA_OK;
}

static int
key_last_step(struct kv_cursor *c, uint64_t *out)
{
	const char	*v;
	int		 r;

	if ((r = kv_key(c, device_keys, DK_LAST_STEP, &v)) != MFA_OK)
		return r;
	if (strcmp(v, "-") == 0) {
		*out = RECORD_NO_STEP;
		return MFA_OK;
	}
	if (!num_canonical(v) ||
	    num_parse_u64(v, 0, RECORD_NO_STEP - 1, out) != 0)
		return kv_bad(c, "last_step");
	return MFA_OK;
}

/* "period N" for a TOTP device, or "counter N" for an HOTP device in its
 * place.  A module from before HOTP finds no period there and refuses the
 * whole record: it fails closed rather than judging a counter by the
 * clock. */
static int
key_period_or_counter(struct kv_cursor *c, const char *const *k,
    struct mfa_device *d)
{
	const size_t	clen = strlen("counter ");

	if (c->left >= clen && memcmp(c->p, "counter ", clen) == 0) {
		d->kind = OTP_HOTP;
		return kv_u64(c, k, DK_COUNTER, OTP_COUNTER_MAX, &d->counter);
	}
	d->kind = OTP_TOTP;
	return kv_unsigned(c, k, DK_PERIOD, OTP_MIN_PERIOD, OTP_MAX_PERIOD,
	    &d->period);
}

/* The fields after "device NAME"; a virtual device has no serial line. */
static int
parse_device_body(struct kv_cursor *c, struct mfa_device *d)
{
	const char	*const	*k = device_keys;
	int		 type, status, r;

	if ((r = kv_enum(c, k, DK_TYPE, "virtual", "hardware", &type)) !=
	    MFA_OK)
		return r;
	d->type = type ? DEVICE_HARDWARE : DEVICE_VIRTUAL;
	if (d->type == DEVICE_HARDWARE && (r = key_name(c, k, DK_SERIAL,
	    d->serial, sizeof(d->serial))) != MFA_OK)
		return r;
	if ((r = recfield_alg(c, k, DK_ALG, &d->alg)) != MFA_OK ||
	    (r = kv_unsigned(c, k, DK_DIGITS, OTP_MIN_DIGITS, OTP_MAX_DIGITS,
	    &d->digits)) != MFA_OK ||
	    (r = key_period_or_counter(c, k, d)) != MFA_OK ||
	    (r = recfield_secret(c, k, DK_SECRET, d->secret,
	    &d->secret_len)) != MFA_OK ||
	    (r = kv_enum(c, k, DK_STATUS, "pending", "active", &status)) !=
	    MFA_OK)
		return r;
	d->status = status ? DEVICE_ACTIVE : DEVICE_PENDING;
	if ((r = kv_i64(c, k, DK_CREATED, 0, INT64_MAX, &d->created)) !=
	    MFA_OK ||
	    (r = kv_i64(c, k, DK_ENABLED, 0, INT64_MAX, &d->enabled)) !=
	    MFA_OK ||
	    (r = kv_i64(c, k, DK_LAST_USED, 0, INT64_MAX, &d->last_used)) !=
	    MFA_OK ||
	    (r = key_last_step(c, &d->last_step)) != MFA_OK ||
	    (r = kv_i64(c, k, DK_DRIFT, -RECORD_DRIFT_MAX, RECORD_DRIFT_MAX,
	    &d->drift)) != MFA_OK)
		return r;
	return MFA_OK;
}

static int
parse_device(struct kv_cursor *c, struct mfa_record *rec, const char *name)
{
	struct mfa_device	*d;
	unsigned		 line = c->lineno;
	const char		*why;
	int			 r;

	if (rec->ndevices >= RECORD_MAX_DEVICES)
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "more than %d devices", line, RECORD_MAX_DEVICES);
	d = &rec->dev[rec->ndevices];
	if (!record_name_ok(name))
		return kv_bad(c, "device name");
	memcpy(d->name, name, strlen(name) + 1);
	if ((r = parse_device_body(c, d)) != MFA_OK)
		return r;
	if (!record_device_ok(d, &why) ||
	    !record_device_unique(rec, rec->ndevices, &why))
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "device \"%s\": %s", line, d->name, why);
	rec->ndevices++;
	return MFA_OK;
}

static int
parse_recovery(struct kv_cursor *c, struct mfa_record *rec, const char *hash)
{
	if (rec->nrecovery >= RECORD_MAX_RECOVERY)
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "more than %d recovery codes", c->lineno,
		    RECORD_MAX_RECOVERY);
	if (strlen(hash) > RECORD_HASH_MAX ||
	    !record_hash_ok(hash, RECORD_HASH_MAX + 1))
		return kv_bad(c, "recovery hash");
	memcpy(rec->recovery[rec->nrecovery++], hash, strlen(hash) + 1);
	return MFA_OK;
}

static int
parse_head(struct kv_cursor *c, const char *expect_user,
    struct mfa_record *rec)
{
	const char	*v;
	uint64_t	 failures;
	int		 r;

	if ((r = kv_magic(c, RECORD_MAGIC, RECORD_MAGIC_PREFIX, "record")) !=
	    MFA_OK || (r = kv_key(c, head_keys, 0, &v)) != MFA_OK)
		return r;
	if (!record_username_ok(v))
		return kv_bad(c, "user name");
	memcpy(rec->user, v, strlen(v) + 1);
	if (expect_user != NULL && strcmp(rec->user, expect_user) != 0)
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line 2: "
		    "record is for another user");
	if ((r = kv_u64(c, head_keys, 1, UINT32_MAX, &failures)) != MFA_OK ||
	    (r = kv_i64(c, head_keys, 2, 0, INT64_MAX, &rec->locked_until)) !=
	    MFA_OK)
		return r;
	rec->failures = (unsigned)failures;
	return MFA_OK;
}

/* "invitation HASH" then "invitation_expires T": at most one, after the
 * recovery codes, just before "end". */
static int
parse_invite(struct kv_cursor *c, struct mfa_record *rec, const char *hash)
{
	if (rec->invite[0] != '\0')
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "more than one invitation", c->lineno);
	if (strlen(hash) > RECORD_HASH_MAX ||
	    !record_hash_ok(hash, RECORD_HASH_MAX + 1))
		return kv_bad(c, "invitation hash");
	memcpy(rec->invite, hash, strlen(hash) + 1);
	return kv_i64(c, invite_keys, 1, 1, INT64_MAX, &rec->invite_expires);
}

/* Devices, then recovery codes, then at most one invitation, then "end"
 * as the very last bytes. */
static int
parse_body(struct kv_cursor *c, struct mfa_record *rec)
{
	const size_t	dlen = strlen("device "), rlen = strlen("recovery ");
	const size_t	ilen = strlen("invitation ");
	int		in_recovery = 0, r;

	for (;;) {
		if ((r = kv_next(c)) != MFA_OK)
			return r;
		if (strcmp(c->line, "end") == 0)
			break;
		if (rec->invite[0] != '\0')
			r = mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT,
			    "line %u: \"end\" expected after the invitation",
			    c->lineno);
		else if (strncmp(c->line, "invitation ", ilen) == 0)
			r = parse_invite(c, rec, c->line + ilen);
		else if (strncmp(c->line, "device ", dlen) == 0) {
			if (in_recovery)
				return mfa_fail(c->err, c->errlen,
				    MFA_ERR_CORRUPT, "line %u: device after "
				    "recovery codes", c->lineno);
			r = parse_device(c, rec, c->line + dlen);
		} else if (strncmp(c->line, "recovery ", rlen) == 0) {
			in_recovery = 1;
			r = parse_recovery(c, rec, c->line + rlen);
		} else
			r = kv_between_error(c, device_keys);
		if (r != MFA_OK)
			return r;
	}
	return kv_end(c);
}

int
record_parse(const char *buf, size_t len, const char *expect_user,
    struct mfa_record *rec, char *err, size_t errlen)
{
	struct kv_cursor	c;
	int			r;

	record_init(rec, NULL);
	if ((r = kv_init(&c, buf, len, "record", err, errlen)) == MFA_OK &&
	    (r = parse_head(&c, expect_user, rec)) == MFA_OK)
		r = parse_body(&c, rec);
	kv_wipe(&c);
	if (r != MFA_OK)
		record_wipe(rec);
	return r;
}

/* ---- formatting ---- */

static int
put_device(struct textbuf *t, const struct mfa_device *d)
{
	int	r;

	if ((r = textbuf_printf(t, "device %s\ntype %s\n", d->name,
	    d->type == DEVICE_HARDWARE ? "hardware" : "virtual")) != MFA_OK ||
	    (d->type == DEVICE_HARDWARE &&
	    (r = textbuf_printf(t, "serial %s\n", d->serial)) != MFA_OK) ||
	    (r = textbuf_printf(t, "algorithm %s\ndigits %u\n",
	    recfield_alg_name(d->alg), d->digits)) != MFA_OK ||
	    (r = (d->kind == OTP_HOTP ? textbuf_printf(t, "counter %llu\n",
	    (unsigned long long)d->counter) : textbuf_printf(t, "period %u\n",
	    d->period))) != MFA_OK ||
	    (r = recfield_put_secret(t, d->secret, d->secret_len)) != MFA_OK ||
	    (r = textbuf_printf(t, "status %s\ncreated %lld\nenabled %lld\n"
	    "last_used %lld\n", d->status == DEVICE_ACTIVE ? "active" :
	    "pending", (long long)d->created, (long long)d->enabled,
	    (long long)d->last_used)) != MFA_OK)
		return r;
	if (d->last_step == RECORD_NO_STEP)
		r = textbuf_printf(t, "last_step -\n");
	else
		r = textbuf_printf(t, "last_step %llu\n",
		    (unsigned long long)d->last_step);
	if (r == MFA_OK)
		r = textbuf_printf(t, "drift %lld\n", (long long)d->drift);
	return r;
}

/* MFA_ERR_INVALID for a record the parser would refuse, so nothing
 * unreadable is ever written. */
int
record_format(const struct mfa_record *rec, char **out, size_t *outlen)
{
	struct textbuf	 t;
	const char	*why;
	unsigned	 i;
	int		 r;

	if (!record_ok(rec, &why))
		return MFA_ERR_INVALID;
	if ((r = textbuf_alloc(&t, FMT_HEAD_MAX + FMT_DEVICE_MAX *
	    rec->ndevices + FMT_RECOVERY_MAX * rec->nrecovery +
	    FMT_INVITE_MAX)) != MFA_OK)
		return r;
	r = textbuf_printf(&t, "%s\nuser %s\nfailures %u\nlocked_until %lld\n",
	    RECORD_MAGIC, rec->user, rec->failures,
	    (long long)rec->locked_until);
	for (i = 0; r == MFA_OK && i < rec->ndevices; i++)
		r = put_device(&t, &rec->dev[i]);
	for (i = 0; r == MFA_OK && i < rec->nrecovery; i++)
		r = textbuf_printf(&t, "recovery %s\n", rec->recovery[i]);
	if (r == MFA_OK && rec->invite[0] != '\0')
		r = textbuf_printf(&t, "invitation %s\ninvitation_expires "
		    "%lld\n", rec->invite, (long long)rec->invite_expires);
	if (r == MFA_OK)
		r = textbuf_printf(&t, "end\n");
	return textbuf_finish(&t, r, out, outlen);
}
