/* SPDX-License-Identifier: BSD-2-Clause */
/* Token seeds as vendors ship them: a PSKC file (RFC 6030), read with
 * libpskc, into the same list of tokens the CSV gives.  mfa-enroll's
 * side only: the module never links libpskc or libxml2. */
#ifndef AWSMFA_PSKC_IMPORT_H
#define AWSMFA_PSKC_IMPORT_H

#include <stddef.h>

#include "inventory.h"
#include "pskc_envelope.h"

/* Whether buf looks like XML rather than the CSV: its first byte after
 * white space (and a UTF-8 byte order mark) is '<', which no CSV line
 * can start with. */
int	pskc_sniff(const char *buf, size_t len);

/* Every key package of the file into tokens (appended), all or nothing:
 * MFA_OK, or MFA_ERR_INVALID with the first bad key package, "line L,
 * key package N (Id X): reason", in err and tokens as they were;
 * MFA_ERR_NOMEM.  where[i] (when not NULL, tokens->n entries after a
 * success, to free) names token i's key package the same way. */
int	pskc_parse_tokens(const char *xml, size_t len,
	    const struct pskc_keys *k, struct inventory *tokens,
	    char ***where, char *err, size_t errlen);

/* The tokens as import CSV lines ("serial,hex:SECRET,digits,period,alg"
 * for TOTP, "serial,hex:SECRET,digits,,alg,counter" for HOTP),
 * line i + 1 being token i: the one import path of both stores reads
 * them whole or not at all.  The caller wipes it: wipe_free(*csv,
 * *len + 1).  MFA_OK, MFA_ERR_NOMEM. */
int	pskc_tokens_csv(const struct inventory *tokens, char **csv,
	    size_t *len);

#endif
