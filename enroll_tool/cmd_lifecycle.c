/* SPDX-License-Identifier: BSD-2-Clause */
/* enable, resync, deactivate: thin wrappers around lib/device.c. */
#include <string.h>
#include <time.h>

#include "device.h"
#include "enroll.h"

static const struct option common_opts[] = {
	{ "conf", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int
finish(const char *verb, const char *user, const char *device, int r,
    const char *err)
{
	audit_change(verb, user, device, r == 0, r == 0 ? NULL : err);
	if (r == 0)
		return 0;
	warnx_("%s", err);
	return EXIT_FAIL;
}

/* enable and resync take the same four arguments. */
static void
four_args(struct ctx *c, int argc, char **argv)
{
	while (verb_getopt(c, argc, argv, "h", common_opts) != -1)
		continue;
	if (argc - optind != 4)
		usage_error("%s: expected USER DEVICE CODE1 CODE2 (see "
		    "'%s --help')", c->verb, c->verb);
}

int
cmd_enable(struct ctx *c, int argc, char **argv)
{
	char err[DEVICE_ERRLEN];
	char **a;
	int r;

	four_args(c, argc, argv);
	a = argv + optind;
	ctx_open(c, 1);
	r = device_enable(&c->st, &c->cfg, a[0], a[1], a[2], a[3],
	    (int64_t)time(NULL), err, sizeof(err));
	if (r == 0)
		printf("MFA device %s of user %s is enabled.\n", a[1], a[0]);
	return finish("enable", a[0], a[1], r, err);
}

int
cmd_resync(struct ctx *c, int argc, char **argv)
{
	char err[DEVICE_ERRLEN];
	char **a;
	int r;

	four_args(c, argc, argv);
	a = argv + optind;
	ctx_open(c, 1);
	r = device_resync(&c->st, &c->cfg, a[0], a[1], a[2], a[3],
	    (int64_t)time(NULL), err, sizeof(err));
	if (r == 0)
		printf("MFA device %s of user %s is resynchronised.\n", a[1],
		    a[0]);
	return finish("resync", a[0], a[1], r, err);
}

int
cmd_deactivate(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char err[DEVICE_ERRLEN];
	const char *user, *device = NULL;
	int ch, all = 0, r;

	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1)
		if (ch == 'a')
			all = 1;
	if (argc - optind != (all ? 1 : 2))
		usage_error("deactivate: expected USER DEVICE or USER --all "
		    "(see 'deactivate --help')");
	user = argv[optind];
	if (!all)
		device = argv[optind + 1];
	ctx_open(c, 1);
	r = device_deactivate(&c->st, user, device, err, sizeof(err));
	if (r == 0 && all)
		printf("Every MFA device of user %s is deactivated.\n", user);
	else if (r == 0)
		printf("MFA device %s of user %s is deactivated.\n", device,
		    user);
	return finish("deactivate", user, all ? "*" : device, r, err);
}
