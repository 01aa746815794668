/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Self-service's side of the store interface on PostgreSQL (issue 20
 * part 4, sql/self.sql): awsmfa-self's role may change a user's devices
 * only with a ticket, which the database gives for a proof it judged
 * itself (a fresh code, a recovery code, a live invitation), counted
 * before its answer exists.  The file store has none of these: there
 * awsmfa-self is root and calls the lifecycle (backend_admin.h), with
 * pam_awsmfa as the judge.  Each call returns MFA_OK, MFA_ERR_REFUSED
 * with the reason for the user in err, or another MFA_ERR_* with one
 * line for the log.
 */
#ifndef AWSMFA_BACKEND_SELF_H
#define AWSMFA_BACKEND_SELF_H

#include <stddef.h>

#include "backend_admin.h"

/* As bytea's text form, "\x" and 64 hex digits; opaque here. */
#define BACKEND_TICKET_LEN	80
struct backend_ticket {
	char	t[BACKEND_TICKET_LEN];
};

struct backend_self_ops {
	int	(*list)(struct backend *, const char *, backend_row_fn *,
		    void *, char *, size_t);
	int	(*prove)(struct backend *, const char *, const char *, size_t,
		    struct backend_ticket *, char *, size_t);
	int	(*create)(struct backend *, const char *, const char *,
		    const struct backend_ticket *, struct mfa_device *,
		    struct backend_ticket *, char *, size_t);
	int	(*pair)(struct backend *, const char *, const char *,
		    const char *, const struct backend_ticket *, const char *,
		    const char *, char *, size_t);
	int	(*abandon)(struct backend *, const char *, const char *,
		    const struct backend_ticket *, char *, size_t);
	int	(*deactivate)(struct backend *, const char *, const char *,
		    const struct backend_ticket *, char *, size_t);
	int	(*recovery)(struct backend *, const char *,
		    const struct backend_ticket *, unsigned,
		    char (*)[RECOVERY_CODE_BUFLEN], char *, size_t);
};

/* 1 when the open store judges self-service's proofs itself. */
int	backend_self_in_store(const struct backend *b);

/* The user's devices and live invitation (a row without a device). */
int	backend_self_list(struct backend *b, const char *user,
	    backend_row_fn *fn, void *arg, char *err, size_t errlen);
/* An answer typed at the proof's prompt, judged as at a login (a code
 * is spent, a miss counts against the lockout): *t on MFA_OK. */
int	backend_self_prove(struct backend *b, const char *user,
	    const char *input, size_t len, struct backend_ticket *t,
	    char *err, size_t errlen);
/* A pending TOTP device made in the database with the fleet's
 * settings; *out gets its secret this once (the caller wipes it), and
 * *enrol the ticket that enables or abandons it. */
int	backend_self_create(struct backend *b, const char *user,
	    const char *device, const struct backend_ticket *proof,
	    struct mfa_device *out, struct backend_ticket *enrol, char *err,
	    size_t errlen);
/* verb "enable" (with create's ticket or a proof's) or "resync" (t
 * NULL: the two codes are the proof). */
int	backend_self_pair(struct backend *b, const char *user,
	    const char *verb, const char *device,
	    const struct backend_ticket *t, const char *code1,
	    const char *code2, char *err, size_t errlen);
int	backend_self_abandon(struct backend *b, const char *user,
	    const char *device, const struct backend_ticket *enrol, char *err,
	    size_t errlen);
int	backend_self_deactivate(struct backend *b, const char *user,
	    const char *device, const struct backend_ticket *t, char *err,
	    size_t errlen);
/* count new codes into codes, their hashes stored. */
int	backend_self_recovery(struct backend *b, const char *user,
	    const struct backend_ticket *t, unsigned count,
	    char (*codes)[RECOVERY_CODE_BUFLEN], char *err, size_t errlen);

#endif
