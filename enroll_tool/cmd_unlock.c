/* SPDX-License-Identifier: BSD-2-Clause */
/* unlock and hosts: ending lockouts, and the failure budget of login
 * hosts (PostgreSQL).  lib/backend.h does the work; this file reads
 * arguments, prints and audits. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enroll.h"
#include "record.h"

static void
unlock_said(const char *user, const struct device_unlock_report *rep)
{
	char	when[32];

	if (rep->locked_until <= (int64_t)time(NULL)) {
		printf("User %s was not locked out; %u failed login%s "
		    "forgotten.\n", user, rep->failures,
		    rep->failures == 1 ? "" : "s");
		return;
	}
	iso8601(rep->locked_until, when);
	printf("User %s is unlocked (was locked out until %s after %u "
	    "failed login%s).\n", user, when, rep->failures,
	    rep->failures == 1 ? "" : "s");
}

static int
unlock_user(struct ctx *c, const char *user)
{
	struct device_unlock_report	rep;
	char				err[MFA_ERRLEN];
	int				r;

	ctx_open(c, 1);
	r = backend_unlock(&c->be, user, &rep, err, sizeof(err));
	audit_change("unlock", user, NULL, r == 0, r == 0 ? NULL : err);
	if (r != 0) {
		warnx_("%s", err);
		return EXIT_FAIL;
	}
	unlock_said(user, &rep);
	return 0;
}

static int
unlock_host(struct ctx *c, const char *role)
{
	uint64_t	n;
	char		err[MFA_ERRLEN], why[MFA_ERRLEN + 64];
	int		r;

	ctx_open(c, 1);
	r = backend_unlock_host(&c->be, role, &n, err, sizeof(err));
	if (r == 0)
		snprintf(why, sizeof(why), "login host %s: %llu users",
		    role, (unsigned long long)n);
	else
		snprintf(why, sizeof(why), "login host %s: %s", role, err);
	audit_change("unlock-host", NULL, NULL, r == 0, why);
	if (r != 0) {
		warnx_("%s", err);
		return EXIT_FAIL;
	}
	printf("%llu user%s locked out by login host %s unlocked.\n",
	    (unsigned long long)n, n == 1 ? "" : "s", role);
	return 0;
}

int
cmd_unlock(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*role = NULL;
	int		 ch;

	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1)
		if (ch == 'H')
			role = optarg;
	if (role != NULL && (argc - optind != 0 || *role == '\0'))
		usage_error("unlock: expected USER or --host ROLE (see "
		    "'unlock --help')");
	if (role != NULL)
		return unlock_host(c, role);
	if (argc - optind != 1)
		usage_error("unlock: expected USER or --host ROLE (see "
		    "'unlock --help')");
	if (!record_username_ok(argv[optind]))
		usage_error("unlock: invalid user name");
	return unlock_user(c, argv[optind]);
}

struct host_lister {
	int	json;
	size_t	n;
};

static void
print_host(void *arg, const struct backend_host *h)
{
	struct host_lister	*l = arg;
	char			 since[32];

	iso8601(h->quarantined_since, since);
	if (!l->json) {
		printf("%-24s %-12llu %s\n", h->role,
		    (unsigned long long)h->charged,
		    h->quarantined_since != 0 ? since : "-");
		l->n++;
		return;
	}
	printf("%s\n  {\"role\": ", l->n++ ? "," : "");
	json_string(h->role);
	printf(", \"charged_last_minute\": %llu, \"quarantined\": %s, "
	    "\"quarantined_since\": ", (unsigned long long)h->charged,
	    h->quarantined_since != 0 ? "true" : "false");
	json_string(h->quarantined_since != 0 ? since : NULL);
	putchar('}');
}

static int
list_hosts(struct ctx *c, int json)
{
	struct host_lister	l;
	char			err[MFA_ERRLEN];
	int			r;

	memset(&l, 0, sizeof(l));
	l.json = json;
	ctx_open(c, 0);
	if (json)
		putchar('[');
	else
		printf("%-24s %-12s %s\n", "ROLE", "CHARGED/MIN",
		    "QUARANTINED-SINCE");
	r = backend_hosts(&c->be, print_host, &l, err, sizeof(err));
	if (json)
		printf("%s]\n", l.n ? "\n" : "");
	if (r != 0) {
		fflush(stdout);
		warnx_("%s", err);
		return EXIT_FAIL;
	}
	return 0;
}

static int
release_host(struct ctx *c, const char *role)
{
	int64_t	since;
	char	err[MFA_ERRLEN], when[32], why[MFA_ERRLEN + 64];
	int	r;

	ctx_open(c, 1);
	r = backend_release_host(&c->be, role, &since, err, sizeof(err));
	snprintf(why, sizeof(why), "login host %s%s%s", role,
	    r == 0 ? "" : ": ", r == 0 ? "" : err);
	audit_change("release-host", NULL, NULL, r == 0, why);
	if (r != 0) {
		warnx_("%s", err);
		return EXIT_FAIL;
	}
	iso8601(since, when);
	printf("Login host %s is released (quarantined since %s); the "
	    "users it locked out stay locked: see 'unlock --host %s'.\n",
	    role, when, role);
	return 0;
}

int
cmd_hosts(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "release", required_argument, NULL, 'r' },
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*role = NULL;
	int		 ch, json = 0;

	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1)
		if (ch == 'j')
			json = 1;
		else if (ch == 'r')
			role = optarg;
	if (argc - optind != 0 || (role != NULL && (json || *role == '\0')))
		usage_error("hosts: expected [--json] or --release ROLE (see "
		    "'hosts --help')");
	return role != NULL ? release_host(c, role) : list_hosts(c, json);
}
