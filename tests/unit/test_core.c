/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for audit_format, the recovery codes and verify_consecutive:
 * the parts of verify/recovery/audit that the PAM tests reach only
 * indirectly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "audit.h"
#include "mfaerr.h"
#include "otp.h"
#include "recovery.h"
#include "verify.h"

static void
test_audit_fields(void **state)
{
	struct audit_event	ev;
	char			buf[512];

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.event = "login";
	ev.result = "failure";
	ev.reason = "wrong code";
	ev.user = "alice";
	ev.rhost = "192.0.2.1";
	audit_format(&ev, buf, sizeof(buf));
	assert_string_equal(buf, "event=login result=failure "
	    "reason=\"wrong code\" user=\"alice\" rhost=\"192.0.2.1\"");
}

static void
test_audit_escapes(void **state)
{
	struct audit_event	ev;
	char			buf[512];

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.event = "login";
	ev.user = "a\"b\\c\nd\x7f\xc3\xa9";
	ev.result = "not bare";
	audit_format(&ev, buf, sizeof(buf));
	assert_string_equal(buf, "event=login result=\"not bare\" "
	    "user=\"a\\\"b\\\\c\\x0ad\\x7f\\xc3\\xa9\"");
}

static void
test_audit_truncates(void **state)
{
	struct audit_event	ev;
	char			buf[24];
	size_t			n;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.event = "login";
	ev.user = "\n\n\n\n\n\n\n\n\n\n";
	memset(buf, 'x', sizeof(buf));
	audit_format(&ev, buf, sizeof(buf));
	n = strlen(buf);
	assert_true(n < sizeof(buf));
	/* A field that does not fit is left out whole: no open quote. */
	assert_string_equal(buf, "event=login");
	audit_format(&ev, buf, 1);
	assert_string_equal(buf, "");
}

/* A hostile user name of 10 kB cannot push rhost, service and tty off the
 * line: each value is capped with a marker and its quotes closed. */
static void
test_audit_caps(void **state)
{
	struct audit_event	ev;
	static char		user[10001], rhost[10001];
	char			buf[2048], want[64];
	const char		*u, *end;
	size_t			i;

	(void)state;
	for (i = 0; i < 10000; i++) {
		user[i] = "\xc3\xa9\"%n\n"[i % 6];
		rhost[i] = 'h';
	}
	memset(&ev, 0, sizeof(ev));
	ev.event = "login";
	ev.result = "failure";
	ev.reason = "no active device";
	ev.user = user;
	ev.device = "";
	ev.service = "sshd";
	ev.rhost = rhost;
	ev.tty = "ssh";
	audit_format(&ev, buf, sizeof(buf));
	assert_non_null(u = strstr(buf, " user=\""));
	assert_non_null(end = strstr(u, "\" device=\"\" service=\"sshd\" "
	    "rhost=\""));
	/* 128 bytes of escapes, whole units only, then the marker. */
	assert_true(end - (u + 7) <= AUDIT_VALUE_MAX + 16);
	assert_non_null(strstr(u, "...[+"));
	snprintf(want, sizeof(want), "...[+%d]\" tty=\"ssh\"", 10000 -
	    AUDIT_VALUE_MAX);
	assert_non_null(strstr(buf, want));
	assert_int_equal(strlen(buf) - strlen(want),
	    (size_t)(strstr(buf, want) - buf));
	assert_null(strchr(buf, '\n'));
	/* Shown as typed, never a format. */
	assert_non_null(strstr(buf, "%n"));
}

/* Linked with --wrap=PKCS5_PBKDF2_HMAC: every slow hash is counted. */
static unsigned long	pbkdf2_calls;

int	__real_PKCS5_PBKDF2_HMAC(const char *, int, const unsigned char *,
	    int, int, const EVP_MD *, int, unsigned char *);
int	__wrap_PKCS5_PBKDF2_HMAC(const char *, int, const unsigned char *,
	    int, int, const EVP_MD *, int, unsigned char *);

int
__wrap_PKCS5_PBKDF2_HMAC(const char *pass, int passlen,
    const unsigned char *salt, int saltlen, int iter, const EVP_MD *md,
    int keylen, unsigned char *out)
{
	pbkdf2_calls++;
	return __real_PKCS5_PBKDF2_HMAC(pass, passlen, salt, saltlen, iter,
	    md, keylen, out);
}

/* As lib/verify's try_recovery: every stored hash until one matches. */
static int
find_code(const char *norm, char (*hashes)[RECORD_HASH_MAX + 1], int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (recovery_match(norm, hashes[i]))
			return i;
	return -1;
}

/* A wrong recovery-shaped answer costs at most one PBKDF2 however many
 * codes are stored; the right one costs one; hashes written before the
 * tag still match (each checked in full). */
static void
test_recovery_cost(void **state)
{
	static char	hashes[12][RECORD_HASH_MAX + 1];
	char		codes[12][RECOVERY_CODE_BUFLEN];
	char		norm[RECOVERY_CODE_BUFLEN];
	char		*tag;
	int		i;

	(void)state;
	for (i = 0; i < 12; i++)
		assert_int_equal(recovery_generate(codes[i], hashes[i]), 0);
	assert_int_equal(recovery_normalize("sunshinesand", 12, norm), 0);
	pbkdf2_calls = 0;
	assert_int_equal(find_code(norm, hashes, 12), -1);
	assert_true(pbkdf2_calls <= 1);
	assert_int_equal(recovery_normalize(codes[7], strlen(codes[7]), norm),
	    0);
	pbkdf2_calls = 0;
	assert_int_equal(find_code(norm, hashes, 12), 7);
	assert_int_equal(pbkdf2_calls, 1);
	/* Today's records: no "$TAG" field. */
	for (i = 0; i < 12; i++) {
		assert_non_null(tag = strrchr(hashes[i], '$'));
		assert_int_equal(strlen(tag), 5);
		*tag = '\0';
	}
	pbkdf2_calls = 0;
	assert_int_equal(find_code(norm, hashes, 12), 7);
	assert_int_equal(pbkdf2_calls, 8);
	/* A tag that does not decode is a malformed hash: no match. */
	strcat(hashes[7], "$!!!!");
	assert_int_equal(find_code(norm, hashes, 12), -1);
}

static void
test_recovery_roundtrip(void **state)
{
	char	code[RECOVERY_CODE_BUFLEN], hash[RECORD_HASH_MAX + 1];
	char	norm[RECOVERY_CODE_BUFLEN], other[RECOVERY_CODE_BUFLEN];
	char	typed[64];
	size_t	i;

	(void)state;
	assert_int_equal(recovery_generate(code, hash), 0);
	assert_int_equal(strlen(code), 14);
	assert_int_equal(code[4], '-');
	assert_int_equal(code[9], '-');
	assert_true(strncmp(hash, "$pbkdf2-sha256$", 15) == 0);
	/* Upper case and spaces are fine. */
	for (i = 0; code[i] != '\0'; i++)
		typed[i] = code[i] == '-' ? ' ' :
		    (code[i] >= 'a' && code[i] <= 'z') ? code[i] - 32 : code[i];
	typed[i] = '\0';
	assert_int_equal(recovery_normalize(typed, strlen(typed), norm), 0);
	assert_int_equal(recovery_match(norm, hash), 1);
	memcpy(other, norm, sizeof(other));
	other[0] = other[0] == 'a' ? 'b' : 'a';
	assert_int_equal(recovery_match(other, hash), 0);
}

static void
test_recovery_rejects(void **state)
{
	char	norm[RECOVERY_CODE_BUFLEN];

	(void)state;
	assert_int_equal(recovery_normalize("abcd-efgh-ijk", 13, norm),
	    MFA_ERR_INVALID);
	assert_int_equal(recovery_normalize("abcd-efgh-ijklm", 15, norm),
	    MFA_ERR_INVALID);
	assert_int_equal(recovery_normalize("abcd-efgh-ij18", 14, norm),
	    MFA_ERR_INVALID);
	assert_int_equal(recovery_normalize("abcd\0efghijkl", 13, norm),
	    MFA_ERR_INVALID);
	assert_int_equal(recovery_normalize("", 0, norm), MFA_ERR_INVALID);
	assert_int_equal(recovery_normalize("abcdefghijkl", 12, norm), 0);
	assert_int_equal(recovery_match(norm, ""), 0);
	assert_int_equal(recovery_match(norm, "$pbkdf2-sha256$0$x$y"), 0);
	assert_int_equal(recovery_match(norm,
	    "$pbkdf2-sha256$99999999$AAAAAAAAAAAAAAAAAAAAAA==$"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), 0);
	assert_int_equal(recovery_match("short", "$pbkdf2-sha256$1$x$y"), 0);
}

static void
device(struct mfa_device *d)
{
	memset(d, 0, sizeof(*d));
	memcpy(d->secret, "12345678901234567890", 20);
	d->secret_len = 20;
	d->alg = OTP_SHA1;
	d->digits = 6;
	d->period = 30;
}

static void
test_consecutive(void **state)
{
	struct mfa_device	d;
	char			c1[OTP_CODE_BUFLEN], c2[OTP_CODE_BUFLEN];
	int64_t			now = 1767225610, drift = 0;
	uint64_t		center = (uint64_t)now / 30, step = 0;

	(void)state;
	device(&d);
	/* CODE2 7 steps ahead of the server clock: the device is 7 to 9
	 * steps ahead (CODE2 may have been typed late); 8 is stored. */
	otp_totp_at_step(d.secret, d.secret_len, d.alg, center + 6, 6, c1);
	otp_totp_at_step(d.secret, d.secret_len, d.alg, center + 7, 6, c2);
	assert_int_equal(verify_consecutive(&d, c1, c2, now, 10, &drift,
	    &step), 0);
	assert_int_equal(drift, 8);
	assert_int_equal(step, center + 7);
	/* Reversed order, the same code twice, outside the window. */
	assert_int_equal(verify_consecutive(&d, c2, c1, now, 10, &drift,
	    &step), -1);
	assert_int_equal(verify_consecutive(&d, c1, c1, now, 10, &drift,
	    &step), -1);
	assert_int_equal(verify_consecutive(&d, c1, c2, now, 5, &drift,
	    &step), -1);
	assert_int_equal(verify_consecutive(&d, "12345", c2, now, 10, &drift,
	    &step), -1);
	/* Behind the clock. */
	otp_totp_at_step(d.secret, d.secret_len, d.alg, center - 5, 6, c1);
	otp_totp_at_step(d.secret, d.secret_len, d.alg, center - 4, 6, c2);
	assert_int_equal(verify_consecutive(&d, c1, c2, now, 10, &drift,
	    &step), 0);
	assert_int_equal(drift, -3);
	/* CODE2 of the last step but two: a right clock, typed late. */
	otp_totp_at_step(d.secret, d.secret_len, d.alg, center - 4, 6, c1);
	otp_totp_at_step(d.secret, d.secret_len, d.alg, center - 3, 6, c2);
	assert_int_equal(verify_consecutive(&d, c1, c2, now, 10, &drift,
	    &step), 0);
	assert_int_equal(drift, 0);
}

/* At the end of time (period 1, now = INT64_MAX) the search must neither
 * overflow (UBSan aborts the sanitizer run) nor match anything. */
static void
test_consecutive_end_of_time(void **state)
{
	struct mfa_device	d;
	int64_t			drift = 0;
	uint64_t		step = 0;

	(void)state;
	device(&d);
	d.period = 1;
	assert_int_equal(verify_consecutive(&d, "123456", "654321",
	    INT64_MAX, 1000, &drift, &step), -1);
	assert_int_equal(verify_consecutive(&d, "123456", "654321",
	    INT64_MAX - 1, 1000, &drift, &step), -1);
}

static void
test_result_names(void **state)
{
	(void)state;
	assert_string_equal(verify_result_name(VERIFY_OK), "ok");
	assert_string_equal(verify_result_name(VERIFY_ERROR), "error");
	assert_string_equal(verify_result_name((enum verify_result)99),
	    "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_fields),
		cmocka_unit_test(test_audit_escapes),
		cmocka_unit_test(test_audit_truncates),
		cmocka_unit_test(test_audit_caps),
		cmocka_unit_test(test_recovery_roundtrip),
		cmocka_unit_test(test_recovery_cost),
		cmocka_unit_test(test_recovery_rejects),
		cmocka_unit_test(test_consecutive),
		cmocka_unit_test(test_consecutive_end_of_time),
		cmocka_unit_test(test_result_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
