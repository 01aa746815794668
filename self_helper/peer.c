/* SPDX-License-Identifier: BSD-2-Clause */
/* Who is asking: the kernel's word (SO_PEERCRED on the accepted socket),
 * never the client's.  The uid of the process that connected is the
 * only identity the helper acts for. */
#include <sys/socket.h>

#include <pwd.h>
#include <string.h>

#include "self.h"

int
peer_identify(struct helper *h, char *err, size_t errlen)
{
	struct ucred	 cr;
	socklen_t	 len = sizeof(cr);
	struct passwd	*pw;

	if (getsockopt(h->fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1 ||
	    len != sizeof(cr))
		return mfa_fail(err, errlen, MFA_ERR_IO, "no peer "
		    "credentials on the connection (not a Unix socket?)");
	h->uid = cr.uid;
	if ((pw = getpwuid(cr.uid)) == NULL || pw->pw_name == NULL)
		return mfa_fail(err, errlen, MFA_ERR_NOENT, "uid %lu has no "
		    "account name", (unsigned long)cr.uid);
	if (strlen(pw->pw_name) > SELF_USER_MAX || !record_username_ok(
	    pw->pw_name))
		return mfa_fail(err, errlen, MFA_ERR_BADNAME, "uid %lu: an "
		    "account name that cannot have an MFA record",
		    (unsigned long)cr.uid);
	memcpy(h->user, pw->pw_name, strlen(pw->pw_name) + 1);
	return MFA_OK;
}
