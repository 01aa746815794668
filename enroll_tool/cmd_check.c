/* SPDX-License-Identifier: BSD-2-Clause */
/* check: every problem of the config and the store, one line each with
 * its path; exit 1 when there is any.  What counts as a problem of the
 * store is the store's to say (lib/backend.h), and so is advice on its
 * deployment: a warning is shown and leaves the exit status alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enroll.h"
#include "groups.h"

struct tally {
	unsigned	problems, warnings;
};

/* The user named last, to name each once: list gives a user's devices
 * one after the other. */
struct unknown_users {
	char		 last[256];
	struct tally	*t;
};

/*
 * A device of a user NSS does not know: a name misspelt at create, or an
 * account deleted without deactivating its devices, which a new account
 * of that name would inherit.  A warning, not a problem: the admin host
 * of a fleet need not know every login host's users.
 */
static void
unknown_user(void *arg, const struct backend_row *row)
{
	struct unknown_users	*u = arg;

	if (row->user == NULL || strcmp(row->user, u->last) == 0)
		return;
	snprintf(u->last, sizeof(u->last), "%s", row->user);
	if (groups_user_known(row->user) != 0)
		return;
	u->t->warnings++;
	warnx_("warning: user %s holds MFA devices but is not known to "
	    "this system (NSS)", row->user);
}

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
	struct tally		t = { 0, 0 };
	struct unknown_users	unknown;
	char			err[MFA_ERRLEN];

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
	memset(&unknown, 0, sizeof(unknown));
	unknown.t = &t;
	/* On the fleet's store the users are the login hosts', which the
	 * machine that runs mfa-enroll need not know. */
	if (c->cfg.store == STORE_KIND_FILE && backend_list(&c->be, NULL,
	    (int64_t)time(NULL), unknown_user, &unknown, err,
	    sizeof(err)) != 0 && t.problems == 0)
		problem(&t, err);
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
