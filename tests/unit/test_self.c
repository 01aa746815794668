/* SPDX-License-Identifier: BSD-2-Clause */
/* Self-service in lib/: its config keys, the proof table
 * (lib/selfpolicy) and the request parser (lib/selfproto). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "selfpolicy.h"
#include "selfproto.h"

static char err[MFA_ERRLEN];

static void
test_keys(void **state)
{
	struct awsmfa_config	cfg;

	(void)state;
	assert_int_equal(config_parse_text("self_service = false;\n"
	    "self_enrol_without_invitation = true;\n", "t.conf", &cfg, err,
	    sizeof(err)), MFA_OK);
	assert_int_equal(cfg.self_service, 0);
	assert_int_equal(cfg.self_enrol_without_invitation, 1);
	config_free(&cfg);
	/* A switch is true or false, never a number that looks like one. */
	assert_int_equal(config_parse_text("self_service = 0;\n", "t.conf",
	    &cfg, err, sizeof(err)), MFA_ERR_CONFIG);
	assert_non_null(strstr(err, "t.conf:1"));
	assert_non_null(strstr(err, "true or false"));
	config_free(&cfg);
}

/* The table of awsmfa-self(8), row by row. */
static void
test_proofs(void **state)
{
	static const struct {
		enum self_verb	verb;
		unsigned	nactive;
		int		invited, without;
		enum self_proof	want;
	} t[] = {
		{ SELF_LIST, 0, 0, 0, PROOF_NONE },
		{ SELF_CREATE, 0, 0, 0, PROOF_REFUSED },
		{ SELF_CREATE, 0, 1, 0, PROOF_PASSWORD_CODE },
		{ SELF_CREATE, 0, 0, 1, PROOF_PASSWORD },
		{ SELF_CREATE, 1, 0, 1, PROOF_PASSWORD_CODE },
		{ SELF_ENABLE, 0, 0, 0, PROOF_REFUSED },
		{ SELF_ENABLE, 2, 0, 0, PROOF_PASSWORD_CODE },
		{ SELF_RESYNC, 0, 0, 1, PROOF_REFUSED },
		{ SELF_RESYNC, 1, 0, 0, PROOF_PASSWORD },
		{ SELF_DEACTIVATE, 1, 0, 0, PROOF_PASSWORD_CODE },
		{ SELF_DEACTIVATE, 0, 0, 0, PROOF_REFUSED },
		{ SELF_RECOVERY, 0, 0, 1, PROOF_REFUSED },
		{ SELF_RECOVERY, 1, 0, 0, PROOF_PASSWORD_CODE },
	};
	struct awsmfa_config	 cfg;
	const char		*why;
	size_t			 i;

	(void)state;
	config_defaults(&cfg);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cfg.self_enrol_without_invitation = t[i].without;
		assert_int_equal(self_proof_for(&cfg, t[i].verb, t[i].nactive,
		    t[i].invited, &why), t[i].want);
		assert_true((why != NULL) == (t[i].want == PROOF_REFUSED));
	}
	cfg.self_service = 0;
	assert_int_equal(self_proof_for(&cfg, SELF_LIST, 1, 0, &why),
	    PROOF_REFUSED);
	cfg.self_service = 1;
	cfg.store = STORE_KIND_POSTGRESQL;
	assert_int_equal(self_proof_for(&cfg, SELF_LIST, 1, 0, &why),
	    PROOF_REFUSED);
	assert_true(self_is_last(SELF_DEACTIVATE, 1, 1));
	assert_false(self_is_last(SELF_DEACTIVATE, 1, 0));
	assert_false(self_is_last(SELF_DEACTIVATE, 2, 1));
}

#define REQ(s)	(s), sizeof(s) - 1

static void
test_request(void **state)
{
	static const struct {
		const char	*buf;
		size_t		 len;
	} bad[] = {
		{ REQ("") },
		{ REQ("verb=list") },			/* not ended */
		{ REQ("device=x\0verb=create\0") },	/* verb not first */
		{ REQ("verb=import-tokens\0") },
		{ REQ("verb=list\0device=x\0") },	/* not list's */
		{ REQ("verb=create\0device=a\0device=b\0") },
		{ REQ("verb=create\0user=alice\0") },
		{ REQ("verb=create\0device=\0") },
		{ REQ("verb=create\0device=a b\0") },
		{ REQ("verb=create\0device=\xc3\xa9\0") },
		{ REQ("verb=create\0device\0") },
		{ REQ("verb=create\0\0") },
	};
	struct self_request	req;
	char			buf[SELFPROTO_MAX], big[200];
	size_t			i, len;

	(void)state;
	assert_int_equal(selfproto_parse_request(REQ("verb=enable\0"
	    "device=phone\0code1=123456\0code2=654321\0"), &req, err,
	    sizeof(err)), MFA_OK);
	assert_int_equal(req.verb, SELF_ENABLE);
	assert_string_equal(req.device, "phone");
	assert_string_equal(req.code2, "654321");
	assert_int_equal(selfproto_build_request(&req, buf, sizeof(buf), &len,
	    err, sizeof(err)), MFA_OK);
	assert_int_equal(len, sizeof("verb=enable\0device=phone\0code1=123456"
	    "\0code2=654321\0") - 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(selfproto_parse_request(bad[i].buf,
		    bad[i].len, &req, err, sizeof(err)), MFA_ERR_INVALID);
		assert_non_null(strstr(err, "request"));
		assert_null(strchr(err, '\n'));
	}
	memcpy(big, "verb=create\0device=", 19);
	memset(big + 19, 'a', SELFREQ_FIELD_MAX + 1);
	big[19 + SELFREQ_FIELD_MAX + 1] = '\0';
	assert_int_equal(selfproto_parse_request(big, 19 +
	    SELFREQ_FIELD_MAX + 2, &req, err, sizeof(err)), MFA_ERR_INVALID);
}

static void
test_header(void **state)
{
	const unsigned char	ok[] = { 'Q', 0x10, 0x00 };
	const unsigned char	over[] = { 'Q', 0x10, 0x01 };
	uint8_t			type;
	size_t			len;

	(void)state;
	assert_int_equal(selfproto_header(ok, &type, &len), 0);
	assert_int_equal(len, SELFPROTO_MAX);
	assert_int_equal(selfproto_header(over, &type, &len), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_proofs),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
