/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside lib/backend_pg*.c: one call into the database under the
 * backend's budget, and mfa-enroll's operations (backend_pg_admin.c,
 * backend_pg_hosts.c). */
#ifndef AWSMFA_BACKEND_PG_H
#define AWSMFA_BACKEND_PG_H

#include <stdint.h>

#include "backend_admin.h"
#include "db_call.h"

int	backend_pg_call(struct backend *b, const char *sql, int n,
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

#endif
