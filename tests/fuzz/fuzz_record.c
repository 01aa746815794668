/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record_parse on arbitrary bytes.  Whatever it accepts must be the
 * canonical text: formatting the parsed record gives back the very same
 * bytes, and parsing those gives the same record.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mfaerr.h"
#include "record.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_device(const struct mfa_device *a, const struct mfa_device *b)
{
	return strcmp(a->name, b->name) == 0 && a->type == b->type &&
	    strcmp(a->serial, b->serial) == 0 && a->alg == b->alg &&
	    a->kind == b->kind && a->counter == b->counter &&
	    a->digits == b->digits && a->period == b->period &&
	    a->secret_len == b->secret_len &&
	    memcmp(a->secret, b->secret, a->secret_len) == 0 &&
	    a->status == b->status && a->created == b->created &&
	    a->enabled == b->enabled && a->last_used == b->last_used &&
	    a->last_step == b->last_step && a->drift == b->drift;
}

static int
same_record(const struct mfa_record *a, const struct mfa_record *b)
{
	unsigned	 i;

	if (strcmp(a->user, b->user) != 0 || a->failures != b->failures ||
	    a->locked_until != b->locked_until ||
	    a->ndevices != b->ndevices || a->nrecovery != b->nrecovery ||
	    strcmp(a->invite, b->invite) != 0 ||
	    a->invite_expires != b->invite_expires)
		return 0;
	for (i = 0; i < a->ndevices; i++)
		if (!same_device(&a->dev[i], &b->dev[i]))
			return 0;
	for (i = 0; i < a->nrecovery; i++)
		if (strcmp(a->recovery[i], b->recovery[i]) != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mfa_record	 a, b;
	char				 err[256], *text;
	size_t				 len;

	if (record_parse((const char *)data, size, NULL, &a, err,
	    sizeof(err)) != MFA_OK) {
		if (a.ndevices != 0 || a.nrecovery != 0 || a.invite[0] != '\0' ||
		    err[0] == '\0')
			abort();
		return 0;
	}
	if (!record_username_ok(a.user))
		abort();
	/* The user line must also satisfy the expect_user check. */
	if (record_parse((const char *)data, size, a.user, &b, err,
	    sizeof(err)) != MFA_OK)
		abort();
	if (record_format(&a, &text, &len) != MFA_OK)
		abort();
	if (len != size || memcmp(text, data, size) != 0)
		abort();
	if (record_parse(text, len, a.user, &b, err, sizeof(err)) != MFA_OK ||
	    !same_record(&a, &b))
		abort();
	free(text);
	record_wipe(&a);
	record_wipe(&b);
	return 0;
}
