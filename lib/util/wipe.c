/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "wipe.h"

void
wipe_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, len);
	free(p);
}

void
wipe_free_str(char *s)
{
	if (s != NULL)
		wipe_free(s, strlen(s));
}
