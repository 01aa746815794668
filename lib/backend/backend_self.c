/* SPDX-License-Identifier: BSD-2-Clause */
/* Self-service's calls on the store interface.  On the file store the
 * lockout of awsmfa-self's own code checks (device_self.c); on
 * PostgreSQL the plugin's, which the database judges (backend_self.h). */
#include "backend_self.h"
#include "store_plugin.h"

static int
file_only(const struct backend *b, char *err, size_t errlen)
{
	if (b->plugin == NULL)
		return MFA_OK;
	return mfa_fail(err, errlen, MFA_ERR_STATE, "the PostgreSQL store "
	    "judges self-service's proofs itself");
}

int
backend_self_locked(struct backend *b, const char *user, int64_t now,
    int64_t *until, char *err, size_t errlen)
{
	int	r;

	*until = 0;
	if ((r = file_only(b, err, errlen)) != MFA_OK)
		return r;
	return device_self_locked(&b->st, user, now, until, err, errlen);
}

int
backend_self_failure(struct backend *b, const char *user, int64_t now,
    char *err, size_t errlen)
{
	int	r;

	if ((r = file_only(b, err, errlen)) != MFA_OK)
		return r;
	return device_self_failure(&b->st, b->cfg, user, now, err, errlen);
}

int
backend_self_in_store(const struct backend *b)
{
	return b->plugin != NULL && b->plugin->self != NULL;
}

/* The plugin's table, or MFA_ERR_STATE: the file store has none. */
#define SELF_OPS(b, err, errlen) do {					\
	if (!backend_self_in_store(b))					\
		return mfa_fail(err, errlen, MFA_ERR_STATE, "this store "	\
		    "has no self-service calls");				\
} while (0)

int
backend_self_list(struct backend *b, const char *user, backend_row_fn *fn,
    void *arg, char *err, size_t errlen)
{
	SELF_OPS(b, err, errlen);
	return b->plugin->self->list(b, user, fn, arg, err, errlen);
}

int
backend_self_prove(struct backend *b, const char *user, const char *input,
    size_t len, struct backend_ticket *t, char *err, size_t errlen)
{
	SELF_OPS(b, err, errlen);
	return b->plugin->self->prove(b, user, input, len, t, err, errlen);
}

int
backend_self_create(struct backend *b, const char *user, const char *device,
    const struct backend_ticket *proof, struct mfa_device *out,
    struct backend_ticket *enrol, char *err, size_t errlen)
{
	SELF_OPS(b, err, errlen);
	return b->plugin->self->create(b, user, device, proof, out, enrol,
	    err, errlen);
}

int
backend_self_pair(struct backend *b, const char *user, const char *verb,
    const char *device, const struct backend_ticket *t, const char *code1,
    const char *code2, char *err, size_t errlen)
{
	SELF_OPS(b, err, errlen);
	return b->plugin->self->pair(b, user, verb, device, t, code1, code2,
	    err, errlen);
}

int
backend_self_abandon(struct backend *b, const char *user, const char *device,
    const struct backend_ticket *enrol, char *err, size_t errlen)
{
	SELF_OPS(b, err, errlen);
	return b->plugin->self->abandon(b, user, device, enrol, err, errlen);
}

int
backend_self_deactivate(struct backend *b, const char *user,
    const char *device, const struct backend_ticket *t, char *err,
    size_t errlen)
{
	SELF_OPS(b, err, errlen);
	return b->plugin->self->deactivate(b, user, device, t, err, errlen);
}

int
backend_self_recovery(struct backend *b, const char *user,
    const struct backend_ticket *t, unsigned count,
    char (*codes)[RECOVERY_CODE_BUFLEN], char *err, size_t errlen)
{
	SELF_OPS(b, err, errlen);
	return b->plugin->self->recovery(b, user, t, count, codes, err,
	    errlen);
}
