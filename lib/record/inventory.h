/* SPDX-License-Identifier: BSD-2-Clause */
/* The hardware token inventory, in memory and in its versioned text form.
 * No I/O here: lib/store_record.c reads and writes the file. */
#ifndef AWSMFA_INVENTORY_H
#define AWSMFA_INVENTORY_H

#include <stddef.h>
#include <stdint.h>
#include "otp.h"
#include "record.h"

struct hw_token {
	char			serial[RECORD_SERIAL_MAX + 1];
	enum otp_kind		kind;
	enum otp_alg		alg;
	unsigned		digits;
	unsigned		period;		/* TOTP; 0 for HOTP */
	uint64_t		counter;	/* HOTP: the next code's; 0 for TOTP */
	unsigned char		secret[OTP_SECRET_MAX];
	size_t			secret_len;
	char			user[RECORD_USER_MAX + 1];	/* "" = unassigned */
};

struct inventory {
	size_t			n;
	size_t			cap;
	struct hw_token		*tok;
};

void	inventory_init(struct inventory *inv);
void	inventory_free(struct inventory *inv);	/* cleanses secrets */
/* Like record_parse: MFA_ERR_CORRUPT with the line in err (also
 * MFA_ERR_TOOBIG past 10000 tokens, MFA_ERR_NOMEM), and inv empty. */
int	inventory_parse(const char *buf, size_t len, struct inventory *inv,
	    char *err, size_t errlen);
/* Like record_format: MFA_ERR_INVALID, MFA_ERR_NOMEM. */
int	inventory_format(const struct inventory *inv, char **out,
	    size_t *outlen);
/* The token with that serial, or NULL. */
struct hw_token *inventory_find(struct inventory *inv, const char *serial);
/* Appends a copy: MFA_ERR_INVALID for a token inventory_parse would
 * refuse, MFA_ERR_EXISTS for a serial already there, MFA_ERR_TOOBIG,
 * MFA_ERR_NOMEM. */
int	inventory_add(struct inventory *inv, const struct hw_token *t);

#endif
