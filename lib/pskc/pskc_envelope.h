/* SPDX-License-Identifier: BSD-2-Clause */
/* What libpskc cannot do: refuse a DTD before anything is expanded or
 * fetched, and decrypt the secrets of an encrypted PSKC file (RFC 6030
 * 6.1 pre-shared key, 6.2 PBKDF2 password) after checking their MACs.
 * The result is the same container with plain values, for libpskc. */
#ifndef AWSMFA_PSKC_ENVELOPE_H
#define AWSMFA_PSKC_ENVELOPE_H

#include <stddef.h>

#define PSKC_PSK_MAX	32	/* AES-256 */

/* At most one of the two; none for a plain file. */
struct pskc_keys {
	unsigned char	 psk[PSKC_PSK_MAX];
	size_t		 psk_len;		/* 0: no pre-shared key */
	const char	*password;		/* NULL: no password */
	size_t		 password_len;
};

struct pskc_plain {
	char		*xml;		/* the container, secrets in clear */
	size_t		 len;
	size_t		 npkg;		/* KeyPackage elements */
	long		*line;		/* the line of each in the input */
};

/* 0, or -1 when text (hex, surrounding white space allowed) is not an
 * AES-128, -192 or -256 key. */
int	pskc_psk_parse(const char *text, size_t len, struct pskc_keys *k);

/* MFA_OK and out filled (free it with pskc_plain_free), or
 * MFA_ERR_INVALID with one line in err: not XML, a DTD, not a
 * KeyContainer, a key missing or not needed, a wrong MAC (a wrong key),
 * an algorithm not supported; or MFA_ERR_NOMEM. */
int	pskc_unwrap(const char *xml, size_t len, const struct pskc_keys *k,
	    struct pskc_plain *out, char *err, size_t errlen);
void	pskc_plain_free(struct pskc_plain *p);

#endif
