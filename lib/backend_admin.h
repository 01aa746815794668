/* SPDX-License-Identifier: BSD-2-Clause */
/* mfa-enroll's side of the store interface: the lifecycle, list, check
 * and token import, whichever engine keeps the store.  Kept apart from
 * backend.h so that the PAM module, which includes only that, links no
 * lifecycle code (tests/pam/module_symbols.sh checks it). */
#ifndef AWSMFA_BACKEND_ADMIN_H
#define AWSMFA_BACKEND_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "device.h"

/* One line of `mfa-enroll list`: a device, or a token nobody holds. */
struct backend_row {
	const char	*user;		/* NULL: a token nobody holds */
	const char	*device;
	int		 hardware;
	const char	*serial;	/* NULL: none */
	const char	*status;	/* active, pending, unassigned */
	int64_t		 created, enabled, last_used;	/* 0: never */
	uint64_t	 ahead;		/* see verify_periods_ahead */
};
typedef void backend_row_fn(void *arg, const struct backend_row *row);
/* One problem `mfa-enroll check` reports, a line with its path. */
typedef void backend_problem_fn(void *arg, const char *msg);

/*
 * mfa-enroll's operations, with lib/device.c's contract: MFA_OK, or a
 * negative MFA_ERR_* code with one line in err and nothing changed.
 */
/* A new pending virtual device; *out gets its secret for the QR code,
 * and the caller wipes it.  The only call that ever returns a secret. */
int	backend_create(struct backend *b, const char *user, const char *name,
	    int64_t now, struct mfa_device *out, char *err, size_t errlen);
int	backend_enable(struct backend *b, const char *user,
	    const char *device, const char *code1, const char *code2,
	    int64_t now, char *err, size_t errlen);
int	backend_resync(struct backend *b, const char *user,
	    const char *device, const char *code1, const char *code2,
	    int64_t now, struct device_resync_report *rep, char *err,
	    size_t errlen);
/* device NULL: every device of the user. */
int	backend_deactivate(struct backend *b, const char *user,
	    const char *device, char *err, size_t errlen);
int	backend_recovery_codes(struct backend *b, const char *user,
	    unsigned count, char (*codes)[RECOVERY_CODE_BUFLEN], char *err,
	    size_t errlen);
int	backend_import_tokens(struct backend *b, const char *csv, size_t len,
	    size_t *count, device_bad_line_fn *fn, void *arg, char *err,
	    size_t errlen);
/* Calls fn for each device of user (NULL: every user, then the tokens
 * nobody holds).  A code when something could not be read: the rows
 * that could were still given. */
int	backend_list(struct backend *b, const char *user, int64_t now,
	    backend_row_fn *fn, void *arg, char *err, size_t errlen);
/* Calls fn once per problem; returns how many there were. */
unsigned backend_check(struct backend *b, backend_problem_fn *fn, void *arg);

/* Inside lib/backend*.c and the plugin. */
struct backend_admin_ops {
	int	(*create)(struct backend *, const char *, const char *,
		    int64_t, struct mfa_device *, char *, size_t);
	int	(*enable)(struct backend *, const char *, const char *,
		    const char *, const char *, int64_t, char *, size_t);
	int	(*resync)(struct backend *, const char *, const char *,
		    const char *, const char *, int64_t,
		    struct device_resync_report *, char *, size_t);
	int	(*deactivate)(struct backend *, const char *, const char *,
		    char *, size_t);
	int	(*recovery_codes)(struct backend *, const char *, unsigned,
		    char (*)[RECOVERY_CODE_BUFLEN], char *, size_t);
	int	(*import_tokens)(struct backend *, const char *, size_t,
		    size_t *, device_bad_line_fn *, void *, char *, size_t);
	int	(*list)(struct backend *, const char *, int64_t,
		    backend_row_fn *, void *, char *, size_t);
	unsigned (*check)(struct backend *, backend_problem_fn *, void *);
};

extern const struct backend_admin_ops backend_file_admin_ops;

#endif
