/* SPDX-License-Identifier: BSD-2-Clause */
/* The helpers lib/ shares instead of keeping copies: numbers from text
 * (numparse), a whole input read before use (readall), text built in one
 * buffer (textbuf), and memory cleansed before it is freed (wipe: free()
 * is wrapped at link time to look at the bytes it is given). */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mfaerr.h"
#include "numparse.h"
#include "readall.h"
#include "textbuf.h"
#include "wipe.h"

/* ---- free(), watched ---- */

void	__real_free(void *);
void	__wrap_free(void *);

static const void	*watched;	/* the block to look at */
static size_t		 watched_len;
static int		 watched_seen, watched_clean;

void
__wrap_free(void *p)
{
	const unsigned char	*b = p;
	size_t			 i;

	if (p != NULL && p == watched) {
		watched_seen = 1;
		watched_clean = 1;
		for (i = 0; i < watched_len; i++)
			if (b[i] != 0)
				watched_clean = 0;
		watched = NULL;
	}
	__real_free(p);
}

static void
watch(const void *p, size_t len)
{
	watched = p;
	watched_len = len;
	watched_seen = watched_clean = 0;
}

/* ---- numparse ---- */

static void
test_parse_u64(void **state)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "0x1", "1a", "1.0",
		"18446744073709551616", "99999999999999999999999", NULL
	};
	uint64_t	 v;
	size_t		 i;

	(void)state;
	assert_int_equal(num_parse_u64("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_parse_u64("18446744073709551615", 0, UINT64_MAX,
	    &v), 0);
	assert_true(v == UINT64_MAX);
	/* Leading zeros are numparse's to read, the caller's to refuse. */
	assert_int_equal(num_parse_u64("007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
	for (i = 0; bad[i] != NULL; i++) {
		v = 42;
		if (num_parse_u64(bad[i], 0, UINT64_MAX, &v) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(v, 42);	/* untouched */
	}
	/* The range, both ends. */
	assert_int_equal(num_parse_u64("6", 6, 10, &v), 0);
	assert_int_equal(num_parse_u64("10", 6, 10, &v), 0);
	assert_int_equal(num_parse_u64("5", 6, 10, &v), -1);
	assert_int_equal(num_parse_u64("11", 6, 10, &v), -1);
}

static void
test_parse_i64(void **state)
{
	static const char *const bad[] = {
		"", "-", "-0", "--1", "+1", " -1", "-1 ", "- 1", "1-",
		"9223372036854775808", "-9223372036854775809", NULL
	};
	int64_t		 v;
	size_t		 i;

	(void)state;
	assert_int_equal(num_parse_i64("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(num_parse_i64("0", -10, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_parse_i64("-9223372036854775808", INT64_MIN,
	    INT64_MAX, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(num_parse_i64("9223372036854775807", INT64_MIN,
	    INT64_MAX, &v), 0);
	assert_true(v == INT64_MAX);
	for (i = 0; bad[i] != NULL; i++) {
		v = 42;
		if (num_parse_i64(bad[i], INT64_MIN, INT64_MAX, &v) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(v, 42);
	}
	assert_int_equal(num_parse_i64("-11", -10, 10, &v), -1);
	assert_int_equal(num_parse_i64("11", -10, 10, &v), -1);
	assert_int_equal(num_parse_i64("-10", -10, 10, &v), 0);
}

static void
test_canonical_and_hex(void **state)
{
	static const unsigned char	 bytes[] = { 0x00, 0xff, 0x1a, 0xb2 };
	char				 out[2 * sizeof(bytes) + 1];
	const char			*digits = "0123456789abcdefABCDEF";
	int				 c, n = 0;

	(void)state;
	assert_true(num_canonical("0"));
	assert_true(num_canonical("10"));
	assert_true(num_canonical("18446744073709551616"));	/* form only */
	assert_false(num_canonical(""));
	assert_false(num_canonical("00"));
	assert_false(num_canonical("01"));
	assert_false(num_canonical("-1"));
	assert_false(num_canonical("1 "));

	for (c = 0; c < 256; c++) {
		if (c != 0 && strchr(digits, c) != NULL) {
			assert_true(hex_value(c) >= 0 && hex_value(c) < 16);
			n++;
		} else
			assert_int_equal(hex_value(c), -1);
	}
	assert_int_equal(n, 22);
	assert_int_equal(hex_value('a'), 10);
	assert_int_equal(hex_value('F'), 15);
	assert_int_equal(hex_value('9'), 9);

	memset(out, 'x', sizeof(out));
	hex_encode(bytes, sizeof(bytes), out);
	assert_string_equal(out, "00ff1ab2");
	hex_encode(bytes, 0, out);
	assert_string_equal(out, "");
}

/* ---- readall ---- */

/* A pipe holding n bytes of pattern, its write end closed. */
static int
pipe_with(size_t n)
{
	char	 chunk[512];
	size_t	 done = 0, k;
	int	 p[2];

	assert_int_equal(pipe(p), 0);
	memset(chunk, 'p', sizeof(chunk));
	while (done < n) {
		k = n - done < sizeof(chunk) ? n - done : sizeof(chunk);
		assert_int_equal(write(p[1], chunk, k), (ssize_t)k);
		done += k;
	}
	close(p[1]);
	return p[0];
}

/* A regular file of n bytes, open for reading at offset 0. */
static int
file_with(size_t n)
{
	char	 path[] = "/tmp/awsmfa-readall-XXXXXX";
	char	*buf;
	int	 fd;

	assert_true((fd = mkstemp(path)) >= 0);
	unlink(path);
	buf = calloc(1, n + 1);
	assert_non_null(buf);
	memset(buf, 'f', n);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	free(buf);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void
expect_read(int fd, size_t max, int want, size_t wantlen)
{
	char	*out = (char *)0x1;
	size_t	 len = 12345;
	int	 r;

	r = read_all(fd, max, &out, &len);
	close(fd);
	assert_int_equal(r, want);
	if (want != MFA_OK) {
		/* Nothing handed out. */
		assert_ptr_equal(out, (char *)0x1);
		assert_int_equal(len, 12345);
		return;
	}
	assert_int_equal(len, wantlen);
	assert_int_equal(out[len], '\0');
	assert_int_equal(strlen(out), len);
	wipe_free(out, len + 1);
}

static void
test_read_all_limits(void **state)
{
	/* Below, at and past a buffer's first size (4096) and its
	 * doubling. */
	static const size_t	 sizes[] = { 0, 1, 4095, 4096, 4097, 10000 };
	size_t			 i, n;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		n = sizes[i];
		expect_read(pipe_with(n), n, MFA_OK, n);
		expect_read(pipe_with(n + 1), n, MFA_ERR_TOOBIG, 0);
		expect_read(file_with(n), n, MFA_OK, n);
		expect_read(file_with(n + 1), n, MFA_ERR_TOOBIG, 0);
		expect_read(file_with(n), n + 1, MFA_OK, n);
	}
	expect_read(pipe_with(5), SIZE_MAX - 1, MFA_OK, 5);
	expect_read(pipe_with(5), SIZE_MAX, MFA_OK, 5);
}

static void
test_read_all_error(void **state)
{
	char	*out = NULL;
	size_t	 len = 0;
	int	 fd;

	(void)state;
	/* read() of a directory fails: the code says I/O, errno why. */
	fd = open("/", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	errno = 0;
	assert_int_equal(read_all(fd, 100, &out, &len), MFA_ERR_IO);
	assert_int_equal(errno, EISDIR);
	assert_null(out);
	close(fd);
	errno = 0;
	assert_int_equal(read_all(-1, 100, &out, &len), MFA_ERR_IO);
	assert_int_equal(errno, EBADF);
}

/* ---- wipe and textbuf ---- */

static void
test_wipe_free(void **state)
{
	char	*p;

	(void)state;
	wipe_free(NULL, 10);
	wipe_free_str(NULL);

	p = malloc(64);
	assert_non_null(p);
	memset(p, 0x5a, 64);
	watch(p, 64);
	wipe_free(p, 64);
	assert_true(watched_seen);
	assert_true(watched_clean);

	p = strdup("a seed, say");
	assert_non_null(p);
	watch(p, strlen(p));
	wipe_free_str(p);
	assert_true(watched_seen);
	assert_true(watched_clean);
}

static void
test_textbuf(void **state)
{
	struct textbuf	 t;
	char		*out = NULL;
	size_t		 len = 0;

	(void)state;
	assert_int_equal(textbuf_alloc(&t, 8), MFA_OK);
	assert_int_equal(textbuf_printf(&t, "%s=%d", "ab", 12), MFA_OK);
	/* 5 bytes and a NUL in 8: three more do not fit, and nothing of
	 * them is added; one more does. */
	assert_int_equal(textbuf_printf(&t, "%s", "xyz"), MFA_ERR_TOOBIG);
	assert_string_equal(t.p, "ab=12");
	assert_int_equal(textbuf_printf(&t, "%c", 'z'), MFA_OK);
	assert_int_equal(textbuf_finish(&t, MFA_OK, &out, &len), MFA_OK);
	assert_string_equal(out, "ab=12z");
	assert_int_equal(len, 6);
	wipe_free(out, len);

	/* A failure hands out nothing and cleanses what was built. */
	out = NULL;
	assert_int_equal(textbuf_alloc(&t, 32), MFA_OK);
	assert_int_equal(textbuf_printf(&t, "secret %s", "JBSWY3DP"), MFA_OK);
	watch(t.p, t.cap);
	assert_int_equal(textbuf_finish(&t, MFA_ERR_INVALID, &out, &len),
	    MFA_ERR_INVALID);
	assert_null(out);
	assert_true(watched_seen);
	assert_true(watched_clean);
	assert_int_equal(textbuf_alloc(&t, 0), MFA_ERR_NOMEM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_i64),
		cmocka_unit_test(test_canonical_and_hex),
		cmocka_unit_test(test_read_all_limits),
		cmocka_unit_test(test_read_all_error),
		cmocka_unit_test(test_wipe_free),
		cmocka_unit_test(test_textbuf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
