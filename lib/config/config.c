/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * awsmfa.conf: a libconfig file (read by config_file.c, guarded against
 * libconfig 1.5's defects by config_guard.c), validated key by key
 * against one table.  Anything unexpected is an error: the module fails
 * closed rather than run with a setting nobody meant.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "config.h"
#include "config_keys.h"

#define DEFAULT_ISSUER	"pam_awsmfa"
#define GROUP_NAME_MAX	256

static int	parse_uint(const struct key *, const config_setting_t *,
		    struct awsmfa_config *, const struct ctx *);
static int	parse_store_dir(const struct key *, const config_setting_t *,
		    struct awsmfa_config *, const struct ctx *);
static int	parse_issuer(const struct key *, const config_setting_t *,
		    struct awsmfa_config *, const struct ctx *);
static int	parse_algorithm(const struct key *, const config_setting_t *,
		    struct awsmfa_config *, const struct ctx *);
static int	parse_groups(const struct key *, const config_setting_t *,
		    struct awsmfa_config *, const struct ctx *);

#define UINT_KEY(field, lo, hi) \
	{ #field, parse_uint, offsetof(struct awsmfa_config, field), lo, hi }

static const struct key keys[] = {
	{ "store_dir", parse_store_dir, 0, 0, 0 },
	{ "issuer", parse_issuer, 0, 0, 0 },
	UINT_KEY(digits, OTP_MIN_DIGITS, OTP_MAX_DIGITS),
	UINT_KEY(period, OTP_MIN_PERIOD, OTP_MAX_PERIOD),
	{ "algorithm", parse_algorithm, 0, 0, 0 },
	UINT_KEY(window, 0, 10),
	UINT_KEY(resync_window, 1, 1000),
	UINT_KEY(hotp_look_ahead, 1, 100),
	UINT_KEY(max_devices, 1, CONFIG_HARD_MAX_DEVICES),
	UINT_KEY(max_failures, 1, 1000),
	UINT_KEY(lockout_seconds, 0, 86400),
	UINT_KEY(recovery_codes, 1, 100),
	{ "require_groups", parse_groups, 0, 0, 0 },
	{ "store", config_parse_store, 0, 0, 0 },
	{ "db_conninfo", config_parse_conninfo,
	    offsetof(struct awsmfa_config, db_conninfo), 0, 0 },
	{ "db_admin_conninfo", config_parse_conninfo,
	    offsetof(struct awsmfa_config, db_admin_conninfo), 0, 0 },
	{ "db_self_conninfo", config_parse_conninfo,
	    offsetof(struct awsmfa_config, db_self_conninfo), 0, 0 },
	UINT_KEY(db_timeout, 1, 60),
	UINT_KEY(host_failures_per_minute, 1, 1000000),
	{ "db_break_glass", config_parse_break_glass, 0, 0, 0 },
	{ "self_service", config_parse_bool,
	    offsetof(struct awsmfa_config, self_service), 0, 0 },
	{ "self_enrol_without_invitation", config_parse_bool,
	    offsetof(struct awsmfa_config, self_enrol_without_invitation), 0,
	    0 },
};

static const struct key *
find_key(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

int
config_int_range(const char *name, long long *min, long long *max)
{
	const struct key	*k = find_key(name);

	if (k == NULL || k->parse != parse_uint)
		return 0;
	*min = k->min;
	*max = k->max;
	return 1;
}

/* ':' separates issuer and user in an otpauth:// label. */
static int
issuer_ok(const char *s)
{
	const unsigned char	*p;

	if (*s == '\0')
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p == ':' || *p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * Authenticator apps list accounts by issuer, so a user with logins on
 * several machines tells them apart only if each machine names itself.
 */
static void
default_issuer(char *buf, size_t len)
{
	char	host[HOST_NAME_MAX + 1];

	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		if (issuer_ok(host) && strlen(host) < len) {
			memcpy(buf, host, strlen(host) + 1);
			return;
		}
	}
	snprintf(buf, len, "%s", DEFAULT_ISSUER);
}

void
config_defaults(struct awsmfa_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->store_dir, sizeof(cfg->store_dir), "%s",
	    AWSMFA_DEFAULT_STORE);
	default_issuer(cfg->issuer, sizeof(cfg->issuer));
	cfg->digits = 6;
	cfg->period = 30;
	cfg->algorithm = OTP_SHA1;
	cfg->window = 1;
	cfg->resync_window = 60;
	cfg->hotp_look_ahead = 10;
	cfg->max_devices = 8;
	cfg->max_failures = 5;
	cfg->lockout_seconds = 300;
	cfg->recovery_codes = 10;
	cfg->ngroups = 0;
	cfg->store = STORE_KIND_FILE;
	cfg->db_timeout = 5;
	cfg->host_failures_per_minute = 100;
	cfg->self_service = 1;
	cfg->self_enrol_without_invitation = 0;
}

void
config_free(struct awsmfa_config *cfg)
{
	size_t	i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->ngroups && i < CONFIG_MAX_GROUPS; i++) {
		free(cfg->require_groups[i]);
		cfg->require_groups[i] = NULL;
	}
	cfg->ngroups = 0;
}

int
config_requires_group(const struct awsmfa_config *cfg, const char *group)
{
	size_t	i;

	if (cfg == NULL || group == NULL)
		return 0;
	for (i = 0; i < cfg->ngroups; i++)
		if (strcmp(cfg->require_groups[i], group) == 0)
			return 1;
	return 0;
}

static int
parse_uint(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	long long	v;
	int		type = config_setting_type(s);

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return setting_err(ctx, s, "expected an integer");
	v = config_setting_get_int64(s);
	if (v < k->min || v > k->max)
		return key_err(ctx, k->name, config_setting_source_line(s),
		    "%lld is out of range %lld..%lld", v, k->min, k->max);
	*(unsigned *)(void *)((char *)cfg + k->off) = (unsigned)v;
	return MFA_OK;
}

static int
parse_store_dir(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	const char	*v;

	(void)k;
	if ((v = string_value(s, ctx)) == NULL)
		return MFA_ERR_CONFIG;
	if (v[0] != '/')
		return setting_err(ctx, s, "must be an absolute path");
	if (strlen(v) >= sizeof(cfg->store_dir))
		return setting_err(ctx, s, "path too long");
	memcpy(cfg->store_dir, v, strlen(v) + 1);
	return MFA_OK;
}

static int
parse_issuer(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	const char	*v;

	(void)k;
	if ((v = string_value(s, ctx)) == NULL)
		return MFA_ERR_CONFIG;
	if (*v == '\0')
		return setting_err(ctx, s, "must not be empty");
	if (strlen(v) >= sizeof(cfg->issuer))
		return key_err(ctx, "issuer", config_setting_source_line(s),
		    "longer than %zu bytes", sizeof(cfg->issuer) - 1);
	if (!issuer_ok(v))
		return setting_err(ctx, s,
		    "must not contain ':' or control characters");
	memcpy(cfg->issuer, v, strlen(v) + 1);
	return MFA_OK;
}

static int
parse_algorithm(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	const char	*v;

	(void)k;
	if ((v = string_value(s, ctx)) == NULL)
		return MFA_ERR_CONFIG;
	if (otp_alg_parse(v, &cfg->algorithm) == -1)
		return setting_err(ctx, s, "must be SHA1, SHA256 or SHA512");
	return MFA_OK;
}

static int
add_group(const config_setting_t *list, int i, struct awsmfa_config *cfg,
    const struct ctx *ctx)
{
	const config_setting_t *e = config_setting_get_elem(list, i);
	const char *name = config_setting_name(list);
	unsigned line = config_setting_source_line(e);
	const char *v;

	if (config_setting_type(e) != CONFIG_TYPE_STRING)
		return key_err(ctx, name, line, "element %d is not a string",
		    i + 1);
	v = config_setting_get_string(e);
	if (*v == '\0')
		return key_err(ctx, name, line, "element %d is empty", i + 1);
	if (strlen(v) >= GROUP_NAME_MAX)
		return key_err(ctx, name, line, "element %d is too long",
		    i + 1);
	if ((cfg->require_groups[cfg->ngroups] = strdup(v)) == NULL)
		return key_err(ctx, name, line, "out of memory");
	cfg->ngroups++;
	return MFA_OK;
}

static int
parse_groups(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	int	type = config_setting_type(s);
	int	i, n;

	(void)k;
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return setting_err(ctx, s,
		    "expected an array or list of strings");
	n = config_setting_length(s);
	if (n > CONFIG_MAX_GROUPS)
		return key_err(ctx, config_setting_name(s),
		    config_setting_source_line(s), "more than %d groups",
		    CONFIG_MAX_GROUPS);
	for (i = 0; i < n; i++)
		if (add_group(s, i, cfg, ctx) != MFA_OK)
			return MFA_ERR_CONFIG;
	return MFA_OK;
}

static int
apply_settings(const config_setting_t *root, struct awsmfa_config *cfg,
    const struct ctx *ctx)
{
	const config_setting_t	*s;
	const struct key	*k;
	int			 i, n = config_setting_length(root);

	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(root, i);
		if ((k = find_key(config_setting_name(s))) == NULL)
			return setting_err(ctx, s, "unknown key");
		if (k->parse(k, s, cfg, ctx) != MFA_OK)
			return MFA_ERR_CONFIG;
	}
	return MFA_OK;
}

/*
 * libconfig's @include opens any path named in the text, outside the
 * ownership checks this file went through, so it is refused wherever the
 * word appears (it can only be meant as a directive or in a comment).
 */
static int
refuse_include(const char *text, const struct ctx *ctx)
{
	const char *at = strcasestr(text, "@include");
	const char *p;
	unsigned line = 1;

	if (at == NULL)
		return MFA_OK;
	for (p = text; p < at; p++)
		if (*p == '\n')
			line++;
	return config_err(ctx, line, "@include is not allowed");
}

static int
syntax_err(const config_t *lc, const struct ctx *ctx)
{
	const char	*text = config_error_text(lc);

	if (text == NULL || strcmp(text, "syntax error") == 0)
		return mfa_fail(ctx->err, ctx->errlen, MFA_ERR_CONFIG,
		    "%s:%d: syntax error", ctx->name, config_error_line(lc));
	return mfa_fail(ctx->err, ctx->errlen, MFA_ERR_CONFIG,
	    "%s:%d: syntax error: %s", ctx->name, config_error_line(lc),
	    text);
}

int
config_parse_text(const char *text, const char *name,
    struct awsmfa_config *cfg, char *err, size_t errlen)
{
	struct ctx	ctx = { name != NULL ? name : "(config)", err, errlen,
			    config_int_range };
	config_t	lc;
	int		r;

	config_defaults(cfg);
	snprintf(cfg->source, sizeof(cfg->source), "%s", ctx.name);
	seterr(err, errlen, "%s", "");
	if (text == NULL)
		return config_err(&ctx, 0, "no text");
	if ((r = refuse_include(text, &ctx)) != MFA_OK ||
	    (r = config_guard_before(text, &ctx)) != MFA_OK)
		return r;
	config_init(&lc);
	if (config_read_string(&lc, text) != CONFIG_TRUE)
		r = syntax_err(&lc, &ctx);
	else if ((r = config_guard_after(text, &ctx)) == MFA_OK)
		r = apply_settings(config_root_setting(&lc), cfg, &ctx);
	config_destroy(&lc);
	if (r != MFA_OK) {
		config_free(cfg);
		config_defaults(cfg);
	}
	return r;
}
