/* SPDX-License-Identifier: BSD-2-Clause */
/* Hardware token import: the CSV an admin gets with a batch of tokens,
 * parsed into the inventory all or nothing.  The names keep the device_
 * prefix they had when this lived in device.c. */
#ifndef AWSMFA_TOKEN_IMPORT_H
#define AWSMFA_TOKEN_IMPORT_H

#include <stddef.h>

#include "mfaerr.h"
#include "store.h"

/* CSV "serial,secret[,digits,period,algorithm,counter]", secret hex or
 * base32; a counter (the next code's, 0 for a new token) makes a counter
 * (HOTP) token, whose period column stays empty,
 * every data line ending in a newline (a cut-short input is refused); all
 * or nothing.  err names the first bad line.  *count = tokens imported.
 * MFA_OK, MFA_ERR_INVALID for a bad file, or the store's code. */
int	device_import_tokens(struct store *st, const char *csv, size_t len,
	    size_t *count, char *err, size_t errlen);

/* The CSV parser alone (fuzz target): appends to inv, checks duplicates
 * within the file and against inv.  MFA_OK, or MFA_ERR_INVALID with
 * "line N: reason"; inv is then as it was. */
int	device_parse_tokens(const char *csv, size_t len, struct inventory *inv,
	    char *err, size_t errlen);

/* The same two with every bad line reported: fn (when not NULL) is called
 * once per bad line, in order, with its number and a short reason, before
 * the call returns MFA_ERR_INVALID.  err then names the first bad line and
 * how many more there are. */
typedef void device_bad_line_fn(void *arg, size_t lineno,
	    const char *reason);
int	device_parse_tokens_each(const char *csv, size_t len,
	    struct inventory *inv, device_bad_line_fn *fn, void *arg,
	    char *err, size_t errlen);
int	device_import_tokens_each(struct store *st, const char *csv,
	    size_t len, size_t *count, device_bad_line_fn *fn, void *arg,
	    char *err, size_t errlen);

#endif
