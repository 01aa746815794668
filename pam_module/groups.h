/* require_groups: members always need a device, nullok or not. */
#ifndef AWSMFA_PAM_GROUPS_H
#define AWSMFA_PAM_GROUPS_H

#include "config.h"

/* 1 when user belongs (primary or supplementary) to a group named by
 * require_groups, 0 when not or when the user is unknown to the system.
 * A lookup failure counts as membership: fail closed. */
int	groups_required(const struct awsmfa_config *cfg, const char *user);

#endif
