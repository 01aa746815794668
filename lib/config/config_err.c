/* SPDX-License-Identifier: BSD-2-Clause */
/* The messages of awsmfa.conf's readers, "FILE:LINE: key 'NAME': why",
 * in one place that the key table (config.c), the fleet keys
 * (config_db.c) and the libconfig 1.5 guard (config_guard.c) share
 * without calling one another. */
#include <stdarg.h>
#include <stdio.h>

#include <libconfig.h>

#include "config_keys.h"
#include "mfaerr.h"

int
config_err(const struct ctx *ctx, unsigned line, const char *fmt, ...)
{
	char	reason[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (line == 0)
		return mfa_fail(ctx->err, ctx->errlen, MFA_ERR_CONFIG, "%s: %s",
		    ctx->name, reason);
	return mfa_fail(ctx->err, ctx->errlen, MFA_ERR_CONFIG, "%s:%u: %s",
	    ctx->name, line, reason);
}

int
key_err(const struct ctx *ctx, const char *key, unsigned line,
    const char *fmt, ...)
{
	char	reason[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return config_err(ctx, line, "key '%s': %s", key, reason);
}

int
setting_err(const struct ctx *ctx, const config_setting_t *s,
    const char *reason)
{
	return key_err(ctx, config_setting_name(s),
	    config_setting_source_line(s), "%s", reason);
}

const char *
string_value(const config_setting_t *s, const struct ctx *ctx)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		setting_err(ctx, s, "expected a string");
		return NULL;
	}
	return config_setting_get_string(s);
}
