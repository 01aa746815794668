/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/answer and lib/nodevice: the shape of what was typed and the rule
 * for a user without a device, decided where they are made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "answer.h"
#include "config.h"
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_recovery_tail),
		cmocka_unit_test(test_could_be_code),
		cmocka_unit_test(test_nodevice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
