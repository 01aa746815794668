/* SPDX-License-Identifier: BSD-2-Clause */
/* The file store behind lib/backend_admin.h: lib/device for the
 * lifecycle, backend_file_list.c for list and check. */
#include "backend_admin.h"
#include "backend_file.h"

static int
file_create(struct backend *b, const char *user, const char *name,
    enum otp_kind kind, int64_t now, struct mfa_device *out, char *err,
    size_t errlen)
{
	return device_create(&b->st, b->cfg, user, name, kind, now, out, err,
	    errlen);
}

static int
file_enable(struct backend *b, const char *user, const char *device,
    const char *code1, const char *code2, int64_t now, char *err,
    size_t errlen)
{
	return device_enable(&b->st, b->cfg, user, device, code1, code2, now,
	    err, errlen);
}

static int
file_resync(struct backend *b, const char *user, const char *device,
    const char *code1, const char *code2, int64_t now,
    struct device_resync_report *rep, char *err, size_t errlen)
{
	return device_resync(&b->st, b->cfg, user, device, code1, code2, now,
	    rep, err, errlen);
}

static int
file_deactivate(struct backend *b, const char *user, const char *device,
    char *err, size_t errlen)
{
	return device_deactivate(&b->st, user, device, err, errlen);
}

static int
file_recovery_codes(struct backend *b, const char *user, unsigned count,
    char (*codes)[RECOVERY_CODE_BUFLEN], char *err, size_t errlen)
{
	return device_recovery_codes(&b->st, user, count, codes, err, errlen);
}

static int
file_import_tokens(struct backend *b, const char *csv, size_t len,
    size_t *count, device_bad_line_fn *fn, void *arg, char *err,
    size_t errlen)
{
	return device_import_tokens_each(&b->st, csv, len, count, fn, arg,
	    err, errlen);
}

static int
file_unlock(struct backend *b, const char *user,
    struct device_unlock_report *rep, char *err, size_t errlen)
{
	return device_unlock(&b->st, user, rep, err, errlen);
}

static int
file_invite(struct backend *b, const char *user, int64_t ttl, int64_t now,
    char *code, int64_t *expires, char *err, size_t errlen)
{
	return device_invite(&b->st, user, ttl, now, code, expires, err,
	    errlen);
}

static int
file_revoke_invite(struct backend *b, const char *user, char *err,
    size_t errlen)
{
	return device_revoke_invite(&b->st, user, err, errlen);
}

const struct backend_admin_ops backend_file_admin_ops = {
	.create = file_create,
	.enable = file_enable,
	.resync = file_resync,
	.deactivate = file_deactivate,
	.recovery_codes = file_recovery_codes,
	.import_tokens = file_import_tokens,
	.list = backend_file_list,
	.check = backend_file_check,
	.unlock = file_unlock,
	.invite = file_invite,
	.revoke_invite = file_revoke_invite,
};
