/* SPDX-License-Identifier: BSD-2-Clause */
/* split_pass: the code typed after the password, kept in the PAM handle
 * from the pam_awsmfa line before the password module to the one after
 * it, which judges it once the password was accepted. */
#ifndef AWSMFA_PAM_STASH_H
#define AWSMFA_PAM_STASH_H

#include <stddef.h>
#include <security/pam_modules.h>

/* Keeps code (codelen bytes, may be 0: no code was typed) for the next
 * pam_awsmfa line, replacing a stash of an earlier attempt. */
int	stash_put(pam_handle_t *pamh, const char *code, size_t codelen);

/* Forgets a stash, wiping it. */
void	stash_drop(pam_handle_t *pamh);

/* 1 with a malloc'd copy in *code (release with input_free) when a stash
 * waits, which it then no longer does; 0 when there is none; -1 when out
 * of memory. */
int	stash_take(pam_handle_t *pamh, char **code);

#endif
