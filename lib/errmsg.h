/* SPDX-License-Identifier: BSD-2-Clause */
/* One-line error messages into a caller's buffer, for every lib/ file that
 * reports through (err, errlen). */
#ifndef AWSMFA_ERRMSG_H
#define AWSMFA_ERRMSG_H

#include <stddef.h>

/* Formats into err when it is not NULL; always NUL-terminates. */
void	seterr(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
