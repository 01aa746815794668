/* SPDX-License-Identifier: BSD-2-Clause */
/* The environment libpq reads, set aside while connecting. */
#include <stdlib.h>
#include <string.h>

#include "db_env.h"
#include "mfaerr.h"

/*
 * libpq takes each connection option the conninfo leaves out from the
 * environment (PGSERVICE and PGSERVICEFILE, PGHOSTADDR, PGOPTIONS,
 * PGSSLMODE, ...), and Kerberos reads KRB5CCNAME.  Under su or sudo that
 * environment is the calling user's, who could send the module to a
 * server of theirs, or make it unreachable to force break-glass.  While
 * connecting those variables are set aside, so the config's conninfo is
 * all that counts; they are put back before returning to the caller.
 */
static int
env_libpq_reads(const char *e)
{
	return strncmp(e, "PG", 2) == 0 || strncmp(e, "KRB5", 4) == 0 ||
	    strncmp(e, "HOME=", 5) == 0;
}

/* No cap on how many: a limit the caller could exceed would be a way to
 * make the connection fail on purpose. */
int
env_set_aside(struct env_aside *a)
{
	extern char	**environ;
	char		 *name;
	size_t		  i, k, want = 0;

	a->n = 0;
	for (i = 0; environ[i] != NULL; i++)
		want += env_libpq_reads(environ[i]);
	if ((a->saved = calloc(want + 1, sizeof(*a->saved))) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; environ[i] != NULL && a->n < want; i++) {
		if (!env_libpq_reads(environ[i]))
			continue;
		if ((a->saved[a->n] = strdup(environ[i])) == NULL) {
			while (a->n > 0)
				free(a->saved[--a->n]);
			free(a->saved);
			return MFA_ERR_NOMEM;
		}
		a->n++;
	}
	for (k = 0; k < a->n; k++) {
		name = a->saved[k];
		name[strcspn(name, "=")] = '\0';
		(void)unsetenv(name);
	}
	return MFA_OK;
}

void
env_put_back(struct env_aside *a)
{
	size_t	k;

	for (k = 0; k < a->n; k++) {
		/* set_aside cut each "NAME=value" at its '='. */
		(void)setenv(a->saved[k], a->saved[k] + strlen(a->saved[k]) + 1,
		    1);
		free(a->saved[k]);
	}
	free(a->saved);
	a->n = 0;
}
