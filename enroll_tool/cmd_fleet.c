/* SPDX-License-Identifier: BSD-2-Clause */
/* db-init and migrate: the verbs that set up the fleet store (PostgreSQL)
 * and move a file store into it.  The plugin store-pgsql.so does the
 * work (lib/db_schema.c and lib/db_migrate.c, through store_plugin.h),
 * so mfa-enroll links no libpq; this file reads arguments and prints. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enroll.h"
#include "store_plugin.h"

#define ERRLEN	1024

/* --conninfo, else db_admin_conninfo from the config. */
static const char *
admin_conninfo(struct ctx *c, const char *given)
{
	char	err[MFA_ERRLEN];

	if (given != NULL)
		return given;
	if (config_load(c->conf, &c->cfg, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		exit(EXIT_FAIL);
	}
	c->have_cfg = 1;
	if (c->cfg.db_admin_conninfo[0] == '\0') {
		warnx_("%s: db_admin_conninfo is not set (or give --conninfo)",
		    c->conf);
		exit(EXIT_FAIL);
	}
	return c->cfg.db_admin_conninfo;
}

/* The plugin's fleet operations, or exit naming the package. */
static const struct store_fleet_ops *
fleet_or_exit(void)
{
	const struct store_plugin	*p;
	void				*dl;
	char				 err[MFA_ERRLEN];

	/* Kept loaded until exit: the verb runs once. */
	if (store_plugin_load(&dl, &p, err, sizeof(err)) != MFA_OK) {
		warnx_("%s", err);
		exit(EXIT_FAIL);
	}
	return p->fleet;
}

static struct db_conn *
connect_or_exit(const struct store_fleet_ops *f, const char *conninfo)
{
	struct db_conn	*db;
	char		 err[ERRLEN];

	if (f->connect(&db, conninfo, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		exit(EXIT_FAIL);
	}
	return db;
}

static void
db_init_todo(const struct db_schema_info *info, const char *key_file)
{
	printf("Still to do by the database's administrator:\n"
	    "  - a login role for each login host, in awsmfa_host, with a "
	    "limit of\n"
	    "    its own (db-init gives 20 to those without one):\n"
	    "      CREATE ROLE host_web1 LOGIN IN ROLE awsmfa_host "
	    "CONNECTION LIMIT 20;\n"
	    "  - awsmfa_admin for each role that runs mfa-enroll:\n"
	    "      GRANT awsmfa_admin TO alice;\n"
	    "  - pg_hba.conf: those roles reach database \"%s\" only, over "
	    "TLS with\n"
	    "    a client certificate each (hostssl %s +awsmfa_host "
	    "ADDRESS cert);\n"
	    "    then db_conninfo on each host and db_admin_conninfo for "
	    "mfa-enroll\n"
	    "    in awsmfa.conf (sslmode=verify-full, no password).\n"
	    "  - the key file %s stays on the database server,\n"
	    "    outside the data directory, owned by the server's user "
	    "(postgres),\n"
	    "    mode 0600, with a backup kept apart from the database's: "
	    "without it\n"
	    "    no secret can be read.\n"
	    "  - where the server logs statements: log_parameter_max_length = 0\n"
	    "    and log_parameter_max_length_on_error = 0 for every login role\n"
	    "    (ALTER ROLE host_web1 SET ...): parameters are codes and "
	    "secrets.\n", info->database, info->database, key_file);
}

int
cmd_db_init(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "conninfo", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	const struct store_fleet_ops	*f;
	struct db_schema_info		 info;
	struct db_conn			*db;
	const char			*key_file = NULL, *conninfo = NULL;
	char				 err[ERRLEN];
	int				 ch;

	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1)
		if (ch == 'k')
			key_file = optarg;
		else if (ch == 'c')
			conninfo = optarg;
	if (argc - optind != 0 || key_file == NULL)
		usage_error("db-init: expected --key-file PATH (see "
		    "'db-init --help')");
	f = fleet_or_exit();
	if (f->key_path_ok(key_file, err, sizeof(err)) != 0)
		usage_error("db-init: %s", err);
	db = connect_or_exit(f, admin_conninfo(c, conninfo));
	/* With --conninfo the config may be missing: the database keeps its
	 * policy then. */
	if (!c->have_cfg && config_load(c->conf, &c->cfg, err,
	    sizeof(err)) == 0)
		c->have_cfg = 1;
	if (f->db_init(db, key_file, c->have_cfg ? &c->cfg : NULL, &info,
	    err, sizeof(err)) != 0) {
		f->close(db);
		warnx_("db-init: %s; nothing changed", err);
		audit_change("db-init", NULL, NULL, 0, err);
		return EXIT_FAIL;
	}
	f->close(db);
	audit_change("db-init", NULL, NULL, 1, NULL);
	if (info.old_version == 0)
		printf("awsmfa schema version %d created in database \"%s\" "
		    "by %s.\n", info.version, info.database, info.role);
	else
		printf("awsmfa schema version %d in database \"%s\" (was "
		    "version %d), upgraded in place by %s.\n", info.version,
		    info.database, info.old_version, info.role);
	if (c->have_cfg)
		printf("Fleet policy from %s: window %u, resync_window %u, "
		    "hotp_look_ahead %u, lockout after %u failures for %u s, "
		    "max_devices %u, host_failures_per_minute %u, "
		    "self_service %s, self_enrol_without_invitation %s.\n",
		    c->conf, c->cfg.window, c->cfg.resync_window,
		    c->cfg.hotp_look_ahead, c->cfg.max_failures,
		    c->cfg.lockout_seconds, c->cfg.max_devices,
		    c->cfg.host_failures_per_minute,
		    c->cfg.self_service ? "true" : "false",
		    c->cfg.self_enrol_without_invitation ? "true" : "false");
	db_init_todo(&info, key_file);
	return 0;
}

static void
migrate_report(const struct migrate_counts *n, const char *dir)
{
	printf("Copied from %s: %zu user%s, %zu device%s (%zu active, %zu "
	    "pending), %zu recovery code%s, %zu hardware token%s (%zu "
	    "assigned).\n", dir, n->users, n->users == 1 ? "" : "s",
	    n->devices, n->devices == 1 ? "" : "s", n->active,
	    n->devices - n->active, n->recovery, n->recovery == 1 ? "" : "s",
	    n->tokens, n->tokens == 1 ? "" : "s", n->assigned);
	printf("The copy reads back the same: devices, statuses, last steps, "
	    "drift,\nlockout, recovery counts and tokens.  Switch the hosts "
	    "to\nstore = \"postgresql\" now: a login on the file store from "
	    "here on\nis not in the database.\n");
}

int
cmd_migrate(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "from-file-store", required_argument, NULL, 'f' },
		{ "conninfo", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	const struct store_fleet_ops	*f;
	struct migrate_counts		 n;
	struct db_conn			*db;
	struct store			 st;
	const char			*dir = NULL, *conninfo = NULL;
	char				 err[ERRLEN];
	int				 ch, rc;

	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1)
		if (ch == 'f')
			dir = optarg;
		else if (ch == 'c')
			conninfo = optarg;
	if (argc - optind != 0 || dir == NULL)
		usage_error("migrate: expected --from-file-store DIR (see "
		    "'migrate --help')");
	if (geteuid() != 0) {
		warnx_("must be run as root");
		return EXIT_FAIL;
	}
	conninfo = admin_conninfo(c, conninfo);
	f = fleet_or_exit();
	if (store_open(&st, dir, err, sizeof(err)) != MFA_OK) {
		warnx_("%s", err);
		return EXIT_FAIL;
	}
	db = connect_or_exit(f, conninfo);
	rc = f->migrate(db, &st, &n, err, sizeof(err));
	f->close(db);
	store_close(&st);
	audit_change("migrate", NULL, NULL, rc == 0, rc == 0 ? NULL : err);
	if (rc != 0) {
		warnx_("migrate: %s; nothing was copied", err);
		return EXIT_FAIL;
	}
	migrate_report(&n, dir);
	return 0;
}
