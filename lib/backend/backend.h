/* SPDX-License-Identifier: BSD-2-Clause */
/* The store as a login sees it, at the level of the module's operations,
 * whichever engine keeps it: the file store (the default, and the
 * break-glass path) or PostgreSQL, where the secrets never leave the
 * database.  Nothing above this header knows which one runs.  Each engine
 * keeps its one place of decision: lib/verify.c for files, the function
 * awsmfa.login (sql/login.sql) in the database.
 *
 * This header is what a login needs; mfa-enroll's operations are in
 * backend_admin.h, so the PAM module carries none of them.  The
 * PostgreSQL engine is a plugin (store_plugin.h) loaded only when the
 * config names it. */
#ifndef AWSMFA_BACKEND_H
#define AWSMFA_BACKEND_H

#include "mfaerr.h"

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db_conn.h"
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
#define BACKEND_SELF	0x4	/* awsmfa-self, with BACKEND_ADMIN: on
				 * PostgreSQL db_self_conninfo */

struct backend_ops;
struct store_plugin;

struct backend {
	const struct backend_ops	*ops;
	const struct awsmfa_config	*cfg;
	struct store			 st;	/* file */
	struct db_conn			 db;	/* postgresql */
	int64_t				 budget_ms; /* of db_timeout, left */
	int				 flags;
	int				 fell_back; /* break-glass: files */
	int				 answered; /* the database spoke */
	void				*dl;	/* the plugin's handle, or NULL */
	const struct store_plugin	*plugin; /* its table, or NULL */
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

/* Before the module waits on the user (a prompt): the store lets go of
 * what it holds between calls, the database connection, so that a login
 * left at its prompt takes no slot of the server or the pooler.  The
 * next call connects again; what this login learnt (the database
 * answered, break-glass) and the budget stay. */
void	backend_release(struct backend *b);

/* 0 when user certainly has no record; 1 when they have one; -1 when
 * the store cannot tell (a database error): a caller that needs the
 * answer fails closed, one that does not takes it as 1 (the login then
 * judges, and fails closed). */
int	backend_may_have_record(struct backend *b, const char *user);
/* 1 when backend_may_have_record asks a server (a round trip a login
 * pays), 0 when it looks at a local file (cheaper than NSS). */
int	backend_lookup_is_remote(const struct backend *b);

/* As verify_peek: VERIFY_OK with the code lengths of the active devices
 * (and ANSWER_INVITATION for a live invitation) in *digits_mask,
 * VERIFY_NODEVICE, or VERIFY_ERROR (err says why).  now is the file
 * store's clock; the database uses its own. */
enum verify_result backend_peek(struct backend *b, const char *user,
	    int64_t now, unsigned *digits_mask, char *err, size_t errlen);


/* One login attempt, as verify_login (verify_login_try with BACKEND_TRY).
 * now is the file store's clock; the database uses its own. */
enum verify_result backend_login(struct backend *b, const char *user,
	    const char *input, size_t inputlen, int flags, int64_t now,
	    struct verify_outcome *out, char *err, size_t errlen);

/* Inside lib/backend*.c. */
struct backend_ops {
	int	(*open)(struct backend *, char *, size_t);
	const char *(*where)(const struct backend *);
	void	(*close)(struct backend *);
	void	(*release)(struct backend *);	/* NULL: nothing held */
	int	(*may_have_record)(struct backend *, const char *);
	enum verify_result (*peek)(struct backend *, const char *, int64_t,
		    unsigned *, char *, size_t);
	enum verify_result (*login)(struct backend *, const char *,
		    const char *, size_t, int, int64_t,
		    struct verify_outcome *, char *, size_t);
};

extern const struct backend_ops backend_file_ops;

#endif
