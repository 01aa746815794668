/* SPDX-License-Identifier: BSD-2-Clause */
#include "groups.h"
#include "nodevice.h"

enum nodevice_action
nodevice_decide(const struct awsmfa_config *cfg, const char *account,
    int nullok, int asked, const char **reason)
{
	/* require_groups outranks nullok: its members always need a
	 * device, and a failed group lookup counts as membership. */
	if (groups_required(cfg, account))
		*reason = "no active device (required group)";
	else {
		*reason = "no active device";
		if (nullok)
			return NODEVICE_IGNORE;
	}
	return asked ? NODEVICE_REFUSE : NODEVICE_ASK_REFUSE;
}
