/* SPDX-License-Identifier: BSD-2-Clause */
/* Self-service: what a user must prove before awsmfa-self changes their
 * devices (issue 20's proof table, awsmfa-self(8)).  The helper asks;
 * this decides. */
#ifndef AWSMFA_SELFPOLICY_H
#define AWSMFA_SELFPOLICY_H

#include "config.h"
#include "selfproto.h"

enum self_proof {
	PROOF_NONE,		/* list: the socket's peer is proof enough */
	PROOF_PASSWORD,		/* password; the device's own codes follow
				 * (a first device, resync) */
	PROOF_PASSWORD_CODE,	/* password and what pam_awsmfa takes at its
				 * prompt: a fresh code of an active device
				 * (or a recovery code), spent; for a user
				 * without one, a live invitation */
	PROOF_REFUSED		/* not allowed: *why says so */
};

/* What verb needs for a user with nactive active devices.  A user
 * without any active device enrols on the password and a live
 * invitation, or on the password alone under
 * self_enrol_without_invitation; invited: the user holds a live
 * invitation.  *why: one line for PROOF_REFUSED, NULL otherwise. */
enum self_proof self_proof_for(const struct awsmfa_config *cfg,
	    enum self_verb verb, unsigned nactive, int invited,
	    const char **why);

/* 0 when self-service may run on the store cfg names, -1 with *why
 * otherwise: checked before the store is opened, so that a refused
 * store is never connected to. */
int	self_store_supported(const struct awsmfa_config *cfg,
	    const char **why);

/* 1 when deactivating leaves the user without an active device: the
 * helper asks for a confirmation that says what follows. */
int	self_is_last(enum self_verb verb, unsigned nactive, int device_active);

#endif
