/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib/config: defaults, every key, every class of error with its exact
 * message, and the checks config_load makes on the file itself.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend.h"
#include "config.h"

#define NOBODY	65534

static const char *const all_keys[] = {
	"store_dir", "issuer", "digits", "period", "algorithm", "window",
	"resync_window", "max_devices", "max_failures", "lockout_seconds",
	"recovery_codes", "require_groups", "store", "db_conninfo",
	"db_admin_conninfo", "db_self_conninfo", "db_timeout",
	"db_break_glass", "self_service", "self_enrol_without_invitation",
};

static char tmpdir[64];
static char err[MFA_ERRLEN];

/* Set, fstat (linked --wrap=fstat) says a regular file is one byte: as
 * if the file grew between config_load's fstat and its read. */
static int stale_size;

int __real_fstat(int, struct stat *);
int __wrap_fstat(int, struct stat *);

int
__wrap_fstat(int fd, struct stat *st)
{
	int r = __real_fstat(fd, st);

	if (r == 0 && stale_size && S_ISREG(st->st_mode))
		st->st_size = 1;
	return r;
}

static void
assert_defaults(const struct awsmfa_config *cfg)
{
	struct awsmfa_config d;

	config_defaults(&d);
	assert_string_equal(cfg->store_dir, d.store_dir);
	assert_string_equal(cfg->issuer, d.issuer);
	assert_int_equal(cfg->digits, d.digits);
	assert_int_equal(cfg->period, d.period);
	assert_int_equal(cfg->algorithm, d.algorithm);
	assert_int_equal(cfg->window, d.window);
	assert_int_equal(cfg->resync_window, d.resync_window);
	assert_int_equal(cfg->max_devices, d.max_devices);
	assert_int_equal(cfg->max_failures, d.max_failures);
	assert_int_equal(cfg->lockout_seconds, d.lockout_seconds);
	assert_int_equal(cfg->recovery_codes, d.recovery_codes);
	assert_int_equal(cfg->ngroups, 0);
	assert_null(cfg->require_groups[0]);
	assert_int_equal(cfg->store, STORE_KIND_FILE);
	assert_string_equal(cfg->db_conninfo, "");
	assert_string_equal(cfg->db_admin_conninfo, "");
	assert_int_equal(cfg->db_timeout, d.db_timeout);
	assert_int_equal(cfg->host_failures_per_minute, 100);
	assert_int_equal(cfg->nbreak_glass, 0);
	assert_int_equal(cfg->self_service, 1);
	assert_int_equal(cfg->self_enrol_without_invitation, 0);
}

static void
parse_ok(const char *text, struct awsmfa_config *cfg)
{
	int r = config_parse_text(text, "t.conf", cfg, err, sizeof(err));

	if (r != 0)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(r, 0);
	assert_string_equal(err, "");
}

/* The text is refused with exactly msg, and cfg is left at the defaults. */
static void
parse_err(const char *text, const char *msg)
{
	struct awsmfa_config cfg;

	assert_int_equal(config_parse_text(text, "t.conf", &cfg, err,
	    sizeof(err)), MFA_ERR_CONFIG);
	assert_string_equal(err, msg);
	assert_defaults(&cfg);
	config_free(&cfg);
}

/* The text parses, and the PostgreSQL store it names refuses to open
 * with exactly msg: a conninfo is checked by libpq, in the plugin, when
 * the store opens (lib/backend.c), and the message still points at the
 * key's line. */
static void
store_err(const char *text, const char *msg)
{
	struct awsmfa_config	cfg;
	struct backend		b;

	parse_ok(text, &cfg);
	assert_int_equal(backend_open(&b, &cfg, 0, err, sizeof(err)),
	    MFA_ERR_CONFIG);
	assert_string_equal(err, msg);
	config_free(&cfg);
}

static const char *
default_issuer(void)
{
	static struct awsmfa_config d;

	config_defaults(&d);
	return d.issuer;
}

static void
test_defaults(void **state)
{
	struct awsmfa_config cfg;
	char host[HOST_NAME_MAX + 1] = "";

	(void)state;
	config_defaults(&cfg);
	assert_string_equal(cfg.store_dir, "/var/lib/awsmfa");
	assert_string_equal(cfg.store_dir, AWSMFA_DEFAULT_STORE);
	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	assert_string_equal(cfg.issuer, host[0] != '\0' ? host : "pam_awsmfa");
	assert_int_equal(cfg.digits, 6);
	assert_int_equal(cfg.period, 30);
	assert_int_equal(cfg.algorithm, OTP_SHA1);
	assert_int_equal(cfg.window, 1);
	assert_int_equal(cfg.resync_window, 60);
	assert_int_equal(cfg.max_devices, 8);
	assert_int_equal(cfg.max_failures, 5);
	assert_int_equal(cfg.lockout_seconds, 300);
	assert_int_equal(cfg.recovery_codes, 10);
	assert_int_equal(cfg.ngroups, 0);
	assert_int_equal(config_requires_group(&cfg, "wheel"), 0);
	config_free(&cfg);
}

/* The fleet's keys: which store, and conninfo strings that libpq parses
 * and that may not hold a password. */
static void
test_fleet_keys(void **state)
{
	struct awsmfa_config cfg;

	(void)state;
	parse_ok("", &cfg);
	assert_int_equal(cfg.store, STORE_KIND_FILE);
	assert_int_equal(cfg.db_timeout, 5);
	config_free(&cfg);
	parse_ok("store = \"postgresql\";\n"
	    "db_conninfo = \"host=db1,db2 dbname=awsmfa "
	    "target_session_attrs=read-write sslmode=verify-full\";\n"
	    "db_admin_conninfo = \"service=awsmfa-admin\";\n"
	    "db_timeout = 3;\n", &cfg);
	assert_int_equal(cfg.store, STORE_KIND_POSTGRESQL);
	assert_string_equal(cfg.db_conninfo, "host=db1,db2 dbname=awsmfa "
	    "target_session_attrs=read-write sslmode=verify-full");
	assert_string_equal(cfg.db_admin_conninfo, "service=awsmfa-admin");
	assert_string_equal(cfg.db_self_conninfo, "");
	assert_int_equal(cfg.db_timeout, 3);
	config_free(&cfg);
	parse_ok("store = \"file\";", &cfg);
	assert_int_equal(cfg.store, STORE_KIND_FILE);
	config_free(&cfg);
	parse_err("store = \"mysql\";",
	    "t.conf:1: key 'store': must be \"file\" or \"postgresql\"");
	parse_err("store = 1;", "t.conf:1: key 'store': expected a string");
	/* libpq checks a conninfo (in the plugin) when the store is
	 * PostgreSQL; the file store never reads one. */
	store_err("store = \"postgresql\";\n"
	    "db_conninfo = \"host=db password=hunter2\";",
	    "t.conf:2: key 'db_conninfo': holds a password: use a passfile "
	    "(passfile=) or a client certificate");
	store_err("store = \"postgresql\";\n"
	    "\ndb_admin_conninfo = \"postgresql://u:pw@db/awsmfa\";",
	    "t.conf:3: key 'db_admin_conninfo': holds a password: use a "
	    "passfile (passfile=) or a client certificate");
	store_err("store = \"postgresql\";\n"
	    "db_self_conninfo = \"user=web01_self password=x\";",
	    "t.conf:2: key 'db_self_conninfo': holds a password: use a "
	    "passfile (passfile=) or a client certificate");
	store_err("db_conninfo = \"host=db bogus=1\";\n"
	    "store = \"postgresql\";",
	    "t.conf:1: key 'db_conninfo': invalid connection option "
	    "\"bogus\"");
	store_err("store = \"postgresql\"; db_conninfo = \"host='db\";",
	    "t.conf:1: key 'db_conninfo': unterminated quoted string in "
	    "connection info string");
	parse_ok("db_conninfo = \"host=db bogus=1\";", &cfg);
	config_free(&cfg);
	parse_err("db_timeout = 0;",
	    "t.conf:1: key 'db_timeout': 0 is out of range 1..60");
	parse_err("db_timeout = 61;",
	    "t.conf:1: key 'db_timeout': 61 is out of range 1..60");
	parse_ok("db_break_glass = [\"root\", \"ops-admin\"];", &cfg);
	assert_int_equal(cfg.nbreak_glass, 2);
	assert_true(config_break_glass(&cfg, "ops-admin"));
	assert_false(config_break_glass(&cfg, "alice"));
	config_free(&cfg);
	parse_err("db_break_glass = \"root\";",
	    "t.conf:1: key 'db_break_glass': expected an array or list of "
	    "user names");
	parse_err("db_break_glass = [\"\"];",
	    "t.conf:1: key 'db_break_glass': element 1 is not a user name");
	parse_err("db_break_glass = [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\","
	    "\"g\",\"h\",\"i\"];",
	    "t.conf:1: key 'db_break_glass': more than 8 users");
}

static void
test_empty_text(void **state)
{
	struct awsmfa_config cfg;

	(void)state;
	parse_ok("", &cfg);
	assert_defaults(&cfg);
	parse_ok("# only a comment\n\n// and another\n/* and a block */\n",
	    &cfg);
	assert_defaults(&cfg);
	config_free(&cfg);
}

static void
test_every_key(void **state)
{
	struct awsmfa_config cfg;

	(void)state;
	parse_ok(
	    "store_dir = \"/srv/mfa\";\n"
	    "issuer = \"Example Corp\";\n"
	    "digits = 8;\n"
	    "period = 60;\n"
	    "algorithm = \"SHA512\";\n"
	    "window = 3;\n"
	    "resync_window = 120;\n"
	    "max_devices = 2;\n"
	    "max_failures = 9;\n"
	    "lockout_seconds = 0;\n"
	    "recovery_codes = 25;\n"
	    "require_groups = [ \"sudo\", \"ssh-users\" ];\n", &cfg);
	assert_string_equal(cfg.store_dir, "/srv/mfa");
	assert_string_equal(cfg.issuer, "Example Corp");
	assert_int_equal(cfg.digits, 8);
	assert_int_equal(cfg.period, 60);
	assert_int_equal(cfg.algorithm, OTP_SHA512);
	assert_int_equal(cfg.window, 3);
	assert_int_equal(cfg.resync_window, 120);
	assert_int_equal(cfg.max_devices, 2);
	assert_int_equal(cfg.max_failures, 9);
	assert_int_equal(cfg.lockout_seconds, 0);
	assert_int_equal(cfg.recovery_codes, 25);
	assert_int_equal(cfg.ngroups, 2);
	assert_string_equal(cfg.require_groups[0], "sudo");
	assert_string_equal(cfg.require_groups[1], "ssh-users");
	assert_int_equal(config_requires_group(&cfg, "sudo"), 1);
	assert_int_equal(config_requires_group(&cfg, "ssh-users"), 1);
	assert_int_equal(config_requires_group(&cfg, "ssh"), 0);
	assert_int_equal(config_requires_group(&cfg, "SUDO"), 0);
	assert_int_equal(config_requires_group(&cfg, NULL), 0);
	config_free(&cfg);
	assert_int_equal(cfg.ngroups, 0);
	assert_null(cfg.require_groups[0]);
}

/* Other spellings libconfig allows, and every edge of every range. */
static void
test_other_forms(void **state)
{
	struct awsmfa_config cfg;

	(void)state;
	parse_ok("require_groups = ( \"a\" );\nalgorithm = \"sha256\";\n"
	    "digits = 7L;\nperiod = 0x3c;\nwindow: 0\nmax_devices = 32,\n"
	    "issuer = \"multi\" \"part\";\n", &cfg);
	assert_int_equal(cfg.ngroups, 1);
	assert_string_equal(cfg.require_groups[0], "a");
	assert_int_equal(cfg.algorithm, OTP_SHA256);
	assert_int_equal(cfg.digits, 7);
	assert_int_equal(cfg.period, 60);
	assert_int_equal(cfg.window, 0);
	assert_int_equal(cfg.max_devices, 32);
	assert_string_equal(cfg.issuer, "multipart");
	config_free(&cfg);

	parse_ok("digits = 6; period = 1; window = 10; resync_window = 1000;"
	    "max_devices = 1; max_failures = 1000; lockout_seconds = 86400;"
	    "recovery_codes = 1; algorithm = \"SHA1\"; require_groups = [];",
	    &cfg);
	assert_int_equal(cfg.period, 1);
	assert_int_equal(cfg.window, 10);
	assert_int_equal(cfg.resync_window, 1000);
	assert_int_equal(cfg.max_devices, 1);
	assert_int_equal(cfg.max_failures, 1000);
	assert_int_equal(cfg.lockout_seconds, 86400);
	assert_int_equal(cfg.recovery_codes, 1);
	assert_int_equal(cfg.ngroups, 0);
	config_free(&cfg);

	parse_ok("digits = 8; period = 300; max_failures = 1;"
	    "resync_window = 1; recovery_codes = 100;", &cfg);
	assert_int_equal(cfg.digits, 8);
	assert_int_equal(cfg.period, 300);
	config_free(&cfg);
}

static void
test_unknown_key(void **state)
{
	(void)state;
	parse_err("digits = 6;\n\nwindw = 2;\n",
	    "t.conf:3: key 'windw': unknown key");
	parse_err("lockout = { seconds = 30; };\n",
	    "t.conf:1: key 'lockout': unknown key");
	parse_err("foo = 99999999999;\n", "t.conf:1: key 'foo': unknown key");
}

static void
test_wrong_type(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "digits = \"6\";", "key 'digits': expected an integer" },
		{ "period = 30.0;", "key 'period': expected an integer" },
		{ "period = 3.14159265358979;",
		    "key 'period': expected an integer" },
		{ "window = true;", "key 'window': expected an integer" },
		{ "max_devices = [ 8 ];",
		    "key 'max_devices': expected an integer" },
		{ "lockout_seconds = { s = 1; };",
		    "key 'lockout_seconds': expected an integer" },
		{ "issuer = 7;", "key 'issuer': expected a string" },
		{ "store_dir = [ \"/srv\" ];",
		    "key 'store_dir': expected a string" },
		{ "algorithm = 1;", "key 'algorithm': expected a string" },
		{ "require_groups = \"wheel\";",
		    "key 'require_groups': expected an array or list of strings" },
		{ "require_groups = { a = \"b\"; };",
		    "key 'require_groups': expected an array or list of strings" },
	};
	char msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(msg, sizeof(msg), "t.conf:1: %s", cases[i].msg);
		parse_err(cases[i].text, msg);
	}
}

static void
test_out_of_range(void **state)
{
	static const struct {
		const char *key;
		long long lo, hi;
	} ranges[] = {
		{ "digits", 6, 8 }, { "period", 1, 300 }, { "window", 0, 10 },
		{ "resync_window", 1, 1000 }, { "max_devices", 1, 32 },
		{ "max_failures", 1, 1000 }, { "lockout_seconds", 0, 86400 },
		{ "recovery_codes", 1, 100 },
		{ "host_failures_per_minute", 1, 1000000 },
	};
	char text[128], msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		snprintf(text, sizeof(text), "\n%s = %lld;\n", ranges[i].key,
		    ranges[i].lo - 1);
		snprintf(msg, sizeof(msg),
		    "t.conf:2: key '%s': %lld is out of range %lld..%lld",
		    ranges[i].key, ranges[i].lo - 1, ranges[i].lo,
		    ranges[i].hi);
		parse_err(text, msg);
		snprintf(text, sizeof(text), "%s = %lld;", ranges[i].key,
		    ranges[i].hi + 1);
		snprintf(msg, sizeof(msg),
		    "t.conf:1: key '%s': %lld is out of range %lld..%lld",
		    ranges[i].key, ranges[i].hi + 1, ranges[i].lo,
		    ranges[i].hi);
		parse_err(text, msg);
	}
	parse_err("digits = 99999999999L;",
	    "t.conf:1: key 'digits': 99999999999 is out of range 6..8");
	parse_err("max_failures = -5;",
	    "t.conf:1: key 'max_failures': -5 is out of range 1..1000");
}

/* libconfig 1.5 wraps these to 0, 6 and 2147483647 if nobody looks. */
static void
test_wrapped_literals(void **state)
{
	struct awsmfa_config cfg;

	(void)state;
	parse_err("lockout_seconds = 4294967296;",
	    "t.conf:1: key 'lockout_seconds': 4294967296 is out of range "
	    "0..86400");
	parse_err("# 4294967302\ndigits = 6;\nx99999999999 = 1;\n",
	    "t.conf:3: key 'x99999999999': unknown key");
	parse_err("window = 1; digits =\n0x100000006;",
	    "t.conf:2: key 'digits': 0x100000006 is out of range 6..8");
	parse_err("window = -2147483649;",
	    "t.conf:1: key 'window': -2147483649 is out of range 0..10");
	parse_err("period = 000000000004294967326;",
	    "t.conf:1: key 'period': 000000000004294967326 is out of range "
	    "1..300");
	parse_err("window = 2147483647;",
	    "t.conf:1: key 'window': 2147483647 is out of range 0..10");
	/* Large numbers that are not integer values are left alone. */
	parse_ok("issuer = \"x 99999999999\"; # 99999999999\n"
	    "/* 4294967302\n 4294967302 */ digits = 7; // 4294967302\n",
	    &cfg);
	assert_string_equal(cfg.issuer, "x 99999999999");
	assert_int_equal(cfg.digits, 7);
	config_free(&cfg);
	parse_ok("issuer = \"a#b//c/*\\\"\"; digits = 8;", &cfg);
	assert_string_equal(cfg.issuer, "a#b//c/*\"");
	assert_int_equal(cfg.digits, 8);
	config_free(&cfg);
}

static void
test_syntax_error(void **state)
{
	(void)state;
	parse_err("digits = ;\n", "t.conf:1: syntax error");
	parse_err("digits = 6;\nperiod = 30\nwindow = = 1;\n",
	    "t.conf:3: syntax error");
	parse_err("digits = 6;\nissuer = \"unterminated;\n",
	    "t.conf:2: syntax error: unterminated string");
	parse_err("# \"\nissuer = \"a\\\"\n",
	    "t.conf:2: syntax error: unterminated string");
	parse_err("store_dir = /var/lib/awsmfa;\n", "t.conf:1: syntax error");
	/* Strings where libconfig 1.5 would leak them (an ASan build sees). */
	parse_err("digits = 6 \"x\";\n", "t.conf:1: syntax error");
	parse_err("\n\"x\"", "t.conf:2: syntax error");
	parse_err("require_groups = [ \"a\" ] \"b\";", "t.conf:1: syntax error");
	parse_err("lockout = { a = 1, \"x\" };", "t.conf:1: syntax error");
	parse_err("a = ( 1 \"x\" );", "t.conf:1: syntax error");
	parse_err("a = {} \"x\";", "t.conf:1: syntax error");
	parse_err("a = ((((((((((((((((((((((((((((((((( 1 )))))))))))))))))))))"
	    "))))))))))));", "t.conf:1: syntax error: nested too deeply");
	parse_err("digits = 6;\ndigits = 7;\n",
	    "t.conf:2: syntax error: duplicate setting name");
	parse_err("require_groups = [ \"a\", 1 ];\n",
	    "t.conf:1: syntax error: mismatched element type in array");
}

static void
test_include_refused(void **state)
{
	(void)state;
	parse_err("digits = 6;\n  @include \"/etc/passwd\"\n",
	    "t.conf:2: @include is not allowed");
	parse_err("@INCLUDE \"x.conf\"\n", "t.conf:1: @include is not allowed");
}

static void
test_bad_strings(void **state)
{
	char text[8192];

	(void)state;
	parse_err("algorithm = \"MD5\";",
	    "t.conf:1: key 'algorithm': must be SHA1, SHA256 or SHA512");
	parse_err("algorithm = \"\";",
	    "t.conf:1: key 'algorithm': must be SHA1, SHA256 or SHA512");
	parse_err("algorithm = \"SHA1 \";",
	    "t.conf:1: key 'algorithm': must be SHA1, SHA256 or SHA512");
	parse_err("store_dir = \"var/lib/awsmfa\";",
	    "t.conf:1: key 'store_dir': must be an absolute path");
	parse_err("store_dir = \"\";",
	    "t.conf:1: key 'store_dir': must be an absolute path");
	snprintf(text, sizeof(text), "store_dir = \"/%04095d\";", 0);
	parse_err(text, "t.conf:1: key 'store_dir': path too long");
	parse_err("issuer = \"\";", "t.conf:1: key 'issuer': must not be empty");
	parse_err("issuer = \"a:b\";",
	    "t.conf:1: key 'issuer': must not contain ':' or control "
	    "characters");
	parse_err("issuer = \"a\\nb\";",
	    "t.conf:1: key 'issuer': must not contain ':' or control "
	    "characters");
	snprintf(text, sizeof(text), "issuer = \"%0128d\";", 0);
	parse_err(text, "t.conf:1: key 'issuer': longer than 127 bytes");
}

static void
test_groups(void **state)
{
	struct awsmfa_config cfg;
	char text[4096];
	size_t i, len;

	(void)state;
	len = (size_t)snprintf(text, sizeof(text), "require_groups = [");
	for (i = 0; i < CONFIG_MAX_GROUPS; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "%s\"g%zu\"", i ? ", " : "", i);
	snprintf(text + len, sizeof(text) - len, "];");
	parse_ok(text, &cfg);
	assert_int_equal(cfg.ngroups, CONFIG_MAX_GROUPS);
	assert_string_equal(cfg.require_groups[CONFIG_MAX_GROUPS - 1], "g31");
	assert_int_equal(config_requires_group(&cfg, "g31"), 1);
	config_free(&cfg);

	snprintf(text + len, sizeof(text) - len, ", \"one-more\"];");
	parse_err(text, "t.conf:1: key 'require_groups': more than 32 groups");
	parse_err("require_groups = ( \"a\",\n  2 );",
	    "t.conf:2: key 'require_groups': element 2 is not a string");
	parse_err("require_groups = [ 1, 2 ];",
	    "t.conf:1: key 'require_groups': element 1 is not a string");
	parse_err("require_groups = ( \"a\", ( \"b\" ) );",
	    "t.conf:1: key 'require_groups': element 2 is not a string");
	parse_err("require_groups = [ \"a\", \"\" ];",
	    "t.conf:1: key 'require_groups': element 2 is empty");
	snprintf(text, sizeof(text), "require_groups = [ \"%0256d\" ];", 0);
	parse_err(text, "t.conf:1: key 'require_groups': element 1 is too long");
}

/* Groups already copied when a later key fails are freed, not kept. */
static void
test_failure_resets(void **state)
{
	(void)state;
	parse_err("require_groups = [ \"a\", \"b\" ];\ndigits = 6;\n"
	    "store_dir = \"/x\";\nissuer = \"i\";\nbogus = 1;\n",
	    "t.conf:5: key 'bogus': unknown key");
}

static char *
read_sample(void)
{
	const char *src = getenv("AWSMFA_SRCDIR");
	char path[PATH_MAX];
	char *buf;
	FILE *f;
	size_t n;

	if (src == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/conf/awsmfa.conf", src);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(buf = calloc(1, 65536));
	n = fread(buf, 1, 65535, f);
	assert_true(n > 0 && n < 65535);
	fclose(f);
	return buf;
}

/*
 * conf/awsmfa.conf documents every key with its default, commented out:
 * as shipped it parses to the defaults, and with the keys uncommented it
 * still does (the issuer line shows an example host name).
 */
static void
test_sample_file(void **state)
{
	struct awsmfa_config cfg;
	char *text, *p, needle[64];
	size_t i;

	(void)state;
	if ((text = read_sample()) == NULL)
		skip();
	parse_ok(text, &cfg);
	assert_defaults(&cfg);
	for (p = text; (p = strstr(p, "\n#")) != NULL; p++)
		if (p[2] >= 'a' && p[2] <= 'z')
			p[1] = ' ';
	for (i = 0; i < sizeof(all_keys) / sizeof(all_keys[0]); i++) {
		snprintf(needle, sizeof(needle), "\n %s = ", all_keys[i]);
		if (strstr(text, needle) == NULL)
			print_error("sample lacks %s\n", all_keys[i]);
		assert_non_null(strstr(text, needle));
	}
	parse_ok(text, &cfg);
	assert_string_equal(cfg.issuer, "host.example.com");
	snprintf(cfg.issuer, sizeof(cfg.issuer), "%s", default_issuer());
	assert_defaults(&cfg);
	config_free(&cfg);
	free(text);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_config.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Creates tmpdir/name with len bytes of text, mode and owner. */
static const char *
make_file_n(const char *name, const char *text, size_t len, mode_t mode,
    uid_t uid)
{
	static char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchown(fd, uid, 0), 0);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

static const char *
make_file(const char *name, const char *text, mode_t mode, uid_t uid)
{
	return make_file_n(name, text, strlen(text), mode, uid);
}

static void
load_err(const char *path, const char *reason)
{
	struct awsmfa_config cfg;
	char msg[PATH_MAX + 128];

	assert_int_equal(config_load(path, &cfg, err, sizeof(err)),
	    MFA_ERR_CONFIG);
	snprintf(msg, sizeof(msg), "%s%s", path, reason);
	assert_string_equal(err, msg);
	assert_defaults(&cfg);
	config_free(&cfg);
}

static void
need_root(void)
{
	if (geteuid() != 0)
		skip();
}

static void
test_load_good(void **state)
{
	struct awsmfa_config cfg;
	const char *p;
	char *text;

	(void)state;
	need_root();
	p = make_file("ok.conf", "digits = 8;\nrequire_groups = [\"adm\"];\n",
	    0644, 0);
	assert_int_equal(config_load(p, &cfg, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(cfg.digits, 8);
	assert_int_equal(config_requires_group(&cfg, "adm"), 1);
	config_free(&cfg);

	p = make_file("private.conf", "", 0400, 0);
	assert_int_equal(config_load(p, &cfg, err, sizeof(err)), 0);
	assert_defaults(&cfg);

	if ((text = read_sample()) != NULL) {
		p = make_file("sample.conf", text, 0644, 0);
		assert_int_equal(config_load(p, &cfg, err, sizeof(err)), 0);
		assert_defaults(&cfg);
		free(text);
	}
}

static void
test_load_bad_content(void **state)
{
	struct awsmfa_config cfg;
	const char *p;
	char *big;

	(void)state;
	need_root();
	p = make_file("range.conf", "# x\ndigits = 9;\n", 0600, 0);
	load_err(p, ":2: key 'digits': 9 is out of range 6..8");
	p = make_file("syntax.conf", "digits 6;\n", 0600, 0);
	load_err(p, ":1: syntax error");
	p = make_file_n("nul.conf", "digits = 6;\0bogus = 1;\n", 23, 0600,
	    0);
	load_err(p, ": contains a NUL byte");
	assert_non_null(big = malloc(65537));
	memset(big, ' ', 65537);
	p = make_file_n("big.conf", big, 65536, 0600, 0);
	assert_int_equal(config_load(p, &cfg, err, sizeof(err)), 0);
	assert_defaults(&cfg);
	p = make_file_n("huge.conf", big, 65537, 0600, 0);
	load_err(p, ": larger than 65536 bytes");
	free(big);
}

/* The buffer starts at the size fstat saw; a file that is longer by the
 * time it is read is still read whole, up to the same limit. */
static void
test_load_grown(void **state)
{
	struct awsmfa_config cfg;
	const char *p;
	char *big;

	(void)state;
	need_root();
	stale_size = 1;
	p = make_file("grown.conf", "# grown\ndigits = 7;\n", 0600, 0);
	assert_int_equal(config_load(p, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.digits, 7);
	config_free(&cfg);
	assert_non_null(big = malloc(65537));
	memset(big, ' ', 65537);
	p = make_file_n("grown-big.conf", big, 65536, 0600, 0);
	assert_int_equal(config_load(p, &cfg, err, sizeof(err)), 0);
	assert_defaults(&cfg);
	config_free(&cfg);
	p = make_file_n("grown-huge.conf", big, 65537, 0600, 0);
	load_err(p, ": larger than 65536 bytes");
	free(big);
}

/* Even when an assertion above ends the test early. */
static int
fresh_size(void **state)
{
	(void)state;
	stale_size = 0;
	return 0;
}

static void
test_load_missing(void **state)
{
	char path[PATH_MAX];

	(void)state;
	need_root();	/* tmpdir is the caller's: its folder is refused */
	snprintf(path, sizeof(path), "%s/absent.conf", tmpdir);
	load_err(path, ": No such file or directory");
}

static void
test_load_symlink(void **state)
{
	char link[PATH_MAX];
	const char *p;

	(void)state;
	need_root();
	p = make_file("target.conf", "digits = 7;\n", 0600, 0);
	snprintf(link, sizeof(link), "%s/link.conf", tmpdir);
	assert_int_equal(symlink(p, link), 0);
	load_err(link, ": is a symbolic link");
}

static void
test_load_not_root(void **state)
{
	const char *p;

	(void)state;
	need_root();
	p = make_file("nobody.conf", "digits = 7;\n", 0600, NOBODY);
	load_err(p, ": not owned by root (uid 65534)");
}

static void
test_load_writable(void **state)
{
	const char *p;

	(void)state;
	need_root();
	p = make_file("g.conf", "digits = 7;\n", 0660, 0);
	load_err(p, ": writable by group or others (mode 0660)");
	p = make_file("o.conf", "digits = 7;\n", 0602, 0);
	load_err(p, ": writable by group or others (mode 0602)");
	p = make_file("s.conf", "digits = 7;\n", 01666, 0);
	load_err(p, ": writable by group or others (mode 1666)");
}

static void
test_load_not_regular(void **state)
{
	char path[PATH_MAX];

	(void)state;
	need_root();
	snprintf(path, sizeof(path), "%s/dir.conf", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	load_err(path, ": not a regular file");
	/* A FIFO must be refused at once, not block the login. */
	snprintf(path, sizeof(path), "%s/fifo.conf", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	load_err(path, ": not a regular file");
	load_err("/dev/null", ": not a regular file");
}

/* Creates tmpdir/name as a folder with mode and owner; its path. */
static const char *
make_dir(const char *name, mode_t mode, uid_t uid)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chown(path, uid, 0), 0);
	assert_int_equal(chmod(path, mode), 0);	/* after chown, whole */
	return path;
}

/* tmpdir/dir/FILE, a good config in a folder made with mode and uid:
 * refused with "FILE: folder DIR: reason", or accepted when reason is
 * NULL. */
static void
expect_folder(const char *dir, mode_t mode, uid_t uid, const char *reason)
{
	struct awsmfa_config cfg;
	char file[PATH_MAX], want[PATH_MAX + 128];
	const char *d, *p;

	d = make_dir(dir, mode, uid);
	snprintf(file, sizeof(file), "%s/awsmfa.conf", dir);
	p = make_file(file, "digits = 7;\n", 0644, 0);
	if (reason == NULL) {
		assert_int_equal(config_load(p, &cfg, err, sizeof(err)), 0);
		assert_string_equal(err, "");
		assert_int_equal(cfg.digits, 7);
		config_free(&cfg);
		return;
	}
	snprintf(want, sizeof(want), ": folder %s: %s", d, reason);
	load_err(p, want);
}

/*
 * Whoever can write to a folder above the file can rename another file
 * in its place, so each folder must be root's and closed to group and
 * others, unless sticky (/tmp, which holds tmpdir).
 */
static void
test_load_unsafe_folder(void **state)
{
	(void)state;
	need_root();
	expect_folder("g", 0775, 0, "mode 0775, writable by group or "
	    "others and not sticky");
	expect_folder("o", 0757, 0, "mode 0757, writable by group or "
	    "others and not sticky");
	expect_folder("nobody", 0755, NOBODY, "owned by uid 65534, must be "
	    "root");
	expect_folder("nobody-sticky", 01755, NOBODY, "owned by uid 65534, "
	    "must be root");
	expect_folder("sticky", 01777, 0, NULL);
	expect_folder("gsticky", 01770, 0, NULL);
	expect_folder("closed", 0755, 0, NULL);
}

/* Not only the folder holding the file: every one up to "/". */
static void
test_load_unsafe_ancestor(void **state)
{
	char want[PATH_MAX + 128];
	const char *d, *p;

	(void)state;
	need_root();
	d = make_dir("open", 0777, 0);
	snprintf(want, sizeof(want), ": folder %s: mode 0777, writable by "
	    "group or others and not sticky", d);
	make_dir("open/etc", 0755, 0);
	make_dir("open/etc/awsmfa", 0755, 0);
	p = make_file("open/etc/awsmfa/awsmfa.conf", "digits = 7;\n", 0644,
	    0);
	load_err(p, want);

	d = make_dir("theirs", 0755, NOBODY);
	snprintf(want, sizeof(want), ": folder %s: owned by uid 65534, "
	    "must be root", d);
	make_dir("theirs/awsmfa", 0755, 0);
	p = make_file("theirs/awsmfa/awsmfa.conf", "digits = 7;\n", 0644, 0);
	load_err(p, want);
}

/* A symlink anywhere in the path, even to a good folder, is refused. */
static void
test_load_symlinked_folder(void **state)
{
	char link[PATH_MAX], path[PATH_MAX + 32], want[PATH_MAX + 128];

	(void)state;
	need_root();
	snprintf(link, sizeof(link), "%s/link", tmpdir);
	assert_int_equal(symlink(make_dir("real", 0755, 0), link), 0);
	make_file("real/awsmfa.conf", "digits = 7;\n", 0644, 0);
	make_dir("real/sub", 0755, 0);
	make_file("real/sub/awsmfa.conf", "digits = 7;\n", 0644, 0);

	snprintf(path, sizeof(path), "%s/awsmfa.conf", link);
	snprintf(want, sizeof(want), ": folder %s: is a symlink", link);
	load_err(path, want);
	snprintf(path, sizeof(path), "%s/sub/awsmfa.conf", link);
	load_err(path, want);
}

/* A folder that is missing or a file, and paths the walk cannot take. */
static void
test_load_bad_folder(void **state)
{
	char path[PATH_MAX], want[PATH_MAX + 128];
	const char *p;

	(void)state;
	need_root();
	snprintf(path, sizeof(path), "%s/absent/awsmfa.conf", tmpdir);
	snprintf(want, sizeof(want), ": folder %s/absent: No such file or "
	    "directory", tmpdir);
	load_err(path, want);

	p = make_file("plain", "", 0644, 0);
	snprintf(path, sizeof(path), "%s/awsmfa.conf", p);
	snprintf(want, sizeof(want), ": folder %s: not a directory", p);
	load_err(path, want);

	make_dir("dots", 0755, 0);
	make_file("dots/awsmfa.conf", "", 0644, 0);
	snprintf(path, sizeof(path), "%s/dots/../dots/awsmfa.conf", tmpdir);
	snprintf(want, sizeof(want), ": folder %s/dots/../dots: bad path "
	    "component (\".\", \"..\" or too long)", tmpdir);
	load_err(path, want);

	snprintf(path, sizeof(path), "%s/dots/", tmpdir);
	load_err(path, ": not a regular file");
}

/* mfa-enroll --conf takes a path relative to the working directory: its
 * folders are those of the working directory, checked the same way. */
static void
test_load_relative(void **state)
{
	struct awsmfa_config cfg;
	char cwd[PATH_MAX], want[PATH_MAX + 128];
	const char *d;

	(void)state;
	need_root();
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	make_dir("rel", 0755, 0);
	make_file("rel/awsmfa.conf", "digits = 7;\n", 0644, 0);
	d = make_dir("rel/wide", 0775, 0);
	make_file("rel/wide/awsmfa.conf", "digits = 7;\n", 0644, 0);
	assert_int_equal(chdir(tmpdir), 0);
	assert_int_equal(config_load("rel/awsmfa.conf", &cfg, err,
	    sizeof(err)), 0);
	assert_int_equal(cfg.digits, 7);
	config_free(&cfg);
	snprintf(want, sizeof(want), ": folder %s: mode 0775, writable by "
	    "group or others and not sticky", d);
	load_err("rel/wide/awsmfa.conf", want);
	assert_int_equal(chdir(cwd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_text),
		cmocka_unit_test(test_fleet_keys),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_other_forms),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_wrapped_literals),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_include_refused),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_failure_resets),
		cmocka_unit_test(test_sample_file),
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_load_bad_content),
		cmocka_unit_test_teardown(test_load_grown, fresh_size),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_symlink),
		cmocka_unit_test(test_load_not_root),
		cmocka_unit_test(test_load_writable),
		cmocka_unit_test(test_load_not_regular),
		cmocka_unit_test(test_load_unsafe_folder),
		cmocka_unit_test(test_load_unsafe_ancestor),
		cmocka_unit_test(test_load_symlinked_folder),
		cmocka_unit_test(test_load_bad_folder),
		cmocka_unit_test(test_load_relative),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
