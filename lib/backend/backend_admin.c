/* SPDX-License-Identifier: BSD-2-Clause */
/* mfa-enroll's operations, handed to the engine backend_open chose: the
 * file store's lifecycle (backend_file_admin.c) or the plugin's. */
#include "backend_admin.h"
#include "mfaerr.h"
#include "store_plugin.h"

static const struct backend_admin_ops *
admin(const struct backend *b)
{
	return b->plugin != NULL ? b->plugin->admin : &backend_file_admin_ops;
}

int
backend_create(struct backend *b, const char *user, const char *name,
    enum otp_kind kind, int64_t now, struct mfa_device *out, char *err,
    size_t errlen)
{
	return admin(b)->create(b, user, name, kind, now, out, err, errlen);
}

int
backend_enable(struct backend *b, const char *user, const char *device,
    const char *code1, const char *code2, int64_t now, char *err,
    size_t errlen)
{
	return admin(b)->enable(b, user, device, code1, code2, now, err, errlen);
}

int
backend_resync(struct backend *b, const char *user, const char *device,
    const char *code1, const char *code2, int64_t now,
    struct device_resync_report *rep, char *err, size_t errlen)
{
	return admin(b)->resync(b, user, device, code1, code2, now, rep, err,
	    errlen);
}

int
backend_deactivate(struct backend *b, const char *user, const char *device,
    char *err, size_t errlen)
{
	return admin(b)->deactivate(b, user, device, err, errlen);
}

int
backend_recovery_codes(struct backend *b, const char *user, unsigned count,
    char (*codes)[RECOVERY_CODE_BUFLEN], char *err, size_t errlen)
{
	return admin(b)->recovery_codes(b, user, count, codes, err, errlen);
}

int
backend_import_tokens(struct backend *b, const char *csv, size_t len,
    size_t *count, device_bad_line_fn *fn, void *arg, char *err,
    size_t errlen)
{
	return admin(b)->import_tokens(b, csv, len, count, fn, arg, err, errlen);
}

int
backend_list(struct backend *b, const char *user, int64_t now,
    backend_row_fn *fn, void *arg, char *err, size_t errlen)
{
	return admin(b)->list(b, user, now, fn, arg, err, errlen);
}

unsigned
backend_check(struct backend *b, backend_problem_fn *fn, void *arg)
{
	return admin(b)->check(b, fn, arg);
}

int
backend_invite(struct backend *b, const char *user, int64_t ttl,
    int64_t now, char code[INVITE_CODE_BUFLEN], int64_t *expires, char *err,
    size_t errlen)
{
	if (admin(b)->invite == NULL)
		return mfa_fail(err, errlen, MFA_ERR_STATE, "this store has "
		    "no invitations");
	return admin(b)->invite(b, user, ttl, now, code, expires, err, errlen);
}

int
backend_revoke_invite(struct backend *b, const char *user, char *err,
    size_t errlen)
{
	if (admin(b)->revoke_invite == NULL)
		return mfa_fail(err, errlen, MFA_ERR_STATE, "this store has "
		    "no invitations");
	return admin(b)->revoke_invite(b, user, err, errlen);
}

int
backend_unlock(struct backend *b, const char *user,
    struct device_unlock_report *rep, char *err, size_t errlen)
{
	return admin(b)->unlock(b, user, rep, err, errlen);
}

/* Only the database knows which host asked: a file store has no login
 * hosts to budget. */
static int
no_hosts(char *err, size_t errlen)
{
	return mfa_fail(err, errlen, MFA_ERR_STATE, "login hosts have a "
	    "failure budget on the PostgreSQL store only (store = "
	    "\"postgresql\")");
}

int
backend_hosts(struct backend *b, backend_host_fn *fn, void *arg, char *err,
    size_t errlen)
{
	if (admin(b)->hosts == NULL)
		return no_hosts(err, errlen);
	return admin(b)->hosts(b, fn, arg, err, errlen);
}

int
backend_release_host(struct backend *b, const char *role, int64_t *since,
    char *err, size_t errlen)
{
	*since = 0;
	if (admin(b)->release_host == NULL)
		return no_hosts(err, errlen);
	return admin(b)->release_host(b, role, since, err, errlen);
}

int
backend_unlock_host(struct backend *b, const char *role, uint64_t *count,
    char *err, size_t errlen)
{
	*count = 0;
	if (admin(b)->unlock_host == NULL)
		return no_hosts(err, errlen);
	return admin(b)->unlock_host(b, role, count, err, errlen);
}
