/* SPDX-License-Identifier: BSD-2-Clause */
/* The store as a login sees it, at the level of the module's operations,
 * whichever engine keeps it: the file store (the default, and the
 * break-glass path) or PostgreSQL, where the secrets never leave the
 * database.  Nothing above this header knows which one runs.  Each engine
 * keeps its one place of decision: lib/verify.c for files, the function
 * awsmfa.login (sql/login.sql) in the database. */
#ifndef AWSMFA_BACKEND_H
#define AWSMFA_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db_call.h"
#include "store.h"
#include "verify.h"

#define BACKEND_ERRLEN	512

/* backend_login flags */
#define BACKEND_TRY	0x1	/* try_first_pass: a miss counts nothing */

struct backend_ops;

struct backend {
	const struct backend_ops	*ops;
	const struct awsmfa_config	*cfg;
	struct store			 st;	/* file */
	struct db_conn			 db;	/* postgresql */
	int64_t				 budget_ms; /* of db_timeout, left */
};

/* Opens the store cfg names.  For PostgreSQL the budget of db_timeout
 * seconds starts now and covers every call until backend_close. */
int	backend_open(struct backend *b, const struct awsmfa_config *cfg,
	    char *err, size_t errlen);
void	backend_close(struct backend *b);

/* 0 when user certainly has no record; 1 when they have one, or when the
 * store cannot tell (the login then judges, and fails closed). */
int	backend_may_have_record(struct backend *b, const char *user);

/* As verify_peek: VERIFY_OK with the code lengths of the active devices
 * in *digits_mask, VERIFY_NODEVICE, or VERIFY_ERROR (err says why). */
enum verify_result backend_peek(struct backend *b, const char *user,
	    unsigned *digits_mask, char *err, size_t errlen);

/* As verify_split_len: where split_pass cuts, when the user's devices
 * have codes of several lengths; 0 for "the shortest". */
unsigned backend_split_len(struct backend *b, const char *user,
	    const char *input, size_t inputlen, int64_t now);

/* One login attempt, as verify_login (verify_login_try with BACKEND_TRY).
 * now is the file store's clock; the database uses its own. */
enum verify_result backend_login(struct backend *b, const char *user,
	    const char *input, size_t inputlen, int flags, int64_t now,
	    struct verify_outcome *out, char *err, size_t errlen);

/* Inside lib/backend*.c. */
struct backend_ops {
	int	(*open)(struct backend *, char *, size_t);
	void	(*close)(struct backend *);
	int	(*may_have_record)(struct backend *, const char *);
	enum verify_result (*peek)(struct backend *, const char *,
		    unsigned *, char *, size_t);
	unsigned (*split_len)(struct backend *, const char *, const char *,
		    size_t, int64_t);
	enum verify_result (*login)(struct backend *, const char *,
		    const char *, size_t, int, int64_t,
		    struct verify_outcome *, char *, size_t);
};

extern const struct backend_ops backend_file_ops;
extern const struct backend_ops backend_pg_ops;

#endif
