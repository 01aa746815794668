/* SPDX-License-Identifier: BSD-2-Clause */
/* The PSKC path on arbitrary bytes: libxml2's envelope with its DTD
 * refusal, the RFC 6030 decryption under a fixed pre-shared key (the
 * seeds are encrypted with it) given when the input names an
 * EncryptionKey, and libpskc's fields.  No password: a
 * file may ask for ten million PBKDF2 rounds, which is not a bug. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "mfaerr.h"
#include "pskc_import.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char psk[] = "12345678901234567890123456789012";
	struct pskc_keys k;
	struct inventory inv;
	char err[MFA_ERRLEN], **where = NULL, *csv;
	size_t i, len;

	memset(&k, 0, sizeof(k));
	if (memmem(data, size, "EncryptionKey", 13) != NULL &&
	    pskc_psk_parse(psk, strlen(psk), &k) != 0)
		__builtin_trap();
	inventory_init(&inv);
	if (pskc_parse_tokens((const char *)data, size, &k, &inv, &where,
	    err, sizeof(err)) == MFA_OK) {
		/* Every token has its name, and its CSV line. */
		if (inv.n == 0 || where == NULL)
			__builtin_trap();
		for (i = 0; i < inv.n; i++)
			if (where[i] == NULL)
				__builtin_trap();
		if (pskc_tokens_csv(&inv, &csv, &len) == MFA_OK) {
			if (strlen(csv) != len)
				__builtin_trap();
			free(csv);
		}
		for (i = 0; i < inv.n; i++)
			free(where[i]);
		free(where);
	} else if (inv.n != 0 || memchr(err, '\0', sizeof(err)) == NULL)
		__builtin_trap();	/* all or nothing */
	inventory_free(&inv);
	return 0;
}
