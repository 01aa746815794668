/* SPDX-License-Identifier: BSD-2-Clause */
/* Test shim, preloaded: makes getpwnam_r case-insensitive for one user,
 * as sssd (case_sensitive = false), winbind and many LDAP setups are.
 * NSS_FOLD_USER names the canonical entry; any spelling of it in another
 * case returns that entry with its canonical pw_name. */
#include <dlfcn.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
    struct passwd **res)
{
	int		(*real)(const char *, struct passwd *, char *, size_t,
			    struct passwd **);
	const char	*canon = getenv("NSS_FOLD_USER");

	real = (int (*)(const char *, struct passwd *, char *, size_t,
	    struct passwd **))dlsym(RTLD_NEXT, "getpwnam_r");
	if (real == NULL)
		return ENOSYS;
	if (canon != NULL && strcasecmp(name, canon) == 0)
		name = canon;
	return real(name, pw, buf, len, res);
}
