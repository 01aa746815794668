/* SPDX-License-Identifier: BSD-2-Clause */
/* The self-service keys of awsmfa.conf (awsmfa-self(8)): switches, so
 * libconfig's true and false, never a number that merely looks like one. */
#include "config_keys.h"

int
config_parse_bool(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return setting_err(ctx, s, "expected true or false");
	*(int *)(void *)((char *)cfg + k->off) =
	    config_setting_get_bool(s) ? 1 : 0;
	return MFA_OK;
}
