/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside lib/backend_pg*.c: one call into the database under the
 * backend's budget, and mfa-enroll's operations (backend_pg_admin.c,
 * backend_pg_hosts.c). */
#ifndef AWSMFA_BACKEND_PG_H
#define AWSMFA_BACKEND_PG_H

#include <stdint.h>

#include "backend_admin.h"
#include "backend_self.h"
#include "db_call.h"

/* Room for what is sent (backend_pg_input): an 8-digit code or a recovery code
 * in its normal form. */
#define PG_INPUT_MAX	64
/* Sent for an input no code or recovery code can be, so that it still
 * counts as an attempt: neither a digit nor a base32 letter. */
#define PG_NOT_A_CODE	"!"
/* The longest user name a record can have (sql/login.sql), and room for
 * one byte more in bytea's hex form. */
#define PG_USER_MAX	256
#define PG_USER_HEX	(2 + 2 * (PG_USER_MAX + 1) + 1)

/* The user name as bytea's hex text, as the database takes it (a name
 * that is not UTF-8 is still recorded as tried). */
void	backend_pg_user_bytes(const char *user, char out[PG_USER_HEX]);
/* What is sent for an answer typed at a prompt, cut as lib/verify.c
 * cuts it: a code, a recovery code, an invitation, or PG_NOT_A_CODE. */
void	backend_pg_input(const char *in, size_t len,
	    char out[PG_INPUT_MAX + 1]);
/* count new recovery codes into codes and the array literal of their
 * hashes into *arr (malloc'd); codes wiped on failure. */
int	backend_pg_recovery_array(unsigned count,
	    char (*codes)[RECOVERY_CODE_BUFLEN], char **arr, char *err,
	    size_t errlen);

int	backend_pg_call(struct backend *b, const char *sql, int n,
	    const char *const *params, PGresult **res, char *err,
	    size_t errlen);
int	backend_pg_row(struct backend *b, const char *sql, int n,
	    const char *const *params, int nfields, PGresult **res, char *err,
	    size_t errlen);
/* A number the database sent in text form; 0 for NULL (or anything that
 * is not one). */
int64_t	backend_pg_int(const PGresult *res, int row, int col);
uint64_t backend_pg_uint(const PGresult *res, int row, int col);

int	backend_pg_create(struct backend *, const char *, const char *,
	    enum otp_kind, int64_t, struct mfa_device *, char *, size_t);
int	backend_pg_enable(struct backend *, const char *, const char *,
	    const char *, const char *, int64_t, char *, size_t);
int	backend_pg_resync(struct backend *, const char *, const char *,
	    const char *, const char *, int64_t,
	    struct device_resync_report *, char *, size_t);
int	backend_pg_deactivate(struct backend *, const char *, const char *,
	    char *, size_t);
int	backend_pg_recovery_codes(struct backend *, const char *, unsigned,
	    char (*)[RECOVERY_CODE_BUFLEN], char *, size_t);
int	backend_pg_import_tokens(struct backend *, const char *, size_t,
	    size_t *, device_bad_line_fn *, void *, char *, size_t);
int	backend_pg_invite(struct backend *, const char *, int64_t, int64_t,
	    char *, int64_t *, char *, size_t);
int	backend_pg_revoke_invite(struct backend *, const char *, char *,
	    size_t);
int	backend_pg_list(struct backend *, const char *, int64_t,
	    backend_row_fn *, void *, char *, size_t);
unsigned backend_pg_check(struct backend *, backend_problem_fn *, void *);

/* backend_pg_hosts.c: lockouts and login hosts (sql/unlock.sql,
 * sql/hosts.sql). */
int	backend_pg_unlock(struct backend *, const char *,
	    struct device_unlock_report *, char *, size_t);
int	backend_pg_hosts(struct backend *, backend_host_fn *, void *, char *,
	    size_t);
int	backend_pg_release_host(struct backend *, const char *, int64_t *,
	    char *, size_t);
int	backend_pg_unlock_host(struct backend *, const char *, uint64_t *,
	    char *, size_t);

extern const struct backend_ops backend_pg_ops;
extern const struct backend_admin_ops backend_pg_admin_ops;
extern const struct backend_self_ops backend_pg_self_ops;

#endif
