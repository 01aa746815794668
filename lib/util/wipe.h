/* SPDX-License-Identifier: BSD-2-Clause */
/* Freeing memory that held a secret, a code or a seed: every byte is
 * overwritten first (OPENSSL_cleanse, which the compiler may not drop), so
 * nothing is left for a core dump or the next malloc to find. */
#ifndef AWSMFA_WIPE_H
#define AWSMFA_WIPE_H

#include <stddef.h>

/* Cleanses len bytes at p, then frees it; p may be NULL. */
void	wipe_free(void *p, size_t len);
/* The same for a NUL-terminated string. */
void	wipe_free_str(char *s);

#endif
