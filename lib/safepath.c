/*
 * The folders above a file root trusts.  A non-root user who can write to
 * any of them can rename another file or folder in place of the one that
 * was meant, so each is checked, and checked on the descriptor the next
 * one is opened from: what was checked is what is used.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "safepath.h"

int
safepath_check_root_dir(int fd, const char *path, struct stat *sb,
    char *err, size_t errlen)
{
	if (fstat(fd, sb) == -1) {
		seterr(err, errlen, "%s: fstat: %s", path, strerror(errno));
		return SAFEPATH_IO;
	}
	if (!S_ISDIR(sb->st_mode)) {
		seterr(err, errlen, "%s: not a directory", path);
		return SAFEPATH_UNSAFE;
	}
	if (sb->st_uid != 0) {
		seterr(err, errlen, "%s: owned by uid %u, must be root", path,
		    (unsigned)sb->st_uid);
		return SAFEPATH_UNSAFE;
	}
	return SAFEPATH_OK;
}

/* Sticky: others may add their own files but not rename over root's. */
int
safepath_check_ancestor(int fd, const char *path, char *err, size_t errlen)
{
	struct stat	 sb;
	int		 r;

	if ((r = safepath_check_root_dir(fd, path, &sb, err, errlen)) !=
	    SAFEPATH_OK)
		return r;
	if ((sb.st_mode & 022) != 0 && (sb.st_mode & S_ISVTX) == 0) {
		seterr(err, errlen, "%s: mode %04o, writable by group or "
		    "others and not sticky", path,
		    (unsigned)(sb.st_mode & 07777));
		return SAFEPATH_UNSAFE;
	}
	return SAFEPATH_OK;
}

/* Opens one path component below fd without following a symlink. */
static int
open_component(int fd, const char *name, const char *path, int last,
    int *out, char *err, size_t errlen)
{
	struct stat	 sb;
	int		 nfd;

	/* A folder passed through is only looked at (fstat) and looked up
	 * in: O_PATH is enough and costs less on every login. */
	nfd = openat(fd, name, (last ? O_RDONLY : O_PATH) | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	if (nfd != -1) {
		*out = nfd;
		return SAFEPATH_OK;
	}
	if (errno == ELOOP || (errno == ENOTDIR &&
	    fstatat(fd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(sb.st_mode))) {
		seterr(err, errlen, "%s: is a symlink", path);
		return SAFEPATH_UNSAFE;
	}
	if (errno == ENOTDIR) {
		seterr(err, errlen, "%s: not a directory", path);
		return SAFEPATH_UNSAFE;
	}
	seterr(err, errlen, "%s: %s", path, strerror(errno));
	return SAFEPATH_IO;
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
	int	 r;

	if ((r = safepath_check_ancestor(fd, path, err, errlen)) !=
	    SAFEPATH_OK)
		return r;
	if (more == -1) {
		seterr(err, errlen, "%s: bad path component (\".\", \"..\" "
		    "or too long)", dir);
		return SAFEPATH_UNSAFE;
	}
	return SAFEPATH_OK;
}

int
safepath_walk(const char *dir, int *out, char *err, size_t errlen)
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
		return SAFEPATH_UNSAFE;
	}
	/* shown never grows longer than dir. */
	if (strlen(dir) >= sizeof(shown)) {
		seterr(err, errlen, "%.64s...: path too long", dir);
		return SAFEPATH_UNSAFE;
	}
	more = next_component(&p, name);
	if ((fd = open("/", (more == 0 ? O_RDONLY : O_PATH) | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		seterr(err, errlen, "/: %s", strerror(errno));
		return SAFEPATH_IO;
	}
	if (more == 0) {
		*out = fd;
		return SAFEPATH_OK;
	}
	r = check_step(fd, "/", more, dir, err, errlen);
	while (r == SAFEPATH_OK) {
		shown[slen++] = '/';
		memcpy(shown + slen, name, strlen(name) + 1);
		slen += strlen(name);
		q = p;
		r = open_component(fd, name, shown,
		    next_component(&q, ahead) == 0, &nfd, err, errlen);
		if (r != SAFEPATH_OK)
			break;
		close(fd);
		fd = nfd;
		if ((more = next_component(&p, name)) == 0) {
			*out = fd;
			return SAFEPATH_OK;
		}
		r = check_step(fd, shown, more, dir, err, errlen);
	}
	close(fd);
	return r;
}
