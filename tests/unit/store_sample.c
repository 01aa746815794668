/* SPDX-License-Identifier: BSD-2-Clause */
/* Sample records for the record and store tests. */
#include <stdio.h>
#include <string.h>

#include "store_sample.h"

static void
fill_secret(unsigned char *s, size_t n, unsigned seed)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		s[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

void
sample_device(struct mfa_device *d, unsigned i, unsigned seed)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "d%u", i);
	d->type = DEVICE_VIRTUAL;
	d->alg = (enum otp_alg)(i % 3);
	d->digits = 6 + i % 3;
	d->period = 1 + i * 9;
	d->secret_len = 20 + i;
	fill_secret(d->secret, d->secret_len, seed + i);
	d->status = i % 2 ? DEVICE_ACTIVE : DEVICE_PENDING;
	d->created = 1700000000 + i;
	d->enabled = i % 2 ? 1700000100 + i : 0;
	d->last_used = i % 2 ? 1700000200 + i : 0;
	d->last_step = i % 2 ? 56666000 + i : RECORD_NO_STEP;
	d->drift = (int64_t)i - 16;
}

void
sample_record(struct mfa_record *rec, const char *user)
{
	struct mfa_device	*d;

	record_init(rec, user);
	rec->failures = 3;
	rec->locked_until = 1700000999;

	d = &rec->dev[0];
	snprintf(d->name, sizeof(d->name), "phone");
	d->type = DEVICE_VIRTUAL;
	d->alg = OTP_SHA1;
	d->digits = 6;
	d->period = 30;
	d->secret_len = 20;
	fill_secret(d->secret, d->secret_len, 1);
	d->status = DEVICE_PENDING;
	d->created = 1700000000;
	d->last_step = RECORD_NO_STEP;

	d = &rec->dev[1];
	snprintf(d->name, sizeof(d->name), "yubi.key-2@site+a:b_c");
	d->type = DEVICE_HARDWARE;
	snprintf(d->serial, sizeof(d->serial), "GALT1234567");
	d->alg = OTP_SHA256;
	d->digits = 8;
	d->period = 60;
	d->secret_len = 32;
	fill_secret(d->secret, d->secret_len, 2);
	d->status = DEVICE_ACTIVE;
	d->created = 1;
	d->enabled = 2;
	d->last_used = 3;
	d->last_step = 0;
	d->drift = -7;

	d = &rec->dev[2];
	memset(d->name, 'n', RECORD_NAME_MAX);
	d->type = DEVICE_VIRTUAL;
	d->alg = OTP_SHA512;
	d->digits = 7;
	d->period = 300;
	d->secret_len = OTP_SECRET_MAX;
	fill_secret(d->secret, d->secret_len, 3);
	d->status = DEVICE_ACTIVE;
	d->created = INT64_MAX;
	d->enabled = INT64_MAX;
	d->last_used = INT64_MAX;
	d->last_step = RECORD_NO_STEP - 1;
	d->drift = -1000000000;
	rec->ndevices = 3;

	snprintf(rec->recovery[0], sizeof(rec->recovery[0]),
	    "$pbkdf2-sha256$100000$c2FsdA$aGFzaA");
	snprintf(rec->recovery[1], sizeof(rec->recovery[1]), "x");
	memset(rec->recovery[2], '~', RECORD_HASH_MAX);
	rec->nrecovery = 3;
}

void
sample_inventory(struct inventory *inv)
{
	struct hw_token	 t;
	unsigned	 i;

	inventory_init(inv);
	for (i = 0; i < 5; i++) {
		memset(&t, 0, sizeof(t));
		snprintf(t.serial, sizeof(t.serial), "TOK%04u", i);
		t.alg = (enum otp_alg)(i % 3);
		t.digits = 6 + i % 3;
		t.period = i == 4 ? 300 : 30;
		t.secret_len = i == 3 ? OTP_SECRET_MAX : 20;
		fill_secret(t.secret, t.secret_len, 40 + i);
		if (i % 2)
			snprintf(t.user, sizeof(t.user), "user%u", i);
		(void)inventory_add(inv, &t);
	}
}

static int
devices_equal(const struct mfa_device *a, const struct mfa_device *b)
{
	return strcmp(a->name, b->name) == 0 && a->type == b->type &&
	    strcmp(a->serial, b->serial) == 0 && a->alg == b->alg &&
	    a->digits == b->digits && a->period == b->period &&
	    a->secret_len == b->secret_len &&
	    memcmp(a->secret, b->secret, a->secret_len) == 0 &&
	    a->status == b->status && a->created == b->created &&
	    a->enabled == b->enabled && a->last_used == b->last_used &&
	    a->last_step == b->last_step && a->drift == b->drift;
}

int
records_equal(const struct mfa_record *a, const struct mfa_record *b)
{
	unsigned	 i;

	if (strcmp(a->user, b->user) != 0 || a->failures != b->failures ||
	    a->locked_until != b->locked_until ||
	    a->ndevices != b->ndevices || a->nrecovery != b->nrecovery)
		return 0;
	for (i = 0; i < a->ndevices; i++) {
		if (!devices_equal(&a->dev[i], &b->dev[i]))
			return 0;
	}
	for (i = 0; i < a->nrecovery; i++) {
		if (strcmp(a->recovery[i], b->recovery[i]) != 0)
			return 0;
	}
	return 1;
}

int
inventories_equal(const struct inventory *a, const struct inventory *b)
{
	const struct hw_token	*s, *t;
	size_t			 i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		s = &a->tok[i];
		t = &b->tok[i];
		if (strcmp(s->serial, t->serial) != 0 || s->alg != t->alg ||
		    s->digits != t->digits || s->period != t->period ||
		    s->secret_len != t->secret_len ||
		    memcmp(s->secret, t->secret, s->secret_len) != 0 ||
		    strcmp(s->user, t->user) != 0)
			return 0;
	}
	return 1;
}
