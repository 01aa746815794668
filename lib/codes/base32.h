/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 4648 base32. */
#ifndef AWSMFA_BASE32_H
#define AWSMFA_BASE32_H

#include <stddef.h>

/* Bytes needed for base32_encode of n bytes, padding and NUL included. */
size_t	base32_encoded_size(size_t n);

/* Canonical upper-case encoding with '=' padding.  0, or -1 when outsize
 * is too small. */
int	base32_encode(const unsigned char *in, size_t n, char *out,
	    size_t outsize);

/* Upper case, no padding, groups of 4 separated by one space: for people
 * typing a secret into an authenticator app.  0 or -1. */
int	base32_encode_grouped(const unsigned char *in, size_t n, char *out,
	    size_t outsize);

/* Accepts lower case, spaces and missing or present padding; any other
 * character, misplaced padding or non-zero trailing bits is an error.
 * 0 on success with *outlen set; -1 on bad input or too small a buffer. */
int	base32_decode(const char *in, unsigned char *out, size_t outsize,
	    size_t *outlen);

#endif
