/* SPDX-License-Identifier: BSD-2-Clause */
/* check: every problem of the config and the store, one line each with
 * its path; exit 1 when there is any. */
#include <stdlib.h>
#include <string.h>

#include "enroll.h"
#include "record.h"

struct checker {
	struct ctx	*c;
	unsigned	 problems;
	struct inventory inv;
};

static void
problem(struct checker *k, const char *msg)
{
	k->problems++;
	warnx_("%s", msg);
}

/* A record may hold a hardware token only when the inventory names its
 * user for it.  The other way round, a name in the inventory that the
 * record does not confirm is what a crash between a token's two writes
 * leaves, and means unassigned (store_token.c): not a problem. */
static void
check_tokens(struct checker *k, const struct mfa_record *rec)
{
	const struct hw_token *t;
	char msg[8192];
	unsigned i;

	for (i = 0; i < rec->ndevices; i++) {
		if (rec->dev[i].type != DEVICE_HARDWARE)
			continue;
		t = inventory_find(&k->inv, rec->dev[i].serial);
		if (t != NULL && strcmp(t->user, rec->user) == 0)
			continue;
		snprintf(msg, sizeof(msg), "%s/%s: hardware token %s is not "
		    "assigned to %s in the inventory", k->c->st.dir,
		    rec->user, rec->dev[i].serial, rec->user);
		problem(k, msg);
	}
}

static void
check_records(struct checker *k, struct mfa_record *rec)
{
	char err[STORE_ERRLEN], **users;
	size_t n, i;

	if (store_list_users(&k->c->st, &users, &n, err, sizeof(err)) !=
	    STORE_OK) {
		problem(k, err);
		return;
	}
	for (i = 0; i < n; i++) {
		if (store_load(&k->c->st, users[i], rec, err, sizeof(err)) !=
		    STORE_OK) {
			problem(k, err);
			continue;
		}
		check_tokens(k, rec);
		record_wipe(rec);
	}
	store_free_users(users, n);
}

int
cmd_check(struct ctx *c, int argc, char **argv)
{
	struct checker k;
	struct mfa_record *rec;
	char err[CONFIG_ERRLEN > STORE_ERRLEN ? CONFIG_ERRLEN : STORE_ERRLEN];
	int r;

	static const struct option opts[] = {
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	while (verb_getopt(c, argc, argv, "h", opts) != -1)
		continue;
	if (argc != optind)
		usage_error("check: no argument expected");
	memset(&k, 0, sizeof(k));
	k.c = c;
	inventory_init(&k.inv);
	if (config_load(c->conf, &c->cfg, err, sizeof(err)) == -1)
		problem(&k, err);
	c->have_cfg = 1;
	if (store_open(&c->st, c->cfg.store_dir, err, sizeof(err)) !=
	    STORE_OK) {
		problem(&k, err);
		return EXIT_FAIL;
	}
	c->have_store = 1;
	r = store_load_inventory(&c->st, &k.inv, err, sizeof(err));
	if (r != STORE_OK && r != STORE_NOENT)
		problem(&k, err);
	if ((rec = calloc(1, sizeof(*rec))) == NULL) {
		warnx_("out of memory");
		inventory_free(&k.inv);
		return EXIT_FAIL;
	}
	check_records(&k, rec);
	free(rec);
	inventory_free(&k.inv);
	if (k.problems > 0)
		return EXIT_FAIL;
	printf("%s and %s: no problem found.\n", c->conf, c->st.dir);
	return 0;
}
