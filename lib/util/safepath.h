/* SPDX-License-Identifier: BSD-2-Clause */
/* The folders above a file that root trusts: a walk from "/" that opens
 * each one relative to the one before it, without following a symlink,
 * and checks it with fstat, so no folder can be swapped in between the
 * check and the use. */
#ifndef AWSMFA_SAFEPATH_H
#define AWSMFA_SAFEPATH_H

#include <sys/stat.h>

#include <stddef.h>

#include "mfaerr.h"

/* Each function returns MFA_OK, MFA_ERR_UNSAFE (a folder anyone but root
 * could change, a symlink, not a directory) or MFA_ERR_IO. */

/* The directory open at fd is a directory owned by root; *sb is its
 * fstat.  Messages in err name path. */
int	safepath_check_root_dir(int fd, const char *path, struct stat *sb,
	    char *err, size_t errlen);

/* The directory open at fd is one only root can change: owned by root
 * and not writable by group or others unless sticky (/tmp). */
int	safepath_check_ancestor(int fd, const char *path, char *err,
	    size_t errlen);

/* Opens the absolute path dir, refusing a symlink, ".", ".." and a
 * component that is not a directory, and checks every directory above the
 * last with safepath_check_ancestor.  *out is the last one's descriptor
 * (O_RDONLY, O_CLOEXEC), which the caller checks for its own purpose; dir
 * "/" gives "/" itself.  On Linux 5.6 and later a path that passes takes
 * one openat2 and a stat per folder (see walk_up in safepath.c); anything
 * else goes through safepath_walk_each. */
int	safepath_walk(const char *dir, int *out, char *err, size_t errlen);

/* The same walk one component at a time from "/", each opened relative to
 * the one checked before it: what safepath_walk falls back to, and what
 * names the folder that is wrong. */
int	safepath_walk_each(const char *dir, int *out, char *err,
	    size_t errlen);

/* Deeper paths are left to safepath_walk_each. */
#define SAFEPATH_DEPTH_MAX	64

#endif
