/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfaerr.h"
#include "textbuf.h"
#include "wipe.h"

int
textbuf_alloc(struct textbuf *t, size_t cap)
{
	t->len = 0;
	t->cap = cap;
	if (cap == 0 || (t->p = malloc(cap)) == NULL) {
		t->p = NULL;
		t->cap = 0;
		return MFA_ERR_NOMEM;
	}
	t->p[0] = '\0';
	return MFA_OK;
}

int
textbuf_printf(struct textbuf *t, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (t->p == NULL)
		return MFA_ERR_INTERNAL;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->cap - t->len) {
		t->p[t->len] = '\0';
		return n < 0 ? MFA_ERR_INTERNAL : MFA_ERR_TOOBIG;
	}
	t->len += (size_t)n;
	return MFA_OK;
}

int
textbuf_finish(struct textbuf *t, int r, char **out, size_t *outlen)
{
	if (r != MFA_OK) {
		wipe_free(t->p, t->cap);
		memset(t, 0, sizeof(*t));
		return r;
	}
	*out = t->p;
	*outlen = t->len;
	return MFA_OK;
}
