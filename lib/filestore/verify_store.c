/* SPDX-License-Identifier: BSD-2-Clause */
/* A login on the file store: the user's lock is held from before the
 * read until the new state (accepted step, burnt recovery code, failure
 * count) is on disk, so two logins racing with one code cannot both win.
 * What is accepted is decided by verify.c alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "invite.h"
#include "mfaerr.h"
#include "otp.h"
#include "verify.h"
#include "verify_store.h"

/*
 * Success is only reported once the burnt step (or recovery code) is on
 * disk; so is a refusal, once its failure count is.  Both are written in
 * place into the record file's spare slot with one fdatasync, except a
 * burnt recovery code: that rewrites the whole file, so that no copy of
 * the code's hash stays behind in the other slot.
 */
static int
save_state(struct store *st, struct store_rw *h,
    const struct mfa_record *rec, enum verify_result r, char *err,
    size_t errlen)
{
	if (r == VERIFY_RECOVERY_OK)
		return store_save(st, rec, err, errlen);
	return store_save_rw(st, h, rec, err, errlen);
}

static enum verify_result
login_locked(struct store *st, const struct awsmfa_config *cfg,
    struct mfa_record *rec, struct store_rw *h, const char *user,
    const char *input, size_t inputlen, int try_only, int64_t now,
    struct verify_outcome *out, char *err, size_t errlen)
{
	enum verify_result	r;
	int			sr, changed;

	sr = store_load_rw(st, user, rec, h, err, errlen);
	if (sr == MFA_ERR_NOENT) {
		verify_set_outcome(out, VERIFY_NODEVICE, "no record");
		return VERIFY_NODEVICE;
	}
	if (sr != MFA_OK) {
		verify_set_outcome(out, VERIFY_ERROR, "store error");
		return VERIFY_ERROR;
	}
	/* A live invitation stands for a device; an expired one is as
	 * none. */
	if (!record_has_active(rec) && !invite_live(rec, now)) {
		verify_set_outcome(out, VERIFY_NODEVICE, "no active device");
		return VERIFY_NODEVICE;
	}
	if (rec->locked_until > now) {
		out->locked_until = rec->locked_until;
		out->failures = rec->failures;
		verify_set_outcome(out, VERIFY_LOCKED, "locked out");
		return VERIFY_LOCKED;
	}
	r = verify_decide(rec, cfg, input, inputlen, try_only, now, out,
	    &changed);
	if (r == VERIFY_REUSED && verify_record_ahead(rec, cfg, now))
		out->reason = "code already used: last-used period in the "
		    "future";
	out->failures = rec->failures;
	out->locked_until = rec->locked_until;
	if (changed && save_state(st, h, rec, r, err, errlen) != MFA_OK) {
		out->device[0] = '\0';
		verify_set_outcome(out, VERIFY_ERROR, "store error");
		return VERIFY_ERROR;
	}
	return r;
}

static enum verify_result
login(struct store *st, const struct awsmfa_config *cfg, const char *user,
    const char *input, size_t inputlen, int try_only, int64_t now,
    struct verify_outcome *out, char *err, size_t errlen)
{
	struct mfa_record	*rec;
	struct store_rw		 h = { .fd = -1 };
	int			 r, lockfd = -1;

	memset(out, 0, sizeof(*out));
	verify_set_outcome(out, VERIFY_ERROR, "internal error");
	seterr(err, errlen, "%s", "");
	if (user == NULL || !record_username_ok(user)) {
		verify_set_outcome(out, VERIFY_NODEVICE, "invalid user name");
		return VERIFY_NODEVICE;
	}
	if (input == NULL || now < 0) {
		seterr(err, errlen, "bad argument");
		return VERIFY_ERROR;
	}
	r = store_lock_login(st, user, &lockfd, err, errlen);
	if (r == MFA_ERR_NOENT) {
		verify_set_outcome(out, VERIFY_NODEVICE, "no record");
		return VERIFY_NODEVICE;
	}
	if (r != MFA_OK) {
		/* Too long for the store: no such name can have a record. */
		if (r == MFA_ERR_BADNAME) {
			verify_set_outcome(out, VERIFY_NODEVICE, "invalid user name");
			return VERIFY_NODEVICE;
		}
		verify_set_outcome(out, VERIFY_ERROR, "store error");
		return VERIFY_ERROR;
	}
	/* Not calloc: store_load sets every byte of the record first. */
	if ((rec = malloc(sizeof(*rec))) == NULL) {
		store_unlock(lockfd);
		seterr(err, errlen, "out of memory");
		return VERIFY_ERROR;
	}
	login_locked(st, cfg, rec, &h, user, input, inputlen, try_only, now,
	    out, err, errlen);
	store_release(&h);
	store_unlock(lockfd);
	record_wipe(rec);
	free(rec);
	return out->result;
}

enum verify_result
verify_login(struct store *st, const struct awsmfa_config *cfg,
    const char *user, const char *input, size_t inputlen, int64_t now,
    struct verify_outcome *out, char *err, size_t errlen)
{
	return login(st, cfg, user, input, inputlen, 0, now, out, err,
	    errlen);
}

enum verify_result
verify_login_try(struct store *st, const struct awsmfa_config *cfg,
    const char *user, const char *input, size_t inputlen, int64_t now,
    struct verify_outcome *out, char *err, size_t errlen)
{
	return login(st, cfg, user, input, inputlen, 1, now, out, err,
	    errlen);
}

enum verify_result
verify_peek(struct store *st, const char *user, int64_t now,
    unsigned *digits_mask, char *err, size_t errlen)
{
	struct mfa_record	*rec;
	enum verify_result	 r = VERIFY_NODEVICE;
	unsigned		 i;
	int			 sr;

	*digits_mask = 0;
	seterr(err, errlen, "%s", "");
	if (user == NULL || !record_username_ok(user))
		return VERIFY_NODEVICE;
	/* Not calloc: store_load sets every byte of the record first. */
	if ((rec = malloc(sizeof(*rec))) == NULL) {
		seterr(err, errlen, "out of memory");
		return VERIFY_ERROR;
	}
	sr = store_load(st, user, rec, err, errlen);
	if (sr == MFA_OK) {
		for (i = 0; i < rec->ndevices; i++) {
			if (rec->dev[i].status != DEVICE_ACTIVE ||
			    rec->dev[i].digits > OTP_MAX_DIGITS)
				continue;
			*digits_mask |= 1U << rec->dev[i].digits;
			r = VERIFY_OK;
		}
		if (invite_live(rec, now)) {
			*digits_mask |= ANSWER_INVITATION;
			r = VERIFY_OK;
		}
	} else if (sr != MFA_ERR_NOENT && sr != MFA_ERR_BADNAME)
		r = VERIFY_ERROR;
	record_wipe(rec);
	free(rec);
	return r;
}
