/* SPDX-License-Identifier: BSD-2-Clause */
/* The self-service REQUEST parser on arbitrary bytes, as any local user
 * may send them to awsmfa-self; what it accepts is built back into the
 * same request, and each field it keeps is printable and in bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "selfproto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
field_check(const char *s)
{
	size_t	i, n = strnlen(s, SELFREQ_FIELD_MAX + 1);

	if (n > SELFREQ_FIELD_MAX)
		__builtin_trap();
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct self_request	req, again;
	unsigned char		hdr[SELFPROTO_HDR];
	char			err[MFA_ERRLEN], buf[SELFPROTO_MAX];
	size_t			len, flen;
	uint8_t			type;

	if (size >= SELFPROTO_HDR) {
		memcpy(hdr, data, SELFPROTO_HDR);
		if (selfproto_header(hdr, &type, &flen) == 0 &&
		    flen > SELFPROTO_MAX)
			__builtin_trap();
	}
	if (size > SELFPROTO_MAX)
		return 0;
	if (selfproto_parse_request((const char *)data, size, &req, err,
	    sizeof(err)) != MFA_OK) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			__builtin_trap();
		return 0;
	}
	field_check(req.device);
	field_check(req.code1);
	field_check(req.code2);
	if (selfproto_build_request(&req, buf, sizeof(buf), &len, err,
	    sizeof(err)) != MFA_OK ||
	    selfproto_parse_request(buf, len, &again, err, sizeof(err)) !=
	    MFA_OK || req.verb != again.verb ||
	    strcmp(req.device, again.device) != 0 ||
	    strcmp(req.code1, again.code1) != 0 ||
	    strcmp(req.code2, again.code2) != 0)
		__builtin_trap();
	return 0;
}
