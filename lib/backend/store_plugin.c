/* SPDX-License-Identifier: BSD-2-Clause */
/* Loads store-pgsql.so (see store_plugin.h). */
#include <dlfcn.h>
#include <string.h>

#include "backend.h"
#include "mfaerr.h"
#include "store_plugin.h"

typedef const struct store_plugin *plugin_entry(void);

/* The one message a missing or wrong plugin gives, whatever the cause:
 * the admin's fix is the same, the package of this very version. */
static int
refuse(char *err, size_t errlen, const char *why)
{
	return mfa_fail(err, errlen, MFA_ERR_CONFIG, "store \"postgresql\" "
	    "needs %s of this version (%s): %s", STORE_PLUGIN_PACKAGE, why,
	    store_plugin_path);
}

/* The plugin shares struct backend, the config and the store with the
 * caller: a plugin of another build could read them at other offsets. */
static int
fits(const struct store_plugin *p)
{
	return p != NULL && p->version == STORE_PLUGIN_VERSION &&
	    p->backend_size == sizeof(struct backend) &&
	    p->config_size == sizeof(struct awsmfa_config) &&
	    p->store_size == sizeof(struct store) && p->login != NULL &&
	    p->admin != NULL && p->fleet != NULL &&
	    p->conninfo_check != NULL;
}

int
store_plugin_load(void **dl, const struct store_plugin **p, char *err,
    size_t errlen)
{
	plugin_entry	*entry;
	const char	*why;
	void		*h;

	*dl = NULL;
	*p = NULL;
	/* RTLD_NODELETE: libpq and the TLS library it loads register exit
	 * handlers; unmapping them when a PAM handle closes would leave
	 * those pointing nowhere. */
	if ((h = dlopen(store_plugin_path, RTLD_NOW | RTLD_LOCAL |
	    RTLD_NODELETE)) == NULL) {
		why = dlerror();
		/* dlerror repeats the path first; keep the reason, which
		 * syslog's capped line must still show. */
		if (why != NULL && strncmp(why, store_plugin_path,
		    strlen(store_plugin_path)) == 0 &&
		    strncmp(why + strlen(store_plugin_path), ": ", 2) == 0)
			why += strlen(store_plugin_path) + 2;
		return refuse(err, errlen, why != NULL ? why : "cannot load");
	}
	/* POSIX's way to a function from dlsym: through a data pointer. */
	*(void **)(void *)&entry = dlsym(h, STORE_PLUGIN_SYMBOL);
	if (entry == NULL || !fits(entry())) {
		dlclose(h);
		return refuse(err, errlen, entry == NULL ? "no "
		    STORE_PLUGIN_SYMBOL : "another interface version");
	}
	*dl = h;
	*p = entry();
	return MFA_OK;
}

void
store_plugin_unload(void *dl)
{
	if (dl != NULL)
		dlclose(dl);
}
