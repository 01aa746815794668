/* SPDX-License-Identifier: BSD-2-Clause */
/* The admin's view of a roll-out (`mfa-enroll report`): each account's
 * state, folded from the store's list rows (either store), and the
 * members of an NSS group. */
#ifndef AWSMFA_REPORT_H
#define AWSMFA_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "backend_admin.h"
#include "record.h"

struct report_entry {
	char		user[RECORD_USER_MAX + 1];
	unsigned	active;		/* active devices */
	unsigned	pending;	/* created, not enabled */
	int64_t		last_used;	/* latest of the active ones; 0 never */
	int64_t		expires;	/* the invitation's; 0 none */
	int		live;		/* the invitation has not expired */
};

/* active, invited (a live invitation), pending, expired (an invitation
 * that ran out) or none, in that order of precedence. */
const char *report_state(const struct report_entry *e);

/* 1 when invite --group invites this account: no active device and no
 * live invitation. */
int	report_wants_invite(const struct report_entry *e);

/* The entries for user, or for every user of the store when user is
 * NULL, sorted by name; a user the store does not know gets one entry in
 * state none.  MFA_OK with *out malloc'd (*n entries), or a code with
 * err. */
int	report_collect(struct backend *b, const char *user, int64_t now,
	    struct report_entry **out, size_t *n, char *err, size_t errlen);

/* The members of NSS group `group`, listed or by primary group, by their
 * canonical names, sorted and unique.  MFA_OK with *names malloc'd (free
 * with report_free_names), MFA_ERR_NOENT for an unknown group, or a code
 * with err. */
int	report_group_members(const char *group, char ***names, size_t *n,
	    char *err, size_t errlen);
void	report_free_names(char **names, size_t n);

#endif
