/* SPDX-License-Identifier: BSD-2-Clause */
/* One structured line per event, for syslog (LOG_AUTHPRIV).  The line is
 * built here; the caller emits it (pam_syslog in the module, syslog in
 * mfa-enroll).  Values are quoted and control characters escaped, since
 * user names and remote hosts come from the outside.  Never a code or a
 * secret: there is no field for them. */
#ifndef AWSMFA_AUDIT_H
#define AWSMFA_AUDIT_H

#include <stddef.h>

struct audit_event {
	const char	*event;		/* "login", "create", "enable", ... */
	const char	*result;	/* "success", "failure", "locked", ... */
	const char	*reason;
	const char	*user;
	const char	*device;
	const char	*service;	/* PAM service */
	const char	*rhost;
	const char	*tty;
	const char	*admin;		/* mfa-enroll: the invoking admin */
};

/* Bytes of escaped text a quoted value keeps before "...[+N]" (N input
 * bytes left out).  Six capped fields and the fixed ones fit a 1 KB line. */
#define AUDIT_VALUE_MAX	128

/* event=login result=failure reason="wrong code" user="alice" ...; fields
 * that are NULL are left out.  Always NUL-terminates; a field is written
 * whole (quotes closed) or, when buf is too small, not at all. */
void	audit_format(const struct audit_event *ev, char *buf, size_t buflen);

#endif
