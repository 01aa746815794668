/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A PSKC file's seeds pass through libxml2's heap: the text of the file,
 * the tree, the container written out again for libpskc.  libxml2 frees
 * without wiping, so its allocator is replaced by one that cleanses each
 * block (its usable size, which covers what was asked) before freeing,
 * and copies on realloc so that no old block is left behind whole.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlmemory.h>
#include <openssl/crypto.h>

#include "pskc_xmlmem.h"

static void
wiping_free(void *p)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, malloc_usable_size(p));
	free(p);
}

static void *
wiping_realloc(void *p, size_t n)
{
	void	*q;
	size_t	 old;

	if (p == NULL)
		return malloc(n);
	if ((q = malloc(n)) == NULL)
		return NULL;
	old = malloc_usable_size(p);
	memcpy(q, p, old < n ? old : n);
	wiping_free(p);
	return q;
}

static char *
wiping_strdup(const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*d;

	if ((d = malloc(n)) != NULL)
		memcpy(d, s, n);
	return d;
}

void
pskc_xmlmem_init(void)
{
	static int	done;

	if (done)
		return;
	done = 1;
	(void)xmlMemSetup(wiping_free, malloc, wiping_realloc, wiping_strdup);
}
