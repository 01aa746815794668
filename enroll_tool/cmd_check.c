/* SPDX-License-Identifier: BSD-2-Clause */
/* check: every problem of the config and the store, one line each with
 * its path; exit 1 when there is any.  What counts as a problem of the
 * store is the store's to say (lib/backend.h), and so is advice on its
 * deployment: a warning is shown and leaves the exit status alone. */
#include <stdlib.h>
#include <string.h>

#include "enroll.h"

struct tally {
	unsigned	problems, warnings;
};

static void
problem(void *arg, const char *msg)
{
	struct tally	*t = arg;

	if (strncmp(msg, BACKEND_WARNING, strlen(BACKEND_WARNING)) == 0)
		t->warnings++;
	else
		t->problems++;
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
	struct tally	t = { 0, 0 };
	char		err[MFA_ERRLEN];

	while (verb_getopt(c, argc, argv, "h", opts) != -1)
		continue;
	if (argc != optind)
		usage_error("check: no argument expected");
	/* A config with problems still names the store to look at: its
	 * defaults stand in for what could not be read. */
	if (config_load(c->conf, &c->cfg, err, sizeof(err)) != 0)
		problem(&t, err);
	c->have_cfg = 1;
	if (backend_open(&c->be, &c->cfg, BACKEND_ADMIN, err,
	    sizeof(err)) != 0) {
		problem(&t, err);
		return EXIT_FAIL;
	}
	c->have_backend = 1;
	(void)backend_check(&c->be, problem, &t);
	if (t.problems > 0)
		return EXIT_FAIL;
	if (t.warnings > 0)
		printf("%s and %s: no problem found, %u warning%s.\n", c->conf,
		    backend_where(&c->be), t.warnings,
		    t.warnings == 1 ? "" : "s");
	else
		printf("%s and %s: no problem found.\n", c->conf,
		    backend_where(&c->be));
	return 0;
}
