/* SPDX-License-Identifier: BSD-2-Clause */
/* mfa-enroll's side of the store interface: the lifecycle, list, check
 * and token import, whichever engine keeps the store.  Kept apart from
 * backend.h so that the PAM module, which includes only that, links no
 * lifecycle code (tests/pam/module_symbols.sh checks it). */
#ifndef AWSMFA_BACKEND_ADMIN_H
#define AWSMFA_BACKEND_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "device.h"

/* One line of `mfa-enroll list`: a device, a token nobody holds, or a
 * user's invitation (status "invited", device NULL). */
struct backend_row {
	const char	*user;		/* NULL: a token nobody holds */
	const char	*device;
	int		 hardware;
	const char	*serial;	/* NULL: none */
	const char	*status;	/* active, pending, unassigned */
	int64_t		 created, enabled, last_used;	/* 0: never */
	uint64_t	 ahead;		/* see verify_periods_ahead */
	int64_t		 expires;	/* status "invited": its expiry */
	enum otp_kind	 kind;		/* TOTP with its period, or HOTP */
	unsigned	 period;	/* TOTP; 0 for HOTP */
	uint64_t	 counter;	/* HOTP: the next code's counter */
};
typedef void backend_row_fn(void *arg, const struct backend_row *row);
/* One problem `mfa-enroll check` reports, a line with its path.  A line
 * that begins with BACKEND_WARNING is advice on the deployment, not a
 * problem of the store: check shows it and still exits 0. */
typedef void backend_problem_fn(void *arg, const char *msg);
#define BACKEND_WARNING	"warning: "

/*
 * mfa-enroll's operations, with lib/device.c's contract: MFA_OK, or a
 * negative MFA_ERR_* code with one line in err and nothing changed.
 */
/* A new pending virtual device of that kind (TOTP or HOTP, counter 0);
 * *out gets its secret for the QR code, and the caller wipes it.  The
 * only call that ever returns a secret. */
int	backend_create(struct backend *b, const char *user, const char *name,
	    enum otp_kind kind, int64_t now, struct mfa_device *out,
	    char *err, size_t errlen);
int	backend_enable(struct backend *b, const char *user,
	    const char *device, const char *code1, const char *code2,
	    int64_t now, char *err, size_t errlen);
int	backend_resync(struct backend *b, const char *user,
	    const char *device, const char *code1, const char *code2,
	    int64_t now, struct device_resync_report *rep, char *err,
	    size_t errlen);
/* device NULL: every device of the user. */
int	backend_deactivate(struct backend *b, const char *user,
	    const char *device, char *err, size_t errlen);
int	backend_recovery_codes(struct backend *b, const char *user,
	    unsigned count, char (*codes)[RECOVERY_CODE_BUFLEN], char *err,
	    size_t errlen);
int	backend_import_tokens(struct backend *b, const char *csv, size_t len,
	    size_t *count, device_bad_line_fn *fn, void *arg, char *err,
	    size_t errlen);
/* A new invitation for user (no active device), valid for ttl seconds
 * (lib/invite.h), replacing any earlier one; the code, for one display,
 * and its expiry on the store's clock. */
int	backend_invite(struct backend *b, const char *user, int64_t ttl,
	    int64_t now, char code[INVITE_CODE_BUFLEN], int64_t *expires,
	    char *err, size_t errlen);
/* Removes user's invitation. */
int	backend_revoke_invite(struct backend *b, const char *user, char *err,
	    size_t errlen);
/* Calls fn for each device of user (NULL: every user, then the tokens
 * nobody holds).  A code when something could not be read: the rows
 * that could were still given. */
int	backend_list(struct backend *b, const char *user, int64_t now,
	    backend_row_fn *fn, void *arg, char *err, size_t errlen);
/* Calls fn once per problem or warning; returns how many problems
 * there were. */
unsigned backend_check(struct backend *b, backend_problem_fn *fn, void *arg);

/* Clears the user's failure count and lockout, on either store; rep says
 * what they were.  A user without a record: one line saying so, with
 * MFA_ERR_NOENT on files and MFA_ERR_DB on PostgreSQL (whose errors are
 * not mapped to codes yet). */
int	backend_unlock(struct backend *b, const char *user,
	    struct device_unlock_report *rep, char *err, size_t errlen);

/* Self-service's lockout (device_self.c), on the file store; on
 * PostgreSQL MFA_ERR_STATE with a line saying so (issue 20 part 4). */
int	backend_self_locked(struct backend *b, const char *user, int64_t now,
	    int64_t *until, char *err, size_t errlen);
int	backend_self_failure(struct backend *b, const char *user, int64_t now,
	    char *err, size_t errlen);

/*
 * The failure budget of login hosts (PostgreSQL only, sql/hosts.sql;
 * on the file store each is MFA_ERR_STATE with a line saying so).
 */
/* One login host's database role and how its budget stands. */
struct backend_host {
	const char	*role;
	uint64_t	 charged;	/* charged attempts of its budget minute */
	int64_t		 quarantined_since;	/* 0: not quarantined */
};
typedef void backend_host_fn(void *arg, const struct backend_host *host);
/* Calls fn for each login host role, by name. */
int	backend_hosts(struct backend *b, backend_host_fn *fn, void *arg,
	    char *err, size_t errlen);
/* Ends role's quarantine; *since: when it began.  MFA_ERR_DB with the
 * database's line for an unknown role or one not quarantined. */
int	backend_release_host(struct backend *b, const char *role,
	    int64_t *since, char *err, size_t errlen);
/* Unlocks the users whose current lockout role's misses helped cause;
 * *count: how many. */
int	backend_unlock_host(struct backend *b, const char *role,
	    uint64_t *count, char *err, size_t errlen);

/* Inside lib/backend*.c and the plugin. */
struct backend_admin_ops {
	int	(*create)(struct backend *, const char *, const char *,
		    enum otp_kind, int64_t, struct mfa_device *, char *,
		    size_t);
	int	(*enable)(struct backend *, const char *, const char *,
		    const char *, const char *, int64_t, char *, size_t);
	int	(*resync)(struct backend *, const char *, const char *,
		    const char *, const char *, int64_t,
		    struct device_resync_report *, char *, size_t);
	int	(*deactivate)(struct backend *, const char *, const char *,
		    char *, size_t);
	int	(*recovery_codes)(struct backend *, const char *, unsigned,
		    char (*)[RECOVERY_CODE_BUFLEN], char *, size_t);
	int	(*import_tokens)(struct backend *, const char *, size_t,
		    size_t *, device_bad_line_fn *, void *, char *, size_t);
	int	(*list)(struct backend *, const char *, int64_t,
		    backend_row_fn *, void *, char *, size_t);
	unsigned (*check)(struct backend *, backend_problem_fn *, void *);
	int	(*unlock)(struct backend *, const char *,
		    struct device_unlock_report *, char *, size_t);
	int	(*invite)(struct backend *, const char *, int64_t, int64_t,
		    char *, int64_t *, char *, size_t);
	int	(*revoke_invite)(struct backend *, const char *, char *,
		    size_t);
	/* NULL where the store has no login hosts (files). */
	int	(*hosts)(struct backend *, backend_host_fn *, void *, char *,
		    size_t);
	int	(*release_host)(struct backend *, const char *, int64_t *,
		    char *, size_t);
	int	(*unlock_host)(struct backend *, const char *, uint64_t *,
		    char *, size_t);
};

extern const struct backend_admin_ops backend_file_admin_ops;

#endif
