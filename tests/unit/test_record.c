/* SPDX-License-Identifier: BSD-2-Clause */
/* The record and inventory text formats: round trips of every field, and
 * everything the strict parser must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inventory.h"
#include "mfaerr.h"
#include "record.h"
#include "store_sample.h"

static void
format_sample(struct mfa_record *rec, char **text, size_t *len)
{
	*text = NULL;
	sample_record(rec, "alice");
	assert_int_equal(record_format(rec, text, len), 0);
}

/* text with the first occurrence of from replaced by to. */
static char *
replace(const char *text, const char *from, const char *to)
{
	const char	*at = strstr(text, from);
	char		*out;
	size_t		 pre;

	assert_non_null(at);
	pre = (size_t)(at - text);
	out = malloc(strlen(text) - strlen(from) + strlen(to) + 1);
	assert_non_null(out);
	memcpy(out, text, pre);
	strcpy(out + pre, to);
	strcat(out, at + strlen(from));
	return out;
}

static void
expect_refused(const char *text, size_t len, const char *why)
{
	struct mfa_record	 rec;
	char			 err[256] = "";

	if (record_parse(text, len, NULL, &rec, err, sizeof(err)) == 0)
		fail_msg("accepted: %s", why);
	if (strstr(err, why) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", err, why);
	/* A refused record leaves nothing behind. */
	assert_int_equal(rec.ndevices, 0);
	assert_int_equal(rec.nrecovery, 0);
	assert_string_equal(rec.user, "");
}

static void
test_username_ok(void **state)
{
	static const char *const bad[] = {
		"", ".", "..", "a/b", "../etc/passwd", ".hidden", "a\nb",
		"\x7f", "a\tb", "a\rb", "/", "ab/", "\x1b[31m",
	};
	char	 longname[RECORD_USER_MAX + 2];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(record_username_ok(bad[i]));
	assert_false(record_username_ok(NULL));
	memset(longname, 'u', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(record_username_ok(longname));	/* 257 bytes */
	longname[RECORD_USER_MAX] = '\0';
	assert_true(record_username_ok(longname));	/* 256 bytes */
	assert_true(record_username_ok("alice"));
	assert_true(record_username_ok("a.b-c_d@EXAMPLE.COM"));
	assert_true(record_username_ok("DOMAIN\\user name"));
	assert_true(record_username_ok("caf\xc3\xa9"));
	assert_true(record_username_ok("a..b"));
}

static void
test_name_ok(void **state)
{
	char	 n[RECORD_NAME_MAX + 2];

	(void)state;
	assert_true(record_name_ok("phone"));
	assert_true(record_name_ok("A-z_0.9@x+y:z"));
	assert_false(record_name_ok(""));
	assert_false(record_name_ok(NULL));
	assert_false(record_name_ok("my phone"));
	assert_false(record_name_ok("a/b"));
	assert_false(record_name_ok("caf\xc3\xa9"));
	assert_false(record_name_ok("a\nb"));
	memset(n, 'x', sizeof(n) - 1);
	n[sizeof(n) - 1] = '\0';
	assert_false(record_name_ok(n));		/* 65 */
	n[RECORD_NAME_MAX] = '\0';
	assert_true(record_name_ok(n));			/* 64 */
}

static void
test_round_trip(void **state)
{
	struct mfa_record	 a, b;
	char			*text, *again, err[256];
	size_t			 len, len2;

	(void)state;
	format_sample(&a, &text, &len);
	assert_int_equal(record_parse(text, len, "alice", &b, err,
	    sizeof(err)), 0);
	assert_true(records_equal(&a, &b));
	assert_int_equal(record_format(&b, &again, &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(text, again, len);
	/* The text is meant for people too. */
	assert_non_null(strstr(text, "awsmfa-record 1\nuser alice\n"
	    "failures 3\nlocked_until 1700000999\ndevice phone\n"
	    "type virtual\nalgorithm SHA1\ndigits 6\nperiod 30\nsecret "));
	assert_non_null(strstr(text, "type hardware\nserial GALT1234567\n"
	    "algorithm SHA256\ndigits 8\nperiod 60\n"));
	assert_non_null(strstr(text, "last_step -\ndrift 0\n"));
	assert_non_null(strstr(text, "last_step 0\ndrift -7\n"));
	assert_non_null(strstr(text, "created 9223372036854775807\n"));
	assert_non_null(strstr(text, "last_step 18446744073709551614\n"
	    "drift -1000000000\n"));
	assert_non_null(strstr(text, "recovery x\n"));
	assert_int_equal(strcmp(text + len - 4, "end\n"), 0);
	free(text);
	free(again);
	record_wipe(&a);
	record_wipe(&b);
}

static void
test_round_trip_full(void **state)
{
	struct mfa_record	 a, b;
	char			*text, err[256];
	size_t			 len;
	unsigned		 i;

	(void)state;
	record_init(&a, "full");
	for (i = 0; i < RECORD_MAX_DEVICES; i++)
		sample_device(&a.dev[i], i, 9);
	a.ndevices = RECORD_MAX_DEVICES;
	for (i = 0; i < RECORD_MAX_RECOVERY; i++)
		snprintf(a.recovery[i], sizeof(a.recovery[i]), "h%u", i);
	a.nrecovery = RECORD_MAX_RECOVERY;
	a.failures = UINT32_MAX;
	a.locked_until = INT64_MAX;
	a.dev[5].drift = 1000000000;
	assert_int_equal(record_format(&a, &text, &len), 0);
	assert_int_equal(record_parse(text, len, "full", &b, err,
	    sizeof(err)), 0);
	assert_true(records_equal(&a, &b));
	free(text);

	/* Only recovery codes, no device. */
	record_init(&a, "rc");
	snprintf(a.recovery[0], sizeof(a.recovery[0]), "only");
	a.nrecovery = 1;
	assert_int_equal(record_format(&a, &text, &len), 0);
	assert_string_equal(text, "awsmfa-record 1\nuser rc\nfailures 0\n"
	    "locked_until 0\nrecovery only\nend\n");
	assert_int_equal(record_parse(text, len, "rc", &b, err,
	    sizeof(err)), 0);
	assert_true(records_equal(&a, &b));
	free(text);
}

static void
test_format_refuses_invalid(void **state)
{
	struct mfa_record	 rec;
	char			*text = NULL;
	size_t			 len;

	(void)state;
#define REFUSE(mutation) do {						\
	sample_record(&rec, "alice");					\
	mutation;							\
	assert_int_equal(record_format(&rec, &text, &len),		\
	    MFA_ERR_INVALID);						\
} while (0)
	REFUSE(rec.user[0] = '\0');
	REFUSE(strcpy(rec.user, "a/b"));
	REFUSE(rec.ndevices = RECORD_MAX_DEVICES + 1);
	REFUSE(rec.nrecovery = RECORD_MAX_RECOVERY + 1);
	REFUSE(rec.dev[0].digits = 5);
	REFUSE(rec.dev[0].digits = 9);
	REFUSE(rec.dev[0].period = 0);
	REFUSE(rec.dev[0].period = 301);
	REFUSE(rec.dev[0].alg = (enum otp_alg)3);
	REFUSE(rec.dev[0].type = (enum device_type)2);
	REFUSE(rec.dev[0].status = (enum device_status)2);
	REFUSE(rec.dev[0].secret_len = 0);
	REFUSE(rec.dev[0].secret_len = OTP_SECRET_MAX + 1);
	REFUSE(strcpy(rec.dev[0].serial, "S1"));	/* virtual + serial */
	REFUSE(rec.dev[1].serial[0] = '\0');		/* hardware, none */
	REFUSE(rec.dev[0].enabled = 5);			/* pending */
	REFUSE(rec.dev[0].created = -1);
	REFUSE(rec.dev[0].drift = 1000000001);
	REFUSE(rec.dev[0].drift = INT64_MIN);
	REFUSE(strcpy(rec.dev[0].name, "bad name"));
	REFUSE(strcpy(rec.dev[1].name, "phone"));	/* duplicate */
	REFUSE(rec.locked_until = -1);
	REFUSE(strcpy(rec.recovery[0], "has space"));
	REFUSE(rec.recovery[1][0] = '\0');
	REFUSE(memset(rec.recovery[1], 'x', RECORD_HASH_MAX + 1));
#undef REFUSE
	assert_null(text);
	record_wipe(&rec);
}

static void
test_truncated_everywhere(void **state)
{
	struct mfa_record	 rec;
	char			*text, err[256];
	size_t			 len, cut;

	(void)state;
	format_sample(&rec, &text, &len);
	for (cut = 0; cut < len; cut++) {
		if (record_parse(text, cut, NULL, &rec, err,
		    sizeof(err)) == 0)
			fail_msg("record cut at %zu of %zu accepted", cut,
			    len);
		assert_int_equal(rec.ndevices, 0);
	}
	assert_int_equal(record_parse(text, len, NULL, &rec, err,
	    sizeof(err)), 0);
	free(text);
	record_wipe(&rec);
}

static const struct {
	const char	*from, *to, *why;
} mutations[] = {
	{ "awsmfa-record 1\n", "awsmfa-record 2\n", "unsupported format" },
	{ "awsmfa-record 1\n", "awsmfa-inventory 1\n", "not a record" },
	{ "awsmfa-record 1\n", "", "not a record" },
	{ "user alice\n", "user \n", "no value for \"user\"" },
	{ "user alice\n", "user .alice\n", "bad user name" },
	{ "failures 3\n", "failures 4294967296\n", "bad failures" },
	{ "failures 3\n", "failures -1\n", "bad failures" },
	{ "failures 3\n", "failures 03\n", "bad failures" },
	{ "failures 3\n", "failures +3\n", "bad failures" },
	{ "failures 3\n", "failures 3 \n", "bad failures" },
	{ "failures 3\n", "failures  3\n", "bad failures" },
	{ "failures 3\n", "failures 0x3\n", "bad failures" },
	{ "failures 3\n", "failures 18446744073709551616\n", "bad failures" },
	{ "failures 3\n", "", "missing key \"failures\"" },
	{ "failures 3\n", "failures 3\nfailures 3\n", "duplicate" },
	{ "locked_until 1700000999\n", "locked_until -5\n",
	    "bad locked_until" },
	{ "locked_until 1700000999\n", "locked_until 9223372036854775808\n",
	    "bad locked_until" },
	{ "device phone\n", "device my phone\n", "bad device name" },
	{ "device phone\n", "device \n", "bad device name" },
	{ "device phone\n", "device yubi.key-2@site+a:b_c\n",
	    "duplicate device name" },
	{ "type virtual\n", "type software\n", "bad type" },
	{ "type virtual\n", "type virtual\nserial X1\n", "duplicate" },
	{ "type hardware\nserial GALT1234567\n", "type hardware\n",
	    "missing key \"serial\"" },
	{ "serial GALT1234567\n", "serial GALT 1234567\n", "bad serial" },
	{ "algorithm SHA1\n", "algorithm sha1\n", "bad algorithm" },
	{ "algorithm SHA1\n", "algorithm MD5\n", "bad algorithm" },
	{ "digits 6\n", "digits 5\n", "bad digits" },
	{ "digits 6\n", "digits 9\n", "bad digits" },
	{ "digits 6\n", "digits 06\n", "bad digits" },
	{ "digits 6\n", "digits 6\ndigits 6\n", "duplicate" },
	{ "digits 6\n", "digits 6\ncolour blue\n", "unknown key \"colour\"" },
	{ "digits 6\n", "Digits 6\n", "unknown key \"Digits\"" },
	{ "period 30\n", "period 0\n", "bad period" },
	{ "period 30\n", "period 301\n", "bad period" },
	{ "period 30\n", "", "missing key \"period\"" },
	{ "secret ", "secret a", "bad secret" },
	{ "secret ", "secret =", "bad secret" },
	{ "secret ", "secret 1", "bad secret" },
	{ "status pending\n", "status enabled\n", "bad status" },
	{ "status pending\n", "status active\n", "" /* fine */ },
	{ "enabled 0\n", "enabled 1\n", "pending device with an enable" },
	{ "created 1700000000\n", "created -1\n", "bad created" },
	{ "last_step -\n", "last_step 18446744073709551615\n",
	    "bad last_step" },
	{ "last_step -\n", "last_step 18446744073709551616\n",
	    "bad last_step" },
	{ "last_step -\n", "last_step --\n", "bad last_step" },
	{ "last_step -\n", "last_step -1\n", "bad last_step" },
	{ "drift 0\n", "drift -0\n", "bad drift" },
	{ "drift 0\n", "drift 1000000001\n", "bad drift" },
	{ "drift 0\n", "drift -1000000001\n", "bad drift" },
	{ "drift 0\n", "drift 9223372036854775808\n", "bad drift" },
	{ "drift 0\n", "drift 0\nend\n", "data after \"end\"" },
	{ "drift 0\n", "", "missing key \"drift\" before \"device\"" },
	{ "recovery x\n", "recovery x y\n", "bad recovery hash" },
	{ "recovery x\n", "recovery x\ndevice late\n",
	    "device after recovery" },
	{ "recovery x\n", "recovery \n", "bad recovery hash" },
	{ "secret ", "secret:", "unknown key (expected \"secret\")" },
	{ "secret ", "secretx", "unknown key (expected \"secret\")" },
	{ "end\n", "end \n", "bad \"end\" line" },
	{ "drift 0\n", "drift 0\ndrift 0\n", "duplicate or misplaced key \"drift\"" },
	{ "recovery x\n", "recovery x\nbogus 1\n", "unknown key \"bogus\"" },
	{ "end\n", "", "unexpected end of data" },
	{ "end\n", "end", "no newline" },
	{ "end\n", "end\n\n", "data after \"end\"" },
	{ "end\n", "end\nend\n", "data after \"end\"" },
	{ "end\n", "end\nx", "data after \"end\"" },
	{ "user alice\n", "user alice\r\n", "control character 0x0d" },
	{ "digits 6\n", "digits\t6\n", "control character 0x09" },
	{ "user alice\n", "user al\x7fice\n", "control character 0x7f" },
};

static void
test_garbage(void **state)
{
	struct mfa_record	 rec;
	char			*text, *bad;
	size_t			 len, i;

	(void)state;
	format_sample(&rec, &text, &len);
	for (i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		bad = replace(text, mutations[i].from, mutations[i].to);
		if (mutations[i].why[0] == '\0') {
			char	 err[256];

			assert_int_equal(record_parse(bad, strlen(bad), NULL,
			    &rec, err, sizeof(err)), 0);
		} else
			expect_refused(bad, strlen(bad), mutations[i].why);
		free(bad);
	}
	free(text);
	record_wipe(&rec);
}

static void
test_garbage_bytes(void **state)
{
	struct mfa_record	 rec;
	char			*text, *bad, err[256];
	size_t			 len, i;

	(void)state;
	expect_refused("", 0, "unexpected end of data");
	expect_refused("\n", 1, "not a record");
	expect_refused("\xef\xbb\xbf" "awsmfa-record 1\n", 19, "not a record");
	format_sample(&rec, &text, &len);
	/* A NUL anywhere, even where a C string would end the text. */
	bad = malloc(len);
	assert_non_null(bad);
	for (i = 0; i < len; i += 37) {
		memcpy(bad, text, len);
		bad[i] = '\0';
		expect_refused(bad, len, "NUL byte");
	}
	free(bad);
	/* An overlong line. */
	bad = malloc(len + 1000);
	assert_non_null(bad);
	memcpy(bad, text, len - 4);
	memcpy(bad + len - 4, "recovery ", 9);
	memset(bad + len + 5, 'h', 600);
	memcpy(bad + len + 605, "\nend\n", 5);
	expect_refused(bad, len + 610, "longer than");
	free(bad);
	/* The record belongs to someone else. */
	assert_int_equal(record_parse(text, len, "bob", &rec, err,
	    sizeof(err)), MFA_ERR_CORRUPT);
	assert_non_null(strstr(err, "another user"));
	free(text);
	record_wipe(&rec);
}

/* The first secret line of the sample (20 bytes: 32 characters). */
static void
first_secret(const char *text, char *line, size_t size)
{
	const char	*s = strstr(text, "secret "), *e;

	assert_non_null(s);
	e = strchr(s, '\n');
	assert_true((size_t)(e - s) + 2 <= size);
	memcpy(line, s, (size_t)(e - s + 1));
	line[e - s + 1] = '\0';
	assert_int_equal(strlen(line), 7 + 32 + 1);
}

static void
secret_variant(const char *text, const char *line, const char *value,
    int ok)
{
	struct mfa_record	 rec;
	char			 repl[256], err[256], *bad;

	snprintf(repl, sizeof(repl), "secret %s\n", value);
	bad = replace(text, line, repl);
	if (ok)
		assert_int_equal(record_parse(bad, strlen(bad), NULL, &rec,
		    err, sizeof(err)), 0);
	else
		expect_refused(bad, strlen(bad), "bad secret");
	free(bad);
	record_wipe(&rec);
}

static void
test_secret_canonical(void **state)
{
	struct mfa_record	 rec;
	char			*text, line[160], v[160];
	size_t			 len, i;

	(void)state;
	format_sample(&rec, &text, &len);
	first_secret(text, line, sizeof(line));
	/* The value itself, lower case, with spaces, one short. */
	memcpy(v, line + 7, 32);
	v[32] = '\0';
	secret_variant(text, line, v, 1);
	for (i = 0; i < 32; i++)
		if (v[i] >= 'A' && v[i] <= 'Z')
			v[i] = (char)(v[i] + 32);
	secret_variant(text, line, v, 0);
	secret_variant(text, line, "AAAA AAAA", 0);
	memcpy(v, line + 7, 31);
	v[31] = '\0';
	secret_variant(text, line, v, 0);
	/* Padding is part of the canonical form. */
	secret_variant(text, line, "AA======", 1);
	secret_variant(text, line, "AA", 0);
	secret_variant(text, line, "AB======", 0);	/* trailing bits */
	secret_variant(text, line, "A", 0);
	secret_variant(text, line, "8AAAAAAA", 0);
	/* 64 bytes is the most, 65 is refused. */
	memset(v, 'A', 103);
	memcpy(v + 103, "=", 2);
	secret_variant(text, line, v, 1);
	memset(v, 'A', 104);
	v[104] = '\0';
	secret_variant(text, line, v, 0);
	free(text);
	record_wipe(&rec);
}

static void
test_too_many(void **state)
{
	struct mfa_record	 rec;
	char			*text, *bad, *p, dev[1200];
	size_t			 len, i, dlen;
	const char		*s, *e;

	(void)state;
	record_init(&rec, "many");
	for (i = 0; i < RECORD_MAX_DEVICES; i++)
		sample_device(&rec.dev[i], (unsigned)i, 1);
	rec.ndevices = RECORD_MAX_DEVICES;
	assert_int_equal(record_format(&rec, &text, &len), 0);
	/* Append a 33rd device, copied from the first with a new name. */
	s = strstr(text, "device d0\n");
	e = strstr(text, "device d1\n");
	dlen = (size_t)(e - s);
	memcpy(dev, "device d99\n", 11);
	memcpy(dev + 11, s + 10, dlen - 10);
	dev[dlen + 1] = '\0';
	bad = malloc(len + dlen + 2);
	assert_non_null(bad);
	memcpy(bad, text, len - 4);
	p = bad + len - 4;
	memcpy(p, dev, dlen + 1);
	memcpy(p + dlen + 1, "end\n", 5);
	expect_refused(bad, strlen(bad), "more than 32 devices");
	free(bad);
	free(text);

	record_init(&rec, "codes");
	for (i = 0; i < RECORD_MAX_RECOVERY; i++)
		strcpy(rec.recovery[i], "h");
	rec.nrecovery = RECORD_MAX_RECOVERY;
	assert_int_equal(record_format(&rec, &text, &len), 0);
	bad = replace(text, "end\n", "recovery h\nend\n");
	expect_refused(bad, strlen(bad), "more than 100 recovery");
	free(bad);
	free(text);
	record_wipe(&rec);
}

static void
test_find_and_active(void **state)
{
	struct mfa_record	 rec;

	(void)state;
	sample_record(&rec, "alice");
	assert_int_equal(record_find_device(&rec, "phone"), 0);
	assert_int_equal(record_find_device(&rec, "yubi.key-2@site+a:b_c"),
	    1);
	assert_int_equal(record_find_device(&rec, "GALT1234567"), 1);
	assert_int_equal(record_find_device(&rec, "nope"), -1);
	assert_int_equal(record_find_device(&rec, ""), -1);
	assert_int_equal(record_find_device(&rec, NULL), -1);
	assert_true(record_has_active(&rec));
	rec.dev[1].status = DEVICE_PENDING;
	rec.dev[2].status = DEVICE_PENDING;
	assert_false(record_has_active(&rec));
	rec.ndevices = 0;
	assert_false(record_has_active(&rec));
	record_wipe(&rec);
}

static void
test_wipe(void **state)
{
	struct mfa_record	 rec;
	static const unsigned char zero[OTP_SECRET_MAX];

	(void)state;
	sample_record(&rec, "alice");
	record_wipe(&rec);
	assert_memory_equal(rec.dev[2].secret, zero, sizeof(zero));
	assert_int_equal(rec.ndevices, 0);
	assert_string_equal(rec.user, "");
	record_init(&rec, "bob");
	assert_string_equal(rec.user, "bob");
	assert_int_equal(rec.ndevices, 0);
	assert_int_equal(rec.nrecovery, 0);
	assert_int_equal(rec.failures, 0);
	assert_int_equal(rec.locked_until, 0);
}

/* An HOTP device: "counter N" in place of "period N", round trip; and
 * the mixes a damaged or hand-edited record could hold are refused, as
 * an older module refuses the counter line itself. */
static void
test_hotp_fields(void **state)
{
	struct mfa_record	 rec, back;
	char			*text, *bad, err[256];
	size_t			 len;

	(void)state;
	sample_record(&rec, "alice");
	rec.dev[0].kind = OTP_HOTP;
	rec.dev[0].period = 0;
	rec.dev[0].counter = 41;
	rec.dev[0].last_step = RECORD_NO_STEP;
	rec.dev[0].drift = 0;
	assert_int_equal(record_format(&rec, &text, &len), 0);
	assert_non_null(strstr(text, "\ndigits 6\ncounter 41\nsecret "));
	assert_int_equal(record_parse(text, len, "alice", &back, err,
	    sizeof(err)), 0);
	assert_int_equal(back.dev[0].kind, OTP_HOTP);
	assert_int_equal(back.dev[0].counter, 41);
	assert_int_equal(back.dev[0].period, 0);
	assert_int_equal(back.dev[1].kind, OTP_TOTP);

	/* What a module from before HOTP sees: no period where it
	 * expects one. */
	bad = replace(text, "counter 41", "counter 4611686018427387905");
	expect_refused(bad, strlen(bad), "bad counter");
	free(bad);
	bad = replace(text, "counter 41\n", "counter 41\nperiod 30\n");
	expect_refused(bad, strlen(bad), "line");
	free(bad);
	free(text);

	/* Drift or a time step on a counter device is nonsense. */
	rec.dev[0].drift = 2;
	assert_int_equal(record_format(&rec, &text, &len), MFA_ERR_INVALID);
	rec.dev[0].drift = 0;
	rec.dev[0].last_step = 5;
	assert_int_equal(record_format(&rec, &text, &len), MFA_ERR_INVALID);
	rec.dev[0].last_step = RECORD_NO_STEP;
	rec.dev[0].period = 30;
	assert_int_equal(record_format(&rec, &text, &len), MFA_ERR_INVALID);
	record_wipe(&rec);
	record_wipe(&back);
}

static void
test_inventory_round_trip(void **state)
{
	struct inventory	 a, b;
	char			*text, *again, err[256];
	size_t			 len, len2;

	(void)state;
	sample_inventory(&a);
	assert_int_equal(a.n, 5);
	assert_int_equal(inventory_format(&a, &text, &len), 0);
	assert_int_equal(inventory_parse(text, len, &b, err, sizeof(err)), 0);
	assert_true(inventories_equal(&a, &b));
	assert_int_equal(inventory_format(&b, &again, &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(text, again, len);
	assert_non_null(strstr(text, "awsmfa-inventory 1\ntoken TOK0000\n"
	    "algorithm SHA1\ndigits 6\nperiod 30\nsecret "));
	assert_non_null(strstr(text, "user -\ntoken TOK0001\n"));
	assert_non_null(strstr(text, "user user1\n"));
	assert_non_null(inventory_find(&b, "TOK0003"));
	assert_string_equal(inventory_find(&b, "TOK0003")->user, "user3");
	assert_null(inventory_find(&b, "TOK9"));
	free(text);
	free(again);
	inventory_free(&b);

	/* Empty. */
	inventory_init(&b);
	assert_int_equal(inventory_format(&b, &text, &len), 0);
	assert_string_equal(text, "awsmfa-inventory 1\nend\n");
	assert_int_equal(inventory_parse(text, len, &b, err, sizeof(err)), 0);
	assert_int_equal(b.n, 0);
	free(text);
	inventory_free(&a);
	inventory_free(&b);
}

static void
test_inventory_add(void **state)
{
	struct inventory	 inv;
	struct hw_token		 t;
	char			*text;
	size_t			 len, i;

	(void)state;
	sample_inventory(&inv);
	t = inv.tok[0];
	assert_int_equal(inventory_add(&inv, &t), MFA_ERR_EXISTS);
	strcpy(t.serial, "bad serial");
	assert_int_equal(inventory_add(&inv, &t), MFA_ERR_INVALID);
	strcpy(t.serial, "NEW");
	t.digits = 9;
	assert_int_equal(inventory_add(&inv, &t), MFA_ERR_INVALID);
	t.digits = 6;
	strcpy(t.user, "-");
	assert_int_equal(inventory_add(&inv, &t), MFA_ERR_INVALID);
	strcpy(t.user, "a/b");
	assert_int_equal(inventory_add(&inv, &t), MFA_ERR_INVALID);
	t.user[0] = '\0';
	assert_int_equal(inventory_add(&inv, &t), 0);
	assert_int_equal(inv.n, 6);
	/* Growth past the first block keeps every token. */
	for (i = 0; i < 100; i++) {
		snprintf(t.serial, sizeof(t.serial), "G%zu", i);
		assert_int_equal(inventory_add(&inv, &t), 0);
	}
	assert_non_null(inventory_find(&inv, "TOK0004"));
	assert_non_null(inventory_find(&inv, "G99"));
	/* A user called "-" would read back as unassigned. */
	strcpy(inv.tok[0].user, "-");
	assert_int_equal(inventory_format(&inv, &text, &len),
	    MFA_ERR_INVALID);
	inventory_free(&inv);
	assert_int_equal(inv.n, 0);
	assert_null(inv.tok);
}

static const struct {
	const char	*from, *to, *why;
} inv_mutations[] = {
	{ "awsmfa-inventory 1\n", "awsmfa-inventory 9\n",
	    "unsupported format" },
	{ "awsmfa-inventory 1\n", "awsmfa-record 1\n", "not a inventory" },
	{ "token TOK0000\n", "token TOK0001\n", "duplicate token" },
	{ "token TOK0000\n", "token TOK 0\n", "bad token serial" },
	{ "token TOK0000\n", "serial TOK0000\n", "unknown key" },
	{ "digits 6\n", "digits 10\n", "bad digits" },
	{ "digits 6\n", "", "missing key \"digits\"" },
	{ "digits 6\n", "digits 6\ndigits 6\n", "duplicate" },
	{ "period 30\n", "period 99999999999999999999\n", "bad period" },
	{ "algorithm SHA1\n", "algorithm SHA384\n", "bad algorithm" },
	{ "user -\n", "user x/../y\n", "bad user name" },
	{ "user -\n", "user a..b\n", "" },
	{ "user -\n", "user .x\n", "bad user name" },
	{ "user -\n", "user \n", "no value" },
	{ "user -\n", "", "missing key \"user\"" },
	{ "user -\n", "user -\nuser -\n", "duplicate" },
	{ "end\n", "", "unexpected end of data" },
	{ "end\n", "end\n\n", "data after" },
	{ "end\n", "end\r\n", "control character" },
};

static void
test_inventory_refused(void **state)
{
	struct inventory	 inv;
	char			*text, *bad, err[256];
	size_t			 len, i;
	int			 r;

	(void)state;
	sample_inventory(&inv);
	assert_int_equal(inventory_format(&inv, &text, &len), 0);
	inventory_free(&inv);
	for (len = 0; len < strlen(text); len++) {
		if (inventory_parse(text, len, &inv, err, sizeof(err)) == 0)
			fail_msg("inventory cut at %zu accepted", len);
		assert_int_equal(inv.n, 0);
	}
	for (i = 0; i < sizeof(inv_mutations) / sizeof(inv_mutations[0]);
	    i++) {
		bad = replace(text, inv_mutations[i].from, inv_mutations[i].to);
		err[0] = '\0';
		r = inventory_parse(bad, strlen(bad), &inv, err, sizeof(err));
		if (inv_mutations[i].why[0] == '\0')
			assert_int_equal(r, 0);
		else if (r == 0 || strstr(err, inv_mutations[i].why) == NULL)
			fail_msg("mutation %zu: r=%d err=\"%s\"", i, r, err);
		inventory_free(&inv);
		free(bad);
	}
	bad = strdup(text);
	bad[30] = '\0';
	assert_int_equal(inventory_parse(bad, strlen(text), &inv, err,
	    sizeof(err)), MFA_ERR_CORRUPT);
	assert_non_null(strstr(err, "NUL byte"));
	free(bad);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_username_ok),
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_full),
		cmocka_unit_test(test_format_refuses_invalid),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_garbage_bytes),
		cmocka_unit_test(test_secret_canonical),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_find_and_active),
		cmocka_unit_test(test_wipe),
		cmocka_unit_test(test_hotp_fields),
		cmocka_unit_test(test_inventory_round_trip),
		cmocka_unit_test(test_inventory_add),
		cmocka_unit_test(test_inventory_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
