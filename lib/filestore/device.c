/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device lifecycle, AWS IAM style.  Every change follows the same
 * order: lock (inventory first, then the user), load, decide, save, unlock;
 * a failure before the save leaves the files as they were.  A hardware
 * token's part, which changes the inventory too, is in device_token.c;
 * the CSV import of tokens in token_import.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "device.h"
#include "device_int.h"
#include "invite.h"
#include "otp.h"
#include "verify.h"
#include "wipe.h"

#define DEFAULT_DEVICE_NAME	"default"

static int
check_user(const char *user, char *err, size_t errlen)
{
	if (user == NULL || !record_username_ok(user))
		return mfa_fail(err, errlen, MFA_ERR_BADNAME,
		    "invalid user name");
	return MFA_OK;
}

static int
check_device(const char *device, char *err, size_t errlen)
{
	if (device == NULL || !record_name_ok(device))
		return mfa_fail(err, errlen, MFA_ERR_INVALID,
		    "invalid device name or serial");
	return MFA_OK;
}

/* A record is 28 KB: on the heap, not the stack, and wiped before it is
 * freed (free_record) since it holds the secrets.  MFA_ERR_NOENT (no
 * record yet) leaves *rec as record_init(user), ready to be filled. */
static int
load_record(struct store *st, const char *user, struct mfa_record **rec,
    char *err, size_t errlen)
{
	/* calloc: whatever store_load leaves unset is still defined. */
	if ((*rec = calloc(1, sizeof(**rec))) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	return store_load(st, user, *rec, err, errlen);
}

static void
free_record(struct mfa_record *rec)
{
	wipe_free(rec, sizeof(*rec));
}

/* Removes slot i and wipes the slot that falls off the end, so no copy of
 * the removed secret stays in memory. */
static void
remove_slot(struct mfa_record *rec, unsigned i)
{
	if (i + 1 < rec->ndevices)
		memmove(&rec->dev[i], &rec->dev[i + 1],
		    (rec->ndevices - i - 1) * sizeof(rec->dev[0]));
	OPENSSL_cleanse(&rec->dev[rec->ndevices - 1], sizeof(rec->dev[0]));
	rec->ndevices--;
}

static int
add_virtual(struct mfa_record *rec, const struct awsmfa_config *cfg,
    const char *user, const char *name, enum otp_kind kind, int64_t now,
    char *err, size_t errlen)
{
	struct mfa_device	*d;
	int			 r;

	if (record_find_device(rec, name) >= 0)
		return mfa_fail(err, errlen, MFA_ERR_EXISTS, "user %s already "
		    "has an MFA device called %s", user, name);
	if ((r = device_room_for(rec, cfg, user, err, errlen)) != MFA_OK)
		return r;
	d = &rec->dev[rec->ndevices];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->type = DEVICE_VIRTUAL;
	d->kind = kind == OTP_HOTP ? OTP_HOTP : OTP_TOTP;
	d->alg = cfg->algorithm;
	d->digits = cfg->digits;
	/* An HOTP device starts at counter 0 (memset above), as the
	 * otpauth://hotp URI's counter=0 tells the app. */
	d->period = d->kind == OTP_HOTP ? 0 : cfg->period;
	if (otp_random_secret(d->alg, d->secret, sizeof(d->secret),
	    &d->secret_len) == -1) {
		OPENSSL_cleanse(d, sizeof(*d));
		return mfa_fail(err, errlen, MFA_ERR_IO,
		    "cannot generate a secret");
	}
	d->status = DEVICE_PENDING;
	d->created = now;
	d->last_step = RECORD_NO_STEP;
	rec->ndevices++;
	return MFA_OK;
}

int
device_create(struct store *st, const struct awsmfa_config *cfg,
    const char *user, const char *name, enum otp_kind kind, int64_t now,
    struct mfa_device *out, char *err, size_t errlen)
{
	struct mfa_record	*rec = NULL;
	int			 lockfd, r;

	if (name == NULL)
		name = DEFAULT_DEVICE_NAME;
	if ((r = check_user(user, err, errlen)) != MFA_OK)
		return r;
	if (!record_name_ok(name))
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "invalid device "
		    "name \"%s\" (1 to %d of A-Z a-z 0-9 . _ @ + : -)", name,
		    RECORD_NAME_MAX);
	if ((r = store_lock_user(st, user, &lockfd, err, errlen)) != MFA_OK)
		return r;
	r = load_record(st, user, &rec, err, errlen);
	if (r != MFA_OK && r != MFA_ERR_NOENT)
		goto out;
	if ((r = add_virtual(rec, cfg, user, name, kind, now, err,
	    errlen)) != MFA_OK)
		goto out;
	if ((r = store_save(st, rec, err, errlen)) != MFA_OK)
		goto out;
	if (out != NULL)
		*out = rec->dev[rec->ndevices - 1];
 out:
	free_record(rec);
	store_unlock(lockfd);
	return r;
}

static int
enable_virtual(struct store *st, const struct awsmfa_config *cfg,
    struct mfa_record *rec, int i, const char *code1, const char *code2,
    int64_t now, char *err, size_t errlen)
{
	struct mfa_device	*d = &rec->dev[i];
	int64_t			 drift;
	uint64_t		 step;
	int			 r;

	if (d->status == DEVICE_ACTIVE)
		return mfa_fail(err, errlen, MFA_ERR_STATE, "MFA device %s of "
		    "user %s is already enabled (use resync to correct its "
		    "clock)", d->name, rec->user);
	if ((r = device_check_codes(d, cfg, code1, code2, now, &drift, &step, err,
	    errlen)) != MFA_OK)
		return r;
	d->status = DEVICE_ACTIVE;
	d->enabled = now;
	verify_take_pair(d, drift, step);
	/* The first device ends the invitation, in the same write. */
	invite_clear(rec);
	return store_save(st, rec, err, errlen);
}

/* Both locks are taken whatever DEVICE turns out to be, in the one order
 * every writer uses, so that two admins cannot deadlock. */
static int
lock_both(struct store *st, const char *user, int *invfd, int *userfd,
    char *err, size_t errlen)
{
	int	r;

	if ((r = store_lock_inventory(st, invfd, err, errlen)) != MFA_OK)
		return r;
	if ((r = store_lock_user(st, user, userfd, err, errlen)) != MFA_OK)
		store_unlock(*invfd);
	return r;
}

int
device_enable(struct store *st, const struct awsmfa_config *cfg,
    const char *user, const char *device, const char *code1,
    const char *code2, int64_t now, char *err, size_t errlen)
{
	struct mfa_record	*rec = NULL;
	struct inventory	 inv;
	int			 invfd, userfd, i, r;

	if ((r = check_user(user, err, errlen)) != MFA_OK ||
	    (r = check_device(device, err, errlen)) != MFA_OK)
		return r;
	if ((r = lock_both(st, user, &invfd, &userfd, err, errlen)) != MFA_OK)
		return r;
	inventory_init(&inv);
	r = load_record(st, user, &rec, err, errlen);
	if (r != MFA_OK && r != MFA_ERR_NOENT)
		goto out;
	if ((i = record_find_device(rec, device)) >= 0)
		r = enable_virtual(st, cfg, rec, i, code1, code2, now, err,
		    errlen);
	else
		r = device_enable_hardware(st, cfg, rec, &inv, device, code1,
		    code2, now, err, errlen);
 out:
	inventory_free(&inv);
	free_record(rec);
	store_unlock(userfd);
	store_unlock(invfd);
	return r;
}

/*
 * A code once accepted stays spent, so last_step never moves back, with
 * one exception: a last step well beyond anything a login could accept
 * now (verify_periods_ahead) was taken while a clock ran ahead (the
 * server's, or the device's before it was corrected), and would refuse
 * every code as used until that period comes.  Two fresh consecutive codes prove that the admin holds
 * the device, so it is set back to CODE2's step.  The price: codes of the
 * periods between CODE2's and the old last step become usable again when
 * their time comes, also any of them that a login accepted while the
 * clock ran ahead.
 */
static void
resync_last_step(struct mfa_device *d, const struct awsmfa_config *cfg,
    uint64_t step, int64_t now, struct device_resync_report *rep)
{
	if (d->last_step != RECORD_NO_STEP && d->last_step > step &&
	    verify_periods_ahead(d, now, cfg->window) > 0) {
		rep->reset_periods = d->last_step - step;
		d->last_step = step;
		return;
	}
	if (d->last_step == RECORD_NO_STEP || step > d->last_step)
		d->last_step = step;
}

/* The resync of one active device of the loaded record, in memory. */
static int
resync_device(struct mfa_record *rec, const struct awsmfa_config *cfg,
    const char *device, const char *code1, const char *code2, int64_t now,
    struct device_resync_report *rep, char *err, size_t errlen)
{
	struct mfa_device	*d;
	int64_t			 drift;
	uint64_t		 step;
	int			 i, r;

	if ((i = record_find_device(rec, device)) < 0)
		return mfa_fail(err, errlen, MFA_ERR_NOENT, "MFA device %s "
		    "does not exist for user %s", device, rec->user);
	d = &rec->dev[i];
	if (d->status != DEVICE_ACTIVE)
		return mfa_fail(err, errlen, MFA_ERR_STATE, "MFA device %s of "
		    "user %s is not enabled yet (use enable)", d->name,
		    rec->user);
	if ((r = device_check_codes(d, cfg, code1, code2, now, &drift, &step, err,
	    errlen)) != MFA_OK)
		return r;
	if (d->kind == OTP_HOTP)
		verify_take_pair(d, drift, step);
	else {
		d->drift = drift;
		resync_last_step(d, cfg, step, now, rep);
	}
	rep->drift = drift;
	rep->period = d->period;
	if (rec->locked_until > now)
		rep->locked_until = rec->locked_until;
	return MFA_OK;
}

int
device_resync(struct store *st, const struct awsmfa_config *cfg,
    const char *user, const char *device, const char *code1,
    const char *code2, int64_t now, struct device_resync_report *rep,
    char *err, size_t errlen)
{
	struct device_resync_report	 dummy, got;
	struct mfa_record		*rec = NULL;
	int				 lockfd, r;

	if (rep == NULL)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	memset(&got, 0, sizeof(got));

	if ((r = check_user(user, err, errlen)) != MFA_OK ||
	    (r = check_device(device, err, errlen)) != MFA_OK)
		return r;
	if ((r = store_lock_user(st, user, &lockfd, err, errlen)) != MFA_OK)
		return r;
	r = load_record(st, user, &rec, err, errlen);
	if (r != MFA_OK && r != MFA_ERR_NOENT)
		goto out;
	if ((r = resync_device(rec, cfg, device, code1, code2, now, &got, err,
	    errlen)) != MFA_OK)
		goto out;
	if ((r = store_save(st, rec, err, errlen)) != MFA_OK)
		goto out;
	*rep = got;
 out:
	free_record(rec);
	store_unlock(lockfd);
	return r;
}

static int
remove_devices(struct mfa_record *rec, const char *device, char *err,
    size_t errlen)
{
	int	i;

	if (device == NULL) {
		if (rec->ndevices == 0)
			return mfa_fail(err, errlen, MFA_ERR_NOENT, "user %s "
			    "has no MFA device", rec->user);
		/* A reset: with no device left the recovery codes have
		 * nothing to stand in for. */
		while (rec->ndevices > 0)
			remove_slot(rec, rec->ndevices - 1);
		OPENSSL_cleanse(rec->recovery, sizeof(rec->recovery));
		rec->nrecovery = 0;
		rec->failures = 0;
		rec->locked_until = 0;
		return MFA_OK;
	}
	if ((i = record_find_device(rec, device)) < 0)
		return mfa_fail(err, errlen, MFA_ERR_NOENT, "MFA device %s "
		    "does not exist for user %s", device, rec->user);
	remove_slot(rec, (unsigned)i);
	return MFA_OK;
}

/* The record is written first and commits the change (store_token.c): a
 * token must never be offered while a user still holds it.  Freeing the
 * claims afterwards only tidies; should it fail, the claims are
 * unconfirmed and read as unassigned, so the verb has still succeeded. */
int
device_deactivate(struct store *st, const char *user, const char *device,
    char *err, size_t errlen)
{
	struct mfa_record	*old = NULL, *rec = NULL;
	struct inventory	 inv;
	char			 err2[MFA_ERRLEN];
	int			 invfd, userfd, r;

	if ((r = check_user(user, err, errlen)) != MFA_OK ||
	    (device != NULL &&
	    (r = check_device(device, err, errlen)) != MFA_OK))
		return r;
	if ((r = lock_both(st, user, &invfd, &userfd, err, errlen)) != MFA_OK)
		return r;
	inventory_init(&inv);
	r = load_record(st, user, &old, err, errlen);
	if (r == MFA_ERR_NOENT)
		r = mfa_fail(err, errlen, MFA_ERR_NOENT, "user %s has no MFA "
		    "device", user);
	if (r != MFA_OK)
		goto out;
	if ((rec = malloc(sizeof(*rec))) == NULL) {
		r = mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
		goto out;
	}
	*rec = *old;
	if ((r = remove_devices(rec, device, err, errlen)) != MFA_OK)
		goto out;
	r = store_load_inventory(st, &inv, err, errlen);
	if (r != MFA_OK && r != MFA_ERR_NOENT)
		goto out;
	if ((r = store_save(st, rec, err, errlen)) != MFA_OK)
		goto out;
	if (device_release_tokens(old, rec, &inv))
		(void)store_save_inventory(st, &inv, err2, sizeof(err2));
 out:
	free_record(old);
	free_record(rec);
	inventory_free(&inv);
	store_unlock(userfd);
	store_unlock(invfd);
	return r;
}

static int
new_recovery_codes(struct mfa_record *rec, unsigned count,
    char (*codes)[RECOVERY_CODE_BUFLEN], char *err, size_t errlen)
{
	unsigned	i;

	if (rec->ndevices == 0)
		return mfa_fail(err, errlen, MFA_ERR_STATE, "user %s has no "
		    "MFA device: recovery codes only stand in for one",
		    rec->user);
	OPENSSL_cleanse(rec->recovery, sizeof(rec->recovery));
	for (i = 0; i < count; i++)
		if (recovery_generate(codes[i], rec->recovery[i]) != MFA_OK)
			return mfa_fail(err, errlen, MFA_ERR_IO,
			    "cannot generate recovery codes");
	rec->nrecovery = count;
	return MFA_OK;
}

int
device_recovery_codes(struct store *st, const char *user, unsigned count,
    char (*codes)[RECOVERY_CODE_BUFLEN], char *err, size_t errlen)
{
	struct mfa_record	*rec = NULL;
	int			 lockfd, r;

	if ((r = check_user(user, err, errlen)) != MFA_OK)
		return r;
	if (count < 1 || count > RECORD_MAX_RECOVERY)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "the number of "
		    "recovery codes must be 1 to %d", RECORD_MAX_RECOVERY);
	if ((r = store_lock_user(st, user, &lockfd, err, errlen)) != MFA_OK)
		return r;
	r = load_record(st, user, &rec, err, errlen);
	if (r != MFA_OK && r != MFA_ERR_NOENT)
		goto out;
	if ((r = new_recovery_codes(rec, count, codes, err, errlen)) !=
	    MFA_OK)
		goto out;
	r = store_save(st, rec, err, errlen);
 out:
	if (r != MFA_OK)
		OPENSSL_cleanse(codes, count * sizeof(codes[0]));
	free_record(rec);
	store_unlock(lockfd);
	return r;
}
