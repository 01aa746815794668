/* SPDX-License-Identifier: BSD-2-Clause */
/* The file store behind lib/backend.h: lib/store for the files,
 * lib/verify for every decision and lib/device for the lifecycle. */
#include "backend.h"
#include "backend_file.h"
#include "verify_store.h"

static int
file_open(struct backend *b, char *err, size_t errlen)
{
	int	r;

	if (b->flags & BACKEND_CREATE)
		r = store_create(&b->st, b->cfg->store_dir, err, errlen);
	else
		r = store_open(&b->st, b->cfg->store_dir, err, errlen);
	return r == MFA_OK ? 0 : -1;
}

static const char *
file_where(const struct backend *b)
{
	return b->st.dir;
}

static void
file_close(struct backend *b)
{
	store_close(&b->st);
}

static int
file_may_have_record(struct backend *b, const char *user)
{
	int	r;

	r = store_record_exists(&b->st, user, NULL, 0);
	return r != MFA_ERR_NOENT && r != MFA_ERR_BADNAME;
}

static enum verify_result
file_peek(struct backend *b, const char *user, unsigned *digits_mask,
    char *err, size_t errlen)
{
	return verify_peek(&b->st, user, digits_mask, err, errlen);
}

static enum verify_result
file_login(struct backend *b, const char *user, const char *input,
    size_t inputlen, int flags, int64_t now, struct verify_outcome *out,
    char *err, size_t errlen)
{
	if (flags & BACKEND_TRY)
		return verify_login_try(&b->st, b->cfg, user, input,
		    inputlen, now, out, err, errlen);
	return verify_login(&b->st, b->cfg, user, input, inputlen, now, out,
	    err, errlen);
}

static int
file_create(struct backend *b, const char *user, const char *name,
    int64_t now, struct mfa_device *out, char *err, size_t errlen)
{
	return device_create(&b->st, b->cfg, user, name, now, out, err,
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

const struct backend_ops backend_file_ops = {
	.open = file_open,
	.where = file_where,
	.close = file_close,
	.may_have_record = file_may_have_record,
	.peek = file_peek,
	.login = file_login,
	.create = file_create,
	.enable = file_enable,
	.resync = file_resync,
	.deactivate = file_deactivate,
	.recovery_codes = file_recovery_codes,
	.import_tokens = file_import_tokens,
	.list = backend_file_list,
	.check = backend_file_check,
	.unlock = file_unlock,
};
