/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PostgreSQL store is a plugin, store-pgsql.so, loaded with dlopen
 * only when awsmfa.conf says store = "postgresql": a login on the file
 * store then maps no libpq, nor the TLS, LDAP and Kerberos libraries it
 * pulls in (PostgreSQL loads libpqwalreceiver so for the same reason).
 *
 * The path is fixed when the program is built (plugin_path.c), never
 * taken from the config or the environment: whoever can write those must
 * not choose code that runs in sshd or sudo.  The plugin exports one
 * symbol, STORE_PLUGIN_SYMBOL, returning its table; the loader refuses a
 * table of another interface version or built against another layout of
 * the shared structures.  It is shipped apart, in STORE_PLUGIN_PACKAGE.
 */
#ifndef AWSMFA_STORE_PLUGIN_H
#define AWSMFA_STORE_PLUGIN_H

#include <stddef.h>

#include "backend.h"
#include "fleet.h"

/* Raise with any change to the tables below or to struct backend,
 * struct awsmfa_config or struct store. */
#define STORE_PLUGIN_VERSION	4
#define STORE_PLUGIN_SYMBOL	"awsmfa_store_plugin_v1"
#define STORE_PLUGIN_PACKAGE	"libpam-awsmfa-pgsql"

struct backend_admin_ops;
struct backend_self_ops;

/* db-init and migrate, on a connection of their own (db_admin.h). */
struct store_fleet_ops {
	int	(*key_path_ok)(const char *key_file, char *err, size_t errlen);
	int	(*connect)(struct db_conn **c, const char *conninfo, char *err,
		    size_t errlen);
	void	(*close)(struct db_conn *c);
	int	(*db_init)(struct db_conn *c, const char *key_file,
		    const struct awsmfa_config *policy,
		    struct db_schema_info *info, char *err, size_t errlen);
	int	(*migrate)(struct db_conn *c, struct store *st,
		    struct migrate_counts *n, char *err, size_t errlen);
};

struct store_plugin {
	unsigned			 version;	/* STORE_PLUGIN_VERSION */
	size_t				 backend_size;	/* sizeof, as built */
	size_t				 config_size;
	size_t				 store_size;
	const struct backend_ops	*login;
	const struct backend_admin_ops	*admin;
	const struct store_fleet_ops	*fleet;
	const struct backend_self_ops	*self;	/* awsmfa-self's */
	/* NULL when conninfo can be used; else why not, in why. */
	int	(*conninfo_check)(const char *conninfo, char *why,
		    size_t whylen);
};

/* The one symbol the plugin exports. */
const struct store_plugin *awsmfa_store_plugin_v1(void);

/* Where this build looks for the plugin (plugin_path.c). */
extern const char store_plugin_path[];

/* Loads the plugin from store_plugin_path: MFA_OK with *dl and *p, or
 * MFA_ERR_CONFIG with one line in err that names the package to
 * install.  A missing plugin is not a database that cannot be reached:
 * break-glass never applies to it. */
int	store_plugin_load(void **dl, const struct store_plugin **p, char *err,
	    size_t errlen);
void	store_plugin_unload(void *dl);

#endif
