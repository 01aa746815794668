/* SPDX-License-Identifier: BSD-2-Clause */
/* require_groups: members always need a device, nullok or not. */
#ifndef AWSMFA_GROUPS_H
#define AWSMFA_GROUPS_H

#include "config.h"

/* 1 when user belongs (primary or supplementary) to a group named by
 * require_groups, 0 when not or when the user is unknown to the system.
 * A lookup failure counts as membership: fail closed. */
int	groups_required(const struct awsmfa_config *cfg, const char *user);

/* The account's own spelling of user, as NSS returns it in pw_name: a
 * case-insensitive backend (sssd, winbind, LDAP) gives alice's account
 * for "ALICE", and the store knows only "alice".  0 with *canon malloc'd,
 * 1 when NSS does not know user (*canon NULL), -1 when the lookup fails. */
int	groups_canonical_user(const char *user, char **canon);

/* 1 when NSS knows user, 0 when it says there is no such user, -1 when
 * the lookup fails (mfa-enroll then says nothing). */
int	groups_user_known(const char *user);

#endif
