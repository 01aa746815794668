/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The proof table of self-service in one place.  A device that logs a
 * user in is only added or removed by someone who passes the same two
 * factors a login asks for; the one exception is the first device, for
 * which there is no second factor yet: the admin's invitation stands in
 * for it, or, when the admin opted in, nothing (a roll-out under nullok,
 * where the password alone logs in already).  Resync and enable prove
 * the device itself with two consecutive codes, which is stronger than
 * one code; the password still comes first, so that a stolen phone alone
 * changes nothing.
 */
#include <stddef.h>

#include "selfpolicy.h"

enum self_proof
self_proof_for(const struct awsmfa_config *cfg, enum self_verb verb,
    unsigned nactive, int invited, const char **why)
{
	if (self_store_supported(cfg, why) == -1)
		return PROOF_REFUSED;
	switch (verb) {
	case SELF_LIST:
		return PROOF_NONE;
	case SELF_RESYNC:
		if (nactive == 0) {
			*why = "you have no active MFA device to resync";
			return PROOF_REFUSED;
		}
		return PROOF_PASSWORD;
	case SELF_CREATE:
	case SELF_ENABLE:
	case SELF_DEACTIVATE:	/* without an active device: a pending one */
		if (nactive > 0)
			return PROOF_PASSWORD_CODE;
		if (cfg->self_enrol_without_invitation)
			return PROOF_PASSWORD;
		/* pam_awsmfa takes a live invitation at its code prompt
		 * for a user without an active device (issue 20 part 2),
		 * and spends nothing of it until the first device is
		 * enabled. */
		if (invited)
			return PROOF_PASSWORD_CODE;
		*why = "you have no active MFA device: your first one needs "
		    "an invitation from your administrator";
		return PROOF_REFUSED;
	case SELF_RECOVERY:
		if (nactive == 0) {
			*why = "you have no active MFA device";
			return PROOF_REFUSED;
		}
		return PROOF_PASSWORD_CODE;
	}
	*why = "unknown request";
	return PROOF_REFUSED;
}

int
self_store_supported(const struct awsmfa_config *cfg, const char **why)
{
	*why = NULL;
	if (!cfg->self_service) {
		*why = "self-service is turned off on this system "
		    "(self_service = false); ask your administrator";
		return -1;
	}
	/* There the proofs are judged inside the database, for a role of
	 * awsmfa_self (sql/self.sql), never with the host's own role. */
	if (cfg->store != STORE_KIND_FILE && cfg->db_self_conninfo[0] ==
	    '\0') {
		*why = "self-service on the PostgreSQL store needs "
		    "db_self_conninfo in awsmfa.conf; ask your administrator";
		return -1;
	}
	return 0;
}

int
self_is_last(enum self_verb verb, unsigned nactive, int device_active)
{
	return verb == SELF_DEACTIVATE && nactive == 1 && device_active;
}
