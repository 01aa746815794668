/* SPDX-License-Identifier: BSD-2-Clause */
/* The login decision as a table of small scenarios, run through
 * lib/backend.h so that the file store and the PostgreSQL store answer
 * the same table (tests/unit/test_decision.c runs it; decision_table.c
 * holds it). */
#ifndef AWSMFA_TEST_DECISION_H
#define AWSMFA_TEST_DECISION_H

#include <stddef.h>

#include "otp.h"
#include "verify.h"

#define DEC_MAX_DEVICES	4
#define DEC_MAX_ACTS	12

enum dec_act_kind {
	A_END = 0,
	A_LOGIN,	/* backend_login */
	A_TRY,		/* backend_login with BACKEND_TRY */
	A_PEEK,		/* backend_peek */
	A_DEACTIVATE,	/* backend_deactivate of dev */
	A_RESYNC,	/* backend_resync of dev, CODE2 at step k */
	A_BREAK,	/* the store fails: see enum dec_breakage */
	A_MEND,		/* and is whole again */
	A_INVITE,	/* backend_invite, for k seconds (0: the default) */
	A_REVOKE,	/* backend_revoke_invite */
	A_ENABLE	/* backend_enable of the pending dev, codes of now */
};

enum dec_input {
	I_STEP = 0,	/* dev's code for its step of the moment + k */
	I_AT,		/* dev's code for the moment base + k */
	I_TEXT,		/* text, len bytes */
	I_WRONG,	/* a code of dev's length that no device shows */
	I_RECOVERY,	/* recovery code number k */
	I_BADRECOVERY,	/* shaped like a recovery code, never issued */
	I_INVITE,	/* the latest invitation (k = 1: the one before) */
	I_BADINVITE	/* shaped like an invitation, never issued */
};

/* Each store's own way to fail: an answer must then be VERIFY_ERROR. */
enum dec_breakage {
	BRK_UNSAFE = 1,	/* file: the record is not root's;
			 * database: the login role lacks the rights */
	BRK_GONE	/* file: the record does not parse;
			 * database: nobody listens */
};

struct dec_device {
	const char	*name;		/* NULL: no more devices */
	unsigned	 digits, period;
	enum otp_alg	 alg;
	int		 at;		/* enabled with CODE2 this many steps
					 * from the enable time's */
	int		 pending;	/* created, never enabled */
};

struct dec_act {
	enum dec_act_kind	 kind;
	int			 dt;	/* seconds after the scenario's base */
	const char		*user;	/* NULL: the scenario's */
	enum dec_input		 in;
	const char		*dev;
	int			 k;
	const char		*text;
	size_t			 len;
	const char		*pre, *post;	/* around the code */
	int			 nul;	/* a NUL byte after it all */
	int			 upper;	/* recovery code in capitals, no dashes */
	int			 spread; /* spaces between its characters */
	enum verify_result	 want;
	int			 pg;	/* PG(r): the database answers r */
	int			 fail;	/* F(n): failures; 0: not checked */
	int			 lock;	/* LOCK_NONE, LOCK_AT(t); 0: unchecked */
	int			 lock_t;
	unsigned		 mask;	/* A_PEEK: digits mask */
	int			 drift, reset; /* A_RESYNC's report */
	const char		*device; /* matched device; NULL: unchecked */
	const char		*reason; /* NULL: unchecked */
	enum dec_breakage	 brk;
};

struct dec_scenario {
	const char		*name;
	const char		*user;
	unsigned		 nrecovery;
	int			 win;		/* W(n); 0: 1 */
	int			 max_failures;	/* 0: 5 */
	int			 lockout;	/* LOCKOUT(s); 0: 300 */
	struct dec_device	 dev[DEC_MAX_DEVICES];
	struct dec_act		 act[DEC_MAX_ACTS];
};

#define DEC_LOCK_NONE	1
#define DEC_LOCK_AT	2

extern const struct dec_scenario dec_scenarios[];
extern const size_t dec_nscenarios;

#endif
