/* SPDX-License-Identifier: BSD-2-Clause */
/* The one place where a code is accepted or refused, on a record in
 * memory; the file store's lock, load and save around it are in
 * verify_store.c.
 *
 * A login attempt costs at most 2 * window + 1 HMACs per active device: no
 * wide skew scan, so a wrong guess is cheap for us and useless to an
 * attacker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "invite.h"
#include "mfaerr.h"
#include "otp.h"
#include "recovery.h"
#include "verify.h"

/* Codes made per HMAC set-up: the default window of 1 needs 3, the
 * largest the configuration allows (10) needs 21. */
#define MATCH_CHUNK	21

/* What one device made of the input. */
enum dev_match {
	MATCH_NONE = 0,
	MATCH_OLD,	/* matched only a step at or before last_step */
	MATCH_NEW	/* matched a fresh step, stored in *step */
};

void
verify_set_outcome(struct verify_outcome *out, enum verify_result r,
    const char *reason)
{
	out->result = r;
	out->reason = reason;
}

/* Compares the codes of steps lo..lo+n-1 with `code`, oldest first. */
static enum dev_match
match_steps(const struct mfa_device *dev, const char *code, uint64_t lo,
    unsigned n, uint64_t *step)
{
	char		want[MATCH_CHUNK][OTP_CODE_BUFLEN];
	unsigned	i;
	enum dev_match	m = MATCH_NONE;

	if (otp_totp_steps(dev->secret, dev->secret_len, dev->alg, lo, n,
	    dev->digits, want) != 0)
		return MATCH_NONE;
	for (i = 0; i < n; i++) {
		if (!otp_code_equal(want[i], code))
			continue;
		if (dev->last_step != RECORD_NO_STEP &&
		    lo + i <= dev->last_step) {
			m = MATCH_OLD;
			continue;
		}
		*step = lo + i;
		m = MATCH_NEW;
		break;
	}
	OPENSSL_cleanse(want, sizeof(want));
	return m;
}

/* Tries the steps around now + drift for one device.  The code in `code`
 * already has the device's length.  Codes are made a chunk at a time,
 * which sets up the HMAC once per chunk rather than once per step. */
static enum dev_match
match_device(const struct mfa_device *dev, const char *code, int64_t now,
    unsigned window, uint64_t *step)
{
	int64_t		center, lo, hi;
	uint64_t	s, left;
	unsigned	n;
	enum dev_match	m = MATCH_NONE, cm;

	center = (int64_t)otp_step(now, dev->period);
	if (__builtin_add_overflow(center, dev->drift, &center))
		return MATCH_NONE;
	if (__builtin_add_overflow(center, (int64_t)window, &hi))
		hi = INT64_MAX;
	if (hi < 0)
		return MATCH_NONE;
	/* Steps below 0 do not exist. */
	if (__builtin_sub_overflow(center, (int64_t)window, &lo) || lo < 0)
		lo = 0;
	s = (uint64_t)lo;
	left = (uint64_t)(hi - lo) + 1;
	while (left > 0) {
		n = left < MATCH_CHUNK ? (unsigned)left : MATCH_CHUNK;
		cm = match_steps(dev, code, s, n, step);
		if (cm == MATCH_NEW)
			return MATCH_NEW;
		if (cm == MATCH_OLD)
			m = MATCH_OLD;
		s += n;
		left -= n;
	}
	return m;
}

/*
 * An HOTP device: the counters from dev->counter up to look_ahead of them
 * are fresh, the look_ahead before it spent ("already used", so that a
 * replayed code is told from a wrong one).  Codes of a counter are the
 * codes of a TOTP step of that number, so match_steps serves both; with
 * last_step RECORD_NO_STEP for HOTP, the spent ones are told here.
 */
static enum dev_match
match_counter(const struct mfa_device *dev, const char *code,
    unsigned look_ahead, uint64_t *step)
{
	uint64_t	lo, s, end;
	unsigned	n;
	enum dev_match	m = MATCH_NONE, cm;

	if (dev->counter > OTP_COUNTER_MAX)
		return MATCH_NONE;
	lo = dev->counter > look_ahead ? dev->counter - look_ahead : 0;
	end = dev->counter + look_ahead;
	for (s = lo; s < end; s += n) {
		n = end - s < MATCH_CHUNK ? (unsigned)(end - s) : MATCH_CHUNK;
		/* A chunk never straddles the counter, so that a match
		 * below it is spent and one from it on is fresh. */
		if (s < dev->counter && dev->counter - s < n)
			n = (unsigned)(dev->counter - s);
		cm = match_steps(dev, code, s, n, step);
		if (cm == MATCH_NONE)
			continue;
		/* As for TOTP, a fresh counter that shares the code wins. */
		if (s >= dev->counter && cm == MATCH_NEW)
			return MATCH_NEW;
		m = MATCH_OLD;
	}
	return m;
}

/* Returns VERIFY_OK, VERIFY_REUSED, VERIFY_BAD, or VERIFY_MALFORMED when the
 * input has the shape of no active device's code. */
static enum verify_result
try_codes(struct mfa_record *rec, const struct awsmfa_config *cfg,
    const char *input, size_t inputlen, int64_t now,
    struct verify_outcome *out)
{
	char			 code[OTP_CODE_BUFLEN];
	struct mfa_device	*dev;
	enum dev_match		 m;
	enum verify_result	 r = VERIFY_MALFORMED;
	uint64_t		 step = 0;
	unsigned		 i;

	for (i = 0; i < rec->ndevices; i++) {
		dev = &rec->dev[i];
		if (dev->status != DEVICE_ACTIVE ||
		    otp_parse_code(input, inputlen, dev->digits, code) != 0)
			continue;
		if (r == VERIFY_MALFORMED)
			r = VERIFY_BAD;
		if (dev->kind == OTP_HOTP)
			m = match_counter(dev, code, cfg->hotp_look_ahead,
			    &step);
		else
			m = match_device(dev, code, now, cfg->window, &step);
		if (m == MATCH_OLD)
			r = VERIFY_REUSED;
		if (m == MATCH_NEW) {
			/* One-time use: an HOTP counter moves past the code. */
			if (dev->kind == OTP_HOTP)
				dev->counter = step + 1;
			else
				dev->last_step = step;
			dev->last_used = now;
			snprintf(out->device, sizeof(out->device), "%s",
			    dev->name);
			r = VERIFY_OK;
			break;
		}
	}
	OPENSSL_cleanse(code, sizeof(code));
	return r;
}

/* VERIFY_RECOVERY_OK (the hash is removed from rec), VERIFY_BAD, or
 * VERIFY_MALFORMED when the input is not shaped like a recovery code. */
static enum verify_result
try_recovery(struct mfa_record *rec, const char *input, size_t inputlen)
{
	char		norm[RECOVERY_CODE_BUFLEN];
	unsigned	i;
	int		found = -1;

	if (recovery_normalize(input, inputlen, norm) != 0)
		return VERIFY_MALFORMED;
	for (i = 0; i < rec->nrecovery && found < 0; i++) {
		if (recovery_match(norm, rec->recovery[i]))
			found = (int)i;
	}
	OPENSSL_cleanse(norm, sizeof(norm));
	if (found < 0)
		return VERIFY_BAD;
	for (i = (unsigned)found; i + 1 < rec->nrecovery; i++)
		memcpy(rec->recovery[i], rec->recovery[i + 1],
		    sizeof(rec->recovery[i]));
	rec->nrecovery--;
	OPENSSL_cleanse(rec->recovery[rec->nrecovery],
	    sizeof(rec->recovery[rec->nrecovery]));
	return VERIFY_RECOVERY_OK;
}

/* VERIFY_INVITE_OK, VERIFY_BAD, or VERIFY_MALFORMED when the input is not
 * shaped like an invitation.  Only a user without an active device has a
 * live one; it is not burnt here: it stands until the first device is
 * enabled (lib/device.c) or it expires, so that a dropped connection
 * after the login does not shut the user out of enrolling. */
static enum verify_result
try_invite(const struct mfa_record *rec, const char *input, size_t inputlen,
    int64_t now)
{
	char	body[INVITE_BODY_LEN + 1];
	int	ok;

	if (invite_normalize(input, inputlen, body) != 0)
		return VERIFY_MALFORMED;
	ok = invite_live(rec, now) && invite_match(body, rec->invite);
	OPENSSL_cleanse(body, sizeof(body));
	return ok ? VERIFY_INVITE_OK : VERIFY_BAD;
}

int
verify_count_failure(struct mfa_record *rec, const struct awsmfa_config *cfg,
    int64_t now)
{
	if (cfg->lockout_seconds == 0)
		return 0;
	if (rec->failures < UINT32_MAX)
		rec->failures++;
	/* Past the end of time the lock simply never ends: fail closed. */
	if (rec->failures >= cfg->max_failures &&
	    __builtin_add_overflow(now, (int64_t)cfg->lockout_seconds,
	    &rec->locked_until))
		rec->locked_until = INT64_MAX;
	return 1;
}

static const char *
reason_for(enum verify_result r, int recovery)
{
	switch (r) {
	case VERIFY_OK:
		return "code accepted";
	case VERIFY_RECOVERY_OK:
		return "recovery code accepted";
	case VERIFY_INVITE_OK:
		return "invitation accepted";
	case VERIFY_BAD:
		return recovery == 2 ? "wrong invitation" :
		    recovery ? "wrong recovery code" : "wrong code";
	case VERIFY_REUSED:
		return "code already used";
	case VERIFY_MALFORMED:
		return "not a code";
	default:
		return "internal error";
	}
}

enum verify_result
verify_decide(struct mfa_record *rec, const struct awsmfa_config *cfg,
    const char *input, size_t inputlen, int try_only, int64_t now,
    struct verify_outcome *out, int *changed)
{
	enum verify_result	r;
	int			recovery = 0;

	*changed = 0;
	/* A lock that has run out gives a fresh set of tries. */
	if (rec->locked_until != 0) {
		rec->locked_until = 0;
		rec->failures = 0;
		*changed = 1;
	}
	r = try_codes(rec, cfg, input, inputlen, now, out);
	if (r == VERIFY_MALFORMED) {
		r = try_recovery(rec, input, inputlen);
		recovery = 1;
	}
	if (r == VERIFY_MALFORMED) {
		r = try_invite(rec, input, inputlen, now);
		recovery = 2;
	}
	if (r == VERIFY_OK || r == VERIFY_RECOVERY_OK ||
	    r == VERIFY_INVITE_OK) {
		rec->failures = 0;
		rec->locked_until = 0;
		*changed = 1;
	} else if (try_only)
		*changed = 0;	/* a miss on a try leaves the record as it was */
	else if (verify_count_failure(rec, cfg, now))
		*changed = 1;
	verify_set_outcome(out, r, reason_for(r, recovery));
	return r;
}

int
verify_record_ahead(const struct mfa_record *rec,
    const struct awsmfa_config *cfg, int64_t now)
{
	unsigned	i;

	for (i = 0; i < rec->ndevices; i++)
		if (rec->dev[i].status == DEVICE_ACTIVE &&
		    rec->dev[i].kind == OTP_TOTP &&
		    verify_periods_ahead(&rec->dev[i], now, cfg->window) > 0)
			return 1;
	return 0;
}

/* Steps to try, nearest to now first, so that the closest pair wins. */
static int64_t
nth_offset(unsigned i)
{
	return (i % 2 == 1) ? -(int64_t)((i + 1) / 2) : (int64_t)(i / 2);
}

/* The first step s, nearest to center first, with code1 at s and code2
 * at s + 1; -1 when there is none. */
static int64_t
find_pair(const struct mfa_device *dev, const char *c1, const char *c2,
    int64_t center, unsigned resync_window)
{
	char		want[OTP_CODE_BUFLEN];
	int64_t		s, found = -1;
	unsigned	i;

	for (i = 0; i <= 2 * resync_window && found < 0; i++) {
		if (__builtin_add_overflow(center, nth_offset(i), &s) ||
		    s < 0 || s == INT64_MAX)
			continue;
		if (otp_totp_at_step(dev->secret, dev->secret_len, dev->alg,
		    (uint64_t)s, dev->digits, want) != 0 ||
		    !otp_code_equal(want, c1))
			continue;
		if (otp_totp_at_step(dev->secret, dev->secret_len, dev->alg,
		    (uint64_t)s + 1, dev->digits, want) == 0 &&
		    otp_code_equal(want, c2))
			found = s;
	}
	OPENSSL_cleanse(want, sizeof(want));
	return found;
}

/* The first counter c from dev->counter on with code1 at c and code2 at
 * c + 1; -1 when there is none. */
static int64_t
find_counter_pair(const struct mfa_device *dev, const char *c1,
    const char *c2)
{
	char		want[HOTP_RESYNC_LOOK_AHEAD + 1][OTP_CODE_BUFLEN];
	unsigned	i;
	int64_t		found = -1;

	if (dev->counter > OTP_COUNTER_MAX - HOTP_RESYNC_LOOK_AHEAD ||
	    otp_totp_steps(dev->secret, dev->secret_len, dev->alg,
	    dev->counter, HOTP_RESYNC_LOOK_AHEAD + 1, dev->digits, want) != 0)
		return -1;
	for (i = 0; i < HOTP_RESYNC_LOOK_AHEAD && found < 0; i++)
		if (otp_code_equal(want[i], c1) &&
		    otp_code_equal(want[i + 1], c2))
			found = (int64_t)(dev->counter + i);
	OPENSSL_cleanse(want, sizeof(want));
	return found;
}

void
verify_take_pair(struct mfa_device *dev, int64_t drift, uint64_t step)
{
	if (dev->kind == OTP_HOTP) {
		if (step + 1 > dev->counter)
			dev->counter = step + 1;
		return;
	}
	dev->drift = drift;
	if (dev->last_step == RECORD_NO_STEP || step > dev->last_step)
		dev->last_step = step;
}

enum verify_pair
verify_pair(const struct mfa_device *dev, const char *code1,
    const char *code2, int64_t now, unsigned resync_window,
    int64_t *drift_out, uint64_t *step_out)
{
	char			c1[OTP_CODE_BUFLEN], c2[OTP_CODE_BUFLEN];
	int64_t			center, s;
	enum verify_pair	r = PAIR_NOTFOUND;

	if (dev == NULL || now < 0)
		return PAIR_NOTFOUND;
	if (code1 == NULL || code2 == NULL ||
	    otp_parse_code(code1, strlen(code1), dev->digits, c1) != 0 ||
	    otp_parse_code(code2, strlen(code2), dev->digits, c2) != 0)
		r = PAIR_MALFORMED;
	else if (otp_code_equal(c1, c2))
		r = PAIR_SAME;
	else if (dev->kind == OTP_HOTP) {
		if ((s = find_counter_pair(dev, c1, c2)) >= 0) {
			*drift_out = 0;
			*step_out = (uint64_t)s + 1;
			r = PAIR_OK;
		}
	} else {
		center = (int64_t)otp_step(now, dev->period);
		s = find_pair(dev, c1, c2, center, resync_window);
		if (s >= 0) {
			*drift_out = verify_learnt_drift(s + 1 - center);
			*step_out = (uint64_t)s + 1;
			r = PAIR_OK;
		}
	}
	OPENSSL_cleanse(c1, sizeof(c1));
	OPENSSL_cleanse(c2, sizeof(c2));
	return r;
}

int
verify_consecutive(const struct mfa_device *dev, const char *code1,
    const char *code2, int64_t now, unsigned resync_window,
    int64_t *drift_out, uint64_t *step_out)
{
	return verify_pair(dev, code1, code2, now, resync_window, drift_out,
	    step_out) == PAIR_OK ? 0 : -1;
}

const char *
verify_result_name(enum verify_result r)
{
	switch (r) {
	case VERIFY_OK:
		return "ok";
	case VERIFY_RECOVERY_OK:
		return "recovery-ok";
	case VERIFY_INVITE_OK:
		return "invite-ok";
	case VERIFY_BAD:
		return "bad";
	case VERIFY_REUSED:
		return "reused";
	case VERIFY_MALFORMED:
		return "malformed";
	case VERIFY_LOCKED:
		return "locked";
	case VERIFY_NODEVICE:
		return "nodevice";
	case VERIFY_ERROR:
		return "error";
	}
	return "unknown";
}
