/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside lib/pg only: the environment that libpq and Kerberos read, set
 * aside while db_connect runs (db_env.c says why). */
#ifndef AWSMFA_DB_ENV_H
#define AWSMFA_DB_ENV_H

#include <stddef.h>

struct env_aside {
	char	**saved;
	size_t	  n;
};

/* MFA_OK with every such variable unset and kept in a, or
 * MFA_ERR_NOMEM with the environment as it was. */
int	env_set_aside(struct env_aside *a);
/* Puts back what env_set_aside took, and frees it. */
void	env_put_back(struct env_aside *a);

#endif
