/* SPDX-License-Identifier: BSD-2-Clause */
/* Picks the engine awsmfa.conf names and hands each operation to it. */
#include <string.h>

#include "backend.h"
#include "mfaerr.h"

int
backend_open(struct backend *b, const struct awsmfa_config *cfg, int flags,
    char *err, size_t errlen)
{
	int	r;

	memset(b, 0, sizeof(*b));
	b->st.dirfd = -1;
	b->cfg = cfg;
	b->flags = flags;
	switch (cfg->store) {
	case STORE_KIND_FILE:
		b->ops = &backend_file_ops;
		break;
	case STORE_KIND_POSTGRESQL:
		b->ops = &backend_pg_ops;
		break;
	default:
		return mfa_fail(err, errlen, MFA_ERR_CONFIG, "unknown store");
	}
	if ((r = b->ops->open(b, err, errlen)) != MFA_OK)
		b->ops = NULL;
	return r;
}

void
backend_close(struct backend *b)
{
	if (b->ops != NULL)
		b->ops->close(b);
	b->ops = NULL;
}

int
backend_may_have_record(struct backend *b, const char *user)
{
	return b->ops->may_have_record(b, user);
}

enum verify_result
backend_peek(struct backend *b, const char *user, unsigned *digits_mask,
    char *err, size_t errlen)
{
	return b->ops->peek(b, user, digits_mask, err, errlen);
}

enum verify_result
backend_login(struct backend *b, const char *user, const char *input,
    size_t inputlen, int flags, int64_t now, struct verify_outcome *out,
    char *err, size_t errlen)
{
	return b->ops->login(b, user, input, inputlen, flags, now, out, err,
	    errlen);
}

const char *
backend_where(const struct backend *b)
{
	return b->ops->where(b);
}

int
backend_create(struct backend *b, const char *user, const char *name,
    int64_t now, struct mfa_device *out, char *err, size_t errlen)
{
	return b->ops->create(b, user, name, now, out, err, errlen);
}

int
backend_enable(struct backend *b, const char *user, const char *device,
    const char *code1, const char *code2, int64_t now, char *err,
    size_t errlen)
{
	return b->ops->enable(b, user, device, code1, code2, now, err, errlen);
}

int
backend_resync(struct backend *b, const char *user, const char *device,
    const char *code1, const char *code2, int64_t now,
    struct device_resync_report *rep, char *err, size_t errlen)
{
	return b->ops->resync(b, user, device, code1, code2, now, rep, err,
	    errlen);
}

int
backend_deactivate(struct backend *b, const char *user, const char *device,
    char *err, size_t errlen)
{
	return b->ops->deactivate(b, user, device, err, errlen);
}

int
backend_recovery_codes(struct backend *b, const char *user, unsigned count,
    char (*codes)[RECOVERY_CODE_BUFLEN], char *err, size_t errlen)
{
	return b->ops->recovery_codes(b, user, count, codes, err, errlen);
}

int
backend_import_tokens(struct backend *b, const char *csv, size_t len,
    size_t *count, device_bad_line_fn *fn, void *arg, char *err,
    size_t errlen)
{
	return b->ops->import_tokens(b, csv, len, count, fn, arg, err, errlen);
}

int
backend_list(struct backend *b, const char *user, int64_t now,
    backend_row_fn *fn, void *arg, char *err, size_t errlen)
{
	return b->ops->list(b, user, now, fn, arg, err, errlen);
}

unsigned
backend_check(struct backend *b, backend_problem_fn *fn, void *arg)
{
	return b->ops->check(b, fn, arg);
}

int
backend_unlock(struct backend *b, const char *user,
    struct device_unlock_report *rep, char *err, size_t errlen)
{
	return b->ops->unlock(b, user, rep, err, errlen);
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
	if (b->ops->hosts == NULL)
		return no_hosts(err, errlen);
	return b->ops->hosts(b, fn, arg, err, errlen);
}

int
backend_release_host(struct backend *b, const char *role, int64_t *since,
    char *err, size_t errlen)
{
	*since = 0;
	if (b->ops->release_host == NULL)
		return no_hosts(err, errlen);
	return b->ops->release_host(b, role, since, err, errlen);
}

int
backend_unlock_host(struct backend *b, const char *role, uint64_t *count,
    char *err, size_t errlen)
{
	*count = 0;
	if (b->ops->unlock_host == NULL)
		return no_hosts(err, errlen);
	return b->ops->unlock_host(b, role, count, err, errlen);
}

int
backend_fell_back(const struct backend *b)
{
	return b->fell_back;
}
