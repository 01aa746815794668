/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stdio.h>

#include "mfaerr.h"

const char *
mfa_strerror(int r)
{
	switch (r) {
	case MFA_OK:
		return "success";
	case MFA_ERR_INTERNAL:
		return "internal error";
	case MFA_ERR_NOMEM:
		return "out of memory";
	case MFA_ERR_IO:
		return "input/output error";
	case MFA_ERR_NOENT:
		return "not found";
	case MFA_ERR_UNSAFE:
		return "unsafe ownership or permissions";
	case MFA_ERR_CORRUPT:
		return "corrupt data";
	case MFA_ERR_BADNAME:
		return "invalid user name";
	case MFA_ERR_INVALID:
		return "invalid input";
	case MFA_ERR_TOOBIG:
		return "too large";
	case MFA_ERR_EXISTS:
		return "already exists";
	case MFA_ERR_STATE:
		return "not allowed in this state";
	case MFA_ERR_REFUSED:
		return "codes refused";
	case MFA_ERR_CONFIG:
		return "unusable configuration";
	case MFA_ERR_UNAVAIL:
		return "database unavailable";
	case MFA_ERR_DB:
		return "database error";
	case MFA_ERR_DBWARN:
		return "database warning";
	default:
		return "unknown error";
	}
}

static void __attribute__((format(printf, 3, 0)))
vseterr(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err == NULL || errlen == 0)
		return;
	vsnprintf(err, errlen, fmt, ap);
}

void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vseterr(err, errlen, fmt, ap);
	va_end(ap);
}

int
mfa_fail(char *err, size_t errlen, int r, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vseterr(err, errlen, fmt, ap);
	va_end(ap);
	return r;
}
