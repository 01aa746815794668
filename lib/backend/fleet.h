/* SPDX-License-Identifier: BSD-2-Clause */
/* What db-init and migrate report, in a header without libpq's: the
 * plugin fills them, mfa-enroll prints them. */
#ifndef AWSMFA_FLEET_H
#define AWSMFA_FLEET_H

#include <stddef.h>

struct db_schema_info {
	int	old_version;	/* 0 when the database had no schema */
	int	version;	/* after the upgrade */
	char	role[64];	/* who ran it */
	char	database[64];
};

struct migrate_counts {
	size_t	users;
	size_t	devices;
	size_t	active;		/* of devices */
	size_t	recovery;	/* recovery codes (hashes) */
	size_t	tokens;		/* hardware tokens of the inventory */
	size_t	assigned;	/* of tokens */
};

#endif
