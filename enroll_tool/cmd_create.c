/* SPDX-License-Identifier: BSD-2-Clause */
/* create: a new pending virtual device, shown as QR code, base32 and URI;
 * on a terminal, enabled right away with two codes typed by the admin. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "base32.h"
#include "device.h"
#include "enroll.h"
#include "groups.h"
#include "qr.h"
#include "uri.h"
#include "wipe.h"

#define ENABLE_TRIES	3

struct create_args {
	const char	*user;
	const char	*device;
	enum otp_kind	 kind;
	enum qr_style	 style;
	const char	*qrfile;
	enum qr_format	 qrfmt;
	int		 qr_off;	/* none, since stdout is no terminal */
};

static void
parse_args(struct ctx *c, int argc, char **argv, struct create_args *a)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "type", required_argument, NULL, 't' },
		{ "qr", required_argument, NULL, 'q' },
		{ "qr-file", required_argument, NULL, 'f' },
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, given = 0;

	memset(a, 0, sizeof(*a));
	a->style = QR_UTF8;
	a->device = "default";
	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1) {
		if (ch == 'd')
			a->device = optarg;
		else if (ch == 't' && strcmp(optarg, "totp") == 0)
			a->kind = OTP_TOTP;
		else if (ch == 't' && strcmp(optarg, "hotp") == 0)
			a->kind = OTP_HOTP;
		else if (ch == 't')
			usage_error("create: --type must be totp or hotp");
		else if (ch == 'q' && qr_style_parse(optarg, &a->style) == -1)
			usage_error("create: --qr must be utf8, ansi or none");
		else if (ch == 'q')
			given = 1;
		else if (ch == 'f')
			a->qrfile = optarg;
	}
	if (argc - optind != 1)
		usage_error("create: expected USER (see 'create --help')");
	a->user = argv[optind];
	if (a->qrfile != NULL && qr_file_format(a->qrfile, &a->qrfmt) == -1)
		usage_error("create: --qr-file must end in .png or .svg");
	/* Colour codes and half blocks only make a QR code on a terminal;
	 * in a pipe or a log they are noise.  --qr says otherwise. */
	if (!given && !isatty(STDOUT_FILENO)) {
		a->style = QR_NONE;
		a->qr_off = a->qrfile == NULL;
	}
}

/* One whole answer line, malloc'd.  NULL with *why NULL: the input ended
 * before the answer began (the admin postpones).  NULL with *why set: a
 * read error, a NUL byte, or an answer cut short by the end of input;
 * nothing of it is used. */
static char *
read_code(const char *prompt, const char **why)
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;

	*why = NULL;
	printf("%s", prompt);
	fflush(stdout);
	errno = 0;
	n = getline(&line, &cap, stdin);
	if (n == -1 && ferror(stdin))
		*why = errno != 0 ? strerror(errno) : "read error";
	else if (n > 0 && (memchr(line, '\0', (size_t)n) != NULL ||
	    line[n - 1] != '\n'))
		*why = "an answer with a NUL byte or cut short";
	else if (n > 0)
		return line;
	wipe_free(line, cap);
	return NULL;
}

int
enable_interactive(struct ctx *c, const char *user, const char *device)
{
	char		 err[MFA_ERRLEN], *c1, *c2;
	const char	*why;
	int		 i, r;

	/* On the prompt's line: the QR code above must stay on screen. */
	printf("Enter two consecutive codes from the app to enable it. ");
	for (i = 0; i < ENABLE_TRIES; i++) {
		c1 = read_code("First code: ", &why);
		c2 = c1 != NULL ? read_code("Next code: ", &why) : NULL;
		if (c2 == NULL && why != NULL) {
			wipe_free(c1, c1 != NULL ? strlen(c1) : 0);
			warnx_("standard input: %s; MFA device %s of user %s "
			    "left pending", why, device, user);
			return EXIT_FAIL;
		}
		if (c2 == NULL) {
			wipe_free(c1, c1 != NULL ? strlen(c1) : 0);
			printf("\nMFA device %s of user %s is still pending; "
			    "enable it with:\n  mfa-enroll enable %s %s "
			    "CODE1 CODE2\n", device, user, user, device);
			return 0;
		}
		r = backend_enable(&c->be, user, device, c1, c2,
		    (int64_t)time(NULL), err, sizeof(err));
		wipe_free(c1, strlen(c1));
		wipe_free(c2, strlen(c2));
		audit_change("enable", user, device, r == 0,
		    r == 0 ? NULL : err);
		if (r == 0) {
			printf("MFA device %s of user %s is enabled.\n",
			    device, user);
			return 0;
		}
		warnx_("%s", err);
	}
	warnx_("MFA device %s of user %s left pending; enable it with "
	    "'mfa-enroll enable %s %s CODE1 CODE2'", device, user, user,
	    device);
	return EXIT_FAIL;
}

/* What the admin copies into the app: the URI on a line of its own, the
 * QR code, the grouped secret.  The URI comes first: on an 80x24
 * terminal it may scroll away, the QR code and the prompts below it not. */
static int
show(const struct create_args *a, const struct mfa_device *d,
    const char *uri)
{
	char	grouped[2 * OTP_SECRET_MAX * 8 / 5 + 16], err[256];
	int	r;

	printf("%s\n", uri);
	if (a->qr_off) {
		fflush(stdout);
		warnx_("no QR code: standard output is not a terminal "
		    "(--qr utf8 prints it anyway)");
	}
	if (qr_print(stdout, uri, a->style, err, sizeof(err)) == -1) {
		warnx_("%s", err);
		return -1;
	}
	r = base32_encode_grouped(d->secret, d->secret_len, grouped,
	    sizeof(grouped));
	if (r == 0 && d->kind == OTP_HOTP)
		printf("Secret: %s\nType: HOTP, %s, %u digits, counter "
		    "%llu\n", grouped, otp_alg_name(d->alg), d->digits,
		    (unsigned long long)d->counter);
	else if (r == 0)
		printf("Secret: %s\nType: TOTP, %s, %u digits, every %u "
		    "seconds\n", grouped, otp_alg_name(d->alg), d->digits,
		    d->period);
	OPENSSL_cleanse(grouped, sizeof(grouped));
	if (r == 0 && uri_app_caveats(d->alg, d->digits, d->kind == OTP_HOTP ?
	    URI_DEFAULT_PERIOD : d->period, err, sizeof(err))) {
		fflush(stdout);
		warnx_("warning: %s", err);
	}
	return r;
}

/* Removes the QR file of a failed create, and says so when the path
 * names another file by now. */
static void
remove_qr(struct qr_file *qf)
{
	char	err[PATH_MAX + 64];

	if (qr_file_remove(qf, err, sizeof(err)) == -1)
		warnx_("%s", err);
}

/* Puts things back when the device was created but cannot be shown. */
static int
undo(struct ctx *c, const struct create_args *a, struct qr_file *qf,
    const char *why)
{
	char	err[MFA_ERRLEN];

	(void)backend_deactivate(&c->be, a->user, a->device, err,
	    sizeof(err));
	warnx_("%s; nothing created", why);
	remove_qr(qf);
	audit_change("create", a->user, a->device, 0, why);
	return EXIT_FAIL;
}

static int
finish(struct ctx *c, const struct create_args *a, struct mfa_device *d,
    struct qr_file *qf)
{
	char	err[256], *uri;
	int	r;

	if (d->kind == OTP_HOTP)
		uri = uri_build_hotp(c->cfg.issuer, a->user, d->secret,
		    d->secret_len, d->alg, d->digits, d->counter);
	else
		uri = uri_build(c->cfg.issuer, a->user, d->secret,
		    d->secret_len, d->alg, d->digits, d->period);
	if (uri == NULL)
		return undo(c, a, qf, "cannot build the otpauth URI");
	r = qf->fd >= 0 ?
	    qr_file_write(qf, a->qrfmt, uri, err, sizeof(err)) : 0;
	if (r != 0) {
		wipe_free_str(uri);
		return undo(c, a, qf, err);
	}
	r = show(a, d, uri);
	wipe_free_str(uri);
	if (r == -1)
		return undo(c, a, qf, "cannot show the secret");
	/* A secret that never reached the admin makes a device nobody can
	 * copy: undone like any other failure to show it. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		snprintf(err, sizeof(err), "standard output: %s",
		    strerror(errno));
		return undo(c, a, qf, err);
	}
	qr_file_keep(qf);
	return 0;
}

int
cmd_create(struct ctx *c, int argc, char **argv)
{
	struct create_args	a;
	struct mfa_device	d;
	struct qr_file		qf;
	char			err[MFA_ERRLEN];
	int			r;

	parse_args(c, argc, argv, &a);
	ctx_open(c, 1);
	qr_file_none(&qf);
	if (a.qrfile != NULL &&
	    qr_file_open(&qf, a.qrfile, err, sizeof(err)) == -1) {
		warnx_("%s", err);
		return EXIT_FAIL;
	}
	r = backend_create(&c->be, a.user, a.device, a.kind,
	    (int64_t)time(NULL), &d, err, sizeof(err));
	if (r != 0) {
		warnx_("%s", err);
		remove_qr(&qf);
		audit_change("create", a.user, a.device, 0, err);
		return EXIT_FAIL;
	}
	/* A typo or an account still to come: the device is made all the
	 * same, but nobody logs in with it until NSS knows the name. */
	if (groups_user_known(a.user) == 0)
		warnx_("warning: user %s is not known to this system (NSS)",
		    a.user);
	r = finish(c, &a, &d, &qf);
	OPENSSL_cleanse(&d, sizeof(d));
	if (r != 0)
		return r;
	audit_change("create", a.user, a.device, 1, NULL);
	fflush(stdout);
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return enable_interactive(c, a.user, a.device);
	printf("MFA device %s of user %s is pending; enable it with:\n"
	    "  mfa-enroll enable %s %s CODE1 CODE2\n", a.device, a.user,
	    a.user, a.device);
	return 0;
}
