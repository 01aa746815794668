/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside lib/record.c and lib/inventory.c: the OTP fields a device and a
 * token spell alike, read from a kv_cursor and written to a textbuf. */
#ifndef AWSMFA_RECFIELD_H
#define AWSMFA_RECFIELD_H

#include <stddef.h>
#include "kvline.h"
#include "otp.h"
#include "textbuf.h"

/* The spelling of alg, which must be valid (record_otp_ok). */
const char	*recfield_alg_name(enum otp_alg alg);
/* "order[pos] SHA1|SHA256|SHA512" */
int	recfield_alg(struct kv_cursor *c, const char *const *order, int pos,
	    enum otp_alg *out);
/* "order[pos] BASE32": exactly what base32_encode writes for 1 to
 * OTP_SECRET_MAX bytes; secret holds OTP_SECRET_MAX bytes. */
int	recfield_secret(struct kv_cursor *c, const char *const *order,
	    int pos, unsigned char *secret, size_t *secret_len);
/* "secret BASE32\n" */
int	recfield_put_secret(struct textbuf *t, const unsigned char *secret,
	    size_t len);

#endif
