/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/answer, lib/nodevice and lib/hint: the shape of what was typed,
 * the rule for a user without a device and what a refusal tells the
 * person at the prompt, decided where they are made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "answer.h"
#include "config.h"
#include "hint.h"
#include "nodevice.h"

#define D6	(1U << 6)
#define D7	(1U << 7)
#define D8	(1U << 8)

/* The cut never depends on which code is right, only on the lengths the
 * user's devices have: the shortest that the answer ends in. */
static void
test_split(void **state)
{
	static const struct {
		const char	*in;
		unsigned	 mask;
		size_t		 cut;
	} t[] = {
		{ "secret123456", D6, 6 },
		{ "secret12345678", D6, 8 },		/* 6 wins over 8 */
		{ "secret12345678", D6 | D8, 8 },
		{ "secret12345678", D8, 6 },
		{ "secret1234567", D8, 13 },		/* too short for 8 */
		{ "12345", D6, 5 },			/* no room for a code */
		{ "123456", D6, 0 },			/* the code alone */
		{ "pw-with-digits", D6, 14 },		/* no code: whole */
		{ "secret123456", 0, 12 },		/* no device */
		{ "secretabcd-efgh-jkmn", D6, 6 },	/* recovery code */
		{ "abcd-efgh-jkmn", D6, 0 },
		{ "secret1234-5678-9012", D7, 20 },	/* not base32 */
		{ "secret2345-6723-4567", D6, 6 },
		{ "secret", D6 | D7 | D8, 6 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(answer_split(t[i].in, t[i].mask), t[i].cut);
}

static void
test_recovery_tail(void **state)
{
	size_t	pl = 99;

	(void)state;
	assert_int_equal(answer_recovery_tail("pwabcd-efgh-jkmn", &pl), 0);
	assert_int_equal(pl, 2);
	assert_int_equal(answer_recovery_tail("abcd-efgh-jkm", &pl), -1);
	assert_int_equal(answer_recovery_tail("abcdefghijklmn", &pl), -1);
	assert_int_equal(answer_recovery_tail("", &pl), -1);
}

/* try_first_pass tests only what has the shape of a code of the user's
 * lengths, or of a recovery code: the password of the module before
 * never burns a failure. */
static void
test_could_be_code(void **state)
{
	(void)state;
	assert_true(answer_could_be_code("123456", D6));
	assert_true(answer_could_be_code(" 123456\n", D6));
	assert_false(answer_could_be_code("123 456", D6));
	assert_false(answer_could_be_code("123456", D8));
	assert_true(answer_could_be_code("12345678", D6 | D8));
	assert_false(answer_could_be_code("hunter2", D6 | D8));
	assert_false(answer_could_be_code("1234567", D6 | D8));
	assert_false(answer_could_be_code("", D6));
	assert_true(answer_could_be_code("abcd-efgh-jkmn", D6));
	assert_false(answer_could_be_code("123456", 0));
}

/* nullok lets the others decide, unless require_groups names a group of
 * the account; a refusal asks the code first unless it was asked. */
static void
test_nodevice(void **state)
{
	struct awsmfa_config	 cfg;
	const char		*why;
	char			 root[] = "root";

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(nodevice_decide(&cfg, "root", 1, 0, &why),
	    NODEVICE_IGNORE);
	assert_string_equal(why, "no active device");
	assert_int_equal(nodevice_decide(&cfg, "root", 0, 0, &why),
	    NODEVICE_ASK_REFUSE);
	assert_int_equal(nodevice_decide(&cfg, "root", 0, 1, &why),
	    NODEVICE_REFUSE);
	cfg.require_groups[0] = root;
	cfg.ngroups = 1;
	assert_int_equal(nodevice_decide(&cfg, "root", 1, 0, &why),
	    NODEVICE_ASK_REFUSE);
	assert_string_equal(why, "no active device (required group)");
	assert_int_equal(nodevice_decide(&cfg, "root", 1, 1, &why),
	    NODEVICE_REFUSE);
	/* Unknown to NSS: in no group, so nullok applies. */
	assert_int_equal(nodevice_decide(&cfg, "no-such-user-awsmfa", 1, 0,
	    &why), NODEVICE_IGNORE);
	cfg.ngroups = 0;
}

/* A hint for a used code and for a lock, none for a wrong code; the
 * lock's end in local time, or "later" when the store keeps it. */
static void
test_hint(void **state)
{
	struct verify_outcome	o;
	char			buf[128];
	int64_t			now = 1800000000;

	(void)state;
	assert_int_equal(setenv("TZ", "UTC", 1), 0);
	tzset();
	memset(&o, 0, sizeof(o));
	o.result = VERIFY_REUSED;
	assert_int_equal(login_hint(&o, now, buf, sizeof(buf)), 1);
	assert_string_equal(buf,
	    "This code was already used; wait for the next one.");
	o.result = VERIFY_LOCKED;
	o.locked_until = now + 300;	/* 08:05 UTC */
	assert_int_equal(login_hint(&o, now, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "Account temporarily locked until 08:05.");
	o.locked_until = 0;
	assert_int_equal(login_hint(&o, now, buf, sizeof(buf)), 1);
	assert_string_equal(buf,
	    "Account temporarily locked; try again later.");
	o.result = VERIFY_BAD;
	assert_int_equal(login_hint(&o, now, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	o.locked_until = now + 300;	/* this refusal set the lock */
	assert_int_equal(login_hint(&o, now, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "Account temporarily locked until 08:05.");
	o.result = VERIFY_MALFORMED;
	assert_int_equal(login_hint(&o, now, buf, sizeof(buf)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_hint),
		cmocka_unit_test(test_recovery_tail),
		cmocka_unit_test(test_could_be_code),
		cmocka_unit_test(test_nodevice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
