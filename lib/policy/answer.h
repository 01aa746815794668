/* SPDX-License-Identifier: BSD-2-Clause */
/* The shape of what a user typed, before anything is judged: where a
 * password typed together with its code ends, and whether a token stacked
 * by the module before could be a code at all.  No answer here depends
 * on which code is right: that is lib/verify's, and telling it early would
 * be an uncounted guess. */
#ifndef AWSMFA_ANSWER_H
#define AWSMFA_ANSWER_H

#include <stddef.h>

/* A bit of a digits mask that no code length uses (they are 6 to 8): the
 * user may answer with an invitation (lib/invite.h). */
#define ANSWER_INVITATION	0x1U

/* in ends in the shape of a recovery code ("xxxx-xxxx-xxxx"): 0 with
 * *passlen the length before it, else -1. */
int	answer_recovery_tail(const char *in, size_t *passlen);

/* Where split_pass cuts password + code: before a trailing invitation
 * (ANSWER_INVITATION in digits_mask), before a trailing recovery code,
 * or before the last N digits, N the shortest length in digits_mask (bit
 * d set: a device with d-digit codes) that in ends in.  A user without a
 * device (mask 0) types no code: the whole answer is the password. */
size_t	answer_split(const char *in, unsigned digits_mask);

/* 1 when tok has the shape of a code of one of the lengths in
 * digits_mask, of a recovery code or (ANSWER_INVITATION) of an invitation, so that try_first_pass does not test
 * the password of the module before. */
int	answer_could_be_code(const char *tok, unsigned digits_mask);

#endif
