/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Who holds a hardware token.  The truth for an assignment is the user's
 * record: token S is assigned to user U when the inventory names U for S
 * AND U's record holds S (a hardware device with that serial).  The
 * inventory's name is only a claim, a precondition that keeps two users
 * from taking S at once:
 *
 *  - enable writes the claim first, then U's record (the commit point);
 *  - deactivate writes U's record first (the commit point), then frees
 *    the claim.
 *
 * A crash between the two writes, or a failed second write, leaves a claim
 * that U's record does not confirm, and every reader takes that for
 * unassigned: the old state after an interrupted enable, the new one after
 * an interrupted deactivate.  Nothing has to be rolled forward or back, so
 * a login, which reads and writes U's record alone and never the
 * inventory, can never be undone by a repair.  The one thing that must not
 * happen, a record holding S while the inventory names another user or
 * nobody, cannot arise from that order; `mfa-enroll check` reports it.
 *
 * The set of hardware devices in a record changes only under the
 * inventory lock, so a caller holding it reads U's record without U's
 * lock: logins change counters in place, never the devices, and every
 * whole-file write is a rename.
 */
#include <stdlib.h>
#include <string.h>

#include "mfaerr.h"
#include "store.h"

int
store_token_held(struct store *st, const struct hw_token *t, int *held,
    char *err, size_t errlen)
{
	struct mfa_record	*rec;
	unsigned		 i;
	int			 found = 0, r = MFA_OK;

	if (t->user[0] != '\0') {
		if ((rec = calloc(1, sizeof(*rec))) == NULL)
			return mfa_fail(err, errlen, MFA_ERR_NOMEM,
			    "out of memory");
		r = store_load(st, t->user, rec, err, errlen);
		if (r == MFA_ERR_NOENT)
			r = MFA_OK;
		for (i = 0; r == MFA_OK && i < rec->ndevices; i++)
			if (rec->dev[i].type == DEVICE_HARDWARE &&
			    strcmp(rec->dev[i].serial, t->serial) == 0)
				found = 1;
		record_wipe(rec);
		free(rec);
	}
	*held = found;
	return r;
}
