/* SPDX-License-Identifier: BSD-2-Clause */
/* The hardware token CSV parser on arbitrary bytes, against an inventory
 * that already holds one token so both kinds of duplicate are reached. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "device.h"
#include "mfaerr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inventory inv;
	struct hw_token t;
	char err[MFA_ERRLEN];
	size_t before;

	inventory_init(&inv);
	memset(&t, 0, sizeof(t));
	strcpy(t.serial, "EXISTING-1");
	t.digits = 6;
	t.period = 30;
	t.secret_len = 20;
	if (inventory_add(&inv, &t) != MFA_OK)
		__builtin_trap();
	before = inv.n;
	if (device_parse_tokens((const char *)data, size, &inv, err,
	    sizeof(err)) != 0) {
		/* All or nothing: a refused file adds nothing. */
		if (inv.n != before || memchr(err, '\0', sizeof(err)) == NULL)
			__builtin_trap();
	}
	inventory_free(&inv);
	return 0;
}
