/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * awsmfa.conf on disk: opened through folders only root can change, then
 * checked (a regular file of root's that nobody else may write) before a
 * byte of it is trusted, and read whole.  config.c parses the text.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_keys.h"
#include "safepath.h"

#define CONFIG_MAX_SIZE	(64 * 1024)	/* a real file is a few hundred bytes */

/*
 * The folder holding path, as an absolute path in dir (a relative path,
 * from mfa-enroll --conf, is taken from the working directory), and the
 * file's own name in name.
 */
static int
split_path(const char *path, char dir[PATH_MAX], char name[NAME_MAX + 1],
    const struct ctx *ctx)
{
	char	*slash;
	size_t	 len = 0;

	if (path[0] != '/') {
		if (getcwd(dir, PATH_MAX) == NULL)
			return config_err(ctx, 0, "cannot find the working "
			    "directory: %s", strerror(errno));
		len = strlen(dir);
		if (len > 0 && dir[len - 1] != '/' && len + 1 < PATH_MAX)
			dir[len++] = '/';
	}
	if (len + strlen(path) >= PATH_MAX)
		return config_err(ctx, 0, "path too long");
	memcpy(dir + len, path, strlen(path) + 1);
	slash = strrchr(dir, '/');
	if (strlen(slash + 1) > NAME_MAX)
		return config_err(ctx, 0, "%s", strerror(ENAMETOOLONG));
	memcpy(name, slash + 1, strlen(slash + 1) + 1);
	if (slash == dir)	/* the file is in "/" */
		slash++;
	*slash = '\0';
	return MFA_OK;
}

/*
 * The folder the file is in, and every folder above it, must be ones
 * only root can change (lib/safepath.c): whoever can write to one of them
 * can rename another file, or another folder, in place of this one.
 * Each is opened from the one checked before it, so the descriptor
 * returned in *dfd is the folder that was checked.
 */
static int
open_folder(const char *path, char name[NAME_MAX + 1], int *dfd,
    const struct ctx *ctx)
{
	char	dir[PATH_MAX], why[MFA_ERRLEN];
	int	r;

	if ((r = split_path(path, dir, name, ctx)) != MFA_OK)
		return r;
	if (safepath_walk(dir, dfd, why, sizeof(why)) != MFA_OK)
		return config_err(ctx, 0, "folder %s", why);
	if (safepath_check_ancestor(*dfd, dir, why, sizeof(why)) != MFA_OK) {
		close(*dfd);
		return config_err(ctx, 0, "folder %s", why);
	}
	return MFA_OK;
}

/* Why the open file fd cannot be trusted, or MFA_OK and its size in
 * *size. */
static int
check_file(int fd, off_t *size, const struct ctx *ctx)
{
	struct stat	st;

	if (fstat(fd, &st) == -1)
		return config_err(ctx, 0, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return config_err(ctx, 0, "not a regular file");
	if (st.st_uid != 0)
		return config_err(ctx, 0, "not owned by root (uid %lu)",
		    (unsigned long)st.st_uid);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return config_err(ctx, 0, "writable by group or others "
		    "(mode %04o)", (unsigned)(st.st_mode & 07777));
	*size = st.st_size;
	return MFA_OK;
}

/*
 * O_NOFOLLOW refuses a symlink in the last component; O_NONBLOCK keeps a
 * FIFO planted at the path from hanging the login before fstat sees it.
 */
static int
open_checked(const char *path, int *fd, off_t *size, const struct ctx *ctx)
{
	char	name[NAME_MAX + 1] = "";
	int	dfd, r;

	if ((r = open_folder(path, name, &dfd, ctx)) != MFA_OK)
		return r;
	/* "DIR/" names a folder, not a file. */
	if (name[0] == '\0') {
		close(dfd);
		return config_err(ctx, 0, "not a regular file");
	}
	*fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK | O_NOCTTY);
	close(dfd);
	if (*fd == -1 && errno == ELOOP)
		return config_err(ctx, 0, "is a symbolic link");
	if (*fd == -1)
		return config_err(ctx, 0, "%s", strerror(errno));
	if ((r = check_file(*fd, size, ctx)) != MFA_OK)
		close(*fd);
	return r;
}

/*
 * The whole file from fd as a NUL-terminated string in *text.  Not
 * read_all: a regular file reads short only at its end, so the read that
 * asked for one byte more than the file holds already says it is whole,
 * and the login path is spared the second read that would return 0.
 * The buffer starts at the size fstat saw (a file that grew since gets
 * the whole limit): 64 KiB up front would move the heap's top up and
 * back down again in every login.
 */
static int
read_text(int fd, off_t size, char **text, const struct ctx *ctx)
{
	char	*buf, *p;
	size_t	 cap, len = 0, want;
	ssize_t	 r;

	cap = CONFIG_MAX_SIZE + 1;
	if (size >= 0 && size < CONFIG_MAX_SIZE)
		cap = (size_t)size + 1;
	if ((buf = malloc(cap)) == NULL)
		return config_err(ctx, 0, "out of memory");
	while (len <= CONFIG_MAX_SIZE) {
		if (len == cap) {
			/* Grown since fstat: up to the limit and one more. */
			if ((p = realloc(buf, CONFIG_MAX_SIZE + 1)) == NULL) {
				free(buf);
				return config_err(ctx, 0, "out of memory");
			}
			buf = p;
			cap = CONFIG_MAX_SIZE + 1;
		}
		want = cap - len;
		r = read(fd, buf + len, want);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			free(buf);
			return config_err(ctx, 0, "%s", strerror(errno));
		}
		len += (size_t)r;
		if ((size_t)r < want)
			break;
	}
	if (len > CONFIG_MAX_SIZE || memchr(buf, '\0', len) != NULL) {
		free(buf);
		if (len > CONFIG_MAX_SIZE)
			return config_err(ctx, 0, "larger than %d bytes",
			    CONFIG_MAX_SIZE);
		return config_err(ctx, 0, "contains a NUL byte");
	}
	buf[len] = '\0';
	*text = buf;
	return MFA_OK;
}

int
config_load(const char *path, struct awsmfa_config *cfg, char *err,
    size_t errlen)
{
	struct ctx	 ctx;
	char		*text = NULL;
	off_t		 size = 0;
	int		 fd = -1, r;

	if (path == NULL)
		path = AWSMFA_DEFAULT_CONF;
	ctx.name = path;
	ctx.err = err;
	ctx.errlen = errlen;
	seterr(err, errlen, "%s", "");
	/* config_parse_text sets the defaults itself: only the early
	 * failures need them here (each costs a gethostname on the login
	 * path). */
	if ((r = open_checked(path, &fd, &size, &ctx)) == MFA_OK) {
		r = read_text(fd, size, &text, &ctx);
		close(fd);
	}
	if (r != MFA_OK) {
		config_defaults(cfg);
		return r;
	}
	r = config_parse_text(text, path, cfg, err, errlen);
	free(text);
	return r;
}
