/* SPDX-License-Identifier: BSD-2-Clause */
/* enable, resync, deactivate: thin wrappers around lib/backend.h. */
#include <stdlib.h>
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
	char	  err[MFA_ERRLEN];
	char	**a;
	int	  r;

	four_args(c, argc, argv);
	a = argv + optind;
	ctx_open(c, 1);
	r = backend_enable(&c->be, a[0], a[1], a[2], a[3],
	    (int64_t)time(NULL), err, sizeof(err));
	if (r == 0)
		printf("MFA device %s of user %s is enabled.\n", a[1], a[0]);
	return finish("enable", a[0], a[1], r, err);
}

/* Says what resync changed besides the drift, and what it left. */
static void
resync_said(const char *user, const struct device_resync_report *rep)
{
	char		when[32];
	struct tm	tm;
	time_t		t;
	int64_t		off;

	off = verify_drift_offset(rep->drift);
	if (off != 0)
		printf("The device's clock is about %lld s %s; logins allow "
		    "for that.\n", (long long)llabs(off) * rep->period,
		    off > 0 ? "ahead" : "behind");
	if (rep->reset_periods != 0)
		printf("Its last-used period was %llu periods ahead of the "
		    "device's codes; reset to the period of CODE2.\n",
		    (unsigned long long)rep->reset_periods);
	if (rep->locked_until == 0)
		return;
	t = (time_t)rep->locked_until;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(when, "the end of time");
	printf("User %s stays locked out until %s after failed logins.\n",
	    user, when);
}

int
cmd_resync(struct ctx *c, int argc, char **argv)
{
	struct device_resync_report	  rep;
	char				  err[MFA_ERRLEN], why[64];
	char				**a;
	int				  r;

	four_args(c, argc, argv);
	a = argv + optind;
	ctx_open(c, 1);
	r = backend_resync(&c->be, a[0], a[1], a[2], a[3],
	    (int64_t)time(NULL), &rep, err, sizeof(err));
	if (r != 0)
		return finish("resync", a[0], a[1], r, err);
	printf("MFA device %s of user %s is resynchronised.\n", a[1], a[0]);
	resync_said(a[0], &rep);
	/* Codes of the periods in between may be accepted again: that
	 * belongs in the audit trail. */
	if (rep.reset_periods != 0)
		snprintf(why, sizeof(why), "last-used period set back %llu "
		    "periods", (unsigned long long)rep.reset_periods);
	audit_change("resync", a[0], a[1], 1,
	    rep.reset_periods != 0 ? why : NULL);
	return 0;
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
	char err[MFA_ERRLEN];
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
	r = backend_deactivate(&c->be, user, device, err, sizeof(err));
	if (r == 0 && all)
		printf("Every MFA device of user %s is deactivated.\n", user);
	else if (r == 0)
		printf("MFA device %s of user %s is deactivated.\n", device,
		    user);
	return finish("deactivate", user, all ? "*" : device, r, err);
}
