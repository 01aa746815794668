/* SPDX-License-Identifier: BSD-2-Clause */
/* The walk to a trusted folder (lib/safepath.c): the fast way (one openat2,
 * then a stat of each folder above through "..") must say yes exactly
 * where the walk one component at a time does, open the same folder, and
 * leave every refusal and its message to that walk.  Runs as root (it
 * makes folders owned by root and by others). */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "safepath.h"

struct fixture {
	char	 top[64];	/* root's, 0755, under /tmp */
};

static int
rm_entry(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb;
	(void)type;
	(void)f;
	return remove(path);
}

static int
setup(void **state)
{
	struct fixture	*fx;

	if (geteuid() != 0)
		skip();
	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	*state = fx;
	snprintf(fx->top, sizeof(fx->top), "/tmp/awsmfa-safepath-XXXXXX");
	if (mkdtemp(fx->top) == NULL || chmod(fx->top, 0755) != 0) {
		fx->top[0] = '\0';
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	if (fx == NULL)
		return 0;
	if (fx->top[0] != '\0')
		nftw(fx->top, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

/* Makes top/rel (one level) with this mode and owner. */
static void
mkdir_as(const struct fixture *fx, const char *rel, mode_t mode, uid_t uid)
{
	char	 p[512];

	snprintf(p, sizeof(p), "%s/%s", fx->top, rel);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(chown(p, uid, 0), 0);
	assert_int_equal(chmod(p, mode), 0);
}

/* Both walks accept dir, open the same folder, and open it O_RDONLY. */
static void
expect_ok(const char *dir)
{
	struct stat	 a, b;
	char		 err[512] = "";
	int		 fa, fb;

	if (safepath_walk(dir, &fa, err, sizeof(err)) != MFA_OK)
		fail_msg("walk %s: %s", dir, err);
	if (safepath_walk_each(dir, &fb, err, sizeof(err)) != MFA_OK)
		fail_msg("walk_each %s: %s", dir, err);
	assert_int_equal(fstat(fa, &a), 0);
	assert_int_equal(fstat(fb, &b), 0);
	assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	assert_int_equal(fcntl(fa, F_GETFL) & (O_ACCMODE | O_PATH), O_RDONLY);
	assert_int_equal(fcntl(fa, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	/* What the store does with it: an fsync needs more than O_PATH. */
	assert_int_equal(fsync(fa), 0);
	close(fa);
	close(fb);
}

/* Both refuse dir with the same result and message, naming why. */
static void
expect_refused(const char *dir, const char *why)
{
	char	 e1[512] = "", e2[512] = "";
	int	 r1, r2, f1 = 123, f2 = 123;

	r1 = safepath_walk(dir, &f1, e1, sizeof(e1));
	r2 = safepath_walk_each(dir, &f2, e2, sizeof(e2));
	if (r1 == MFA_OK || r2 == MFA_OK)
		fail_msg("%s accepted (%d, %d)", dir, r1, r2);
	assert_int_equal(r1, r2);
	assert_string_equal(e1, e2);
	assert_int_equal(f1, -1);
	if (strstr(e1, why) == NULL)
		fail_msg("%s: \"%s\" does not say \"%s\"", dir, e1, why);
}

static void
test_accepted(void **state)
{
	struct fixture	*fx = *state;
	char		 p[512];

	mkdir_as(fx, "a", 0755, 0);
	mkdir_as(fx, "a/b", 0700, 0);
	snprintf(p, sizeof(p), "%s/a/b", fx->top);
	expect_ok(p);
	/* Slashes doubled and trailing are the same path. */
	snprintf(p, sizeof(p), "/%s//a/b/", fx->top);
	expect_ok(p);
	/* A sticky folder anyone may write to (/tmp) is fine above. */
	mkdir_as(fx, "s", 01777, 0);
	mkdir_as(fx, "s/x", 0700, 0);
	snprintf(p, sizeof(p), "%s/s/x", fx->top);
	expect_ok(p);
	/* The last folder itself is the caller's to judge. */
	mkdir_as(fx, "a/w", 0777, 65534);
	snprintf(p, sizeof(p), "%s/a/w", fx->top);
	expect_ok(p);
	expect_ok("/");
	expect_ok("/tmp");
}

static void
test_refused(void **state)
{
	struct fixture	*fx = *state;
	char		 p[512], q[512];

	mkdir_as(fx, "g", 0775, 0);
	mkdir_as(fx, "g/x", 0700, 0);
	snprintf(p, sizeof(p), "%s/g/x", fx->top);
	expect_refused(p, "writable by group or others and not sticky");
	mkdir_as(fx, "o", 0757, 0);
	mkdir_as(fx, "o/x", 0700, 0);
	snprintf(p, sizeof(p), "%s/o/x", fx->top);
	expect_refused(p, "writable by group or others and not sticky");
	mkdir_as(fx, "u", 0755, 65534);
	mkdir_as(fx, "u/x", 0700, 0);
	snprintf(p, sizeof(p), "%s/u/x", fx->top);
	expect_refused(p, "owned by uid 65534, must be root");
	/* Two levels up, not only the parent. */
	mkdir_as(fx, "g/x/y", 0700, 0);
	snprintf(p, sizeof(p), "%s/g/x/y", fx->top);
	expect_refused(p, "/g: mode 0775");
	/* A symlink in the middle and at the end. */
	mkdir_as(fx, "r", 0755, 0);
	mkdir_as(fx, "r/x", 0700, 0);
	snprintf(p, sizeof(p), "%s/r", fx->top);
	snprintf(q, sizeof(q), "%s/l", fx->top);
	assert_int_equal(symlink(p, q), 0);
	snprintf(p, sizeof(p), "%s/l/x", fx->top);
	expect_refused(p, "is a symlink");
	snprintf(p, sizeof(p), "%s/l", fx->top);
	expect_refused(p, "is a symlink");
	/* Not a folder, not there, "." and "..", not absolute. */
	snprintf(p, sizeof(p), "%s/f", fx->top);
	close(open(p, O_CREAT | O_WRONLY, 0600));
	snprintf(p, sizeof(p), "%s/f/x", fx->top);
	expect_refused(p, "not a directory");
	snprintf(p, sizeof(p), "%s/none/x", fx->top);
	expect_refused(p, "No such file");
	snprintf(p, sizeof(p), "%s/r/./x", fx->top);
	expect_refused(p, "bad path component");
	snprintf(p, sizeof(p), "%s/r/../r/x", fx->top);
	expect_refused(p, "bad path component");
	expect_refused("tmp/x", "not an absolute path");
}

/* Past SAFEPATH_DEPTH_MAX the walk one component at a time takes over. */
static void
test_deep(void **state)
{
	struct fixture	*fx = *state;
	char		 rel[512] = "";
	char		 p[1024];
	int		 i;

	for (i = 0; i < SAFEPATH_DEPTH_MAX + 6; i++) {
		strcat(rel, i == 0 ? "d" : "/d");
		mkdir_as(fx, rel, 0755, 0);
	}
	snprintf(p, sizeof(p), "%s/%s", fx->top, rel);
	expect_ok(p);
	/* An unsafe folder that deep is found all the same. */
	snprintf(p, sizeof(p), "%s/d/d/d", fx->top);
	assert_int_equal(chmod(p, 0775), 0);
	snprintf(p, sizeof(p), "%s/%s", fx->top, rel);
	expect_refused(p, "/d/d/d: mode 0775");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
