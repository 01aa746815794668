/* SPDX-License-Identifier: BSD-2-Clause */
/* The one error model of lib/ (after OpenSSH's ssherr.h): a function that
 * can fail returns 0 or one of the negative codes below, and puts the
 * detail a person needs (the path, the line, the key) into the caller's
 * (err, errlen) buffer.  The code says what kind of failure it is, so a
 * caller decides on it; the message says where, so a person can act.
 * A decision is not an error: verify_result stays its own type. */
#ifndef AWSMFA_MFAERR_H
#define AWSMFA_MFAERR_H

#include <stddef.h>

/* One buffer size for every message: a path of PATH_MAX would not fit a
 * syslog line anyway. */
#define MFA_ERRLEN	512

#define MFA_OK			  0
#define MFA_ERR_INTERNAL	 (-1)	/* a caller broke a contract: a bug */
#define MFA_ERR_NOMEM		 (-2)
#define MFA_ERR_IO		 (-3)	/* a system call failed */
#define MFA_ERR_NOENT		 (-4)	/* not there; often not an error */
#define MFA_ERR_UNSAFE		 (-5)	/* owner, mode, symlink, hard link */
#define MFA_ERR_CORRUPT		 (-6)	/* stored data does not parse */
#define MFA_ERR_BADNAME		 (-7)	/* a user name that cannot be stored */
#define MFA_ERR_INVALID		 (-8)	/* input refused: a value, a format */
#define MFA_ERR_TOOBIG		 (-9)	/* over a documented limit */
#define MFA_ERR_EXISTS		(-10)	/* a name already taken */
#define MFA_ERR_STATE		(-11)	/* not allowed in the current state */
#define MFA_ERR_REFUSED		(-12)	/* codes that do not prove the device */
#define MFA_ERR_CONFIG		(-13)	/* the configuration cannot be used */
#define MFA_ERR_UNAVAIL		(-14)	/* the database did not answer in time */
#define MFA_ERR_DB		(-15)	/* the database answered with an error */
#define MFA_ERR_DBWARN		(-16)	/* it sent a WARNING: not trusted */

/* What a code means, in a few words; never NULL. */
const char	*mfa_strerror(int r);

/* Formats into err when it is not NULL; always NUL-terminates. */
void	seterr(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* seterr, then returns r: `return mfa_fail(err, errlen, MFA_ERR_IO, ...)`
 * keeps the code and its message on one line. */
int	mfa_fail(char *err, size_t errlen, int r, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

#endif
