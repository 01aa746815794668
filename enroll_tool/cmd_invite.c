/* SPDX-License-Identifier: BSD-2-Clause */
/* invite and report: the roll-out verbs.  lib/ makes and judges the
 * invitation (lib/invite.c, lib/device_invite.c or sql/invite.sql) and
 * says who has what (lib/report.c); this prints it. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "enroll.h"
#include "groups.h"
#include "invite.h"
#include "report.h"

struct invite_args {
	const char	*user;
	const char	*group;
	const char	*csv;
	int64_t		 ttl;
	int		 revoke;
};

static void
parse_invite(struct ctx *c, int argc, char **argv, struct invite_args *a)
{
	static const struct option opts[] = {
		{ "expires", required_argument, NULL, 'e' },
		{ "revoke", no_argument, NULL, 'r' },
		{ "group", required_argument, NULL, 'g' },
		{ "csv", required_argument, NULL, 'c' },
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char	err[MFA_ERRLEN];
	int	ch;

	memset(a, 0, sizeof(*a));
	a->ttl = INVITE_TTL_DEFAULT;
	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1) {
		if (ch == 'e' && invite_parse_ttl(optarg, &a->ttl, err,
		    sizeof(err)) != MFA_OK)
			usage_error("invite: %s", err);
		else if (ch == 'r')
			a->revoke = 1;
		else if (ch == 'g')
			a->group = optarg;
		else if (ch == 'c')
			a->csv = optarg;
	}
	if (a->group != NULL) {
		if (optind != argc || a->revoke)
			usage_error("invite: --group takes no USER and no "
			    "--revoke (see 'invite --help')");
		return;
	}
	if (a->csv != NULL)
		usage_error("invite: --csv goes with --group");
	if (argc - optind != 1)
		usage_error("invite: expected USER or --group GROUP (see "
		    "'invite --help')");
	a->user = argv[optind];
	if (!record_username_ok(a->user))
		usage_error("invite: invalid user name");
}

static int
invite_one(struct ctx *c, const char *user, int64_t ttl, FILE *out, int csv)
{
	char	code[INVITE_CODE_BUFLEN], err[MFA_ERRLEN], when[32];
	int64_t	expires = 0;
	int	r;

	r = backend_invite(&c->be, user, ttl, (int64_t)time(NULL), code,
	    &expires, err, sizeof(err));
	if (r != MFA_OK) {
		audit_change("invite", user, NULL, 0, err);
		warnx_("%s", err);
		return EXIT_FAIL;
	}
	iso8601(expires, when);
	/* The only time the code is shown: stored hashed only. */
	if (csv)
		fprintf(out, "%s,%s,%s\n", user, code, when);
	else
		fprintf(out, "Invitation for %s (valid until %s):\n\n    %s\n\n"
		    "It is shown only this once.  With it and their password "
		    "%s logs in once\nand sets up an authenticator with "
		    "'mfa-enroll create'.\n", user, when, code, user);
	OPENSSL_cleanse(code, sizeof(code));
	audit_change("invite", user, NULL, 1, NULL);
	return 0;
}

/* The mail-merge file: created here, mode 0600, never through a symlink
 * and never over an existing file. */
static FILE *
open_csv(const char *path)
{
	FILE	*f;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		warnx_("%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		warnx_("%s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

static int
close_csv(FILE *f, const char *path)
{
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0) {
		warnx_("%s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	return 0;
}

/* Every member without an active device and without a live invitation. */
static int
invite_group(struct ctx *c, const struct invite_args *a)
{
	struct report_entry	*e;
	char			 err[MFA_ERRLEN], **names;
	size_t			 n, i, ne;
	FILE			*out = stdout;
	int			 rc = 0;

	if (report_group_members(a->group, &names, &n, err, sizeof(err)) !=
	    MFA_OK) {
		warnx_("%s", err);
		return EXIT_FAIL;
	}
	if (a->csv != NULL && (out = open_csv(a->csv)) == NULL) {
		report_free_names(names, n);
		return EXIT_FAIL;
	}
	for (i = 0; i < n; i++) {
		if (report_collect(&c->be, names[i], (int64_t)time(NULL), &e,
		    &ne, err, sizeof(err)) != MFA_OK) {
			warnx_("%s: %s", names[i], err);
			rc = EXIT_FAIL;
			continue;
		}
		if (ne == 1 && report_wants_invite(&e[0]) &&
		    invite_one(c, names[i], a->ttl, out, 1) != 0)
			rc = EXIT_FAIL;
		free(e);
	}
	if (a->csv != NULL && close_csv(out, a->csv) != 0)
		rc = EXIT_FAIL;
	report_free_names(names, n);
	return rc;
}

int
cmd_invite(struct ctx *c, int argc, char **argv)
{
	struct invite_args	a;
	char			err[MFA_ERRLEN];

	parse_invite(c, argc, argv, &a);
	ctx_open(c, 1);
	if (a.group != NULL)
		return invite_group(c, &a);
	if (a.revoke) {
		if (backend_revoke_invite(&c->be, a.user, err, sizeof(err)) !=
		    MFA_OK) {
			audit_change("invite-revoke", a.user, NULL, 0, err);
			warnx_("%s", err);
			return EXIT_FAIL;
		}
		audit_change("invite-revoke", a.user, NULL, 1, NULL);
		printf("Invitation of %s revoked.\n", a.user);
		return 0;
	}
	/* As create: a typo or an account still to come. */
	if (groups_user_known(a.user) == 0)
		warnx_("warning: user %s is not known to this system (NSS)",
		    a.user);
	return invite_one(c, a.user, a.ttl, stdout, 0);
}
