/* SPDX-License-Identifier: BSD-2-Clause */
/* The per-user device record, in memory and in its versioned text form.
 * No I/O here: lib/store*.c read and write the files, lib/record*.c only
 * check, parse and format them (the token inventory: inventory.h). */
#ifndef AWSMFA_RECORD_H
#define AWSMFA_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include "otp.h"

#define RECORD_USER_MAX		256	/* bytes, NUL excluded */
#define RECORD_NAME_MAX		64	/* device name */
#define RECORD_SERIAL_MAX	64
#define RECORD_MAX_DEVICES	32
#define RECORD_MAX_RECOVERY	100
#define RECORD_HASH_MAX		191	/* one hashed recovery code */
#define RECORD_NO_STEP		UINT64_MAX	/* last_step before any login */
/* The most bytes a login can add to the text of a record with n devices:
 * it rewrites failures (at most 10 digits) and locked_until, and per device
 * last_used and last_step, or an HOTP device's last_used and counter (each
 * at most 20 characters), every one of them at least 1 character wide
 * before. */
#define RECORD_LOGIN_GROWTH(n)	(9 + 19 + 38 * (size_t)(n))

enum device_type {
	DEVICE_VIRTUAL = 0,
	DEVICE_HARDWARE
};

enum device_status {
	DEVICE_PENDING = 0,
	DEVICE_ACTIVE
};

struct mfa_device {
	char			name[RECORD_NAME_MAX + 1];
	enum device_type	type;
	char			serial[RECORD_SERIAL_MAX + 1];	/* "" for virtual */
	enum otp_kind		kind;
	enum otp_alg		alg;
	unsigned		digits;
	unsigned		period;		/* TOTP; 0 for HOTP */
	/* HOTP: the counter of the next code the device shows; every
	 * code before it is spent.  0 for TOTP. */
	uint64_t		counter;
	unsigned char		secret[OTP_SECRET_MAX];
	size_t			secret_len;
	enum device_status	status;
	int64_t			created;	/* Unix time */
	int64_t			enabled;	/* 0 while pending */
	int64_t			last_used;	/* 0 before the first login */
	uint64_t		last_step;	/* RECORD_NO_STEP or last accepted;
						 * always RECORD_NO_STEP for HOTP */
	int64_t			drift;		/* in time steps, signed; 0 for HOTP */
};

/* Lockout is kept per user, not per device: any active device may match a
 * code, so a per-device counter would give an attacker max_failures tries
 * for each device. */
struct mfa_record {
	char			user[RECORD_USER_MAX + 1];
	unsigned		failures;
	int64_t			locked_until;	/* Unix time, 0 = not locked */
	unsigned		ndevices;
	struct mfa_device	dev[RECORD_MAX_DEVICES];
	unsigned		nrecovery;
	char			recovery[RECORD_MAX_RECOVERY][RECORD_HASH_MAX + 1];
	/* An admin's invitation (lib/invite.h): its hash, "" for none, and
	 * when it expires (Unix time). */
	char			invite[RECORD_HASH_MAX + 1];
	int64_t			invite_expires;
};

/* 1 when user is safe as a file name in the store: 1..256 bytes, no '/',
 * no control characters (< 0x20, 0x7f), not starting with '.'. */
int	record_username_ok(const char *user);
/* Device names and serials: 1..64 of [A-Za-z0-9._@+:-]. */
int	record_name_ok(const char *name);

/* A fresh empty record for user (no devices, no recovery codes). */
void	record_init(struct mfa_record *rec, const char *user);
/* Wipes secrets with OPENSSL_cleanse; rec is then like record_init(""). */
void	record_wipe(struct mfa_record *rec);

/* Parses a whole record.  Anything that is not exactly a well-formed record
 * (unknown key, bad value, missing field, missing final "end" line, a user
 * line that differs from expect_user when it is not NULL) is an error:
 * MFA_ERR_CORRUPT with a reason in err, and rec cleared.  MFA_OK on
 * success. */
int	record_parse(const char *buf, size_t len, const char *expect_user,
	    struct mfa_record *rec, char *err, size_t errlen);
/* Formats rec; *out is malloc'd (the caller cleanses and frees it).
 * MFA_ERR_INVALID for a record record_parse would refuse, MFA_ERR_NOMEM. */
int	record_format(const struct mfa_record *rec, char **out, size_t *outlen);

/* Index of the device called name or with that serial, or -1. */
int	record_find_device(const struct mfa_record *rec, const char *name);
/* 1 when the user has at least one active device. */
int	record_has_active(const struct mfa_record *rec);

#endif
