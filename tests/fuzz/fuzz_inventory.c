/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inventory_parse on arbitrary bytes.  What it accepts formats back to the
 * same bytes; what it refuses leaves an empty inventory and a reason.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "mfaerr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inventory	 inv, again;
	char			 err[256], *text;
	size_t			 len, i;

	err[0] = '\0';
	if (inventory_parse((const char *)data, size, &inv, err,
	    sizeof(err)) != MFA_OK) {
		if (inv.n != 0 || inv.tok != NULL || err[0] == '\0')
			abort();
		return 0;
	}
	for (i = 0; i < inv.n; i++)
		if (inventory_find(&inv, inv.tok[i].serial) != &inv.tok[i])
			abort();
	if (inventory_format(&inv, &text, &len) != MFA_OK)
		abort();
	if (len != size || memcmp(text, data, size) != 0)
		abort();
	if (inventory_parse(text, len, &again, err, sizeof(err)) != MFA_OK ||
	    again.n != inv.n)
		abort();
	free(text);
	inventory_free(&again);
	inventory_free(&inv);
	return 0;
}
