/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The folders above a file root trusts.  A non-root user who can write to
 * any of them can rename another file or folder in place of the one that
 * was meant, so each is checked, and checked on descriptors, never on a
 * path looked up again: either the one the next folder is opened from
 * (safepath_walk_each) or the opened folder's own "..", "../.." (walk_up).
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mfaerr.h"
#include "safepath.h"

/* What safepath_check_root_dir checks, on a stat already made. */
static int
root_dir_ok(const struct stat *sb, const char *path, char *err,
    size_t errlen)
{
	if (!S_ISDIR(sb->st_mode)) {
		seterr(err, errlen, "%s: not a directory", path);
		return MFA_ERR_UNSAFE;
	}
	if (sb->st_uid != 0) {
		seterr(err, errlen, "%s: owned by uid %u, must be root", path,
		    (unsigned)sb->st_uid);
		return MFA_ERR_UNSAFE;
	}
	return MFA_OK;
}

/* Sticky: others may add their own files but not rename over root's. */
static int
ancestor_ok(const struct stat *sb, const char *path, char *err,
    size_t errlen)
{
	int	r;

	if ((r = root_dir_ok(sb, path, err, errlen)) != MFA_OK)
		return r;
	if ((sb->st_mode & 022) != 0 && (sb->st_mode & S_ISVTX) == 0) {
		seterr(err, errlen, "%s: mode %04o, writable by group or "
		    "others and not sticky", path,
		    (unsigned)(sb->st_mode & 07777));
		return MFA_ERR_UNSAFE;
	}
	return MFA_OK;
}

int
safepath_check_root_dir(int fd, const char *path, struct stat *sb,
    char *err, size_t errlen)
{
	if (fstat(fd, sb) == -1) {
		seterr(err, errlen, "%s: fstat: %s", path, strerror(errno));
		return MFA_ERR_IO;
	}
	return root_dir_ok(sb, path, err, errlen);
}

int
safepath_check_ancestor(int fd, const char *path, char *err, size_t errlen)
{
	struct stat	sb;

	if (fstat(fd, &sb) == -1) {
		seterr(err, errlen, "%s: fstat: %s", path, strerror(errno));
		return MFA_ERR_IO;
	}
	return ancestor_ok(&sb, path, err, errlen);
}

/* Opens one path component below fd without following a symlink. */
static int
open_component(int fd, const char *name, const char *path, int last,
    int *out, char *err, size_t errlen)
{
	struct stat	sb;
	int		nfd;

	/* A folder passed through is only looked at (fstat) and looked up
	 * in: O_PATH is enough and costs less on every login. */
	nfd = openat(fd, name, (last ? O_RDONLY : O_PATH) | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	if (nfd != -1) {
		*out = nfd;
		return MFA_OK;
	}
	if (errno == ELOOP || (errno == ENOTDIR &&
	    fstatat(fd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(sb.st_mode))) {
		seterr(err, errlen, "%s: is a symlink", path);
		return MFA_ERR_UNSAFE;
	}
	if (errno == ENOTDIR) {
		seterr(err, errlen, "%s: not a directory", path);
		return MFA_ERR_UNSAFE;
	}
	seterr(err, errlen, "%s: %s", path, strerror(errno));
	return MFA_ERR_IO;
}

/* Copies the component at p (up to '/' or the end) into name: 1, 0 at
 * the end, -1 for ".", ".." or a name too long. */
static int
next_component(const char **p, char name[NAME_MAX + 1])
{
	const char	*end;
	size_t		 n;

	while (**p == '/')
		(*p)++;
	if (**p == '\0')
		return 0;
	end = strchr(*p, '/');
	n = end != NULL ? (size_t)(end - *p) : strlen(*p);
	if (n > NAME_MAX)
		return -1;
	memcpy(name, *p, n);
	name[n] = '\0';
	*p += n;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -1;
	return 1;
}

/* The directory at fd, shown as path, may lead on to the next component:
 * it passes safepath_check_ancestor and that component is a usable name
 * (more as next_component returned it). */
static int
check_step(int fd, const char *path, int more, const char *dir, char *err,
    size_t errlen)
{
	int	r;

	if ((r = safepath_check_ancestor(fd, path, err, errlen)) !=
	    MFA_OK)
		return r;
	if (more == -1) {
		seterr(err, errlen, "%s: bad path component (\".\", \"..\" "
		    "or too long)", dir);
		return MFA_ERR_UNSAFE;
	}
	return MFA_OK;
}

int
safepath_walk_each(const char *dir, int *out, char *err, size_t errlen)
{
	char		 shown[PATH_MAX + 1];
	char		 name[NAME_MAX + 1], ahead[NAME_MAX + 1];
	const char	*p = dir, *q;
	size_t		 slen = 0;
	int		 fd, nfd, r, more;

	*out = -1;
	if (dir == NULL || dir[0] != '/') {
		seterr(err, errlen, "%s: not an absolute path",
		    dir == NULL ? "(null)" : dir);
		return MFA_ERR_UNSAFE;
	}
	/* shown never grows longer than dir. */
	if (strlen(dir) >= sizeof(shown)) {
		seterr(err, errlen, "%.64s...: path too long", dir);
		return MFA_ERR_UNSAFE;
	}
	more = next_component(&p, name);
	if ((fd = open("/", (more == 0 ? O_RDONLY : O_PATH) | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		seterr(err, errlen, "/: %s", strerror(errno));
		return MFA_ERR_IO;
	}
	if (more == 0) {
		*out = fd;
		return MFA_OK;
	}
	r = check_step(fd, "/", more, dir, err, errlen);
	while (r == MFA_OK) {
		shown[slen++] = '/';
		memcpy(shown + slen, name, strlen(name) + 1);
		slen += strlen(name);
		q = p;
		r = open_component(fd, name, shown,
		    next_component(&q, ahead) == 0, &nfd, err, errlen);
		if (r != MFA_OK)
			break;
		close(fd);
		fd = nfd;
		if ((more = next_component(&p, name)) == 0) {
			*out = fd;
			return MFA_OK;
		}
		r = check_step(fd, shown, more, dir, err, errlen);
	}
	close(fd);
	return r;
}

/* Components of an absolute path, or -1 when one is ".", ".." or too
 * long. */
static int
count_components(const char *dir)
{
	char		 name[NAME_MAX + 1];
	const char	*p = dir;
	int		 n = 0, more;

	while ((more = next_component(&p, name)) == 1)
		n++;
	return more == -1 ? -1 : n;
}

/*
 * The walk in a few system calls: the folder opened in one openat2 that
 * follows no symlink, then each folder above it checked, from the folder's
 * own descriptor, through "..", "../.." and so on up to "/".  ".." is the
 * folder a directory is in now, whatever path led to it, so what is checked
 * is the ancestry of what was opened.  It is the ancestry the open went
 * through: to take a folder out from under another, one must be able to
 * write to it (a directory that changes parent has its ".." rewritten), and
 * a folder anyone but root can write to is refused wherever it is in the
 * chain.  Only ever says yes: MFA_ERR_UNSAFE for anything else (no
 * openat2 before Linux 5.6 or under a seccomp filter, a symlink, an unsafe
 * folder, a folder moved meanwhile), and safepath_walk_each then decides
 * and says why.
 */
static int
walk_up(const char *dir, int *out)
{
	struct open_how	how;
	struct stat	sb, root;
	char		up[3 * SAFEPATH_DEPTH_MAX];
	size_t		ulen = 0;
	int		fd, n, k;

	if ((n = count_components(dir)) <= 0 || n > SAFEPATH_DEPTH_MAX)
		return MFA_ERR_UNSAFE;
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	if (fd < 0)
		return MFA_ERR_UNSAFE;
	if (stat("/", &root) == -1)
		goto no;
	for (k = 1; k <= n; k++) {
		if (k > 1)
			up[ulen++] = '/';
		memcpy(up + ulen, "..", 3);
		ulen += 2;
		if (fstatat(fd, up, &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
		    ancestor_ok(&sb, "", NULL, 0) != MFA_OK)
			goto no;
	}
	if (sb.st_dev != root.st_dev || sb.st_ino != root.st_ino)
		goto no;
	*out = fd;
	return MFA_OK;
no:
	close(fd);
	return MFA_ERR_UNSAFE;
}

int
safepath_walk(const char *dir, int *out, char *err, size_t errlen)
{
	*out = -1;
	if (dir != NULL && dir[0] == '/' && strlen(dir) < PATH_MAX &&
	    walk_up(dir, out) == MFA_OK)
		return MFA_OK;
	return safepath_walk_each(dir, out, err, errlen);
}
