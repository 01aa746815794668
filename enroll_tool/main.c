/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfa-enroll: the administrator's side of pam_awsmfa.  Verbs follow the
 * AWS CLI (create, enable, resync, deactivate, list, ...).  Exit 0 on
 * success, 1 on a failure, 2 on bad arguments; every error is one line on
 * stderr.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "audit.h"
#include "enroll.h"
#include "selfproto.h"

#define PROG	"mfa-enroll"

const struct verb verbs[] = {
	{ "create", 1, "USER [--device NAME] [--type totp|hotp] "
	    "[--qr utf8|ansi|none] [--qr-file F.png|F.svg]",
	    "Creates a pending virtual MFA device with a new secret and shows\n"
	    "it as a QR code, as base32 and as an otpauth:// URI.  On a\n"
	    "terminal it then asks for two consecutive codes and enables it.\n"
	    "  --device NAME   the device name (default \"default\")\n"
	    "  --type hotp     a counter (HOTP) device instead of TOTP\n"
	    "  --qr STYLE      utf8 (default), ansi or none\n"
	    "  --qr-file FILE  also write the QR code to FILE (.png or .svg,\n"
	    "                  created with mode 0600, never overwritten)\n",
	    cmd_create },
	{ "enable", 1, "USER DEVICE CODE1 CODE2",
	    "Enables a pending virtual device (DEVICE is its name) or assigns\n"
	    "a hardware token from the inventory (DEVICE is its serial).\n"
	    "CODE1 and CODE2 are two consecutive codes shown by the device.\n",
	    cmd_enable },
	{ "resync", 1, "USER DEVICE CODE1 CODE2",
	    "Finds two consecutive codes within resync_window steps of now\n"
	    "and stores the device's clock drift.\n",
	    cmd_resync },
	{ "deactivate", 1, "USER DEVICE|--all",
	    "Removes a device from the user.  A hardware token goes back to\n"
	    "the inventory; a virtual device's secret is destroyed.  --all\n"
	    "removes every device and the recovery codes.\n",
	    cmd_deactivate },
	{ "list", 0, "[USER] [--json]",
	    "Lists users and devices: user, device, type, serial, status,\n"
	    "created, enabled, last used (UTC), totp/PERIOD or hotp.  Without\n"
	    "USER, unassigned hardware tokens are listed too.\n"
	    "  --json          one JSON array, for scripts\n",
	    cmd_list },
	{ "import-tokens", 1, "FILE|- [--psk-file F | --password-file F]",
	    "Adds hardware tokens to the inventory from a CSV file of lines\n"
	    "serial,secret[,digits,period,algorithm,counter] (a counter, with\n"
	    "the period empty, makes an HOTP token), or from a vendor's PSKC\n"
	    "(RFC 6030) XML file, or from standard input for -.  Nothing is\n"
	    "imported unless all of it is read and every line or key package\n"
	    "is valid.\n"
	    "  --psk-file F       the PSKC file's pre-shared AES key, in hex\n"
	    "  --password-file F  the PSKC file's password (first line)\n",
	    cmd_import_tokens },
	{ "recovery-codes", 1, "USER [--count N]",
	    "Replaces the user's recovery codes with N new one-time codes\n"
	    "(default: recovery_codes from the config), shown only once.\n"
	    "  --count N       how many (1 to 100)\n",
	    cmd_recovery_codes },
	{ "invite", 1, "USER [--expires DURATION] | USER --revoke | "
	    "--group GROUP [--expires DURATION] [--csv FILE]",
	    "Prints a one-time invitation for a user without an active\n"
	    "device, shown only once and stored hashed.  With it and their\n"
	    "password the user logs in (also under nullok, which then asks\n"
	    "for it) until their first device is enabled or it expires, and\n"
	    "enrols with 'mfa-enroll create'.  A new invitation replaces the\n"
	    "old one.\n"
	    "  --expires D     lifetime: 90m, 72h (default), 3d; at most 30d\n"
	    "  --revoke        removes the user's invitation\n"
	    "  --group GROUP   invites every member of the NSS group with no\n"
	    "                  active device and no live invitation, one line\n"
	    "                  user,code,expiry each\n"
	    "  --csv FILE      writes those lines to FILE (created with mode\n"
	    "                  0600, never overwritten)\n",
	    cmd_invite },
	{ "report", 0, "[--group GROUP] [--json]",
	    "The state of each member of GROUP (default: every user the\n"
	    "store knows): active (active devices, last use), invited (until\n"
	    "when), pending (a device not enabled yet), expired (an\n"
	    "invitation that ran out) or none.\n"
	    "  --group GROUP   the members of this NSS group\n"
	    "  --json          one JSON array, for scripts\n",
	    cmd_report },
	{ "unlock", 1, "USER | --host ROLE",
	    "Ends a user's lockout and clears their failure count, on either\n"
	    "store.  With --host (PostgreSQL), unlocks every user whose\n"
	    "lockout the login host ROLE helped cause: one of the failed\n"
	    "logins that locked them came from ROLE.  Audited in syslog and,\n"
	    "on PostgreSQL, in awsmfa.attempts.\n"
	    "  --host ROLE     the database role of a login host\n",
	    cmd_unlock },
	{ "hosts", 0, "[--json] | --release ROLE",
	    "(PostgreSQL) Lists the login hosts' database roles (members of\n"
	    "awsmfa_host): charged attempts (wrong codes, names without a\n"
	    "record) in the current minute of their failure budget\n"
	    "(host_failures_per_minute), and since when each is quarantined.\n"
	    "A quarantined host's logins are refused without being judged.\n"
	    "  --json          one JSON array, for scripts\n"
	    "  --release ROLE  ends ROLE's quarantine (as root), with a fresh\n"
	    "                  budget; the users it locked out stay locked\n",
	    cmd_hosts },
	{ "check", 0, "",
	    "Checks the config file and the store (owners, modes, every\n"
	    "record and the inventory) and prints each problem with its\n"
	    "path.  Exit 1 when there is any.\n",
	    cmd_check },
	{ "db-init", 0, "--key-file PATH [--conninfo CONNINFO]",
	    "(PostgreSQL) Creates or upgrades the awsmfa schema, its\n"
	    "functions and the roles awsmfa_host and awsmfa_admin, in one\n"
	    "transaction; running it again upgrades in place.  The role must\n"
	    "be a superuser.  Prints what the DBA must still do.\n"
	    "  --key-file PATH     absolute path, on the database server, of\n"
	    "                      the key that seals secrets at rest (32\n"
	    "                      random bytes in hex, mode 0600, owner\n"
	    "                      postgres, outside the data directory)\n"
	    "  --conninfo CONNINFO libpq connection string (default:\n"
	    "                      db_admin_conninfo from the config)\n",
	    cmd_db_init },
	{ "migrate", 1, "--from-file-store DIR [--conninfo CONNINFO]",
	    "(PostgreSQL) Copies the file store in DIR (devices with their\n"
	    "secrets and state, lockout, recovery codes, the token inventory)\n"
	    "into the database in one transaction, reads the copy back and\n"
	    "commits only when it matches.  Refused when the database holds\n"
	    "one of the users already.\n"
	    "  --conninfo CONNINFO libpq connection string of a role in\n"
	    "                      awsmfa_admin (default: db_admin_conninfo)\n",
	    cmd_migrate },
	{ NULL, 0, NULL, NULL, NULL }
};

static void
vwarn_line(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static int	self_verb(const char *);

static void
vwarn_line(const char *fmt, va_list ap)
{
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Not err.h's warnx: every line must start with the program's name, even
 * when argv[0] is a path or a symlink, so that scripts can match it. */
void
warnx_(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vwarn_line(fmt, ap);
	va_end(ap);
}

void
usage_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vwarn_line(fmt, ap);
	va_end(ap);
	exit(EXIT_USAGE);
}

static void
main_help(void)
{
	const struct verb	*v;

	printf("usage: " PROG " [--conf FILE] VERB [ARGS]\n\n");
	for (v = verbs; v->name != NULL; v++)
		printf("  %s %s\n", v->name, v->usage);
	printf("\n  --conf FILE   configuration (default %s)\n"
	    "  --socket PATH awsmfa-self's socket, for users (default "
	    AWSMFA_SELF_SOCKET ")\n"
	    "  --version     prints the version\n"
	    "Run by a user who is not root, create, enable, resync, "
	    "deactivate,\nrecovery-codes and list act on that user's own "
	    "devices (no USER).\n"
	    "'" PROG " VERB --help' explains a verb; see mfa-enroll(8).\n",
	    AWSMFA_DEFAULT_CONF);
}

void
verb_help(const struct verb *v)
{
	printf("usage: " PROG " [--conf FILE] %s %s\n\n%s", v->name,
	    v->usage, v->help);
	if (v->writes && self_verb(v->name))
		printf("Run by root for any USER.  Run by another user, it "
		    "acts on that\nuser's own devices through awsmfa-self "
		    "(no USER; see mfa-enroll(8)).\n");
	else if (v->writes)
		printf("Must be run as root.\n");
}

static const struct verb *
find_verb(const char *name)
{
	const struct verb	*v;

	for (v = verbs; v->name != NULL; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

/* getopt_long for a verb, with --conf taken wherever it stands (admins
 * type it after the verb as often as before) and one line of our own for
 * a bad option instead of getopt's two. */
int
verb_getopt(struct ctx *c, int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	int	ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) ==
	    'C')
		c->conf = optarg;
	switch (ch) {
	case 'h':
		verb_help(find_verb(c->verb));
		exit(0);
	case '?':
	case ':':
		usage_error("%s: bad or incomplete option %s (see "
		    "'%s --help')", c->verb, argv[optind - 1], c->verb);
	default:
		return ch;
	}
}

/* The config and the store, or exit: no verb has anything to do without
 * them, and exiting here keeps one error line per failure.  A verb that
 * writes checks root before reading anything, so that a user learns
 * nothing from the error of a store they may not open. */
void
ctx_open(struct ctx *c, int writes)
{
	char	err[MFA_ERRLEN];

	if (writes && geteuid() != 0) {
		warnx_("must be run as root");
		exit(EXIT_FAIL);
	}
	if (config_load(c->conf, &c->cfg, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		exit(EXIT_FAIL);
	}
	c->have_cfg = 1;
	if (backend_open(&c->be, &c->cfg, BACKEND_ADMIN |
	    (writes ? BACKEND_CREATE : 0), err, sizeof(err)) != 0) {
		warnx_("%s", err);
		exit(EXIT_FAIL);
	}
	c->have_backend = 1;
}

/* The admin behind the change: sudo's caller, else the real user. */
static const char *
admin_name(void)
{
	static char	 buf[64];
	const char	*s;
	struct passwd	*pw;

	if ((s = getenv("SUDO_USER")) != NULL && *s != '\0')
		return s;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_name;
	snprintf(buf, sizeof(buf), "uid=%lu", (unsigned long)getuid());
	return buf;
}

void
audit_change(const char *event, const char *user, const char *device,
    int ok, const char *reason)
{
	struct audit_event	ev;
	char			line[1024];

	memset(&ev, 0, sizeof(ev));
	ev.event = event;
	ev.result = ok ? "success" : "failure";
	ev.reason = reason;
	ev.user = user;
	ev.device = device;
	ev.admin = admin_name();
	audit_format(&ev, line, sizeof(line));
	syslog(ok ? LOG_NOTICE : LOG_WARNING, "%s", line);
}

/*
 * mfa-enroll holds secrets: new seeds, imported seeds, recovery codes.  No
 * core dump may write them to disk; not dumpable also keeps every process
 * without CAP_SYS_PTRACE out of its memory and /proc files, even one of
 * the same user; and whatever it creates is its owner's alone.  The
 * secrets themselves never travel in argv, the environment or a temporary
 * file: they come from the store, getrandom or standard input, and go to
 * standard output or a --qr-file the admin named.
 */
static void
harden(void)
{
	const struct rlimit	none = { 0, 0 };

	umask(077);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 ||
	    setrlimit(RLIMIT_CORE, &none) == -1) {
		warnx_("cannot turn core dumps off: %s", strerror(errno));
		exit(EXIT_FAIL);
	}
}

static int
self_verb(const char *name)
{
	enum self_verb	v;

	return selfproto_verb_parse(name, &v) == 0;
}

static int
global_options(struct ctx *c, int argc, char **argv)
{
	int	i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			main_help();
			exit(0);
		} else if (strcmp(argv[i], "--version") == 0) {
			printf(PROG " " PACKAGE_VERSION "\n");
			exit(0);
		} else if (strcmp(argv[i], "--conf") == 0 && i + 1 < argc) {
			c->conf = argv[++i];
		} else if (strncmp(argv[i], "--conf=", 7) == 0) {
			c->conf = argv[i] + 7;
		} else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			c->socket = argv[++i];
		} else {
			usage_error("bad option %s (see '" PROG " --help')",
			    argv[i]);
		}
	}
	return i;
}

int
main(int argc, char **argv)
{
	struct ctx		 c;
	const struct verb	*v;
	int			 i, ret;

	harden();
	memset(&c, 0, sizeof(c));
	c.conf = AWSMFA_DEFAULT_CONF;
	c.socket = AWSMFA_SELF_SOCKET;
	i = global_options(&c, argc, argv);
	if (i >= argc)
		usage_error("no verb given (see '" PROG " --help')");
	if ((v = find_verb(argv[i])) == NULL)
		usage_error("unknown verb \"%s\" (see '" PROG " --help')",
		    argv[i]);
	c.verb = v->name;
	openlog(PROG, LOG_PID, LOG_AUTHPRIV);
	/* A user's own devices go through the privileged helper; root's
	 * verbs are as they were. */
	if (geteuid() != 0 && self_verb(v->name))
		ret = self_client(&c, argc - i, argv + i);
	else
		ret = v->run(&c, argc - i, argv + i);
	if (c.have_backend)
		backend_close(&c.be);
	if (c.have_cfg)
		config_free(&c.cfg);
	closelog();
	return ret;
}
