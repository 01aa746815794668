/* SPDX-License-Identifier: BSD-2-Clause */
/* Text built in one buffer allocated once at its final size, never
 * realloc'd: what is built may hold secrets (base32 seeds), and a block
 * realloc left behind could not be cleansed. */
#ifndef AWSMFA_TEXTBUF_H
#define AWSMFA_TEXTBUF_H

#include <stddef.h>

struct textbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/* MFA_OK or MFA_ERR_NOMEM. */
int	textbuf_alloc(struct textbuf *t, size_t cap);
/* Appends; MFA_ERR_TOOBIG when it does not fit (nothing is appended, the
 * text stays NUL-terminated). */
int	textbuf_printf(struct textbuf *t, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* On r == MFA_OK hands the text to *out and *outlen (the caller cleanses
 * and frees it); otherwise cleanses and frees it.  Returns r. */
int	textbuf_finish(struct textbuf *t, int r, char **out, size_t *outlen);

#endif
