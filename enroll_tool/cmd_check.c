/* SPDX-License-Identifier: BSD-2-Clause */
/* check: every problem of the config and the store, one line each with
 * its path; exit 1 when there is any.  What counts as a problem of the
 * store is the store's to say (lib/backend.h). */
#include <stdlib.h>
#include <string.h>

#include "enroll.h"

static void
problem(void *arg, const char *msg)
{
	unsigned	*n = arg;

	(*n)++;
	warnx_("%s", msg);
}

int
cmd_check(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char		err[MFA_ERRLEN];
	unsigned	problems = 0;

	while (verb_getopt(c, argc, argv, "h", opts) != -1)
		continue;
	if (argc != optind)
		usage_error("check: no argument expected");
	/* A config with problems still names the store to look at: its
	 * defaults stand in for what could not be read. */
	if (config_load(c->conf, &c->cfg, err, sizeof(err)) != 0)
		problem(&problems, err);
	c->have_cfg = 1;
	if (backend_open(&c->be, &c->cfg, BACKEND_ADMIN, err,
	    sizeof(err)) != 0) {
		problem(&problems, err);
		return EXIT_FAIL;
	}
	c->have_backend = 1;
	(void)backend_check(&c->be, problem, &problems);
	if (problems > 0)
		return EXIT_FAIL;
	printf("%s and %s: no problem found.\n", c->conf,
	    backend_where(&c->be));
	return 0;
}
