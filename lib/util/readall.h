/* SPDX-License-Identifier: BSD-2-Clause */
/* A whole input read into memory before anything of it is used, so that a
 * read error or an oversized input never leaves a part of it acted on. */
#ifndef AWSMFA_READALL_H
#define AWSMFA_READALL_H

#include <stddef.h>

/* Reads fd to its end into a malloc'd buffer with a NUL after the data:
 * MFA_OK with *out and *len; MFA_ERR_TOOBIG past max bytes; MFA_ERR_IO
 * with errno kept; MFA_ERR_NOMEM.  On failure what was read is cleansed
 * (it may be seeds), and the caller cleanses *out after use for the same
 * reason (wipe_free(*out, *len + 1)). */
int	read_all(int fd, size_t max, char **out, size_t *len);

#endif
