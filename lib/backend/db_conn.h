/* SPDX-License-Identifier: BSD-2-Clause */
/* A connection as struct backend holds it, without libpq's header: the
 * module and mfa-enroll, which never link libpq, include this; the
 * plugin (store-pgsql.so) that drives it includes db_call.h.  libpq's
 * PGconn is struct pg_conn, so the one pointer means the same on both
 * sides. */
#ifndef AWSMFA_DB_CONN_H
#define AWSMFA_DB_CONN_H

#include <stdint.h>

/* Why the last call could not reach the database, for break-glass:
 * only a database that is not there may send a login to the local store,
 * never one that said no (too many clients, pg_hba, a TLS failure) and
 * never a failure of this process (memory, descriptors), which whoever
 * runs su or sudo can cause. */
#define DB_REACH_NO		0	/* it answered, or we failed */
#define DB_REACH_REFUSED	1	/* no server at any address given */
#define DB_REACH_TIMEOUT	2	/* no answer by the deadline */

struct pg_conn;

struct db_conn {
	struct pg_conn	*pg;
	int64_t		 deadline;	/* CLOCK_MONOTONIC, milliseconds */
	int		 warned;	/* a WARNING since the last call began */
	int		 reach;		/* DB_REACH_* of the last call */
};

#endif
