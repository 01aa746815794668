/* SPDX-License-Identifier: BSD-2-Clause */
/* A store plugin of another interface version, for tests/pam/plugin.sh:
 * the loader must refuse it before calling anything in it. */
#include "store_plugin.h"

static const struct store_plugin	old = { .version = 0 };

const struct store_plugin *
awsmfa_store_plugin_v1(void)
{
	return &old;
}
