/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A hardware token's side of the lifecycle: enable takes it from the
 * inventory for a user, deactivate gives it back.  That changes two
 * files; the user's record is the truth and the inventory's claim a
 * precondition (store_token.c), so a crash or a failure between the two
 * writes leaves the old state or the new one and nothing is ever put back.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "device.h"
#include "device_int.h"
#include "invite.h"
#include "verify.h"

static void
token_to_device(const struct hw_token *t, int64_t now, struct mfa_device *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", t->serial);
	snprintf(d->serial, sizeof(d->serial), "%s", t->serial);
	d->type = DEVICE_HARDWARE;
	d->kind = t->kind;
	d->alg = t->alg;
	d->digits = t->digits;
	d->period = t->period;
	d->counter = t->counter;
	memcpy(d->secret, t->secret, t->secret_len);
	d->secret_len = t->secret_len;
	d->status = DEVICE_PENDING;
	d->created = now;
	d->last_step = RECORD_NO_STEP;
}

/* The claim in the inventory is written first, then the record, which
 * commits the assignment (store_token.c).  A claim by another user counts
 * only when that user's record confirms it. */
static int
token_free_for(struct store *st, const struct hw_token *t, const char *user,
    char *err, size_t errlen)
{
	int	held, r;

	if (t->user[0] == '\0' || strcmp(t->user, user) == 0)
		return MFA_OK;
	if ((r = store_token_held(st, t, &held, err, errlen)) != MFA_OK)
		return r;
	if (held)
		return mfa_fail(err, errlen, MFA_ERR_EXISTS, "MFA device %s is "
		    "assigned to another user", t->serial);
	return MFA_OK;
}

int
device_enable_hardware(struct store *st, const struct awsmfa_config *cfg,
    struct mfa_record *rec, struct inventory *inv, const char *serial,
    const char *code1, const char *code2, int64_t now, char *err,
    size_t errlen)
{
	struct hw_token		*t;
	struct mfa_device	*d;
	int64_t			 drift;
	uint64_t		 step;
	int			 r;

	r = store_load_inventory(st, inv, err, errlen);
	if (r != MFA_OK && r != MFA_ERR_NOENT)
		return r;
	if ((t = inventory_find(inv, serial)) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_NOENT, "MFA device %s "
		    "does not exist", serial);
	if ((r = token_free_for(st, t, rec->user, err, errlen)) != MFA_OK ||
	    (r = device_room_for(rec, cfg, rec->user, err, errlen)) != MFA_OK)
		return r;
	d = &rec->dev[rec->ndevices];
	token_to_device(t, now, d);
	if ((r = device_check_codes(d, cfg, code1, code2, now, &drift, &step, err,
	    errlen)) != MFA_OK) {
		OPENSSL_cleanse(d, sizeof(*d));
		return r;
	}
	d->status = DEVICE_ACTIVE;
	d->enabled = now;
	verify_take_pair(d, drift, step);
	rec->ndevices++;
	/* The first device ends the invitation, in the record's write. */
	invite_clear(rec);

	snprintf(t->user, sizeof(t->user), "%s", rec->user);
	if ((r = store_save_inventory(st, inv, err, errlen)) != MFA_OK)
		return r;
	/* Should the record fail, the claim stays: it may have been written
	 * after all (a rename done, the fsync of the folder failed), and an
	 * unconfirmed claim reads as unassigned anyway. */
	return store_save(st, rec, err, errlen);
}

/* Unassigns the user's hardware tokens among the removed devices.  1 when
 * the inventory changed. */
int
device_release_tokens(const struct mfa_record *old, const struct mfa_record *rec,
    struct inventory *inv)
{
	struct hw_token	*t;
	unsigned	 i;
	int		 changed = 0;

	for (i = 0; i < old->ndevices; i++) {
		if (old->dev[i].type != DEVICE_HARDWARE)
			continue;
		if (record_find_device(rec, old->dev[i].serial) >= 0)
			continue;
		t = inventory_find(inv, old->dev[i].serial);
		if (t != NULL && strcmp(t->user, old->user) == 0) {
			t->user[0] = '\0';
			changed = 1;
		}
	}
	return changed;
}
