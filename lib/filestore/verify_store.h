/* SPDX-License-Identifier: BSD-2-Clause */
/* A login on the file store: lock, load, verify_decide, save. */
#ifndef AWSMFA_VERIFY_STORE_H
#define AWSMFA_VERIFY_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"
#include "verify.h"

/* One login attempt for user with what was typed (input, inputlen; may hold
 * NUL bytes), at Unix time now.  Takes the user's lock, reads the record,
 * decides, saves the new state and releases the lock, in that order.  The
 * return value is out->result; err explains VERIFY_ERROR. */
enum verify_result verify_login(struct store *st,
	    const struct awsmfa_config *cfg, const char *user,
	    const char *input, size_t inputlen, int64_t now,
	    struct verify_outcome *out, char *err, size_t errlen);

/* verify_login for a token that may not be meant for us (try_first_pass:
 * the password of the module before): a match is accepted and saved as by
 * verify_login, but a miss is never counted, a lock that ran out is not
 * reset and nothing is written.  VERIFY_LOCKED is returned as by
 * verify_login; the caller shows nothing for it and asks. */
enum verify_result verify_login_try(struct store *st,
	    const struct awsmfa_config *cfg, const char *user,
	    const char *input, size_t inputlen, int64_t now,
	    struct verify_outcome *out, char *err, size_t errlen);

/* What the PAM module needs before it prompts, read without the lock (a
 * hint only; verify_login decides): VERIFY_OK when user has an active
 * device, with bit d of *digits_mask set for each code length d in use,
 * or a live invitation at now (ANSWER_INVITATION set);
 * VERIFY_NODEVICE (no record, no active device, or a name that cannot have
 * a record); VERIFY_ERROR when the store cannot be trusted (err says why). */
enum verify_result verify_peek(struct store *st, const char *user,
	    int64_t now, unsigned *digits_mask, char *err, size_t errlen);

#endif
