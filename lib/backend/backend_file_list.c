/* SPDX-License-Identifier: BSD-2-Clause */
/* The file store read whole, for `mfa-enroll list` and `check`.  Records
 * are read without locks: every write is an atomic rename or a
 * checksummed slot, so each read sees a whole record.  A token is listed
 * under the user whose record holds it, and as unassigned when the
 * inventory names nobody or a user whose record does not confirm it
 * (store_token.c); only the other way round, a record holding a token
 * the inventory does not name for its user, is a problem. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_file.h"
#include "mfaerr.h"
#include "record.h"

static void
first_err(char *err, size_t errlen, int *failed, const char *msg)
{
	if (!*failed)
		seterr(err, errlen, "%s", msg);
	*failed = 1;
}

static void
record_rows(const struct mfa_record *rec, const struct backend *b,
    int64_t now, backend_row_fn *fn, void *arg)
{
	const struct mfa_device	*d;
	struct backend_row	 r;
	unsigned		 i;

	for (i = 0; i < rec->ndevices; i++) {
		d = &rec->dev[i];
		memset(&r, 0, sizeof(r));
		r.user = rec->user;
		r.device = d->name;
		r.hardware = d->type == DEVICE_HARDWARE;
		r.serial = r.hardware ? d->serial : NULL;
		r.status = d->status == DEVICE_ACTIVE ? "active" : "pending";
		r.created = d->created;
		r.enabled = d->enabled;
		r.last_used = d->last_used;
		r.kind = d->kind;
		r.period = d->period;
		r.counter = d->counter;
		r.ahead = d->status == DEVICE_ACTIVE && d->kind == OTP_TOTP ?
		    verify_periods_ahead(d, now, b->cfg->window) : 0;
		fn(arg, &r);
	}
	if (rec->invite[0] != '\0') {
		memset(&r, 0, sizeof(r));
		r.user = rec->user;
		r.status = rec->invite_expires > now ? "invited" : "expired";
		r.expires = rec->invite_expires;
		fn(arg, &r);
	}
}

static void
list_user(struct backend *b, const char *user, struct mfa_record *rec,
    int64_t now, backend_row_fn *fn, void *arg, char *err, size_t errlen,
    int *failed)
{
	char	msg[MFA_ERRLEN];
	int	r;

	r = store_load(&b->st, user, rec, msg, sizeof(msg));
	if (r == MFA_ERR_NOENT)
		return;
	if (r != MFA_OK) {
		first_err(err, errlen, failed, msg);
		return;
	}
	record_rows(rec, b, now, fn, arg);
	record_wipe(rec);
}

static void
list_unassigned(struct backend *b, backend_row_fn *fn, void *arg,
    char *err, size_t errlen, int *failed)
{
	struct inventory	inv;
	struct backend_row	r;
	char			msg[MFA_ERRLEN];
	size_t			i;
	int			held = 0, s;

	inventory_init(&inv);
	s = store_load_inventory(&b->st, &inv, msg, sizeof(msg));
	if (s != MFA_OK && s != MFA_ERR_NOENT)
		first_err(err, errlen, failed, msg);
	memset(&r, 0, sizeof(r));
	r.hardware = 1;
	r.status = "unassigned";
	for (i = 0; s == MFA_OK && i < inv.n; i++) {
		if (store_token_held(&b->st, &inv.tok[i], &held, msg,
		    sizeof(msg)) != MFA_OK) {
			/* Neither listed as free nor under anyone. */
			first_err(err, errlen, failed, msg);
			continue;
		}
		if (held)
			continue;
		r.device = inv.tok[i].serial;
		r.serial = inv.tok[i].serial;
		r.kind = inv.tok[i].kind;
		r.period = inv.tok[i].period;
		r.counter = inv.tok[i].counter;
		fn(arg, &r);
	}
	inventory_free(&inv);
}

int
backend_file_list(struct backend *b, const char *user, int64_t now,
    backend_row_fn *fn, void *arg, char *err, size_t errlen)
{
	struct mfa_record	*rec;
	char			 msg[MFA_ERRLEN], **users;
	size_t			 n, i;
	int			 failed = 0;

	if ((rec = calloc(1, sizeof(*rec))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	if (user != NULL)
		list_user(b, user, rec, now, fn, arg, err, errlen, &failed);
	else if (store_list_users(&b->st, &users, &n, msg, sizeof(msg)) !=
	    MFA_OK)
		first_err(err, errlen, &failed, msg);
	else {
		for (i = 0; i < n; i++)
			list_user(b, users[i], rec, now, fn, arg, err, errlen,
			    &failed);
		store_free_users(users, n);
		list_unassigned(b, fn, arg, err, errlen, &failed);
	}
	record_wipe(rec);
	free(rec);
	return failed ? -1 : 0;
}

static unsigned
check_tokens(struct backend *b, struct inventory *inv,
    const struct mfa_record *rec, backend_problem_fn *fn, void *arg)
{
	const struct hw_token	*t;
	char			 msg[8192];
	unsigned		 i, n = 0;

	for (i = 0; i < rec->ndevices; i++) {
		if (rec->dev[i].type != DEVICE_HARDWARE)
			continue;
		t = inventory_find(inv, rec->dev[i].serial);
		if (t != NULL && strcmp(t->user, rec->user) == 0)
			continue;
		snprintf(msg, sizeof(msg), "%s/%s: hardware token %s is not "
		    "assigned to %s in the inventory", b->st.dir, rec->user,
		    rec->dev[i].serial, rec->user);
		fn(arg, msg);
		n++;
	}
	return n;
}

unsigned
backend_file_check(struct backend *b, backend_problem_fn *fn, void *arg)
{
	struct inventory	 inv;
	struct mfa_record	*rec;
	char			 msg[MFA_ERRLEN], **users;
	size_t			 n = 0, i;
	unsigned		 problems = 0;
	int			 r;

	inventory_init(&inv);
	r = store_load_inventory(&b->st, &inv, msg, sizeof(msg));
	if (r != MFA_OK && r != MFA_ERR_NOENT) {
		fn(arg, msg);
		problems++;
	}
	if ((rec = calloc(1, sizeof(*rec))) == NULL) {
		fn(arg, "out of memory");
		inventory_free(&inv);
		return problems + 1;
	}
	if (store_list_users(&b->st, &users, &n, msg, sizeof(msg)) !=
	    MFA_OK) {
		fn(arg, msg);
		problems++;
		n = 0;
		users = NULL;
	}
	for (i = 0; i < n; i++) {
		if (store_load(&b->st, users[i], rec, msg, sizeof(msg)) !=
		    MFA_OK) {
			fn(arg, msg);
			problems++;
			continue;
		}
		problems += check_tokens(b, &inv, rec, fn, arg);
		record_wipe(rec);
	}
	if (users != NULL)
		store_free_users(users, n);
	free(rec);
	inventory_free(&inv);
	return problems;
}
