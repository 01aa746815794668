/* SPDX-License-Identifier: BSD-2-Clause */
/* /etc/awsmfa/awsmfa.conf: libconfig syntax, validated, with defaults. */
#ifndef AWSMFA_CONFIG_H
#define AWSMFA_CONFIG_H

#include "mfaerr.h"

#include <stddef.h>
#include "otp.h"

#define AWSMFA_DEFAULT_CONF	"/etc/awsmfa/awsmfa.conf"
#define AWSMFA_DEFAULT_STORE	"/var/lib/awsmfa"
#define CONFIG_MAX_GROUPS	32
#define CONFIG_HARD_MAX_DEVICES	32	/* max_devices may not exceed this */
#define CONFIG_CONNINFO_MAX	1024
#define CONFIG_MAX_BREAK_GLASS	8
#define CONFIG_USER_MAX		256

enum store_kind {
	STORE_KIND_FILE = 0,		/* the default, and the break-glass */
	STORE_KIND_POSTGRESQL
};

struct awsmfa_config {
	char		 store_dir[4096];	/* store_dir: absolute path */
	char		 issuer[128];		/* issuer: shown in apps */
	unsigned	 digits;		/* 6..8, default 6 */
	unsigned	 period;		/* 1..300 s, default 30 */
	enum otp_alg	 algorithm;		/* default SHA1 */
	unsigned	 window;		/* login window, steps, 0..10, default 1 */
	unsigned	 resync_window;		/* enable/resync, steps, 1..1000, default 60 */
	unsigned	 hotp_look_ahead;	/* HOTP login, counters, 1..100, default 10 */
	unsigned	 max_devices;		/* 1..32, default 8 */
	unsigned	 max_failures;		/* lockout after, 1..1000, default 5 */
	unsigned	 lockout_seconds;	/* 0..86400, default 300 */
	unsigned	 recovery_codes;	/* default count, 1..100, default 10 */
	size_t		 ngroups;
	char		*require_groups[CONFIG_MAX_GROUPS];
	enum store_kind	 store;			/* store: "file" (default) */
	char		 db_conninfo[CONFIG_CONNINFO_MAX];	/* module's */
	char		 db_admin_conninfo[CONFIG_CONNINFO_MAX]; /* mfa-enroll's */
	/* awsmfa-self's, a role of awsmfa_self (sql/self.sql) */
	char		 db_self_conninfo[CONFIG_CONNINFO_MAX];
	unsigned	 db_timeout;		/* s per login, 1..60, default 5 */
	/* a login host's charged attempts a minute before it is
	 * quarantined (sql/hosts.sql), 1..1000000, default 100 */
	unsigned	 host_failures_per_minute;
	/* db_break_glass: who may fall back to the file store when the
	 * database cannot be reached */
	size_t		 nbreak_glass;
	char		 db_break_glass[CONFIG_MAX_BREAK_GLASS][CONFIG_USER_MAX + 1];
	/* Where the store's keys were read (0: not set), for the messages
	 * of the store's own check of them (lib/backend.c): a conninfo is
	 * libpq's syntax, which only the PostgreSQL plugin reads. */
	char		 source[256];
	unsigned	 store_line, db_conninfo_line, db_admin_conninfo_line;
	unsigned	 db_self_conninfo_line;
	/* users manage their own devices through awsmfa-self (default 1) */
	int		 self_service;
	/* a user without any device enrols on the password alone (0) */
	int		 self_enrol_without_invitation;
};

void	config_defaults(struct awsmfa_config *cfg);

/* Loads and validates path.  The file must be a regular file owned by root
 * and not writable by group or others, opened without following a symlink,
 * in folders only root can change (safepath_walk; a relative path is
 * taken from the working directory).
 * MFA_OK; or MFA_ERR_CONFIG with a one-line message "FILE:LINE: reason"
 * (or "FILE: reason") in err.  On failure cfg holds defaults only. */
int	config_load(const char *path, struct awsmfa_config *cfg, char *err,
	    size_t errlen);

/* Parses text as if read from a file called name; no ownership checks.
 * Same contract as config_load.  Fuzz target and unit tests use this. */
int	config_parse_text(const char *text, const char *name,
	    struct awsmfa_config *cfg, char *err, size_t errlen);

/* 1 when user is named by db_break_glass. */
int	config_break_glass(const struct awsmfa_config *cfg, const char *user);

/* 1 when group is named by require_groups. */
int	config_requires_group(const struct awsmfa_config *cfg,
	    const char *group);

void	config_free(struct awsmfa_config *cfg);

#endif
