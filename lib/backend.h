/* SPDX-License-Identifier: BSD-2-Clause */
/* The store as a login sees it, at the level of the module's operations,
 * whichever engine keeps it: the file store (the default, and the
 * break-glass path) or PostgreSQL, where the secrets never leave the
 * database.  Nothing above this header knows which one runs.  Each engine
 * keeps its one place of decision: lib/verify.c for files, the function
 * awsmfa.login (sql/login.sql) in the database. */
#ifndef AWSMFA_BACKEND_H
#define AWSMFA_BACKEND_H

#include "mfaerr.h"

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db_call.h"
#include "device.h"
#include "store.h"
#include "verify.h"

/* The schema of sql/ this build speaks (awsmfa.meta schema_version). */
#define AWSMFA_SCHEMA_VERSION	"1"

/* backend_login flags */
#define BACKEND_TRY	0x1	/* try_first_pass: a miss counts nothing */

/* backend_open flags */
#define BACKEND_ADMIN	0x1	/* mfa-enroll: db_admin_conninfo, and each
				 * call gets db_timeout of its own */
#define BACKEND_CREATE	0x2	/* the file store is made when missing */

/* One line of `mfa-enroll list`: a device, or a token nobody holds. */
struct backend_row {
	const char	*user;		/* NULL: a token nobody holds */
	const char	*device;
	int		 hardware;
	const char	*serial;	/* NULL: none */
	const char	*status;	/* active, pending, unassigned */
	int64_t		 created, enabled, last_used;	/* 0: never */
	uint64_t	 ahead;		/* see verify_periods_ahead */
};
typedef void backend_row_fn(void *arg, const struct backend_row *row);
/* One problem `mfa-enroll check` reports, a line with its path.  A line
 * that begins with BACKEND_WARNING is advice on the deployment, not a
 * problem of the store: check shows it and still exits 0. */
typedef void backend_problem_fn(void *arg, const char *msg);
#define BACKEND_WARNING	"warning: "

struct backend_ops;

struct backend {
	const struct backend_ops	*ops;
	const struct awsmfa_config	*cfg;
	struct store			 st;	/* file */
	struct db_conn			 db;	/* postgresql */
	int64_t				 budget_ms; /* of db_timeout, left */
	int				 flags;
	int				 fell_back; /* break-glass: files */
	int				 answered; /* the database spoke */
};

/* Opens the store cfg names: MFA_OK, or a code with err.  For PostgreSQL
 * the budget of db_timeout seconds starts now and covers every call until
 * backend_close. */
int	backend_open(struct backend *b, const struct awsmfa_config *cfg,
	    int flags, char *err, size_t errlen);
/* 1 when this login was answered by the local file store because the
 * database could not be reached (db_break_glass): log it loudly. */
int	backend_fell_back(const struct backend *b);
/* Where the store is, for messages: a folder, or "the database". */
const char *backend_where(const struct backend *b);
void	backend_close(struct backend *b);

/* 0 when user certainly has no record; 1 when they have one, or when the
 * store cannot tell (the login then judges, and fails closed). */
int	backend_may_have_record(struct backend *b, const char *user);

/* As verify_peek: VERIFY_OK with the code lengths of the active devices
 * in *digits_mask, VERIFY_NODEVICE, or VERIFY_ERROR (err says why). */
enum verify_result backend_peek(struct backend *b, const char *user,
	    unsigned *digits_mask, char *err, size_t errlen);


/* One login attempt, as verify_login (verify_login_try with BACKEND_TRY).
 * now is the file store's clock; the database uses its own. */
enum verify_result backend_login(struct backend *b, const char *user,
	    const char *input, size_t inputlen, int flags, int64_t now,
	    struct verify_outcome *out, char *err, size_t errlen);

/*
 * mfa-enroll's operations, with lib/device.c's contract: MFA_OK, or a
 * negative MFA_ERR_* code with one line in err and nothing changed.
 */
/* A new pending virtual device; *out gets its secret for the QR code,
 * and the caller wipes it.  The only call that ever returns a secret. */
int	backend_create(struct backend *b, const char *user, const char *name,
	    int64_t now, struct mfa_device *out, char *err, size_t errlen);
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

/* Inside lib/backend*.c. */
struct backend_ops {
	int	(*open)(struct backend *, char *, size_t);
	const char *(*where)(const struct backend *);
	void	(*close)(struct backend *);
	int	(*may_have_record)(struct backend *, const char *);
	enum verify_result (*peek)(struct backend *, const char *,
		    unsigned *, char *, size_t);
	enum verify_result (*login)(struct backend *, const char *,
		    const char *, size_t, int, int64_t,
		    struct verify_outcome *, char *, size_t);
	int	(*create)(struct backend *, const char *, const char *,
		    int64_t, struct mfa_device *, char *, size_t);
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
	/* NULL where the store has no login hosts (files). */
	int	(*hosts)(struct backend *, backend_host_fn *, void *, char *,
		    size_t);
	int	(*release_host)(struct backend *, const char *, int64_t *,
		    char *, size_t);
	int	(*unlock_host)(struct backend *, const char *, uint64_t *,
		    char *, size_t);
};

extern const struct backend_ops backend_file_ops;
extern const struct backend_ops backend_pg_ops;

#endif
