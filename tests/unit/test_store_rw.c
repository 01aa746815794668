/* SPDX-License-Identifier: BSD-2-Clause */
/* A login's read-modify-write of a record file (store_load_rw,
 * store_save_rw) on a real file system: written in place into the spare
 * slot; a failed write leaves the previous state; mfa-enroll's whole-file
 * save leaves no copy of what it removed; the same refusals as store_load.
 * Runs as root (ownership checks). */
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
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

#include "base32.h"
#include "record.h"
#include "slots.h"
#include "store.h"
#include "store_sample.h"
#include "store_fixture.h"

static ino_t
inode_of(const struct fixture *fx, const char *name, off_t *size)
{
	struct stat	 sb;
	char		 p[512];

	path_of(fx, name, p, sizeof(p));
	assert_int_equal(lstat(p, &sb), 0);
	if (size != NULL)
		*size = sb.st_size;
	return sb.st_ino;
}

/* The record file's bytes, as a crash would leave them. */
static unsigned char *
read_raw(const struct fixture *fx, const char *name, size_t *size)
{
	unsigned char	*buf;
	struct stat	 sb;
	char		 p[512];
	int		 fd;

	path_of(fx, name, p, sizeof(p));
	fd = open(p, O_RDONLY | O_NOFOLLOW);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	*size = (size_t)sb.st_size;
	buf = malloc(*size + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, *size + 1), (ssize_t)*size);
	close(fd);
	return buf;
}

static void
write_raw(const struct fixture *fx, const char *name, const void *buf,
    size_t len)
{
	char	 p[512];
	int	 fd;

	path_of(fx, name, p, sizeof(p));
	fd = open(p, O_WRONLY | O_TRUNC | O_NOFOLLOW);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* slots_pick of the file on disk: which slot, which sequence number. */
static void
expect_slot(const struct fixture *fx, const char *name, unsigned active,
    uint64_t seq)
{
	struct slots	 s;
	unsigned char	*buf;
	size_t		 size;
	char		 err[256];

	buf = read_raw(fx, name, &size);
	if (slots_pick(buf, size, &s, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	if (s.active != active || s.seq != seq)
		fail_msg("%s: slot %u seq %llu, want slot %u seq %llu", name,
		    s.active, (unsigned long long)s.seq, active,
		    (unsigned long long)seq);
	free(buf);
}

static int
all_zero(const unsigned char *p, size_t n)
{
	while (n-- > 0)
		if (*p++ != 0)
			return 0;
	return 1;
}

static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	d = opendir("/proc/self/fd");
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n++;
	closedir(d);
	return n;
}

static void
save(struct fixture *fx, const struct mfa_record *rec)
{
	if (store_save(&fx->st, rec, fx->err, sizeof(fx->err)) != MFA_OK)
		fail_msg("save %s: %s", rec->user, fx->err);
}

static void
load_rw(struct fixture *fx, const char *user, struct mfa_record *rec,
    struct store_rw *h)
{
	if (store_load_rw(&fx->st, user, rec, h, fx->err,
	    sizeof(fx->err)) != MFA_OK)
		fail_msg("load_rw %s: %s", user, fx->err);
	assert_true(h->fd >= 0);
}

static void
save_rw(struct fixture *fx, struct store_rw *h, const struct mfa_record *rec)
{
	if (store_save_rw(&fx->st, h, rec, fx->err, sizeof(fx->err)) !=
	    MFA_OK)
		fail_msg("save_rw %s: %s", rec->user, fx->err);
}

/* store_load gives exactly want. */
static void
expect_record(struct fixture *fx, const struct mfa_record *want)
{
	struct mfa_record	 got;

	if (store_load(&fx->st, want->user, &got, fx->err,
	    sizeof(fx->err)) != MFA_OK)
		fail_msg("load %s: %s", want->user, fx->err);
	assert_true(records_equal(want, &got));
	record_wipe(&got);
}

/* A login's change: what verify.c rewrites. */
static void
login_change(struct mfa_record *rec, unsigned i)
{
	rec->failures = i;
	rec->locked_until = i % 3 ? 0 : 1800000000 + (int64_t)i;
	rec->dev[1].last_step = 57000000 + i;
	rec->dev[1].last_used = 1710000000 + (int64_t)i;
}

static void
test_in_place(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 want, rec;
	struct store_rw		 h;
	unsigned char		*buf;
	ino_t			 ino;
	off_t			 size0, size;
	size_t			 n;
	unsigned		 i;

	sample_record(&want, "alice");
	save(fx, &want);
	ino = inode_of(fx, "alice", &size0);
	expect_slot(fx, "alice", 0, 1);
	for (i = 0; i < 6; i++) {
		memset(&h, 0x55, sizeof(h));
		load_rw(fx, "alice", &rec, &h);
		assert_true(records_equal(&want, &rec));
		/* Two saves per load: h follows its own writes. */
		assert_int_equal(h.sl.active, 0);
		assert_int_equal(h.sl.seq, 2 * i + 1);
		login_change(&rec, 2 * i);
		save_rw(fx, &h, &rec);
		assert_true(h.fd >= 0);
		assert_int_equal(h.sl.active, 1);
		assert_int_equal(h.sl.seq, 2 * i + 2);
		expect_slot(fx, "alice", 1, 2 * i + 2);
		expect_record(fx, &rec);
		login_change(&rec, 2 * i + 1);
		save_rw(fx, &h, &rec);
		assert_int_equal(h.sl.active, 0);
		assert_int_equal(h.sl.seq, 2 * i + 3);
		store_release(&h);
		assert_int_equal(h.fd, -1);
		store_release(&h);
		want = rec;
		expect_record(fx, &want);
		/* The same file, written in place, nothing left beside it. */
		assert_true(inode_of(fx, "alice", &size) == ino);
		assert_int_equal(size, size0);
		assert_int_equal(count_temps(fx), 0);
		expect_slot(fx, "alice", 0, 2 * i + 3);
	}
	/* The other slot still holds the state before: a crash that tore
	 * the newest copy would leave that one. */
	buf = read_raw(fx, "alice", &n);
	buf[SLOT_HDR + 1] ^= 1;
	write_raw(fx, "alice", buf, n);
	login_change(&want, 10);
	expect_record(fx, &want);
	expect_slot(fx, "alice", 1, 12);
	free(buf);
	record_wipe(&want);
	record_wipe(&rec);
}

/* Occurrences of needle in the file's bytes. */
static int
count_in(const unsigned char *buf, size_t size, const void *needle,
    size_t nlen)
{
	const unsigned char	*p = buf, *end = buf + size, *q;
	int			 n = 0;

	while ((q = memmem(p, (size_t)(end - p), needle, nlen)) != NULL) {
		n++;
		p = q + 1;
	}
	return n;
}

static void
test_enroll_leaves_no_copy(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 rec;
	struct mfa_device	*d;
	struct store_rw		 h;
	unsigned char		*buf, secret[32];
	char			 b32[128];
	size_t			 size, cap, i;
	ino_t			 ino;

	for (i = 0; i < sizeof(secret); i++)
		secret[i] = (unsigned char)(0xd5 ^ (i * 37));
	assert_int_equal(base32_encode(secret, sizeof(secret), b32,
	    sizeof(b32)), 0);
	sample_record(&rec, "alice");
	d = &rec.dev[rec.ndevices++];
	sample_device(d, 3, 0);
	snprintf(d->name, sizeof(d->name), "stolen-phone");
	memcpy(d->secret, secret, sizeof(secret));
	d->secret_len = sizeof(secret);
	save(fx, &rec);
	/* Logins: both slots now hold the secret. */
	for (i = 0; i < 3; i++) {
		load_rw(fx, "alice", &rec, &h);
		login_change(&rec, (unsigned)i);
		save_rw(fx, &h, &rec);
		store_release(&h);
	}
	buf = read_raw(fx, "alice", &size);
	assert_int_equal(count_in(buf, size, b32, strlen(b32)), 2);
	free(buf);

	/* mfa-enroll removes the device. */
	ino = inode_of(fx, "alice", NULL);
	assert_int_equal(store_load(&fx->st, "alice", &rec, fx->err,
	    sizeof(fx->err)), MFA_OK);
	assert_int_equal(record_find_device(&rec, "stolen-phone"), 3);
	rec.ndevices--;
	save(fx, &rec);
	assert_true(inode_of(fx, "alice", NULL) != ino);
	buf = read_raw(fx, "alice", &size);
	cap = size / 2;
	assert_int_equal(count_in(buf, size, b32, strlen(b32)), 0);
	assert_int_equal(count_in(buf, size, secret, sizeof(secret)), 0);
	/* Not even half of it, in either encoding. */
	assert_int_equal(count_in(buf, size, b32 + 16, 16), 0);
	assert_int_equal(count_in(buf, size, secret + 10, 10), 0);
	assert_int_equal(count_in(buf, size, "stolen-phone", 12), 0);
	assert_true(all_zero(buf + cap, cap));
	expect_slot(fx, "alice", 0, 1);
	expect_record(fx, &rec);
	free(buf);
	record_wipe(&rec);
}

/* A login's widest numbers fit the slot of a record saved with its
 * narrowest ones: every login saves in place. */
static void
test_login_growth_fits(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 rec;
	struct mfa_device	*d;
	struct store_rw		 h;
	static const unsigned	 ns[] = { 0, 1, 2, 3, 5, 8, 13, 21, 31, 32 };
	unsigned		 i, k;
	ino_t			 ino;

	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		record_init(&rec, "grow");
		strcpy(rec.recovery[0], "h");
		rec.nrecovery = 1;
		for (i = 0; i < ns[k]; i++) {
			d = &rec.dev[i];
			sample_device(d, i, k);
			d->status = DEVICE_ACTIVE;
			d->last_used = 0;
			d->last_step = RECORD_NO_STEP;
		}
		rec.ndevices = ns[k];
		save(fx, &rec);
		ino = inode_of(fx, "grow", NULL);
		load_rw(fx, "grow", &rec, &h);
		rec.failures = UINT32_MAX;
		rec.locked_until = INT64_MAX;
		for (i = 0; i < ns[k]; i++) {
			rec.dev[i].last_used = INT64_MAX;
			rec.dev[i].last_step = RECORD_NO_STEP - 1;
		}
		save_rw(fx, &h, &rec);
		if (h.fd < 0 || inode_of(fx, "grow", NULL) != ino)
			fail_msg("%u devices: the widest login did not fit "
			    "in place", ns[k]);
		store_release(&h);
		expect_record(fx, &rec);
		expect_slot(fx, "grow", 1, 2);
	}
	record_wipe(&rec);
}

static void
test_grown_falls_back(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 rec;
	struct store_rw		 h;
	unsigned char		*buf;
	size_t			 size;
	off_t			 size0;
	ino_t			 ino;
	unsigned		 i;

	sample_record(&rec, "alice");
	rec.ndevices = 1;
	save(fx, &rec);
	load_rw(fx, "alice", &rec, &h);
	save_rw(fx, &h, &rec);
	store_release(&h);
	ino = inode_of(fx, "alice", &size0);
	expect_slot(fx, "alice", 1, 2);

	/* Far more than a login adds: a whole new file. */
	load_rw(fx, "alice", &rec, &h);
	for (i = 1; i < RECORD_MAX_DEVICES; i++)
		sample_device(&rec.dev[i], i, 9);
	rec.ndevices = RECORD_MAX_DEVICES;
	save_rw(fx, &h, &rec);
	assert_int_equal(h.fd, -1);
	store_release(&h);
	assert_true(inode_of(fx, "alice", NULL) != ino);
	buf = read_raw(fx, "alice", &size);
	assert_true((off_t)size > size0);
	assert_true(all_zero(buf + size / 2, size / 2));
	free(buf);
	expect_slot(fx, "alice", 0, 1);
	expect_record(fx, &rec);
	assert_int_equal(count_temps(fx), 0);

	/* A closed handle also saves, as a whole file. */
	ino = inode_of(fx, "alice", NULL);
	memset(&h, 0, sizeof(h));
	h.fd = -1;
	rec.failures = 77;
	save_rw(fx, &h, &rec);
	assert_true(inode_of(fx, "alice", NULL) != ino);
	expect_record(fx, &rec);
	record_wipe(&rec);
}

/* In a child: store_save_rw with writes limited to `limit` bytes of file
 * must fail with a message naming the write. */
static void
fail_write_child(struct fixture *fx, off_t limit, unsigned failures)
{
	pid_t	 pid;
	int	 status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit		 rl;
		struct mfa_record	 rec;
		struct store_rw		 h;
		char			 err[MFA_ERRLEN];

		signal(SIGXFSZ, SIG_IGN);
		if (store_load_rw(&fx->st, "alice", &rec, &h, err,
		    sizeof(err)) != MFA_OK)
			_exit(90);
		rl.rlim_cur = rl.rlim_max = (rlim_t)limit;
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(91);
		rec.failures = failures;
		if (store_save_rw(&fx->st, &h, &rec, err, sizeof(err)) !=
		    MFA_ERR_IO)
			_exit(92);
		if (strstr(err, "/alice: write: File too large") == NULL)
			_exit(93);
		if (h.fd != -1)
			_exit(94);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("child exited %d", WEXITSTATUS(status));
}

static void
test_failed_write_keeps_old(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 old;
	struct store_rw		 h;
	unsigned char		*before, *after;
	size_t			 size, n, cap;
	ino_t			 ino;

	sample_record(&old, "alice");
	save(fx, &old);
	ino = inode_of(fx, "alice", NULL);
	before = read_raw(fx, "alice", &size);
	cap = size / 2;

	/* Slot 1 torn 300 bytes in. */
	fail_write_child(fx, (off_t)(cap + 300), 99);
	after = read_raw(fx, "alice", &n);
	assert_int_equal(n, size);
	assert_memory_equal(after, before, cap);
	assert_memory_equal(after + cap, "awsmfa-slot 1 ", 14);
	assert_true(all_zero(after + cap + 300, cap - 300));
	free(after);
	free(before);
	expect_record(fx, &old);
	expect_slot(fx, "alice", 0, 1);

	/* The next login writes slot 1 again, whole. */
	load_rw(fx, "alice", &old, &h);
	login_change(&old, 5);
	save_rw(fx, &h, &old);
	store_release(&h);
	expect_slot(fx, "alice", 1, 2);
	before = read_raw(fx, "alice", &n);

	/* Slot 0 torn 300 bytes in: slot 1 is the record. */
	fail_write_child(fx, 300, 98);
	after = read_raw(fx, "alice", &n);
	assert_int_equal(n, size);
	assert_memory_not_equal(after, before, 300);
	assert_memory_equal(after + 300, before + 300, 2 * cap - 300);
	expect_record(fx, &old);
	expect_slot(fx, "alice", 1, 2);
	assert_true(inode_of(fx, "alice", NULL) == ino);
	assert_int_equal(count_temps(fx), 0);
	free(after);
	free(before);
	record_wipe(&old);
}

#define CYCLES	1000

static int
increment_loop(struct store *st)
{
	struct mfa_record	 rec;
	struct store_rw		 h;
	char			 err[MFA_ERRLEN];
	int			 i, fd;

	for (i = 0; i < CYCLES; i++) {
		if (store_lock_user(st, "race", &fd, err, sizeof(err)) !=
		    MFA_OK ||
		    store_load_rw(st, "race", &rec, &h, err, sizeof(err)) !=
		    MFA_OK)
			return -1;
		rec.failures++;
		if (store_save_rw(st, &h, &rec, err, sizeof(err)) != MFA_OK)
			return -1;
		store_release(&h);
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
	ino_t			 ino;
	int			 i, status;

	sample_record(&rec, "race");
	rec.failures = 0;
	save(fx, &rec);
	ino = inode_of(fx, "race", NULL);
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
	/* Every save went in place. */
	assert_true(inode_of(fx, "race", NULL) == ino);
	expect_slot(fx, "race", 0, 2 * CYCLES + 1);
	assert_int_equal(count_temps(fx), 0);
	record_wipe(&rec);
}

static void
expect_load_rw(struct fixture *fx, const char *user, int want,
    const char *why)
{
	struct mfa_record	 rec;
	struct store_rw		 h;
	int			 r, fds = count_fds();

	memset(&h, 0x55, sizeof(h));
	fx->err[0] = '\0';
	r = store_load_rw(&fx->st, user, &rec, &h, fx->err, sizeof(fx->err));
	if (r != want)
		fail_msg("load_rw %s: %d, want %d (%s)", user, r, want,
		    fx->err);
	if (why != NULL && strstr(fx->err, why) == NULL)
		fail_msg("load_rw %s: \"%s\" does not say \"%s\"", user,
		    fx->err, why);
	if (r != MFA_OK) {
		assert_int_equal(h.fd, -1);
		assert_int_equal(rec.ndevices, 0);
		assert_int_equal(rec.nrecovery, 0);
		/* Nothing left open. */
		assert_int_equal(count_fds(), fds);
	}
	store_release(&h);
	record_wipe(&rec);
}

static void
test_refused_like_load(void **state)
{
	struct fixture		*fx = *state;
	struct mfa_record	 rec;
	char			 p[256], q[256], want[400];

	sample_record(&rec, "alice");
	save(fx, &rec);
	path_of(fx, "alice", p, sizeof(p));
	expect_load_rw(fx, "alice", MFA_OK, NULL);

	assert_int_equal(chmod(p, 0644), 0);
	snprintf(want, sizeof(want), "%s: mode 0644, must be 0600 or "
	    "narrower", p);
	expect_load_rw(fx, "alice", MFA_ERR_UNSAFE, want);
	assert_int_equal(chmod(p, 0600), 0);

	assert_int_equal(chown(p, 65534, 0), 0);
	snprintf(want, sizeof(want), "%s: owned by uid 65534, must be root",
	    p);
	expect_load_rw(fx, "alice", MFA_ERR_UNSAFE, want);
	assert_int_equal(chown(p, 0, 0), 0);

	path_of(fx, "alice2", q, sizeof(q));
	assert_int_equal(link(p, q), 0);
	expect_load_rw(fx, "alice", MFA_ERR_UNSAFE, "has 2 hard links");
	assert_int_equal(unlink(q), 0);

	path_of(fx, "bob", q, sizeof(q));
	assert_int_equal(symlink(p, q), 0);
	snprintf(want, sizeof(want), "%s: is a symlink", q);
	expect_load_rw(fx, "bob", MFA_ERR_UNSAFE, want);
	assert_int_equal(unlink(q), 0);

	/* Neither blocks on a FIFO nor opens a directory for writing. */
	assert_int_equal(mkfifo(q, 0600), 0);
	expect_load_rw(fx, "bob", MFA_ERR_UNSAFE, "not a regular file");
	assert_int_equal(unlink(q), 0);
	assert_int_equal(mkdir(q, 0700), 0);
	expect_load_rw(fx, "bob", MFA_ERR_UNSAFE, "not a regular file");
	assert_int_equal(rmdir(q), 0);

	expect_load_rw(fx, "bob", MFA_ERR_NOENT, "no such file");
	expect_load_rw(fx, "../alice", MFA_ERR_BADNAME, NULL);
	/* Not a record file: closed too. */
	write_raw(fx, "alice", "garbage\n", 8);
	expect_load_rw(fx, "alice", MFA_ERR_CORRUPT, "not a record file");
	/* The refused file was not written to. */
	save(fx, &rec);
	assert_int_equal(chmod(p, 0644), 0);
	expect_load_rw(fx, "alice", MFA_ERR_UNSAFE, "mode 0644");
	assert_int_equal(chmod(p, 0600), 0);
	expect_slot(fx, "alice", 0, 1);
	record_wipe(&rec);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, store_fixture_setup, \
			    store_fixture_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_in_place),
		T(test_enroll_leaves_no_copy),
		T(test_login_growth_fits),
		T(test_grown_falls_back),
		T(test_failed_write_keeps_old),
		T(test_two_processes_lose_nothing),
		T(test_refused_like_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
