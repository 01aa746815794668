/* SPDX-License-Identifier: BSD-2-Clause */
/* db-init (see db_schema.h).  The whole schema goes in one transaction
 * under an advisory lock, so two db-inits at once, or one that fails
 * half-way, leave the database as it was.  Every statement of the schema
 * is idempotent (IF NOT EXISTS, CREATE OR REPLACE): running it again is
 * the upgrade. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_admin.h"
#include "db_schema.h"
#include "mfaerr.h"
#include "numparse.h"

#define KEY_MARKER	"@KEY_FUNCTION@\n"
/* Any number, the same for every db-init: pg_advisory_xact_lock's key. */
#define SCHEMA_LOCK	"7061776d6661"

int
db_schema_key_path_ok(const char *key_file, char *err, size_t errlen)
{
	const unsigned char	*p;

	if (key_file[0] != '/')
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "--key-file must "
		    "be an absolute path (the database server reads it)");
	for (p = (const unsigned char *)key_file; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '$')
			return mfa_fail(err, errlen, MFA_ERR_INVALID,
			    "--key-file must not hold control characters "
			    "or '$'");
	return MFA_OK;
}

/* awsmfa.key(), as sql/crypto.sql makes it from psql's key_file. */
#define KEY_FUNCTION \
	"CREATE OR REPLACE FUNCTION awsmfa.key() RETURNS bytea\n" \
	"LANGUAGE sql VOLATILE\n" \
	"AS $b$ SELECT pg_catalog.decode(pg_catalog.btrim(" \
	"pg_catalog.pg_read_file(%s), E' \\n'), 'hex') $b$;\n"

/* The schema with the key function in place of its marker, malloc'd,
 * in *out.  The path is quoted by libpq, and db_schema_key_path_ok keeps
 * '$' out of it, which could end the function's body. */
static int
schema_script(PGconn *pg, const char *key_file, char **out, char *err,
    size_t errlen)
{
	const char	*mark, *tail;
	char		*lit, *s;
	size_t		 head, n;
	int		 klen, r = MFA_OK;

	if ((mark = strstr(db_schema_sql, KEY_MARKER)) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_INTERNAL,
		    "the built-in schema has no key function");
	if ((lit = PQescapeLiteral(pg, key_file, strlen(key_file))) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_DB,
		    "database: cannot quote the key path");
	head = (size_t)(mark - db_schema_sql);
	tail = mark + strlen(KEY_MARKER);
	if ((klen = snprintf(NULL, 0, KEY_FUNCTION, lit)) < 0 ||
	    (s = malloc(n = head + (size_t)klen + strlen(tail) + 1)) == NULL)
		r = mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	else {
		memcpy(s, db_schema_sql, head);
		snprintf(s + head, n - head, KEY_FUNCTION, lit);
		memcpy(s + head + (size_t)klen, tail, strlen(tail) + 1);
		*out = s;
	}
	PQfreemem(lit);
	return r;
}

static int
check_superuser(struct db_conn *c, struct db_schema_info *info, char *err,
    size_t errlen)
{
	char	su[8];
	int	r;

	if ((r = db_admin_value(c, "SELECT current_user", 0, NULL, info->role,
	    sizeof(info->role), err, errlen)) != MFA_OK ||
	    (r = db_admin_value(c, "SELECT current_database()", 0, NULL,
	    info->database, sizeof(info->database), err, errlen)) != MFA_OK ||
	    (r = db_admin_value(c, "SELECT rolsuper FROM pg_roles "
	    "WHERE rolname = current_user", 0, NULL, su, sizeof(su), err,
	    errlen)) != MFA_OK)
		return r;
	if (strcmp(su, "t") != 0)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "role %s is not "
		    "a superuser: db-init creates roles and an extension and "
		    "lets the schema read the key file (connect as a "
		    "superuser, e.g. postgres)", info->role);
	return MFA_OK;
}

/* The schema version the database holds now, 0 for none. */
static int
current_version(struct db_conn *c, int *version, char *err, size_t errlen)
{
	char		v[32];
	uint64_t	n;
	int		r;

	if ((r = db_admin_value(c, "SELECT to_regclass('awsmfa.meta') IS NOT "
	    "NULL", 0, NULL, v, sizeof(v), err, errlen)) != MFA_OK)
		return r;
	if (strcmp(v, "t") != 0) {
		*version = 0;
		return MFA_OK;
	}
	if ((r = db_admin_value(c, "SELECT coalesce((SELECT v FROM awsmfa.meta "
	    "WHERE k = 'schema_version'), '0')", 0, NULL, v, sizeof(v), err,
	    errlen)) != MFA_OK)
		return r;
	if (num_parse_u64(v, 0, 1000000, &n) == -1)
		return mfa_fail(err, errlen, MFA_ERR_CORRUPT,
		    "awsmfa.meta holds schema version \"%s\"", v);
	*version = (int)n;
	return MFA_OK;
}

/* The key the new awsmfa.key() reads must be 32 bytes and must open
 * what is sealed already: another key would lose every secret. */
static int
check_key(struct db_conn *c, const char *key_file, char *err, size_t errlen)
{
	char	n[16];
	int	r;

	if ((r = db_admin_value(c, "SELECT octet_length(awsmfa.key())", 0,
	    NULL, n, sizeof(n), err, errlen)) != MFA_OK)
		return r;	/* the server's reason names the file */
	if (strcmp(n, "32") != 0)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "key file %s on "
		    "the database server must hold 32 random bytes in hex "
		    "(openssl rand -hex 32), readable by the server",
		    key_file);
	/* count(): the seeds are opened on the server, not sent here. */
	if ((r = db_admin_run(c, "SELECT count(awsmfa.unseal(s)) FROM ("
	    "(SELECT secret FROM awsmfa.devices LIMIT 1) UNION ALL "
	    "(SELECT secret FROM awsmfa.inventory LIMIT 1)) x(s)", 0, NULL,
	    err, errlen)) != MFA_OK) {
		if (c->pg == NULL)
			return r;	/* no answer: err says why */
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "key file %s "
		    "does not open the secrets already in the database "
		    "(another key?)", key_file);
	}
	return MFA_OK;
}
/* The fleet-wide policy, from the config of the admin who runs db-init:
 * every login server then gets the same window, HOTP look-ahead, lockout,
 * failure budget per login host and self-service rules (a login host's
 * own config cannot widen those). */
static int
set_policy(struct db_conn *c, const struct awsmfa_config *cfg, char *err,
    size_t errlen)
{
	char		 v[7][16];
	const char	*p[9] = { v[0], v[1], v[2], v[3], v[4], v[5], v[6],
			    cfg->self_service ? "t" : "f",
			    cfg->self_enrol_without_invitation ? "t" : "f" };

	snprintf(v[0], sizeof(v[0]), "%u", cfg->window);
	snprintf(v[1], sizeof(v[1]), "%u", cfg->resync_window);
	snprintf(v[2], sizeof(v[2]), "%u", cfg->max_failures);
	snprintf(v[3], sizeof(v[3]), "%u", cfg->lockout_seconds);
	snprintf(v[4], sizeof(v[4]), "%u", cfg->max_devices);
	snprintf(v[5], sizeof(v[5]), "%u", cfg->host_failures_per_minute);
	snprintf(v[6], sizeof(v[6]), "%u", cfg->hotp_look_ahead);
	return db_admin_run(c, "UPDATE awsmfa.settings SET win = $1, "
	    "resync_window = $2, max_failures = $3, lockout_seconds = $4, "
	    "max_devices = $5, host_failures_per_minute = $6, "
	    "hotp_look_ahead = $7, self_service = $8, "
	    "self_enrol_without_invitation = $9", 9, p, err, errlen);
}

static int
install(struct db_conn *c, const char *key_file,
    const struct awsmfa_config *policy, struct db_schema_info *info,
    char *err, size_t errlen)
{
	char	*script = NULL;
	int	 r;

	if ((r = db_admin_run(c, "BEGIN", 0, NULL, err, errlen)) != MFA_OK ||
	    (r = db_admin_run(c, "SELECT pg_advisory_xact_lock(x'"
	    SCHEMA_LOCK "'::bigint)", 0, NULL, err, errlen)) != MFA_OK ||
	    (r = current_version(c, &info->old_version, err, errlen)) !=
	    MFA_OK)
		return r;
	if (info->old_version > DB_SCHEMA_VERSION)
		return mfa_fail(err, errlen, MFA_ERR_STATE, "the database "
		    "holds awsmfa schema version %d, newer than this "
		    "mfa-enroll's %d", info->old_version, DB_SCHEMA_VERSION);
	if ((r = schema_script(c->pg, key_file, &script, err, errlen)) !=
	    MFA_OK)
		return r;
	c->deadline = db_deadline(DB_ADMIN_TIMEOUT);
	r = db_exec_script(c, script, err, errlen);
	free(script);
	if (r != MFA_OK ||
	    (r = check_key(c, key_file, err, errlen)) != MFA_OK ||
	    (r = current_version(c, &info->version, err, errlen)) != MFA_OK)
		return r;
	if (info->version != DB_SCHEMA_VERSION)
		return mfa_fail(err, errlen, MFA_ERR_INTERNAL, "the schema says "
		    "version %d, expected %d", info->version,
		    DB_SCHEMA_VERSION);
	if (policy != NULL &&
	    (r = set_policy(c, policy, err, errlen)) != MFA_OK)
		return r;
	return db_admin_commit(c, err, errlen);
}

int
db_schema_install(struct db_conn *c, const char *key_file,
    const struct awsmfa_config *policy, struct db_schema_info *info,
    char *err, size_t errlen)
{
	int	r;

	memset(info, 0, sizeof(*info));
	if ((r = db_schema_key_path_ok(key_file, err, errlen)) != MFA_OK ||
	    (r = check_superuser(c, info, err, errlen)) != MFA_OK)
		return r;
	if ((r = install(c, key_file, policy, info, err, errlen)) != MFA_OK)
		/* Closing the connection rolls back what was begun. */
		db_close(c);
	return r;
}
