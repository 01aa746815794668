/* SPDX-License-Identifier: BSD-2-Clause */
/* The root-owned store on a real file system: what it refuses, atomic
 * saves, locking between processes.  Runs as root (ownership checks). */
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "record.h"
#include "store.h"
#include "store_sample.h"
#include "store_fixture.h"

static void
write_raw(const struct fixture *fx, const char *name, const char *text,
    size_t len, mode_t mode)
{
	char	 p[512];
	int	 fd;

	path_of(fx, name, p, sizeof(p));
	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
save_sample(struct fixture *fx, const char *user)
{
	struct mfa_record	 rec;

	sample_record(&rec, user);
	if (store_save(&fx->st, &rec, fx->err, sizeof(fx->err)) != MFA_OK)
		fail_msg("save %s: %s", user, fx->err);
	record_wipe(&rec);
}

static void
expect_load(struct fixture *fx, const char *user, int want, const char *why)
{
	struct mfa_record	 rec;
	int			 r;

	fx->err[0] = '\0';
	r = store_load(&fx->st, user, &rec, fx->err, sizeof(fx->err));
	if (r != want)
		fail_msg("load %s: %d, want %d (%s)", user, r, want, fx->err);
	if (why != NULL && strstr(fx->err, why) == NULL)
		fail_msg("load %s: \"%s\" does not say \"%s\"", user, fx->err,
		    why);
	if (r != MFA_OK)
		assert_int_equal(rec.ndevices, 0);
	record_wipe(&rec);
}

/* store_open of fx->dir refused with why in the message. */
static void
expect_open(struct fixture *fx, const char *dir, int want, const char *why)
{
	struct store	 st;
	int		 r;

	fx->err[0] = '\0';
	r = store_open(&st, dir, fx->err, sizeof(fx->err));
	if (r != want)
		fail_msg("open %s: %d, want %d (%s)", dir, r, want, fx->err);
	if (why != NULL && strstr(fx->err, why) == NULL)
		fail_msg("open %s: \"%s\" does not say \"%s\"", dir, fx->err,
		    why);
	if (r == MFA_OK) {
		assert_true(st.dirfd >= 0);
		store_close(&st);
	} else
		assert_int_equal(st.dirfd, -1);
}

static void
test_create_and_open(void **state)
{
	struct fixture	*fx = *state;
	struct stat	 sb;
	struct store	 st;
	char		 p[256];

	assert_int_equal(stat(fx->dir, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(sb.st_uid, 0);
	assert_int_equal(sb.st_gid, 0);
	/* Again: it exists, still fine. */
	assert_int_equal(store_create(&st, fx->dir, fx->err,
	    sizeof(fx->err)), MFA_OK);
	store_close(&st);
	expect_open(fx, fx->dir, MFA_OK, NULL);
	snprintf(p, sizeof(p), "%s//store/", fx->top);
	expect_open(fx, p, MFA_OK, NULL);
	expect_open(fx, "relative/store", MFA_ERR_UNSAFE, "absolute path");
	snprintf(p, sizeof(p), "%s/../%s/store", fx->top, fx->top + 5);
	expect_open(fx, p, MFA_ERR_UNSAFE, "\"..\"");
	snprintf(p, sizeof(p), "%s/./store", fx->top);
	expect_open(fx, p, MFA_ERR_UNSAFE, "\".\"");
	expect_open(fx, "/", MFA_ERR_UNSAFE, "root directory");
	snprintf(p, sizeof(p), "%s/missing", fx->top);
	expect_open(fx, p, MFA_ERR_IO, "No such file");
	/* A store whose parent is missing cannot be created. */
	snprintf(p, sizeof(p), "%s/missing/store", fx->top);
	assert_int_equal(store_create(&st, p, fx->err, sizeof(fx->err)),
	    MFA_ERR_IO);
}

static void
test_dir_refused(void **state)
{
	struct fixture	*fx = *state;
	char		 p[256], q[256], want[300];

	assert_int_equal(chmod(fx->dir, 0755), 0);
	snprintf(want, sizeof(want), "%s: mode 0755, must be 0700 or "
	    "narrower", fx->dir);
	expect_open(fx, fx->dir, MFA_ERR_UNSAFE, want);
	assert_int_equal(chmod(fx->dir, 0770), 0);
	expect_open(fx, fx->dir, MFA_ERR_UNSAFE, "mode 0770, must be 0700");
	assert_int_equal(chmod(fx->dir, 0701), 0);
	expect_open(fx, fx->dir, MFA_ERR_UNSAFE, "mode 0701");
	assert_int_equal(chmod(fx->dir, 0500), 0);
	expect_open(fx, fx->dir, MFA_OK, NULL);
	assert_int_equal(chmod(fx->dir, 0700), 0);

	assert_int_equal(chown(fx->dir, 1000, 0), 0);
	snprintf(want, sizeof(want), "%s: owned by uid 1000, must be root",
	    fx->dir);
	expect_open(fx, fx->dir, MFA_ERR_UNSAFE, want);
	assert_int_equal(chown(fx->dir, 0, 1), 0);
	expect_open(fx, fx->dir, MFA_ERR_UNSAFE, "group gid 1, must be root");
	assert_int_equal(chown(fx->dir, 0, 0), 0);

	/* The store itself a symlink to a good directory. */
	snprintf(p, sizeof(p), "%s/link", fx->top);
	assert_int_equal(symlink(fx->dir, p), 0);
	snprintf(want, sizeof(want), "%s: is a symlink", p);
	expect_open(fx, p, MFA_ERR_UNSAFE, want);
	/* A symlink on the way. */
	snprintf(q, sizeof(q), "%s/linkdir", fx->top);
	assert_int_equal(symlink(fx->top, q), 0);
	snprintf(p, sizeof(p), "%s/linkdir/store", fx->top);
	expect_open(fx, p, MFA_ERR_UNSAFE, "linkdir: is a symlink");
	/* A regular file. */
	snprintf(p, sizeof(p), "%s/file", fx->top);
	close(open(p, O_CREAT | O_WRONLY, 0600));
	expect_open(fx, p, MFA_ERR_UNSAFE, "not a directory");
}

static void
test_parent_refused(void **state)
{
	struct fixture	*fx = *state;
	struct store	 st;
	char		 parent[256], dir[300], want[400];

	snprintf(parent, sizeof(parent), "%s/p", fx->top);
	snprintf(dir, sizeof(dir), "%s/store", parent);
	assert_int_equal(mkdir(parent, 0755), 0);
	assert_int_equal(store_create(&st, dir, fx->err, sizeof(fx->err)),
	    MFA_OK);
	store_close(&st);

	assert_int_equal(chmod(parent, 0777), 0);
	snprintf(want, sizeof(want), "%s: mode 0777, writable by group or "
	    "others", parent);
	expect_open(fx, dir, MFA_ERR_UNSAFE, want);
	assert_int_equal(chmod(parent, 0775), 0);
	expect_open(fx, dir, MFA_ERR_UNSAFE, "mode 0775, writable by group");
	/* Sticky, like /tmp: others cannot replace root's entries. */
	assert_int_equal(chmod(parent, 01777), 0);
	expect_open(fx, dir, MFA_OK, NULL);
	assert_int_equal(chmod(parent, 0755), 0);
	assert_int_equal(chown(parent, 1000, 0), 0);
	snprintf(want, sizeof(want), "%s: owned by uid 1000, must be root",
	    parent);
	expect_open(fx, dir, MFA_ERR_UNSAFE, want);
	/* store_create refuses the same way. */
	assert_int_equal(store_create(&st, dir, fx->err, sizeof(fx->err)),
	    MFA_ERR_UNSAFE);
	assert_int_equal(chown(parent, 0, 0), 0);
	expect_open(fx, dir, MFA_OK, NULL);
}

static void
test_round_trip(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 a, b;
	struct stat		 sb;
	char			 p[256];

	sample_record(&a, "alice");
	assert_int_equal(store_save(&fx->st, &a, fx->err, sizeof(fx->err)),
	    MFA_OK);
	assert_int_equal(store_load(&fx->st, "alice", &b, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_true(records_equal(&a, &b));
	path_of(fx, "alice", p, sizeof(p));
	assert_int_equal(lstat(p, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_uid, 0);
	assert_int_equal(sb.st_gid, 0);
	assert_int_equal(sb.st_nlink, 1);
	/* Overwrite with a change. */
	a.failures = 0;
	a.dev[1].last_step = 123;
	assert_int_equal(store_save(&fx->st, &a, fx->err, sizeof(fx->err)),
	    MFA_OK);
	assert_int_equal(store_load(&fx->st, "alice", &b, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_true(records_equal(&a, &b));
	record_wipe(&a);
	record_wipe(&b);
}

static void
test_missing_and_empty(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 rec;
	char			 p[256];

	memset(&rec, 0x55, sizeof(rec));
	assert_int_equal(store_load(&fx->st, "nobody", &rec, fx->err,
	    sizeof(fx->err)), MFA_ERR_NOENT);
	assert_string_equal(rec.user, "nobody");
	assert_int_equal(rec.ndevices, 0);
	assert_int_equal(rec.nrecovery, 0);
	assert_int_equal(rec.failures, 0);

	/* Saving a record with nothing in it removes the file. */
	save_sample(fx, "carol");
	path_of(fx, "carol", p, sizeof(p));
	assert_int_equal(access(p, F_OK), 0);
	record_init(&rec, "carol");
	rec.failures = 4;
	assert_int_equal(store_save(&fx->st, &rec, fx->err, sizeof(fx->err)),
	    MFA_OK);
	assert_int_equal(access(p, F_OK), -1);
	expect_load(fx, "carol", MFA_ERR_NOENT, NULL);
	/* And again, when there is nothing to remove. */
	assert_int_equal(store_save(&fx->st, &rec, fx->err, sizeof(fx->err)),
	    MFA_OK);
	/* Recovery codes alone are kept. */
	strcpy(rec.recovery[0], "hash");
	rec.nrecovery = 1;
	assert_int_equal(store_save(&fx->st, &rec, fx->err, sizeof(fx->err)),
	    MFA_OK);
	expect_load(fx, "carol", MFA_OK, NULL);
	/* An invalid record is not written. */
	sample_record(&rec, "carol");
	rec.dev[0].digits = 4;
	assert_int_equal(store_save(&fx->st, &rec, fx->err, sizeof(fx->err)),
	    MFA_ERR_CORRUPT);
	assert_non_null(strstr(fx->err, "invalid record"));
	expect_load(fx, "carol", MFA_OK, NULL);
	record_wipe(&rec);
}

static void
test_record_refused(void **state)
{
	struct fixture	*fx = *state;
	char		 p[256], q[256], want[400];

	save_sample(fx, "alice");
	path_of(fx, "alice", p, sizeof(p));

	assert_int_equal(chmod(p, 0644), 0);
	snprintf(want, sizeof(want), "%s: mode 0644, must be 0600 or "
	    "narrower", p);
	expect_load(fx, "alice", MFA_ERR_UNSAFE, want);
	assert_int_equal(chmod(p, 0640), 0);
	expect_load(fx, "alice", MFA_ERR_UNSAFE, "mode 0640");
	assert_int_equal(chmod(p, 0604), 0);
	expect_load(fx, "alice", MFA_ERR_UNSAFE, "mode 0604");
	assert_int_equal(chmod(p, 04600), 0);
	expect_load(fx, "alice", MFA_ERR_UNSAFE, "mode 4600");
	assert_int_equal(chmod(p, 0400), 0);
	expect_load(fx, "alice", MFA_OK, NULL);
	assert_int_equal(chmod(p, 0600), 0);

	assert_int_equal(chown(p, 65534, 0), 0);
	snprintf(want, sizeof(want), "%s: owned by uid 65534, must be root",
	    p);
	expect_load(fx, "alice", MFA_ERR_UNSAFE, want);
	assert_int_equal(chown(p, 0, 1), 0);
	expect_load(fx, "alice", MFA_ERR_UNSAFE, "group gid 1, must be root");
	assert_int_equal(chown(p, 0, 0), 0);

	/* Hard link: st_nlink 2, from either name. */
	path_of(fx, "alice2", q, sizeof(q));
	assert_int_equal(link(p, q), 0);
	expect_load(fx, "alice", MFA_ERR_UNSAFE, "has 2 hard links");
	assert_int_equal(unlink(q), 0);
	expect_load(fx, "alice", MFA_OK, NULL);

	/* Symlink to a perfectly good record. */
	path_of(fx, "bob", q, sizeof(q));
	assert_int_equal(symlink(p, q), 0);
	snprintf(want, sizeof(want), "%s: is a symlink", q);
	expect_load(fx, "bob", MFA_ERR_UNSAFE, want);
	assert_int_equal(unlink(q), 0);
	assert_int_equal(symlink("/nonexistent", q), 0);
	expect_load(fx, "bob", MFA_ERR_UNSAFE, "is a symlink");
	assert_int_equal(unlink(q), 0);

	/* A directory and a FIFO (which must not block the open). */
	assert_int_equal(mkdir(q, 0700), 0);
	expect_load(fx, "bob", MFA_ERR_UNSAFE, "not a regular file");
	assert_int_equal(rmdir(q), 0);
	assert_int_equal(mkfifo(q, 0600), 0);
	expect_load(fx, "bob", MFA_ERR_UNSAFE, "not a regular file");
	assert_int_equal(unlink(q), 0);
	assert_int_equal(mknod(q, S_IFCHR | 0600, makedev(1, 3)), 0);
	expect_load(fx, "bob", MFA_ERR_UNSAFE, "not a regular file");
	assert_int_equal(unlink(q), 0);
}

static void
test_record_too_big(void **state)
{
	struct fixture	*fx = *state;
	char		*big;
	size_t		 n = 1024 * 1024 + 1;

	big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	write_raw(fx, "big", big, n, 0600);
	expect_load(fx, "big", MFA_ERR_UNSAFE, "larger than");
	write_raw(fx, "big", big, n - 1, 0600);
	expect_load(fx, "big", MFA_ERR_CORRUPT, NULL);
	free(big);
}

static const char *const bad_users[] = {
	"", ".", "..", "a/b", "../etc/passwd", ".hidden", "a\nb", "\x7f",
	"/etc/shadow", ".lock.alice", ".inventory",
};

static void
test_bad_usernames(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 rec;
	char			 longname[300];
	size_t			 i, n = sizeof(bad_users) / sizeof(bad_users[0]);
	int			 fd;

	save_sample(fx, "alice");
	memset(longname, 'u', sizeof(longname));
	for (i = 0; i < n + 3; i++) {
		const char *u = i < n ? bad_users[i] : longname;

		/* 257 bytes: not a username; 256 and 250: too long for
		 * ".lock.USER" in one directory entry. */
		if (i == n)
			longname[257] = '\0';
		else if (i == n + 1)
			longname[256] = '\0';
		else if (i == n + 2)
			longname[250] = '\0';
		assert_int_equal(store_load(&fx->st, u, &rec, fx->err,
		    sizeof(fx->err)), MFA_ERR_BADNAME);
		assert_int_equal(rec.ndevices, 0);
		sample_record(&rec, "alice");
		memset(rec.user, 0, sizeof(rec.user));
		memcpy(rec.user, u, strnlen(u, RECORD_USER_MAX));
		assert_int_equal(store_save(&fx->st, &rec, fx->err,
		    sizeof(fx->err)), MFA_ERR_BADNAME);
		fd = 12345;
		assert_int_equal(store_lock_user(&fx->st, u, &fd, fx->err,
		    sizeof(fx->err)), MFA_ERR_BADNAME);
		assert_int_equal(fd, -1);
		assert_string_equal(fx->err, "invalid user name for the store");
	}
	/* A user name not NUL-terminated inside the record is refused. */
	sample_record(&rec, "alice");
	memset(rec.user, 'u', sizeof(rec.user));
	assert_int_equal(store_save(&fx->st, &rec, fx->err, sizeof(fx->err)),
	    MFA_ERR_BADNAME);
	record_wipe(&rec);
	/* The longest name the store takes works end to end. */
	longname[249] = '\0';
	save_sample(fx, longname);
	expect_load(fx, longname, MFA_OK, NULL);
	assert_int_equal(store_lock_user(&fx->st, longname, &fd, fx->err,
	    sizeof(fx->err)), MFA_OK);
	store_unlock(fd);
	/* Nothing escaped the store and alice is intact. */
	expect_load(fx, "alice", MFA_OK, NULL);
}

/* The bytes store_save would write for rec. */
static void
file_of(const struct mfa_record *rec, unsigned char **file, size_t *size)
{
	assert_int_equal(store_record_file(rec, file, size), 0);
}

static void
test_truncated_files(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 rec;
	unsigned char		*file;
	size_t			 size, cut;
	int			 r;

	sample_record(&rec, "trunc");
	file_of(&rec, &file, &size);
	for (cut = 0; cut < size; cut++) {
		write_raw(fx, "trunc", (char *)file, cut, 0600);
		r = store_load(&fx->st, "trunc", &rec, fx->err,
		    sizeof(fx->err));
		if (r != MFA_ERR_CORRUPT)
			fail_msg("cut at %zu of %zu: %d (%s)", cut, size, r,
			    fx->err);
		assert_int_equal(rec.ndevices, 0);
	}
	write_raw(fx, "trunc", (char *)file, size, 0600);
	expect_load(fx, "trunc", MFA_OK, NULL);
	free(file);
	record_wipe(&rec);
}

static void
test_garbage_files(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 rec;
	unsigned char		*file;
	size_t			 size;
	char			 want[300];

	write_raw(fx, "g", "garbage\n", 8, 0600);
	snprintf(want, sizeof(want), "%s/g: not a record file", fx->dir);
	expect_load(fx, "g", MFA_ERR_CORRUPT, want);
	write_raw(fx, "g", "\0\0\0\0", 4, 0600);
	expect_load(fx, "g", MFA_ERR_CORRUPT, "not a record file");
	/* A record's bare text, without its slots, is not a record file. */
	sample_record(&rec, "alice");
	file_of(&rec, &file, &size);
	write_raw(fx, "alice", (char *)file + SLOT_HDR, size - SLOT_HDR,
	    0600);
	expect_load(fx, "alice", MFA_ERR_CORRUPT, "not a record file");
	/* alice's record copied to bob's name is not bob's record. */
	write_raw(fx, "bob", (char *)file, size, 0600);
	expect_load(fx, "bob", MFA_ERR_CORRUPT, "another user");
	write_raw(fx, "alice", (char *)file, size, 0600);
	expect_load(fx, "alice", MFA_OK, NULL);
	free(file);
	record_wipe(&rec);
}

static void
test_save_replaces_not_follows(void **state)
{
	struct fixture	*fx = *state;
	char		 p[256], target[256];
	struct stat	 sb;

	/* A symlink where the record goes is replaced, never written
	 * through. */
	snprintf(target, sizeof(target), "%s/target", fx->top);
	close(open(target, O_CREAT | O_WRONLY, 0644));
	path_of(fx, "alice", p, sizeof(p));
	assert_int_equal(symlink(target, p), 0);
	save_sample(fx, "alice");
	assert_int_equal(lstat(p, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(stat(target, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	expect_load(fx, "alice", MFA_OK, NULL);
}

static void
test_save_failure_keeps_old(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 old, b;
	char			 p[256];
	pid_t			 pid;
	int			 status;

	sample_record(&old, "alice");
	assert_int_equal(store_save(&fx->st, &old, fx->err, sizeof(fx->err)),
	    MFA_OK);
	/* The write of the temp file fails (file size limit). */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit		 rl = { 100, 100 };
		struct mfa_record	 rec;
		char			 err[MFA_ERRLEN];
		int			 r;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(90);
		sample_record(&rec, "alice");
		rec.failures = 99;
		r = store_save(&fx->st, &rec, err, sizeof(err));
		if (r != MFA_ERR_IO)
			_exit(91);
		if (strstr(err, ": write: File too large") == NULL)
			_exit(92);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(store_load(&fx->st, "alice", &b, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_true(records_equal(&old, &b));
	assert_int_equal(count_temps(fx), 0);

	/* The rename fails: a non-empty directory has the record's name. */
	path_of(fx, "dave", p, sizeof(p));
	assert_int_equal(mkdir(p, 0700), 0);
	strcat(p, "/x");
	close(open(p, O_CREAT | O_WRONLY, 0600));
	sample_record(&b, "dave");
	assert_int_equal(store_save(&fx->st, &b, fx->err, sizeof(fx->err)),
	    MFA_ERR_IO);
	assert_non_null(strstr(fx->err, "/dave: rename: "));
	assert_int_equal(count_temps(fx), 0);
	record_wipe(&old);
	record_wipe(&b);
}

#define CYCLES	1000

static int
increment_loop(struct store *st)
{
	struct mfa_record	 rec;
	char			 err[MFA_ERRLEN];
	int			 i, fd;

	for (i = 0; i < CYCLES; i++) {
		if (store_lock_user(st, "race", &fd, err, sizeof(err)) !=
		    MFA_OK ||
		    store_load(st, "race", &rec, err, sizeof(err)) !=
		    MFA_OK)
			return -1;
		rec.failures++;
		if (store_save(st, &rec, err, sizeof(err)) != MFA_OK)
			return -1;
		store_unlock(fd);
	}
	record_wipe(&rec);
	return 0;
}

static void
test_two_processes_lose_nothing(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 rec;
	pid_t			 pid[2];
	int			 i, status;

	sample_record(&rec, "race");
	rec.failures = 0;
	assert_int_equal(store_save(&fx->st, &rec, fx->err, sizeof(fx->err)),
	    MFA_OK);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0)
			_exit(increment_loop(&fx->st) == 0 ? 0 : 1);
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(store_load(&fx->st, "race", &rec, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_int_equal(rec.failures, 2 * CYCLES);
	assert_int_equal(count_temps(fx), 0);
	record_wipe(&rec);
}

static void
test_locks(void **state)
{
	struct fixture	*fx = *state;
	struct stat	 sb;
	char		 p[256];
	int		 fd, fd2, other;

	assert_int_equal(store_lock_user(&fx->st, "alice", &fd, fx->err,
	    sizeof(fx->err)), MFA_OK);
	path_of(fx, ".lock.alice", p, sizeof(p));
	assert_int_equal(lstat(p, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_uid, 0);
	/* Held: another open file description cannot take it. */
	other = open(p, O_RDWR);
	assert_true(other >= 0);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	store_unlock(fd);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);
	/* The lock file stays. */
	assert_int_equal(access(p, F_OK), 0);

	assert_int_equal(store_lock_inventory(&fx->st, &fd, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_int_equal(store_lock_user(&fx->st, "alice", &fd2, fx->err,
	    sizeof(fx->err)), MFA_OK);
	store_unlock(fd2);
	store_unlock(fd);
	path_of(fx, ".inventory.lock", p, sizeof(p));
	assert_int_equal(access(p, F_OK), 0);

	/* Unsafe lock files are refused like records. */
	path_of(fx, ".lock.alice", p, sizeof(p));
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_equal(store_lock_user(&fx->st, "alice", &fd, fx->err,
	    sizeof(fx->err)), MFA_ERR_UNSAFE);
	assert_non_null(strstr(fx->err, "mode 0644"));
	assert_int_equal(fd, -1);
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(chown(p, 1000, 0), 0);
	assert_int_equal(store_lock_user(&fx->st, "alice", &fd, fx->err,
	    sizeof(fx->err)), MFA_ERR_UNSAFE);
	assert_non_null(strstr(fx->err, "owned by uid 1000"));
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	assert_int_equal(store_lock_user(&fx->st, "alice", &fd, fx->err,
	    sizeof(fx->err)), MFA_ERR_UNSAFE);
	assert_non_null(strstr(fx->err, "is a symlink"));
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(store_lock_user(&fx->st, "alice", &fd, fx->err,
	    sizeof(fx->err)), MFA_ERR_UNSAFE);
	assert_int_equal(rmdir(p), 0);
	store_unlock(-1);
}

static void
test_list_users(void **state)
{
	struct fixture	*fx = *state;
	char		**users, p[256];
	size_t		  n;
	int		  fd;

	assert_int_equal(store_list_users(&fx->st, &users, &n, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_int_equal(n, 0);
	store_free_users(users, n);

	save_sample(fx, "carol");
	save_sample(fx, "alice");
	save_sample(fx, "bob");
	save_sample(fx, "Zed");
	assert_int_equal(store_lock_user(&fx->st, "alice", &fd, fx->err,
	    sizeof(fx->err)), MFA_OK);
	store_unlock(fd);
	write_raw(fx, ".inventory", "x", 1, 0600);
	write_raw(fx, ".tmp.abcdef", "x", 1, 0600);
	write_raw(fx, "bad\nname", "x", 1, 0600);
	write_raw(fx, "tab\tname", "x", 1, 0600);
	assert_int_equal(store_list_users(&fx->st, &users, &n, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_int_equal(n, 4);
	assert_string_equal(users[0], "Zed");
	assert_string_equal(users[1], "alice");
	assert_string_equal(users[2], "bob");
	assert_string_equal(users[3], "carol");
	store_free_users(users, n);
	/* Listing twice from the same store descriptor works. */
	path_of(fx, "bad\nname", p, sizeof(p));
	unlink(p);
	assert_int_equal(store_list_users(&fx->st, &users, &n, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_int_equal(n, 4);
	store_free_users(users, n);
	store_free_users(NULL, 0);
}

static void
test_list_many(void **state)
{
	struct fixture	*fx = *state;
	char		**users, name[32];
	size_t		  n, i;
	int		  fd;

	/* Many users: listed from directory entries alone, sorted. */
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "u%05zu", (i * 7919) % 5000);
		fd = openat(fx->st.dirfd, name, O_CREAT | O_WRONLY, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
	assert_int_equal(store_list_users(&fx->st, &users, &n, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_int_equal(n, 5000);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "u%05zu", i);
		assert_string_equal(users[i], name);
	}
	store_free_users(users, n);
}

static void
test_inventory(void **state)
{
	struct fixture		*fx = *state;
	struct inventory	 a, b;
	char			*text, p[256];
	size_t			 len, cut;
	int			 r;

	memset(&b, 0x55, sizeof(b));
	assert_int_equal(store_load_inventory(&fx->st, &b, fx->err,
	    sizeof(fx->err)), MFA_ERR_NOENT);
	assert_int_equal(b.n, 0);
	assert_null(b.tok);

	sample_inventory(&a);
	assert_int_equal(store_save_inventory(&fx->st, &a, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_int_equal(store_load_inventory(&fx->st, &b, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_true(inventories_equal(&a, &b));
	inventory_free(&b);

	path_of(fx, ".inventory", p, sizeof(p));
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(store_load_inventory(&fx->st, &b, fx->err,
	    sizeof(fx->err)), MFA_ERR_UNSAFE);
	assert_non_null(strstr(fx->err, "/.inventory: mode 0640"));
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(chown(p, 0, 1), 0);
	assert_int_equal(store_load_inventory(&fx->st, &b, fx->err,
	    sizeof(fx->err)), MFA_ERR_UNSAFE);
	assert_int_equal(chown(p, 0, 0), 0);

	assert_int_equal(inventory_format(&a, &text, &len), 0);
	for (cut = 0; cut < len; cut += 3) {
		write_raw(fx, ".inventory", text, cut, 0600);
		r = store_load_inventory(&fx->st, &b, fx->err,
		    sizeof(fx->err));
		if (r != MFA_ERR_CORRUPT)
			fail_msg("inventory cut at %zu: %d", cut, r);
		assert_int_equal(b.n, 0);
	}
	free(text);

	/* Emptied, the inventory file goes away. */
	inventory_free(&a);
	assert_int_equal(store_save_inventory(&fx->st, &a, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	assert_int_equal(store_load_inventory(&fx->st, &b, fx->err,
	    sizeof(fx->err)), MFA_ERR_UNSAFE);
	assert_non_null(strstr(fx->err, "is a symlink"));
}

#define T(f)	cmocka_unit_test_setup_teardown(f, store_fixture_setup, \
			    store_fixture_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_and_open),
		T(test_dir_refused),
		T(test_parent_refused),
		T(test_round_trip),
		T(test_missing_and_empty),
		T(test_record_refused),
		T(test_record_too_big),
		T(test_bad_usernames),
		T(test_truncated_files),
		T(test_garbage_files),
		T(test_save_replaces_not_follows),
		T(test_save_failure_keeps_old),
		T(test_two_processes_lose_nothing),
		T(test_locks),
		T(test_list_users),
		T(test_list_many),
		T(test_inventory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
